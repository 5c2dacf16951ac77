from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodesk.signing.canonical import canonical_text, canonical_value
from ecodesk.workbook.reader import read_signed_workbook
from ecodesk.workbook.safety import NotAWorkbook, WorkbookDamaged, WorkbookMissing
from tests.workbook.helpers import new_key, submission, write


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return new_key(tmp_path_factory.mktemp("reader"))[1]


def test_round_trip_gives_back_the_submission(pack, key, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = submission(pack, forms=("G", "1.1"))
    data.supersedes = None
    write(pack, data, tmp_path / "a.xlsx", key)
    back = read_signed_workbook(tmp_path / "a.xlsx")
    assert back.signature_valid() and back.mismatches == []
    got = back.data
    assert got is not None
    assert got.unit == data.unit and got.period == data.period and got.revision == data.revision
    assert got.forms == data.forms and got.pack_version == data.pack_version
    assert got.values == {
        k: canonical_value(pack, k, v) for k, v in data.values.items() if v.strip()
    }
    assert got.narratives == {k: canonical_text(v) for k, v in data.narratives.items() if v.strip()}
    assert [len(rows) for rows in got.tables.values()] == [
        len(rows) for rows in data.tables.values()
    ]
    assert got.rows("1.1", "projects")[0]["name"] == data.rows("1.1", "projects")[0]["name"]
    assert back.fingerprint == key.fingerprint and back.public_key == key.public_key


# Any text a clerk can paste: CJK, emoji, spaces at the ends, line breaks, control characters.
clerk_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60
).filter(lambda t: canonical_text(t).strip() != "")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=clerk_text)
def test_any_narrative_text_survives_and_verifies(pack, key, tmp_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    data = submission(pack)
    data.narratives["1.1:problems"] = text
    path = tmp_path / "t.xlsx"
    write(pack, data, path, key)
    back = read_signed_workbook(path)
    assert back.signature_valid() and back.mismatches == []
    assert back.data is not None and back.data.narratives["1.1:problems"] == canonical_text(text)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookMissing) as exc:
        read_signed_workbook(tmp_path / "nope.xlsx")
    assert "找不到文件" in str(exc.value)


def test_not_a_zip_is_not_ecodesk(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    with pytest.raises(NotAWorkbook) as exc:
        read_signed_workbook(path)
    assert "不是 Excel .xlsx 文件" in str(exc.value)


def test_old_xls_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(NotAWorkbook) as exc:
        read_signed_workbook(path)
    assert ".xls" in str(exc.value)


def test_plain_workbook_is_not_ecodesk(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "普通表格"
    wb.save(tmp_path / "plain.xlsx")
    with pytest.raises(NotAWorkbook) as exc:
        read_signed_workbook(tmp_path / "plain.xlsx")
    assert "不是 EcoDesk" in str(exc.value)


def test_truncated_workbook_is_damaged(pack, key, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.xlsx"
    write(pack, submission(pack), path, key)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(WorkbookDamaged) as exc:
        read_signed_workbook(path)
    assert "已损坏" in str(exc.value)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        # 300 MB of zeros compresses to ~300 KB: refused from the declared size alone.
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(WorkbookDamaged) as exc:
        read_signed_workbook(path)
    assert "解压后体积异常" in str(exc.value)
