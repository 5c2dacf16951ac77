"""Issue 20 (8): cached results of DDE / external-link formulas are not values; a file with
nothing to import says so and fails (it used to say "与本机已有的完全相同", exit 0)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.forms.loader import FormPack
from ecodesk.importing.errors import NoValuesFound
from ecodesk.services.import_previous import preview_import
from ecodesk.services.sample import sample_profile
from ecodesk.store import Store
from ecodesk.submission import Period
from tests.importing.makers import COUNTY, field_where, set_cached_values

THIS_YEAR = Period(2026)
EXTERNAL = "=[1]Sheet1!$A$1"
DDE = "=cmd|'/c calc'!A0"


def _fill(template: Path, out: Path, cells: dict[str, object]) -> tuple[Path, dict[str, str]]:
    """Put ``cells`` (field key → value or formula) into 宁都县's column; returns the file and
    the coordinates of the formula cells."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "指标代码")
    column = next(
        c for c in range(1, ws.max_column + 1) if COUNTY in str(ws.cell(header, c).value or "")
    )
    where: dict[str, str] = {}
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row, 1).value
        if key in cells:
            ws.cell(row, column).value = cells[key]
            where[key] = ws.cell(row, column).coordinate
    wb.save(out)
    return out, where


def _two_fields(pack: FormPack) -> tuple[str, str, str]:
    """Three number fields every county fills."""
    keys: list[str] = []
    for _ in range(3):
        keys.append(field_where(pack, lambda f: f.type == "number" and f.key not in keys).key)
    return keys[0], keys[1], keys[2]


def _store(data_dir: Path, pack: FormPack) -> Store:
    store = Store.open(data_dir)
    store.save_profile(sample_profile(pack, COUNTY))
    return store


def test_external_link_and_dde_results_are_not_taken(
    blank_template: Path, pack: FormPack, tmp_path: Path, data_dir: Path
) -> None:
    ext_key, dde_key, plain_key = _two_fields(pack)
    out, where = _fill(
        blank_template, tmp_path / "linked.xlsx", {ext_key: EXTERNAL, dde_key: DDE, plain_key: 7}
    )
    set_cached_values(out, "xl/worksheets/sheet1.xml", {where[ext_key]: "123", where[dde_key]: "5"})
    with _store(data_dir, pack) as store:
        preview = preview_import(store, out, period=THIS_YEAR)
    assert {i.key: i.new for i in preview.items} == {plain_key: "7"}
    reasons = " ".join(u.reason for u in preview.unmatched)
    assert reasons.count("外部链接或 DDE") == 2


def test_only_linked_values_is_no_values(
    blank_template: Path, pack: FormPack, tmp_path: Path, data_dir: Path
) -> None:
    ext_key, dde_key, _ = _two_fields(pack)
    out, where = _fill(blank_template, tmp_path / "linked.xlsx", {ext_key: EXTERNAL, dde_key: DDE})
    set_cached_values(out, "xl/worksheets/sheet1.xml", {where[ext_key]: "123", where[dde_key]: "5"})
    with _store(data_dir, pack) as store, pytest.raises(NoValuesFound) as caught:
        preview_import(store, out, period=THIS_YEAR)
    assert "外部链接或 DDE" in str(caught.value)


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_empty_template_fails_and_says_why(
    blank_template: Path,
    pack: FormPack,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    dry_run: bool,
) -> None:
    with _store(data_dir, pack) as store:
        before = (store.baseline(Period(2025)), len(store.audit_log(limit=10_000)))
    args = ["--data-dir", str(data_dir), "import-previous", str(blank_template), "--yes"]
    code = main(args + (["--dry-run"] if dry_run else []))
    out, err = capsys.readouterr()
    assert code == 2
    assert "没有找到本单位可以导入的数值" in err
    assert "完全相同" not in out + err
    with Store.open(data_dir) as store:
        assert (store.baseline(Period(2025)), len(store.audit_log(limit=10_000))) == before
