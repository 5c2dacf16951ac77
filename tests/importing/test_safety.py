"""Hostile and broken files are refused with a Chinese sentence before anything is unpacked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from ecodesk.importing import safety
from ecodesk.importing.errors import (
    ImportFileDamaged,
    ImportFileMissing,
    ImportRefused,
    NotAnExcelFile,
    OldExcelFormat,
    PasswordProtected,
    SuspiciousFile,
)
from ecodesk.importing.safety import check_import_file, open_for_import
from tests.importing import makers

CJK = re.compile(r"[\u4e00-\u9fff]")


def _refused(exc: pytest.ExceptionInfo[ImportRefused]) -> str:
    message = str(exc.value)
    assert CJK.search(message) and "Traceback" not in message
    assert "没有任何改动" in message
    return message


def test_a_sound_template_opens_with_values_and_formulas(blank_template: Path) -> None:
    opened = open_for_import(blank_template)
    assert opened.values.sheetnames == opened.formulas.sheetnames


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileMissing) as exc:
        check_import_file(tmp_path / "没有这个文件.xlsx")
    assert "找不到文件" in _refused(exc)


def test_text_file_is_not_excel(tmp_path: Path) -> None:
    path = tmp_path / "上年数据.xlsx"
    path.write_text("指标,数值\n森林覆盖率,76.5\n", encoding="utf-8")
    with pytest.raises(NotAnExcelFile) as exc:
        check_import_file(path)
    assert ".xlsx" in _refused(exc)


def test_zip_without_workbook_is_not_excel(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(NotAnExcelFile):
        check_import_file(path)


def test_password_protected_file_says_how_to_remove_the_password(tmp_path: Path) -> None:
    with pytest.raises(PasswordProtected) as exc:
        check_import_file(makers.fake_encrypted(tmp_path / "加密.xlsx"))
    assert "密码" in _refused(exc)


def test_old_xls_asks_to_save_as_xlsx(tmp_path: Path) -> None:
    with pytest.raises(OldExcelFormat) as exc:
        check_import_file(makers.fake_xls(tmp_path / "旧格式.xlsx"))
    assert "另存为" in _refused(exc)


def test_truncated_zip_is_damaged(blank_template: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFileDamaged) as exc:
        open_for_import(makers.truncated(blank_template, tmp_path / "半截.xlsx"))
    assert "损坏" in _refused(exc)


def test_zip_bomb_refused_from_the_directory_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = makers.zip_bomb(tmp_path / "bomb.xlsx")
    # Proof that nothing is unpacked: reading any member would fail the test.
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a member was unpacked")
    )
    with pytest.raises(SuspiciousFile) as exc:
        check_import_file(bomb)
    assert "压缩" in _refused(exc)


def test_absurd_declared_size_refused(blank_template: Path, tmp_path: Path) -> None:
    with pytest.raises(SuspiciousFile) as exc:
        check_import_file(makers.declared_huge(blank_template, tmp_path / "huge.xlsx"))
    assert "MB" in _refused(exc)


def test_too_many_members_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for n in range(safety.wb_safety.MAX_MEMBERS + 1):
            zf.writestr(f"xl/media/{n}.bin", b"")
    with pytest.raises(SuspiciousFile):
        check_import_file(path)


def test_entity_bomb_refused(blank_template: Path, tmp_path: Path) -> None:
    with pytest.raises(SuspiciousFile) as exc:
        open_for_import(makers.entity_bomb(blank_template, tmp_path / "lol.xlsx"))
    assert "XML" in _refused(exc)


def test_entity_bomb_refused_by_the_parser_too(
    blank_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the prolog scan, defusedxml under openpyxl still refuses it: two independent lines."""
    monkeypatch.setattr(safety, "_refuse_dtds", lambda path: None)
    with pytest.raises(SuspiciousFile):
        open_for_import(makers.entity_bomb(blank_template, tmp_path / "lol.xlsx"))


def test_broken_sheet_xml_is_damaged(blank_template: Path, tmp_path: Path) -> None:
    bad = makers.replace_part(
        blank_template, tmp_path / "bad.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData>"
    )
    with pytest.raises(ImportFileDamaged):
        open_for_import(bad)
