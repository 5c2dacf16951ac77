"""Duplicates are decided by the signed data's digest; two different signed files claiming the
same unit, period and revision are a conflict, whatever order they are given in; a unit code the
catalog does not know enters the summary only with a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.consolidation.writer import COVER_SHEET, FILES_SHEET
from ecodesk.demo import sample_submission
from ecodesk.services.consolidate import consolidate, write_summary
from tests.consolidation.helpers import PERIOD, restrict_forms, write_signed


@pytest.fixture(scope="module")
def files(pack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("conflicts")
    registry, keys = root / "registry", root / "keys"
    out: dict[str, Path] = {"registry": registry}

    def make(code: str, name: str, change: str = "", unit_code: str | None = None) -> Path:
        data = restrict_forms(pack, sample_submission(pack, code, PERIOD), ["G", "1.1"])
        if change:
            key = next(k for k in data.values if k.startswith("1.1:"))
            data.values[key] = change
        if unit_code:
            data.unit = data.unit.__class__(**{**data.unit.__dict__, "division_code": unit_code})
        return write_signed(pack, data, root / name, keys, registry)

    out["first"] = make("360730", "宁都-第1版.xlsx")
    out["other"] = make(
        "360730", "宁都-第1版-另一份.xlsx", change="77"
    )  # same revision, other data
    out["county"] = make("360731", "于都.xlsx")
    out["unknown"] = make("360731", "未知单位.xlsx", unit_code="369999")
    return out


def _inbox(tmp_path: Path, *paths: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in paths:
        shutil.copy(p, inbox / p.name)
    return inbox


@pytest.mark.parametrize("order", ["as named", "reversed"])
def test_two_different_signed_files_of_one_revision_are_a_conflict(
    files: dict[str, Path], order: str
) -> None:
    paths = [files["first"], files["other"], files["county"]]
    if order == "reversed":
        paths.reverse()
    result = consolidate(paths, files["registry"])
    statuses = {r.path.name: r.status for r in result.received}
    assert statuses == {
        "宁都-第1版.xlsx": "conflict",
        "宁都-第1版-另一份.xlsx": "conflict",
        "于都.xlsx": "used",
    }
    assert [s.unit.division_code for s in result.summary.submissions] == ["360731"]
    for r in result.conflicts:
        assert "版本冲突" in r.reason and "签名数据却不同" in r.reason
        other = next(o for o in result.conflicts if o is not r)
        assert other.path.name in r.reason and other.digest[:12] in r.reason


def test_a_copy_of_the_same_signed_data_is_a_duplicate(
    files: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "宁都-副本.xlsx"
    shutil.copy(files["first"], copy)
    openpyxl.load_workbook(copy).save(copy)  # re-saved: other bytes, the same signed data
    result = consolidate([files["first"], copy], files["registry"])
    assert [r.status for r in result.received] == ["used", "duplicate"]
    assert "同一份签名数据" in result.received[1].reason
    assert not result.conflicts


def test_the_command_reports_the_conflict_and_exits_non_zero(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path, files["first"], files["other"], files["county"])
    out = tmp_path / "summary.xlsx"
    code = main(["consolidate", "--keys", str(files["registry"]), "-o", str(out), str(inbox)])
    printed = capsys.readouterr().out
    assert code == 1
    assert "[版本冲突，未汇总] 宁都-第1版.xlsx" in printed
    assert "[版本冲突，未汇总] 宁都-第1版-另一份.xlsx" in printed
    assert "有 2 个文件版本冲突" in printed
    wb = openpyxl.load_workbook(out)
    ws = wb[FILES_SHEET]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=4) if row[0].value and row[4].value}
    for name in ("宁都-第1版.xlsx", "宁都-第1版-另一份.xlsx"):
        status = rows[name][4]
        assert status.value == "版本冲突，未汇总"
        assert status.font.color.rgb.endswith("C00000") and status.font.b
        assert rows[name][5].font.color.rgb.endswith("C00000")
    cover = wb[COVER_SHEET]
    assert any(
        "版本冲突" in str(c.value) for row in cover.iter_rows(max_row=15) for c in row if c.value
    )


def test_a_unit_code_outside_the_catalog_is_used_with_a_warning(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = consolidate([files["unknown"], files["county"]], files["registry"])
    unknown = next(r for r in result.received if r.path.name == "未知单位.xlsx")
    assert unknown.status == "used"
    assert "369999 不在表单目录中" in unknown.warning
    assert "369999 不在表单目录中" in unknown.note().reason
    summary = tmp_path / "summary.xlsx"
    write_summary(result, summary)
    notes = [
        row[5].value
        for row in openpyxl.load_workbook(summary)[FILES_SHEET].iter_rows(min_row=4)
        if row[0].value == "未知单位.xlsx"
    ]
    assert notes and "369999 不在表单目录中" in notes[0]

    inbox = _inbox(tmp_path, files["unknown"])
    code = main(
        [
            "consolidate",
            "--keys",
            str(files["registry"]),
            "-o",
            str(tmp_path / "s2.xlsx"),
            str(inbox),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "[注意] 未知单位.xlsx：行政区划代码 369999 不在表单目录中" in printed
