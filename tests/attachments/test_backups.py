"""Backups hold attachments and restores bring them back; ``store copy`` keeps them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ecodesk.attachments import attach as attach_file
from ecodesk.attachments import content_path, list_attachments
from ecodesk.cli import main
from ecodesk.notices import listening
from ecodesk.store import Store
from ecodesk.store.backup import daily_backup, make_backup, restore_database
from ecodesk.store.transfer import copy_store
from ecodesk.submission import Period
from tests.attachments.files import make_jpeg, make_pdf


def _blob_rows(db: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT sha256, size, length(data) FROM attachment_blobs ORDER BY sha256"
        ).fetchall()
    finally:
        conn.close()


def _filled(store: Store, period: Period, files: Path) -> dict[str, bytes]:
    pdf = make_pdf(files / "批复.pdf", pages=3)
    photo = make_jpeg(files / "照片.jpg", size=300, noisy=True)
    attach_file(store, period, "1.1", pdf, "批复文件")
    attach_file(store, period, "1.1:tech_invest", photo, "现场照片")
    attach_file(store, period, "1.1:upgraded_firms", pdf, "同一批复")  # stored once
    return {"批复.pdf": pdf.read_bytes(), "照片.jpg": photo.read_bytes()}


def test_a_backup_carries_the_files_and_restores_them_on_another_computer(
    store: Store, period: Period, files: Path, data_dir: Path, tmp_path: Path, pack
) -> None:
    originals = _filled(store, period, files)
    assert store.db_path is not None
    made = make_backup(store.db_path, tmp_path / "U盘备份.sqlite3")
    rows = _blob_rows(made)
    assert len(rows) == 2 and all(size == length for _, size, length in rows)
    assert _blob_rows(store.db_path) == []  # the working store never holds the bytes

    elsewhere = tmp_path / "新电脑"
    elsewhere.mkdir()
    restore_database(elsewhere / "ecodesk.sqlite3", made)
    with Store.open(elsewhere, pack=pack) as restored:
        found = list_attachments(restored, period)
        assert [a.name for a in found] == ["批复.pdf", "照片.jpg", "批复.pdf"]
        for a in found:
            path = content_path(restored, a)
            assert path.is_relative_to(elsewhere)
            assert path.read_bytes() == originals[a.name]
    assert _blob_rows(elsewhere / "ecodesk.sqlite3") == []  # carried bytes left in the backup


def test_the_command_line_backup_and_restore(
    data_dir: Path, pack, profile, period: Period, files: Path, tmp_path: Path
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(profile)
        originals = _filled(store, period, files)
    out = tmp_path / "backup.sqlite3"
    assert main(["--data-dir", str(data_dir), "backup", "--out", str(out)]) == 0
    other = tmp_path / "other"
    assert main(["--data-dir", str(other), "restore", str(out), "--yes"]) == 0
    with Store.open(other, pack=pack) as store:
        for a in list_attachments(store, period):
            assert content_path(store, a).read_bytes() == originals[a.name]


def test_daily_copies_hold_records_only_and_restore_beside_the_files(
    store: Store, period: Period, files: Path, data_dir: Path, pack
) -> None:
    _filled(store, period, files)
    assert store.db_path is not None
    from datetime import datetime

    daily = daily_backup(store.db_path, today=datetime(2030, 1, 1))
    assert daily is not None and _blob_rows(daily) == []
    restore_database(store.db_path, daily)
    with Store.open(data_dir, pack=pack) as restored:
        for a in list_attachments(restored, period):
            content_path(restored, a)  # the content folder still has them


def test_a_restore_that_lacks_files_says_which(
    store: Store, period: Period, files: Path, data_dir: Path, tmp_path: Path
) -> None:
    _filled(store, period, files)
    assert store.db_path is not None
    from datetime import datetime

    daily = daily_backup(store.db_path, today=datetime(2030, 1, 2))
    assert daily is not None
    said: list[str] = []
    (tmp_path / "empty").mkdir()
    with listening(said.append):
        restore_database(tmp_path / "empty" / "ecodesk.sqlite3", daily)
    assert len(said) == 1
    assert "有 2 个附件的文件不在这份备份和本机数据文件夹中：批复.pdf、照片.jpg" in said[0]


def test_store_copy_to_another_folder_takes_the_files(
    store: Store, period: Period, files: Path, data_dir: Path, tmp_path: Path, pack
) -> None:
    originals = _filled(store, period, files)
    source = store.engine.url.render_as_string(hide_password=False)
    target = tmp_path / "moved" / "ecodesk.sqlite3"
    report = copy_store(source, f"sqlite:///{target}", source_data_dir=data_dir)
    assert report.rows["attachments"] == 3 and report.files == 2
    with Store.open(target.parent, pack=pack) as moved:
        found = list_attachments(moved, period)
        assert [a.note for a in found] == ["批复文件", "现场照片", "同一批复"]
        for a in found:
            assert content_path(moved, a).read_bytes() == originals[a.name]


def test_a_doctored_backup_restores_what_is_sound_and_names_the_rest(
    store: Store, period: Period, files: Path, tmp_path: Path, pack
) -> None:
    """Bytes that do not hash to their name, a name that is a path: skipped, said, no traceback."""
    originals = _filled(store, period, files)
    assert store.db_path is not None
    made = make_backup(store.db_path, tmp_path / "backup.sqlite3")
    conn = sqlite3.connect(made)
    try:
        photo_sha = conn.execute(
            "SELECT sha256 FROM attachments WHERE name = '照片.jpg'"
        ).fetchone()[0]
        conn.execute(
            "UPDATE attachment_blobs SET data = zeroblob(size) WHERE sha256 = ?", (photo_sha,)
        )
        conn.execute(
            "INSERT INTO attachment_blobs (sha256, size, data) VALUES ('../../escaped', 3, x'414141')"
        )
        conn.commit()
    finally:
        conn.close()
    elsewhere = tmp_path / "新电脑"
    elsewhere.mkdir()
    said: list[str] = []
    with listening(said.append):
        restore_database(elsewhere / "ecodesk.sqlite3", made)
    assert said and "照片.jpg" in said[0] and "批复.pdf" not in said[0]
    assert not (tmp_path / "escaped").exists() and not (elsewhere / "escaped").exists()
    with Store.open(elsewhere, pack=pack) as restored:
        pdf = next(a for a in list_attachments(restored, period) if a.name == "批复.pdf")
        assert content_path(restored, pdf).read_bytes() == originals["批复.pdf"]
