"""Migration 0009 (attachments' bytes in a shared store) from the schema before it, both engines.

On PostgreSQL the files attached before the upgrade are in the data folder of the PC that
attached them only: when that PC opens the upgraded store they go into the database, so that
another PC can open them. On SQLite nothing moves: the data folder stays the files' store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from ecodesk.attachments import content_path, list_attachments
from ecodesk.attachments.blobs import BlobStore
from ecodesk.store import Store, migrate
from ecodesk.store.engine import make_engine, resolve_url
from ecodesk.submission import Period
from tests.attachments.files import make_pdf


@pytest.mark.empty_database
def test_a_store_at_0005_with_an_attachment_upgrades_and_shares_it(
    data_dir: Path, tmp_path: Path, pack, store_engine: str
) -> None:  # type: ignore[no-untyped-def]
    pdf = make_pdf(tmp_path / "批复.pdf")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    size = pdf.stat().st_size
    with pdf.open("rb") as src:  # attached by the previous version: in the data folder only
        BlobStore(data_dir).put_stream(src, expected=sha)
    url = resolve_url(data_dir)
    engine = make_engine(url)
    migrate.upgrade(engine, "0005")  # the schema before 0009
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO periods (id, code, year, quarter) VALUES (1, '2026', 2026, NULL)",
            "INSERT INTO submissions (id, period_id, unit_code, revision, status, supersedes,"
            " supersede_reason, pack_version, created_at) VALUES (1, 1, '360730', 1, 'draft',"
            " NULL, '', '2026.1', '2026-01-01')",
            "INSERT INTO attachments (submission_id, key, form, name, kind, media_type, size,"
            " sha256, note, added_at, added_by) VALUES (1, '1.1', '1.1', '批复.pdf', 'pdf',"
            f" 'application/pdf', {size}, '{sha}', '批复文件', '2026-01-01', 'clerk')",
        ):
            conn.execute(text(statement))
    engine.dispose()

    with Store.open(data_dir, pack=pack) as store:
        (found,) = list_attachments(store, Period(2026))
        assert content_path(store, found).read_bytes() == pdf.read_bytes()
    engine = make_engine(url)
    try:
        assert migrate.current_revision(engine) == migrate.HEAD
        assert {"shared_files", "shared_file_chunks"} <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            held = conn.execute(text("SELECT sha256, size, chunks FROM shared_files")).all()
        # shared on a server (by the PC that has the file), never on SQLite
        assert held == ([(sha, size, 1)] if store_engine == "postgresql" else [])
    finally:
        engine.dispose()
    if store_engine == "postgresql":
        other = tmp_path / "another-pc"
        other.mkdir()
        with Store.open(other, url=url, pack=pack) as store:
            (found,) = list_attachments(store, Period(2026))
            assert content_path(store, found).read_bytes() == pdf.read_bytes()
