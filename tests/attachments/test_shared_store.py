"""Attachments on a shared PostgreSQL store: attached on one PC, opened and exported on another.

Every PC here is its own data folder on one real PostgreSQL database (the server the tests
start, see ``tests/postgresql.py``), as three PCs of an office would be.
"""

from __future__ import annotations

import sqlite3
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.attachments import (
    AttachmentContentDamaged,
    AttachmentContentMissing,
    attach,
    content_path,
    list_attachments,
)
from ecodesk.attachments.blobs import CHUNK
from ecodesk.store import Store
from ecodesk.store.engine import make_engine
from ecodesk.submission import Period, UnitProfile
from tests.attachments.files import make_jpeg, make_pdf
from tests.postgresql import PostgresServer

P = Period(2026)


@pytest.fixture
def server(postgresql_server: PostgresServer) -> Iterator[str]:
    """The office's database (at the newest schema), by URL."""
    name = postgresql_server.new_database(migrated=True)
    try:
        yield postgresql_server.url(name)
    finally:
        postgresql_server.drop_database(name)


def _pc(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


def _blob_files(data_dir: Path) -> list[Path]:
    root = data_dir / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _shared(url: str) -> list[tuple[str, int, int, int]]:
    """(SHA-256, size, chunks, bytes held) of each shared file in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            from sqlalchemy import text

            return [
                tuple(r)  # type: ignore[misc]
                for r in conn.execute(
                    text(
                        "SELECT f.sha256, f.size, f.chunks, COALESCE(SUM(length(c.data)), 0) "
                        "FROM shared_files f LEFT JOIN shared_file_chunks c USING (sha256) "
                        "GROUP BY f.sha256, f.size, f.chunks ORDER BY f.sha256"
                    )
                )
            ]
    finally:
        engine.dispose()


def _spoil(url: str, sha256: str) -> None:
    """Someone's disk or hand damages a chunk of the shared copy in the database."""
    from sqlalchemy import text

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE shared_file_chunks SET data = overlay(data placing '\\x00'::bytea "
                    "from 100) WHERE sha256 = :s AND seq = 0"
                ),
                {"s": sha256},
            )
    finally:
        engine.dispose()


