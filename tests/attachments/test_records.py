"""Attach, list, detach and restore: the storage API, on real files in a real data folder."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from ecodesk.attachments import (
    AttachmentContentMissing,
    AttachmentFrozen,
    AttachmentNotFound,
    AttachmentRefused,
    attach,
    content_path,
    detach,
    list_attachments,
    restore,
)
from ecodesk.store import Store, SubmissionFrozen, settings
from ecodesk.submission import Period
from tests.attachments.files import (
    gz_bytes,
    make_docx,
    make_elf,
    make_exe,
    make_jpeg,
    make_msi,
    make_ofd,
    make_ole_doc,
    make_pdf,
    make_png,
    make_xlsx,
    make_zip,
)


def _blob_files(data_dir: Path) -> list[Path]:
    root = data_dir / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_pdf_a_photo_and_a_document_on_a_form_a_field_and_a_row(
    store: Store, period: Period, files: Path, data_dir: Path
) -> None:
    store.set_table_rows(period, "1.1", "projects", [{"name": "梅江镇技改"}, {"name": "黄陂镇"}])
    pdf = make_pdf(files / "验收报告.pdf")
    photo = make_jpeg(files / "现场照片.JPG")
    doc = make_docx(files / "会议纪要.docx")
    a = attach(store, period, "1.1", pdf, "项目验收报告")
    b = attach(store, period, "1.1:tech_invest", photo, " 现场 照片 ")
    c = attach(store, period, "1.1:projects#2", doc, "会议纪要")
    assert [x.key for x in list_attachments(store, period)] == [
        "1.1",
        "1.1:tech_invest",
        "1.1:projects#2",
    ]
    assert (a.kind, b.kind, c.kind) == ("pdf", "jpeg", "docx")
    assert b.note == "现场 照片"  # spaces as one, trimmed
    assert a.size == pdf.stat().st_size
    assert a.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert a.added_by and a.revision == 1 and a.period == period
    # the clerk deletes the originals: nothing is lost
    originals = {x.id: p.read_bytes() for x, p in ((a, pdf), (b, photo), (c, doc))}
    for p in (pdf, photo, doc):
        p.unlink()
    for x in list_attachments(store, period):
        assert content_path(store, x).read_bytes() == originals[x.id]
        assert content_path(store, x).is_relative_to(data_dir)


def test_the_same_file_twice_is_stored_once(
    store: Store, period: Period, files: Path, data_dir: Path
) -> None:
    pdf = make_pdf(files / "批复.pdf")
    copy = files / "批复（复印件）.pdf"
    copy.write_bytes(pdf.read_bytes())
    attach(store, period, "1.1", pdf, "批复文件")
    attach(store, period, "1.1:tech_invest", copy, "同一批复")
    assert len(list_attachments(store, period)) == 2
    assert len(_blob_files(data_dir)) == 1


def test_the_same_file_on_the_same_place_is_refused(
    store: Store, period: Period, files: Path
) -> None:
    pdf = make_pdf(files / "批复.pdf")
    attach(store, period, "1.1", pdf, "批复文件")
    with pytest.raises(AttachmentRefused, match="同一份文件已经作为“批复.pdf”添加在 1.1"):
        attach(store, period, "1.1", pdf, "又一次")
    assert len(list_attachments(store, period)) == 1


def test_survives_reopening(data_dir: Path, pack, profile, period: Period, files: Path) -> None:
    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(profile)
        made = attach(store, period, "G:energy_intensity_decline", make_png(files / "a.png"), "图")
    with Store.open(data_dir, pack=pack) as store:
        assert list_attachments(store, period) == [made]


@pytest.mark.parametrize(
    ("maker", "name", "kind"),
    [
        (make_pdf, "a.pdf", "pdf"),
        (make_jpeg, "a.jpeg", "jpeg"),
        (make_png, "a.png", "png"),
        (make_docx, "a.docx", "docx"),
        (make_xlsx, "a.xlsx", "xlsx"),
        (make_ofd, "a.ofd", "ofd"),
        (make_ole_doc, "a.wps", "wps"),
        (make_ole_doc, "a.et", "et"),
        (make_ole_doc, "a.doc", "doc"),
        (make_ole_doc, "a.xls", "xls"),
    ],
)
def test_every_accepted_kind(
    store: Store, period: Period, files: Path, maker, name: str, kind: str
) -> None:
    made = attach(store, period, "1.1", maker(files / name), "说明")
    assert made.kind == kind


@pytest.mark.parametrize(
    ("make", "name", "says"),
    [
        (make_exe, "验收报告.pdf", "可执行程序"),
        (make_elf, "photo.jpg", "可执行程序"),
        (make_msi, "setup.doc", "可执行程序"),
        (make_exe, "tool.exe", "可执行程序"),
        (lambda p: p.write_bytes(b"#!/bin/sh\nrm -rf ~\n"), "run.pdf", "可执行程序"),
        (make_zip, "照片.zip", "压缩包"),
        (make_zip, "报告.docx", "压缩包"),
        (lambda p: p.write_bytes(gz_bytes()), "a.pdf", "压缩包"),
        (lambda p: p.write_bytes(b"Rar!\x1a\x07\x00" + b"x" * 50), "a.rar", "压缩包"),
        (lambda p: p.write_bytes(b"hello, plain text"), "说明.txt", "无法识别的文件类型"),
        (make_png, "图.jpg", "扩展名是“.jpg”，但内容是PNG 图片"),
        (make_pdf, "报告", "扩展名是“无”"),
        (lambda p: p.write_bytes(b""), "空.pdf", "文件是空的（0 字节）"),
    ],
)
def test_refused_with_a_reason_and_nothing_recorded(
    store: Store, period: Period, files: Path, data_dir: Path, make, name: str, says: str
) -> None:
    path = files / name
    make(path)
    with pytest.raises(AttachmentRefused, match=says) as caught:
        attach(store, period, "1.1", path, "说明")
    assert name in str(caught.value)
    assert list_attachments(store, period, include_removed=True) == []
    assert _blob_files(data_dir) == []  # nothing stored, no temporary file left


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("9.9", "没有表单 9.9"),
        ("1.1:nope", "表单 1.1 没有指标 nope"),
        ("1.1:projects#3", "表格“重点技术改造项目”只有 1 行"),
        ("1.1:nope#1", "表单 1.1 没有表格 nope"),
        ("1.1:projects#0", "表格的一行应写成"),
        ("1.1:tech_invest.bogus", "没有这一项"),
    ],
)
def test_bad_keys_are_refused(
    store: Store, period: Period, files: Path, key: str, says: str
) -> None:
    store.set_table_rows(period, "1.1", "projects", [{"name": "梅江镇技改"}])
    with pytest.raises(AttachmentRefused, match=says):
        attach(store, period, key, make_pdf(files / "a.pdf"), "说明")


def test_a_form_the_unit_does_not_report_is_refused(
    store: Store, period: Period, files: Path
) -> None:
    store.set_responsible_forms(["1.1"])
    with pytest.raises(AttachmentRefused, match="本单位不填报表单 2.1"):
        attach(store, period, "2.1", make_pdf(files / "a.pdf"), "说明")


def test_a_description_is_required(store: Store, period: Period, files: Path) -> None:
    with pytest.raises(AttachmentRefused, match="请写一句说明"):
        attach(store, period, "1.1", make_pdf(files / "a.pdf"), "  \n ")


def test_a_missing_file_and_a_folder(store: Store, period: Period, files: Path) -> None:
    with pytest.raises(AttachmentRefused, match="找不到文件"):
        attach(store, period, "1.1", files / "gone.pdf", "说明")
    with pytest.raises(AttachmentRefused, match="这不是一个文件"):
        attach(store, period, "1.1", files, "说明")


def test_limits_per_file_and_per_submission_are_settings(
    store: Store, period: Period, files: Path, data_dir: Path
) -> None:
    store.settings_set(settings.ATTACHMENT_FILE_LIMIT_MB, "0.01")  # 10 KB
    big = make_jpeg(files / "big.jpg", size=200, noisy=True)
    assert big.stat().st_size > 0.01 * 1024 * 1024
    with pytest.raises(AttachmentRefused, match=r"文件太大（0.\d MB），单个附件最大 0.0 MB"):
        attach(store, period, "1.1", big, "照片")
    store.settings_set(settings.ATTACHMENT_FILE_LIMIT_MB, None)
    store.settings_set(settings.ATTACHMENT_SUBMISSION_LIMIT_MB, "0.005")
    small = make_png(files / "small.png")
    first = attach(store, period, "1.1", small, "小图")
    with pytest.raises(AttachmentRefused, match="附件合计将达 .* MB，超过上限 0.0 MB"):
        attach(store, period, "1.1", big, "照片")
    assert [a.id for a in list_attachments(store, period)] == [first.id]
    assert len(_blob_files(data_dir)) == 2  # the refused one is stored, never referenced


def test_detach_from_a_draft_is_undoable(store: Store, period: Period, files: Path) -> None:
    made = attach(store, period, "1.1", make_pdf(files / "a.pdf"), "说明")
    store.mark_checked(period)
    gone = detach(store, made.id)
    assert gone.removed_at is not None
    assert list_attachments(store, period) == []
    assert store.load(period).status == "draft"  # a change makes the check stale
    assert [a.id for a in list_attachments(store, period, include_removed=True)] == [made.id]
    back = restore(store, made.id)
    assert back.removed_at is None and list_attachments(store, period) == [back]
    content_path(store, back)  # the bytes stayed
    actions = [e.action for e in store.audit_log(period)]
    assert {"attach", "detach", "restore_attachment"} <= set(actions)


def test_a_signed_revision_keeps_its_attachments(store: Store, period: Period, files: Path) -> None:
    made = attach(store, period, "1.1", make_pdf(files / "a.pdf"), "说明")
    store.mark_signed(period, 1, fingerprint="f" * 16, digest="d" * 64, workbook_path=None)
    with pytest.raises(AttachmentFrozen, match="已签名的第 1 版"):
        detach(store, made.id)
    with pytest.raises(SubmissionFrozen):
        attach(store, period, "1.1", make_png(files / "b.png"), "说明")
    # a correction carries the files over; there they can be taken off again
    store.new_revision(period, "更正数据")
    carried = list_attachments(store, period)
    assert [(a.revision, a.sha256, a.note) for a in carried] == [(2, made.sha256, "说明")]
    assert carried[0].id != made.id
    detach(store, carried[0].id)
    assert list_attachments(store, period) == []
    assert list_attachments(store, period, revision=1) == [made]


def test_unknown_id(store: Store) -> None:
    with pytest.raises(AttachmentNotFound, match="没有编号为 99 的附件"):
        detach(store, 99)


def test_content_missing_is_said(store: Store, period: Period, files: Path, data_dir: Path) -> None:
    made = attach(store, period, "1.1", make_pdf(files / "a.pdf"), "说明")
    for blob in _blob_files(data_dir):
        blob.unlink()
    with pytest.raises(AttachmentContentMissing, match="a.pdf"):
        content_path(store, made)


def test_stored_files_are_private_and_whole(
    store: Store, period: Period, files: Path, data_dir: Path
) -> None:
    attach(store, period, "1.1", make_pdf(files / "a.pdf"), "说明")
    (blob,) = _blob_files(data_dir)
    assert blob.stat().st_mode & 0o077 == 0
    assert blob.name == hashlib.sha256(blob.read_bytes()).hexdigest()
    conn = sqlite3.connect(data_dir / "ecodesk.sqlite3")
    try:
        rows = conn.execute(
            "SELECT key, name, kind, size, sha256, note FROM attachments"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [("1.1", "a.pdf", "pdf", blob.stat().st_size, blob.name, "说明")]


def test_a_viewable_copy_has_the_files_name_and_leaves_the_stored_one_alone(
    store: Store, period: Period, files: Path, data_dir: Path
) -> None:
    from ecodesk.attachments import viewable_copy

    made = attach(store, period, "1.1", make_pdf(files / "验收报告.pdf"), "说明")
    copy = viewable_copy(store, made)
    assert copy.name == "验收报告.pdf" and copy.is_relative_to(data_dir / "cache")
    assert copy.read_bytes() == content_path(store, made).read_bytes()
    copy.write_bytes(b"changed in the viewer")
    assert hashlib.sha256(content_path(store, made).read_bytes()).hexdigest() == made.sha256
    assert (
        viewable_copy(store, made).read_bytes() != b"changed in the viewer"
    )  # size differs: fresh
