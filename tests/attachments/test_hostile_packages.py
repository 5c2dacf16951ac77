"""Hostile packages built from a real signed one: each refused or reported by name, nothing
written anywhere (the command-line side of the same files is in tests/test_hostile_inputs.py)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ecodesk.services.consolidate import consolidate
from ecodesk.services.verify import verify_workbook
from tests.attachments.conftest import Exported
from tests.attachments.files import make_elf, make_exe

Member = tuple[zipfile.ZipInfo | str, bytes]


def _copy_with(src: Path, dst: Path, extra: list[Member], drop: str = "") -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if drop and info.filename.startswith(drop):
                continue
            zout.writestr(info, zin.read(info))
        for info, body in extra:
            zout.writestr(info, body)
    return dst


def _symlink(name: str, target: str) -> Member:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info, target.encode()


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


REFUSED: dict[str, tuple[Callable[[], list[Member]], str]] = {
    "traversal": (lambda: [("附件/../../escaped.pdf", b"%PDF-1.4")], "含“..”"),
    "backslash traversal": (lambda: [("附件\\..\\..\\escaped.pdf", b"%PDF-1.4")], "含“..”"),
    "absolute": (lambda: [("/tmp/ecodesk-escaped.pdf", b"%PDF-1.4")], "绝对路径"),
    "drive letter": (lambda: [("C:/Windows/escaped.pdf", b"%PDF-1.4")], "绝对路径"),
    "symlink": (lambda: [_symlink("附件/link.pdf", "/etc/passwd")], "符号链接"),
    "duplicate": (
        lambda: [("附件/1.1 推动传统产业改造升级 - 验收报告.PDF", b"%PDF-1.4 other")],
        "两个同名的文件",
    ),
    "second workbook": (lambda: [("另一份.xlsx", b"PK")], "一个报送包只应有一个"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_unsafe_package_is_refused_as_a_whole(
    exported: Exported, tmp_path: Path, case: str
) -> None:
    make, says = REFUSED[case]
    bad = _copy_with(exported.package, tmp_path / "bad.zip", make())
    before = _files_under(tmp_path.parent)
    result = verify_workbook(bad, exported.registry)
    assert result.status == "damaged"
    assert result.message.startswith("报送包 bad.zip 已拒收：")
    assert says in result.message
    assert _files_under(tmp_path.parent) == before
    assert not Path("/tmp/ecodesk-escaped.pdf").exists()


def test_a_zip_bomb_is_refused_from_its_directory(exported: Exported, tmp_path: Path) -> None:
    bad = _copy_with(exported.package, tmp_path / "bomb.zip", [])
    with zipfile.ZipFile(bad, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("附件/bomb.pdf", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(b"\0" * 2**20)
    assert bad.stat().st_size < 2 * 2**20
    result = verify_workbook(bad, exported.registry)
    assert result.status == "damaged"
    assert "压缩炸弹" in result.message and "bomb.pdf" in result.message


def test_no_workbook_and_no_zip(exported: Exported, tmp_path: Path) -> None:
    only_files = _copy_with(exported.package, tmp_path / "a.zip", [], drop="宁都县.xlsx")
    assert "包中没有签名报表" in verify_workbook(only_files, exported.registry).message
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    assert "文件是空的（0 字节）" in verify_workbook(empty, exported.registry).message
    text = tmp_path / "text.zip"
    text.write_bytes(b"not a zip at all" * 10)
    assert "压缩结构损坏" in verify_workbook(text, exported.registry).message


@pytest.mark.parametrize("maker", [make_exe, make_elf])
def test_an_executable_named_pdf_in_place_of_a_signed_file(
    exported: Exported, tmp_path: Path, maker: Callable[[Path], Path]
) -> None:
    exe = maker(tmp_path / "x").read_bytes()
    name = "附件/1.1 推动传统产业改造升级 - 验收报告.pdf"
    bad = _copy_with(exported.package, tmp_path / "bad.zip", [(name, exe)], drop=name)
    result = verify_workbook(bad, exported.registry)
    assert result.status == "attachments_bad"
    check = result.attachments.checks[0]  # type: ignore[union-attr]
    assert (check.file.name, check.status) == ("验收报告.pdf", "altered")


def test_zero_byte_files(exported: Exported, tmp_path: Path) -> None:
    name = "附件/1.1 工业技术改造投资额 - 现场照片.jpg"
    bad = _copy_with(
        exported.package, tmp_path / "bad.zip", [(name, b""), ("附件/空.pdf", b"")], drop=name
    )
    result = verify_workbook(bad, exported.registry)
    assert result.status == "attachments_bad"
    by_name = {c.file.name: c for c in result.attachments.checks}  # type: ignore[union-attr]
    assert by_name["现场照片.jpg"].status == "altered"
    assert "现在 0 字节" in by_name["现场照片.jpg"].detail
    assert result.attachments.extras == ["附件/空.pdf"]  # type: ignore[union-attr]


def test_consolidation_sets_an_unsafe_package_aside_and_goes_on(
    exported: Exported, tmp_path: Path
) -> None:
    received = tmp_path / "received"
    received.mkdir()
    _copy_with(exported.package, received / "good.zip", [])
    _copy_with(exported.package, received / "evil.zip", [("附件/../../x.pdf", b"%PDF")])
    before = _files_under(tmp_path)
    done = consolidate([received], exported.registry)
    assert [r.path.name for r in done.used] == ["good.zip"]
    (evil,) = [r for r in done.received if r.path.name == "evil.zip"]
    assert evil.status == "refused" and "含“..”" in evil.reason
    assert _files_under(tmp_path) == before