def test_a_file_attached_on_pc_a_opens_on_pc_b(
    tmp_path: Path, server: str, pack, profile: UnitProfile
) -> None:
    a, b = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-B")
    photo = make_jpeg(tmp_path / "现场照片.jpg", size=2000, noisy=True)
    assert photo.stat().st_size > 2 * CHUNK  # several chunks
    original = photo.read_bytes()
    with Store.open(a, url=server, pack=pack) as store:
        store.save_profile(profile)
        made = attach(store, P, "1.1", photo, "现场照片")
    photo.unlink()  # the clerk's original is gone too
    ((sha, size, chunks, held),) = _shared(server)
    assert (sha, size, held) == (made.sha256, len(original), len(original))
    assert chunks == -(-size // CHUNK)
    assert _blob_files(b) == []
    with Store.open(b, url=server, pack=pack) as store:
        (seen,) = list_attachments(store, P)
        tracemalloc.start()
        try:
            path = content_path(store, seen)  # fetched from the database, a chunk at a time
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < size, f"the fetch held {peak} bytes for a {size}-byte file"
        assert path.is_relative_to(b) and path.read_bytes() == original
        assert _blob_files(b) == [path]  # kept in B's own cache: the next open is local
        assert content_path(store, seen) == path


def test_pc_b_exports_the_package_with_the_bytes_pc_a_attached(
    tmp_path: Path, server: str, pack
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from tests.workbook.helpers import PASSPHRASE

    a, b = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-B")
    pdf = make_pdf(tmp_path / "验收报告.pdf", pages=4)
    with Store.open(a, url=server, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        attach(store, P, "1.1", pdf, "项目验收报告")
    with Store.open(b, url=server, pack=pack) as store:
        result = export_submission(
            store, P, tmp_path / "宁都县.zip", passphrase=PASSPHRASE, data_dir=b
        )
    with zipfile.ZipFile(result.path) as zf:
        (member,) = [n for n in zf.namelist() if n.startswith("附件/")]
        assert zf.read(member) == pdf.read_bytes()


def test_a_damaged_copy_in_the_database_is_reported_not_served(
    tmp_path: Path, server: str, pack, profile: UnitProfile
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from tests.workbook.helpers import PASSPHRASE

    a, c = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-C")
    with Store.open(a, url=server, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        made = attach(store, P, "1.1", make_pdf(tmp_path / "批复.pdf", pages=2), "批复文件")
    _spoil(server, made.sha256)
    with Store.open(c, url=server, pack=pack) as store:
        (seen,) = list_attachments(store, P)
        with pytest.raises(AttachmentContentDamaged, match="批复.pdf.*已损坏"):
            content_path(store, seen)
        assert _blob_files(c) == []  # nothing damaged kept in C's cache
        out = tmp_path / "out"
        out.mkdir()
        # the bad copy is gone from the database now: the file is missing until A shares it
        with pytest.raises(AttachmentContentMissing, match="批复.pdf"):
            export_submission(store, P, out / "宁都县.zip", passphrase=PASSPHRASE, data_dir=c)
        assert list(out.iterdir()) == []  # refused before anything was written
        assert store.load(P).status != "signed"
    assert _shared(server) == []  # the bad copy was taken out of the database
    # PC A still holds the sound bytes: opening the store puts them back for everyone
    with Store.open(a, url=server, pack=pack) as store:
        assert content_path(store, list_attachments(store, P)[0]).read_bytes().startswith(b"%PDF")
    assert [r[0] for r in _shared(server)] == [made.sha256]
    with Store.open(c, url=server, pack=pack) as store:
        assert content_path(store, list_attachments(store, P)[0]).stat().st_size == made.size


def test_the_command_line_says_damaged_without_a_traceback(
    tmp_path: Path,
    server: str,
    pack,
    profile: UnitProfile,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.cli import main
    from ecodesk.demo import fill_demo
    from tests.workbook.helpers import PASSPHRASE

    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    a, c = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-C")
    with Store.open(a, url=server, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        made = attach(store, P, "1.1", make_pdf(tmp_path / "批复.pdf"), "批复文件")
    _spoil(server, made.sha256)
    code = main(["--data-dir", str(c), "--database", server, "export", "--out", str(c / "x.zip")])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "已损坏" in captured.err and "Traceback" not in captured.err


def test_files_attached_before_the_store_was_shared_are_uploaded_when_their_pc_opens_it(
    tmp_path: Path, server: str, pack, profile: UnitProfile
) -> None:
    from sqlalchemy import text

    a, b = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-B")
    pdf = make_pdf(tmp_path / "批复.pdf")
    with Store.open(a, url=server, pack=pack) as store:
        store.save_profile(profile)
        made = attach(store, P, "1.1", pdf, "批复文件")
    engine = make_engine(server)  # as an older EcoDesk left it: the record, no bytes
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM shared_files"))
    finally:
        engine.dispose()
    assert _shared(server) == []
    with Store.open(a, url=server, pack=pack):
        pass
    assert [r[0] for r in _shared(server)] == [made.sha256]
    with Store.open(b, url=server, pack=pack) as store:
        assert content_path(store, list_attachments(store, P)[0]).read_bytes() == pdf.read_bytes()


def test_store_copy_to_postgresql_and_back_keeps_the_bytes_available(
    tmp_path: Path, server: str, pack, profile: UnitProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.cli import main

    office = _pc(tmp_path, "office")  # a single clerk's SQLite store, moving to the server
    pdf = make_pdf(tmp_path / "批复.pdf", pages=3)
    photo = make_jpeg(tmp_path / "照片.jpg", size=900, noisy=True)
    with Store.open(office, pack=pack) as store:
        store.save_profile(profile)
        attach(store, P, "1.1", pdf, "批复文件")
        attach(store, P, "1.1:tech_invest", photo, "现场照片")
    assert main(["--data-dir", str(office), "store", "copy", "--to", server]) == 0
    assert "另把 2 个附件文件存入了新数据库" in capsys.readouterr().out
    assert sorted(r[1] for r in _shared(server)) == sorted(p.stat().st_size for p in (pdf, photo))
    colleague = _pc(tmp_path, "colleague")
    with Store.open(colleague, url=server, pack=pack) as store:
        found = {a.name: content_path(store, a).read_bytes() for a in list_attachments(store, P)}
    assert found == {"批复.pdf": pdf.read_bytes(), "照片.jpg": photo.read_bytes()}

    # and back: from a PC that never opened the files, into a SQLite file elsewhere
    fresh = _pc(tmp_path, "fresh-pc")
    home = tmp_path / "back-home"
    args = ["--data-dir", str(fresh), "--database", server, "store", "copy", "--to"]
    assert main([*args, str(home / "ecodesk.sqlite3")]) == 0
    assert "另复制了 2 个附件文件到新数据库所在的文件夹" in capsys.readouterr().out
    assert _blob_files(fresh) == []  # the bytes went from the database to the target folder
    with Store.open(home, pack=pack) as store:
        found = {a.name: content_path(store, a).read_bytes() for a in list_attachments(store, P)}
    assert found == {"批复.pdf": pdf.read_bytes(), "照片.jpg": photo.read_bytes()}
    conn = sqlite3.connect(home / "ecodesk.sqlite3")
    try:  # SQLite keeps its files in the folder, never in the database
        assert conn.execute("SELECT count(*) FROM shared_file_chunks").fetchone() == (0,)
    finally:
        conn.close()


def test_a_backup_of_the_shared_store_made_on_any_pc_carries_the_files(
    tmp_path: Path, server: str, pack, profile: UnitProfile
) -> None:
    from ecodesk.store.transfer import backup_store, restore_store

    a, b = _pc(tmp_path, "PC-A"), _pc(tmp_path, "PC-B")
    pdf = make_pdf(tmp_path / "批复.pdf")
    with Store.open(a, url=server, pack=pack) as store:
        store.save_profile(profile)
        attach(store, P, "1.1", pdf, "批复文件")
    (tmp_path / "U盘").mkdir()
    made = backup_store(b, server, tmp_path / "U盘" / "备份.sqlite3")
    conn = sqlite3.connect(made)
    try:
        assert conn.execute("SELECT size FROM attachment_blobs").fetchall() == [
            (pdf.stat().st_size,)
        ]
    finally:
        conn.close()
    # restored into an empty server database on a PC without the files: shared again
    elsewhere = _pc(tmp_path, "new-office")
    restore_store(elsewhere, server, made)
    assert len(_shared(server)) == 1
    with Store.open(_pc(tmp_path, "PC-D"), url=server, pack=pack) as store:
        assert content_path(store, list_attachments(store, P)[0]).read_bytes() == pdf.read_bytes()
