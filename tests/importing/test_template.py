"""The blank 上年基数表: one row per input field, a column per division, readable and re-readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ecodesk.forms.schema import ProvincialIndicator, RatioIndicator, TextIndicator
from ecodesk.importing.template import CODE_HEADER, FIRST_DIVISION_COLUMN, HEADER_ROW, SHEET_TITLE
from tests.libreoffice import convert


def _sheet(path: Path):  # type: ignore[no-untyped-def]
    return load_workbook(path)[SHEET_TITLE]


def test_every_figure_of_the_pack_has_exactly_one_row(blank_template: Path, pack) -> None:  # type: ignore[no-untyped-def]
    ws = _sheet(blank_template)
    assert ws.cell(HEADER_ROW, 1).value == CODE_HEADER
    codes = [ws.cell(r, 1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert len(codes) == len(set(codes))
    for form in pack.forms.values():
        for ind in form.indicators:
            keys = {f"{form.code}:{ind.code}"}
            if isinstance(ind, RatioIndicator):
                keys = {f"{form.code}:{ind.code}.num", f"{form.code}:{ind.code}.den"}
            elif isinstance(ind, ProvincialIndicator):
                keys = {f"{form.code}:{ind.code}.target", f"{form.code}:{ind.code}.actual"}
            if isinstance(ind, TextIndicator):
                assert not keys & set(codes), "free text is not a figure"
            else:
                assert keys <= set(codes), ind.code


def test_one_column_per_division_and_frozen_labels(blank_template: Path, pack) -> None:  # type: ignore[no-untyped-def]
    ws = _sheet(blank_template)
    headers = [
        ws.cell(HEADER_ROW, c).value for c in range(FIRST_DIVISION_COLUMN, ws.max_column + 1)
    ]
    assert headers == [f"{d.code} {d.name}" for d in pack.catalog.divisions]
    assert ws.freeze_panes == ws.cell(HEADER_ROW + 1, FIRST_DIVISION_COLUMN).coordinate
    assert ws.cell(2, 2).value == 2025
    assert "2025" in ws.cell(1, 1).value


def test_cells_of_divisions_that_do_not_report_are_grey(blank_template: Path, pack) -> None:  # type: ignore[no-untyped-def]
    ws = _sheet(blank_template)
    columns = {d.code: c for c, d in enumerate(pack.catalog.divisions, start=FIRST_DIVISION_COLUMN)}
    checked = 0
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        form, _, code = ws.cell(row, 1).value.partition(":")
        ind = pack.indicator(form, code.split(".")[0])
        if not ind.only_for:
            continue
        for division, col in columns.items():
            grey = ws.cell(row, col).fill.fgColor.rgb.endswith("BFBFBF")
            assert grey == (division not in ind.only_for)
        checked += 1
    assert checked, "the pack has place-specific indicators"


def test_libreoffice_reads_the_template(blank_template: Path, tmp_path: Path) -> None:
    """A second, independent reader: the file converts to PDF headless."""
    pdf = convert(blank_template, "pdf", tmp_path)
    assert pdf.stat().st_size > 10_000


def test_cli_writes_the_template(tmp_path: Path) -> None:
    from ecodesk.cli import main

    out = tmp_path / "基数表.xlsx"
    assert main(["template", "baseline", "--out", str(out), "--year", "2025"]) == 0
    assert _sheet(out).cell(2, 2).value == 2025


def test_cli_refuses_a_wrong_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ecodesk.cli import main

    assert main(["template", "baseline", "--out", str(tmp_path / "基数表.xls")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "基数表.xls").exists()


def test_choice_rows_offer_their_choices_as_a_list(blank_template: Path, pack) -> None:  # type: ignore[no-untyped-def]
    ws = _sheet(blank_template)
    lists = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            lists[rng.min_row] = dv.formula1.strip('"').split(",")
    checked = 0
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        field = pack.input_field(ws.cell(row, 1).value)
        if field.type == "choice":
            assert lists[row] == list(field.choices)
            checked += 1
        else:
            assert row not in lists
    assert checked
