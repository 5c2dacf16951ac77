"""The consolidated workbook, written to disk and read back as a reader would."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ecodesk.consolidation.build import build_summary
from ecodesk.consolidation.model import FileNote
from ecodesk.consolidation.writer import (
    COVER_SHEET,
    FILES_SHEET,
    MATRIX_SHEET,
    TABLE_SHEET,
    UNBACKED_SHEET,
    WARNINGS_SHEET,
    SummaryWriteError,
    write_summary_workbook,
)
from ecodesk.demo import sample_submission
from ecodesk.storage import StorageError
from ecodesk.submission import AcceptedWarning
from tests.consolidation.helpers import PERIOD, ratio_with_target, summed_number
from tests.libreoffice import convert

COUNTIES = ["360730", "360731", "360732"]


@pytest.fixture(scope="module")
def summary(pack):  # type: ignore[no-untyped-def]
    form, ind = summed_number(pack)
    rform, rind = ratio_with_target(pack)
    subs = []
    for i, code in enumerate(COUNTIES):
        data = sample_submission(pack, code, PERIOD)
        data.values[f"{form}:{ind.code}"] = ["10", "20.5", "=SUM(1,2)"][
            i
        ]  # last: junk that looks like a formula
        data.previous[f"{form}:{ind.code}"] = ["8", "20", "1"][i]
        data.values[f"{rform}:{rind.code}.num"] = ["90", "1", "30"][i]
        data.values[f"{rform}:{rind.code}.den"] = ["100", "10", "40"][i]
        subs.append(data)
    subs[1].accepted.append(
        AcceptedWarning(
            problem_id=f"yoy:{form}:{ind.code}",
            form=form,
            field=f"{form}:{ind.code}",
            message="与上年相比变化超过50%",
            explanation="+新项目投产，口径调整",
        )
    )
    files = [
        FileNote("宁都.xlsx", "used", "宁都县生态文明办", "2025", 1, "签名有效"),
        FileNote("伪造.xlsx", "refused", "于都县生态文明办", "2025", 1, "文件内容被改动过"),
    ]
    return build_summary(pack, subs, PERIOD, files=files)


@pytest.fixture(scope="module")
def written(summary, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return write_summary_workbook(summary, tmp_path_factory.mktemp("out") / "汇总.xlsx")


def _rows(ws) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _row_starting(ws, col: int, text: str) -> list[object]:  # type: ignore[no-untyped-def]
    for row in ws.iter_rows(values_only=True):
        if row[col] == text:
            return list(row)
    raise AssertionError(f"no row with {text!r} in column {col} of {ws.title}")


def test_sheets_in_order(written: Path, summary) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[:3] == [TABLE_SHEET, COVER_SHEET, MATRIX_SHEET]
    assert wb.active.title == TABLE_SHEET  # the workbook opens on the one table
    assert wb.sheetnames[-3:] == [WARNINGS_SHEET, UNBACKED_SHEET, FILES_SHEET]
    assert len(wb.sheetnames) == 6 + len(summary.indicators)
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_indicator_sheet_lists_every_unit_and_the_total_by_hand(
    written: Path, summary, pack
) -> None:  # type: ignore[no-untyped-def]
    form, ind = summed_number(pack)
    wb = openpyxl.load_workbook(written)
    ws = next(wb[n] for n in wb.sheetnames if n.startswith(f"{form} {ind.name}"[:20]))
    names = {data.unit.division_name for data in summary.submissions}  # counties: named by county
    listed = {row[1] for row in ws.iter_rows(values_only=True) if row[1] in names}
    assert listed == names
    total = _row_starting(ws, 1, "合计")
    assert Decimal(str(total[2])) == Decimal(
        "30.5"
    )  # 10 + 20.5; the formula-like text is not a number
    # the junk stays visible as text, never as a live formula
    junk = [c for row in ws.iter_rows() for c in row if c.value == "=SUM(1,2)"]
    assert junk and junk[0].data_type == "s"


def test_ratio_sheet_total_is_ratio_of_sums(written: Path, pack) -> None:
    form, ind = ratio_with_target(pack)
    wb = openpyxl.load_workbook(written)
    ws = next(wb[n] for n in wb.sheetnames if n.startswith(f"{form} {ind.name}"[:20]))
    total = _row_starting(ws, 1, "合计")
    assert total[3] == 121 and total[4] == 150  # 90+1+30, 100+10+40
    assert float(total[2]) == pytest.approx(121 / 150 * 100)


def test_key_indicators_have_native_charts(written: Path, summary) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(written) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        chart_xml = z.read(charts[0]).decode("utf-8")
    keyed = [s for s in summary.indicators if s.is_key and any(r.value is not None for r in s.rows)]
    assert keyed and len(charts) == len(keyed)
    assert "<barChart>" in chart_xml and '<barDir val="bar"' in chart_xml


def test_completeness_matrix_names_units_and_missing_divisions(
    written: Path, summary, pack
) -> None:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(written)[MATRIX_SHEET]
    rows = _rows(ws)
    codes = [r[0] for r in rows[3:]]
    # three counties sent workbooks, so every other division of the catalog shows as not received
    assert len(codes) == len(pack.catalog.divisions)
    silent = _row_starting(
        ws, 0, next(d.code for d in pack.catalog.divisions if d.code not in COUNTIES)
    )
    assert silent[2] == "未收到" and set(silent[3:]) == {"未报"}
    warned = _row_starting(ws, 0, COUNTIES[1])
    form, _ = summed_number(pack)
    assert warned[3 + list(pack.forms).index(form)] == "已报（有已说明的提示）"
    assert ws.freeze_panes == "D4"


def test_warnings_and_files_sheets(written: Path) -> None:
    wb = openpyxl.load_workbook(written)
    warnings = _rows(wb[WARNINGS_SHEET])
    row = next(r for r in warnings if r[4] and "口径调整" in str(r[4]))
    assert row[4] == "+新项目投产，口径调整"
    assert wb[WARNINGS_SHEET]["E4"].data_type == "s"
    files = _rows(wb[FILES_SHEET])
    assert files[3][0] == "伪造.xlsx" and files[3][4] == "拒收" and "改动" in files[3][5]


def test_cover_links_to_indicator_sheets_and_prints_on_a4(written: Path, pack) -> None:
    form, ind = summed_number(pack)
    ws = openpyxl.load_workbook(written)[COVER_SHEET]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == ind.name)
    assert cell.hyperlink is not None and cell.hyperlink.location
    total = ws.cell(row=cell.row, column=6).value
    assert Decimal(str(total)) == Decimal("30.5")
    assert int(ws.page_setup.paperSize) == 9  # A4 in the OOXML paper-size table
    assert ws.page_setup.orientation == "landscape"


def test_refuses_a_missing_folder_and_a_wrong_suffix(summary, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SummaryWriteError, match="不存在"):
        write_summary_workbook(summary, tmp_path / "no" / "汇总.xlsx")
    with pytest.raises(SummaryWriteError, match=r"\.xlsx"):
        write_summary_workbook(summary, tmp_path / "汇总.csv")


def test_a_failed_save_keeps_the_previous_file(summary, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"previous summary")

    def full_disk(self, filename):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    with pytest.raises(StorageError, match="磁盘空间已满"):
        write_summary_workbook(summary, out)
    assert out.read_bytes() == b"previous summary"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_libreoffice_opens_it(summary, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a second, independent reader; three indicator sheets keep the conversion short
    from dataclasses import replace

    small = replace(summary, indicators=[s for s in summary.indicators if s.is_key][:3])
    copy = write_summary_workbook(small, tmp_path / "summary.xlsx")
    pdf = convert(copy, "pdf", tmp_path)
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) >= 5  # cover, matrix, three indicators, warnings, files
    assert "汇总表" in reader.pages[0].extract_text()


def test_first_sheet_is_one_table_of_indicators_by_unit_with_numbers_as_numbers(
    written: Path, summary, pack
) -> None:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(written)[TABLE_SHEET]
    header = _rows(ws)[3]
    assert header[:3] == ["表单", "指标", "计量单位"] and header[-1] == "合计"
    units = header[3:-1]
    assert set(units) == {data.unit.division_name for data in summary.submissions}
    form, ind = summed_number(pack)
    row = next(r for r in ws.iter_rows(min_row=5) if r[1].value == ind.name)
    numbers = [c for c in row[3:] if c.value is not None and c.value != "=SUM(1,2)"]
    assert numbers and all(c.data_type == "n" for c in numbers)
    assert Decimal(str(row[-1].value)) == Decimal("30.5")
    # one row per numeric indicator, none of them text-only
    listed = [r[1] for r in _rows(ws)[4:]]
    expected = [s.name for s in summary.indicators if s.kind not in ("grade", "milestone", "text")]
    assert listed == expected
    ratio_form, ratio = ratio_with_target(pack)
    ratio_row = next(r for r in ws.iter_rows(min_row=5) if r[1].value == ratio.name)
    assert float(ratio_row[-1].value) == pytest.approx(121 / 150 * 100)


def test_cover_counts_are_number_cells(written: Path) -> None:
    ws = openpyxl.load_workbook(written)[COVER_SHEET]
    counts = {row[0].value: row[1] for row in ws.iter_rows(min_row=3, max_row=9) if row[0].value}
    for label in ("汇总单位数", "未报送单位数", "采用文件数", "拒收文件数"):
        assert counts[label].data_type == "n" and isinstance(counts[label].value, int), label
