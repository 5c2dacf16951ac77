"""The package end to end: export → verify → consolidate; every file checked by name."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from ecodesk.attachments.package import FOLDER, extract_attachment
from ecodesk.services.verify import verify_workbook
from tests.attachments.conftest import Exported
from tests.attachments.files import make_exe


def _rezip(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Copy a package member by member; ``change(name, data)`` returns new bytes or None to drop."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)


def _member(package: Path, prefix: str) -> str:
    with zipfile.ZipFile(package) as zf:
        return next(n for n in zf.namelist() if n.startswith(f"{FOLDER}/{prefix}"))


def test_the_package_holds_the_workbook_and_named_files(exported: Exported) -> None:
    assert exported.package.name == "宁都县.zip"
    assert not exported.package.with_suffix(".xlsx").exists()  # the package instead, said so
    with zipfile.ZipFile(exported.package) as zf:
        names = zf.namelist()
        assert names[0] == "宁都县.xlsx"
        assert names[1:] == [
            "附件/1.1 推动传统产业改造升级 - 验收报告.pdf",
            "附件/1.1 工业技术改造投资额 - 现场照片.jpg",
            "附件/1.1 重点技术改造项目第1行 - 会议纪要.docx",
        ]
        assert zf.read(names[1]) == exported.files["验收报告.pdf"]
        assert all(zf.getinfo(n).flag_bits & 0x800 for n in names[1:])  # UTF-8 names


def test_a_package_verifies_with_every_file(exported: Exported) -> None:
    result = verify_workbook(exported.package, exported.registry)
    assert result.status == "valid", result.message
    assert result.attachments is not None and result.attachments.ok
    assert [c.file.name for c in result.attachments.checks] == [
        "验收报告.pdf",
        "现场照片.jpg",
        "会议纪要.docx",
    ]
    assert [(c.file.key, c.file.note) for c in result.attachments.checks] == [
        ("1.1", "项目验收报告"),
        ("1.1:tech_invest", "现场照片"),
        ("1.1:projects#1", "会议纪要"),
    ]
    assert "3 个附件与签名一致" in " ".join(result.details)


def test_the_workbook_alone_verifies_and_reports_its_files_missing(
    exported: Exported, tmp_path: Path
) -> None:
    with zipfile.ZipFile(exported.package) as zf:
        alone = tmp_path / "宁都县.xlsx"
        alone.write_bytes(zf.read("宁都县.xlsx"))
    result = verify_workbook(alone, exported.registry)
    assert result.status == "attachments_bad"
    assert result.severity == "warning" and not result.ok
    assert result.workbook is not None  # the data are trusted
    assert [c.status for c in result.attachments.checks] == ["missing"] * 3  # type: ignore[union-attr]
    assert "缺少附件“验收报告.pdf”" in result.details[0]


def test_a_swapped_and_a_removed_file_are_named(exported: Exported, tmp_path: Path) -> None:
    photo = _member(exported.package, "1.1 工业技术改造投资额")
    doc = _member(exported.package, "1.1 重点技术改造项目")
    bad = tmp_path / "bad.zip"
    other = (tmp_path / "x.jpg").write_bytes(b"\xff\xd8\xff" + b"another photo" * 10)
    assert other
    _rezip(
        exported.package,
        bad,
        lambda name, data: (
            (tmp_path / "x.jpg").read_bytes() if name == photo else (None if name == doc else data)
        ),
    )
    result = verify_workbook(bad, exported.registry)
    assert result.status == "attachments_bad"
    by_name = {c.file.name: c for c in result.attachments.checks}  # type: ignore[union-attr]
    assert by_name["验收报告.pdf"].status == "ok"
    assert by_name["现场照片.jpg"].status == "altered"
    assert by_name["会议纪要.docx"].status == "missing"
    text = "\n".join(result.details)
    assert "附件“现场照片.jpg”（1.1 工业技术改造投资额）与签名时不同" in text
    assert "缺少附件“会议纪要.docx”" in text


def test_an_extra_file_and_an_executable_in_place_of_a_pdf(
    exported: Exported, tmp_path: Path
) -> None:
    pdf = _member(exported.package, "1.1 推动传统产业改造升级")
    exe = make_exe(tmp_path / "evil.pdf").read_bytes()
    bad = tmp_path / "bad.zip"

    def change(name: str, data: bytes) -> bytes:
        return exe if name == pdf else data

    _rezip(exported.package, bad, change)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("附件/补充说明.pdf", b"%PDF-1.4 not signed")
    result = verify_workbook(bad, exported.registry)
    assert result.status == "attachments_bad"
    assert result.attachments.extras == ["附件/补充说明.pdf"]  # type: ignore[union-attr]
    text = "\n".join(result.details)
    assert "多出的文件“附件/补充说明.pdf”" in text
    assert "附件“验收报告.pdf”（1.1 推动传统产业改造升级）与签名时不同" in text


class _GbkName(zipfile.ZipInfo):
    """A member name written as GBK bytes without the UTF-8 flag (zipfile would write UTF-8)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def test_a_package_zipped_again_by_hand_still_verifies(exported: Exported, tmp_path: Path) -> None:
    """Unpacked and zipped again with deflate and without the UTF-8 flag (GBK names, as
    Windows' compressed folders write them on a Chinese system)."""
    again = tmp_path / "again.zip"
    with zipfile.ZipFile(exported.package) as zin, zipfile.ZipFile(again, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            new = _GbkName(info.filename, info.date_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(new, data)
    with zipfile.ZipFile(again) as zf:
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())
    result = verify_workbook(again, exported.registry)
    assert result.status == "valid", result.details


def test_extract_an_attachment_under_its_signed_name(exported: Exported, tmp_path: Path) -> None:
    result = verify_workbook(exported.package, exported.registry)
    check = result.attachments.checks[1]  # type: ignore[union-attr]
    out = tmp_path / "opened"
    out.mkdir()
    path = extract_attachment(exported.package, check.file, out)
    assert path == out / "1.1 工业技术改造投资额 - 现场照片.jpg"
    assert path.read_bytes() == exported.files["现场照片.jpg"]


def test_extract_refuses_an_altered_file(exported: Exported, tmp_path: Path) -> None:
    from ecodesk.errors import EcoDeskError

    photo = _member(exported.package, "1.1 工业技术改造投资额")
    bad = tmp_path / "bad.zip"
    _rezip(exported.package, bad, lambda n, d: b"\xff\xd8\xffX" if n == photo else d)
    check = verify_workbook(exported.package, exported.registry).attachments.checks[1]  # type: ignore[union-attr]
    out = tmp_path / "opened"
    out.mkdir()
    with pytest.raises(EcoDeskError, match="与签名时不同"):
        extract_attachment(bad, check.file, out)
    assert list(out.iterdir()) == []


def test_consolidation_takes_packages_and_lists_each_units_files(
    exported: Exported, tmp_path: Path
) -> None:
    from ecodesk.services.consolidate import consolidate

    received = tmp_path / "received"
    received.mkdir()
    shutil.copy(exported.package, received / "宁都县.zip")
    with zipfile.ZipFile(exported.package) as zf:  # the same submission's workbook sent alone too
        (received / "宁都县-单独.xlsx").write_bytes(zf.read("宁都县.xlsx"))
    done = consolidate([received], exported.registry)
    used = done.used
    assert [r.path.name for r in used] == ["宁都县.zip"]  # the complete copy is kept
    assert [r.status for r in done.received if r.path.name == "宁都县-单独.xlsx"] == ["duplicate"]
    unit = used[0].data.unit  # type: ignore[union-attr]
    files = done.summary.attachments_of(unit, "1.1")
    assert [(a.file.name, a.status, a.member) for a in files] == [
        ("验收报告.pdf", "ok", "附件/1.1 推动传统产业改造升级 - 验收报告.pdf"),
        ("现场照片.jpg", "ok", "附件/1.1 工业技术改造投资额 - 现场照片.jpg"),
        ("会议纪要.docx", "ok", "附件/1.1 重点技术改造项目第1行 - 会议纪要.docx"),
    ]
    assert files[0].package == received / "宁都县.zip"
    assert done.summary.attachments_of(unit, "2.1") == []


def test_the_workbooks_cover_lists_the_files(exported: Exported, tmp_path: Path) -> None:
    """Opened alone in Excel or WPS, the workbook still says which files belong to it."""
    import openpyxl

    with zipfile.ZipFile(exported.package) as zf:
        (tmp_path / "w.xlsx").write_bytes(zf.read("宁都县.xlsx"))
    cover = openpyxl.load_workbook(tmp_path / "w.xlsx")["封面"]
    texts = [str(c.value) for row in cover.iter_rows() for c in row if c.value]
    assert any(t.startswith("附件清单") for t in texts)
    assert "2. 1.1 工业技术改造投资额" in texts
    result = verify_workbook(exported.package, exported.registry)
    photo = result.attachments.checks[1].file  # type: ignore[union-attr]
    assert any(photo.name in t and photo.sha256 in t and "说明：现场照片" in t for t in texts)


def test_the_consolidate_command_names_the_files_that_are_not_as_signed(
    exported: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.cli import main

    received = tmp_path / "received"
    received.mkdir()
    photo = _member(exported.package, "1.1 工业技术改造投资额")
    _rezip(exported.package, received / "宁都县.zip", lambda n, d: None if n == photo else d)
    out = tmp_path / "汇总.xlsx"
    code = main(
        [
            "--data-dir",
            str(tmp_path / "office"),
            "consolidate",
            str(received),
            "--keys",
            str(exported.registry),
            "-o",
            str(out),
        ]
    )
    said = capsys.readouterr().out
    assert code == 1 and out.exists()  # the figures are used, the missing file is said
    assert (
        "[注意] 宁都县.zip：附件有 1 处与签名不符（数据照常汇总）：缺少附件“现场照片.jpg”" in said
    )
    assert "有 1 份报送的附件缺失或与签名不符" in said


def test_last_years_package_imports_like_its_workbook(
    exported: Exported, tmp_path: Path, pack
) -> None:  # type: ignore[no-untyped-def]
    """The unit imports its own package next year: the figures come from the signed workbook."""
    from ecodesk.services.import_previous import preview_import
    from ecodesk.store import Store
    from ecodesk.submission import Period

    with Store.open(exported.data_dir, pack=pack) as store:
        preview = preview_import(store, exported.package, period=Period(2027))
        data = store.load(Period(2026))
    assert preview.baseline_period == Period(2026)
    assert preview.signature_status == "valid"  # the unit's own key; every file as signed
    imported = {i.key: i.new for i in preview.items}
    assert "1.1:tech_invest" in imported
    assert set(imported) == {k for k, v in data.values.items() if v}  # numbers as signed
