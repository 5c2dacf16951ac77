"""Attachments in backups: a backup made to be carried away holds the files' bytes, a restore
brings them back.

The working store keeps only the attachments' records; their bytes are in the data folder
(:mod:`.blobs`). A backup file is one SQLite file (:mod:`ecodesk.store.backup`), so a backup
that must stand on its own — ``ecodesk backup``, the window's 备份数据 to a USB stick, a server
store's backup — carries each referenced file once in its ``attachment_blobs`` table
(:func:`embed_attachments`, streamed through SQLite's incremental blob I/O, one chunk in memory).
The automatic copies inside the data folder (daily, before an upgrade, before a restore) hold
the records only: they sit beside the content folder whose files are never deleted, and 14 daily
copies of 500 MB of photos would fill a clerk's disk.

Restoring (:func:`extract_attachments`) copies every carried file into the data folder, checking
each against its SHA-256 (a damaged one is skipped and then reported missing), and the working
copy drops the table's rows (:func:`strip_blobs`); :func:`missing_attachments` names the files
a restored store refers to and this data folder does not have.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from pathlib import Path

from ecodesk.attachments.blobs import CHUNK, BlobStore, is_sha256

log = logging.getLogger(__name__)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return row.fetchone() is not None


def has_embedded(db_file: Path) -> bool:
    """Whether the SQLite file carries attachments' bytes."""
    conn = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not _has_table(conn, "attachment_blobs"):
            return False
        return conn.execute("SELECT 1 FROM attachment_blobs LIMIT 1").fetchone() is not None
    finally:
        conn.close()


def embed_attachments(db_file: Path, data_dir: Path) -> list[str]:
    """Put the bytes of every attachment ``db_file`` refers to into its ``attachment_blobs``
    table, from ``data_dir``'s content folder; returns the names of those not found there."""
    blobs = BlobStore(data_dir)
    missing: list[str] = []
    conn = sqlite3.connect(db_file)
    try:
        if not _has_table(conn, "attachments"):
            return []
        carried = {r[0] for r in conn.execute("SELECT sha256 FROM attachment_blobs")}
        wanted = conn.execute(
            "SELECT sha256, MAX(size), MIN(name) FROM attachments GROUP BY sha256"
        ).fetchall()
        for sha, size, name in wanted:
            if sha in carried:
                continue
            if not blobs.has(sha, size):
                missing.append(name)
                continue
            rowid = conn.execute(
                "INSERT INTO attachment_blobs (sha256, size, data) VALUES (?, ?, zeroblob(?))",
                (sha, size, size),
            ).lastrowid
            assert rowid is not None
            digest = hashlib.sha256()
            with (
                blobs.path_of(sha).open("rb") as src,
                conn.blobopen("attachment_blobs", "data", rowid) as blob,
            ):
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    blob.write(chunk)
            if digest.hexdigest() != sha:  # the stored file is damaged: not carried as if sound
                log.error("stored attachment %s is damaged, not put into the backup", sha)
                conn.execute("DELETE FROM attachment_blobs WHERE rowid = ?", (rowid,))
                missing.append(name)
        conn.commit()
    finally:
        conn.close()
    if missing:
        log.warning("backup %s lacks %d attachment files: %s", db_file, len(missing), missing)
    return missing


def extract_attachments(db_file: Path, data_dir: Path) -> int:
    """Copy the bytes ``db_file`` carries into ``data_dir``'s content folder; how many were new."""
    blobs = BlobStore(data_dir)
    added = 0
    conn = sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not _has_table(conn, "attachment_blobs"):
            return 0
        rows = conn.execute("SELECT rowid, sha256, size FROM attachment_blobs").fetchall()
        for rowid, sha, size in rows:
            if not isinstance(sha, str) or not is_sha256(sha) or not isinstance(size, int):
                log.error("backup %s carries a blob under a bad name %r: skipped", db_file, sha)
                continue
            if blobs.has(sha, size):
                continue
            with conn.blobopen("attachment_blobs", "data", rowid, readonly=True) as blob:
                try:
                    blobs.put_stream(blob, expected=sha, limit=size)  # type: ignore[arg-type]
                except ValueError:
                    log.error("backup %s carries a damaged copy of %s: skipped", db_file, sha)
                    continue
            added += 1
    finally:
        conn.close()
    return added


def strip_blobs(db_file: Path) -> None:
    """Drop the carried bytes from a working copy (they are in the content folder now)."""
    conn = sqlite3.connect(db_file)
    try:
        if _has_table(conn, "attachment_blobs"):
            conn.execute("DELETE FROM attachment_blobs")
            conn.commit()
            conn.execute("VACUUM")
    finally:
        conn.close()


def missing_attachments(db_file: Path, data_dir: Path) -> list[str]:
    """Names of the attachments ``db_file`` refers to whose bytes ``data_dir`` lacks."""
    blobs = BlobStore(data_dir)
    with contextlib.closing(
        sqlite3.connect(f"{Path(db_file).resolve().as_uri()}?mode=ro", uri=True)
    ) as conn:
        if not _has_table(conn, "attachments"):
            return []
        rows = conn.execute(
            "SELECT sha256, MAX(size), MIN(name) FROM attachments GROUP BY sha256 ORDER BY 3"
        ).fetchall()
    return [name for sha, size, name in rows if not blobs.has(sha, size)]


def stage_copy(source: Path, staged: Path) -> None:
    """Copy ``source`` to ``staged`` page by page (SQLite's backup API into a file: memory stays
    small however many bytes the backup carries), then drop the carried bytes from the copy."""
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(staged)
        try:
            src.backup(dest, pages=1024)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        src.close()
    strip_blobs(staged)
