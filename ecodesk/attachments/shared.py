"""Attachments on a shared (PostgreSQL) store: the bytes in the database, for every PC.

On SQLite the data folder is the store of the files (:mod:`.blobs`) and nothing here is used.
On a PostgreSQL store several PCs share the records, so the bytes go to the database too:
``shared_files`` (one row per content: SHA-256, size, number of chunks) and
``shared_file_chunks`` (the bytes in pieces of :data:`~.blobs.CHUNK`, 1 MiB), written in one
transaction, so a content is either whole in the database or absent. Memory stays one chunk
whichever way the bytes go: a 50 MB scan is streamed, never held whole.

Each PC keeps its own content-addressed copy in its data folder as a cache: a file attached
elsewhere is fetched from the database the first time it is needed (opened, shown as a
thumbnail, put into a package, backed up) and checked against its SHA-256 before it is kept —
a damaged copy in the database is reported (:class:`AttachmentContentDamaged`), never served.
Files attached on a PC before its store was shared are uploaded when it opens the store
(:func:`share_local_files`); ``store copy`` carries the bytes both ways
(:mod:`ecodesk.store.transfer`).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ecodesk.attachments.blobs import CHUNK, BlobStore, is_sha256
from ecodesk.attachments.errors import AttachmentContentDamaged, AttachmentContentMissing
from ecodesk.storage import storage_error
from ecodesk.store.models import AttachmentRow, SharedFileChunkRow, SharedFileRow
from ecodesk.store.server import database_errors

if TYPE_CHECKING:
    from ecodesk.store.store import Store

log = logging.getLogger(__name__)

SHARED_TABLES = (SharedFileRow.__tablename__, SharedFileChunkRow.__tablename__)


class Damaged(Exception):
    """The database's copy of a content is not whole or does not hash as named."""


def is_shared(store: Store) -> bool:
    """Whether ``store`` is one that several PCs share (the bytes then go to the database)."""
    return store.engine.dialect.name == "postgresql"


def has_file(conn: Connection, sha256: str) -> bool:
    return (
        conn.execute(select(SharedFileRow.sha256).where(SharedFileRow.sha256 == sha256)).first()
        is not None
    )


def upload(conn: Connection, sha256: str, size: int, path: Path) -> bool:
    """Put the bytes of ``path`` (hashing to ``sha256``) into the database in the caller's
    transaction, a chunk at a time; ``False`` when they are there already (from another PC).

    Raises :class:`Damaged` when the file does not hash as named (nothing is then kept: the
    caller's transaction rolls back)."""
    chunks = (size + CHUNK - 1) // CHUNK
    header = {
        "sha256": sha256,
        "size": size,
        "chunks": chunks,
        "stored_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if conn.dialect.name == "postgresql":
        # two PCs attaching the same file at once: the second waits, then finds it there
        done = conn.execute(
            pg_insert(SharedFileRow).values(**header).on_conflict_do_nothing()
        ).rowcount
        if not done:
            return False
    else:
        if has_file(conn, sha256):
            return False
        conn.execute(insert(SharedFileRow).values(**header))
    digest = hashlib.sha256()
    written = 0
    try:
        with Path(path).open("rb") as src:
            for seq in range(chunks):
                piece = src.read(CHUNK)
                if not piece:
                    break
                digest.update(piece)
                written += len(piece)
                conn.execute(insert(SharedFileChunkRow).values(sha256=sha256, seq=seq, data=piece))
    except OSError as exc:
        raise storage_error(exc, Path(path)) from None
    if written != size or digest.hexdigest() != sha256:
        raise Damaged(sha256)
    log.info("attachment content %s (%d bytes) put into the shared store", sha256, size)
    return True


def download(conn: Connection, sha256: str, size: int, blobs: BlobStore) -> Path | None:
    """Copy the database's bytes of ``sha256`` into the data folder ``blobs``, checked; the
    stored path, ``None`` when the database does not hold them. :class:`Damaged` when its copy
    is not whole or hashes to anything else (nothing is then kept in the data folder)."""
    if not is_sha256(sha256):
        return None
    row = conn.execute(
        select(SharedFileRow.size, SharedFileRow.chunks).where(SharedFileRow.sha256 == sha256)
    ).first()
    if row is None:
        return None
    stored_size, chunks = int(row[0]), int(row[1])
    if stored_size != size or chunks != (size + CHUNK - 1) // CHUNK:
        raise Damaged(sha256)
    with blobs.staging() as (tmp, out):
        digest = hashlib.sha256()
        written = 0
        for seq in range(chunks):
            piece = conn.execute(
                select(SharedFileChunkRow.data).where(
                    SharedFileChunkRow.sha256 == sha256, SharedFileChunkRow.seq == seq
                )
            ).scalar()
            if piece is None or written + len(piece) > size:
                raise Damaged(sha256)
            piece = bytes(piece)
            digest.update(piece)
            written += len(piece)
            try:
                out.write(piece)
            except OSError as exc:
                raise storage_error(exc, tmp) from None
        if written != size or digest.hexdigest() != sha256:
            raise Damaged(sha256)
        out.close()
        path = blobs.publish(tmp, sha256)
    log.info("attachment content %s fetched from the shared store", sha256)
    return path


def local_copy(store: Store, sha256: str, size: int, name: str) -> Path:
    """The attachment's bytes in this PC's data folder, fetched from a shared store when they
    are not there yet. :class:`AttachmentContentMissing` when neither holds them,
    :class:`AttachmentContentDamaged` when the database's copy is damaged."""
    from ecodesk.attachments.records import blob_store

    blobs = blob_store(store)
    if blobs.has(sha256, size):
        return blobs.path_of(sha256)
    if is_shared(store):
        with database_errors(store.engine), store.engine.connect() as conn:
            try:
                fetched = download(conn, sha256, size, blobs)
            except Damaged:
                log.error("the shared store's copy of %s (%s) is damaged", name, sha256)
                damaged = True
            else:
                damaged = False
        if damaged:
            _drop(store, sha256)
            raise AttachmentContentDamaged(name, sha256)
        if fetched is not None:
            return fetched
    raise AttachmentContentMissing(name, sha256)


def _drop(store: Store, sha256: str) -> None:
    """Take a damaged copy out of the database, so that the PC holding the file uploads it
    again when it next opens the store (:func:`share_local_files`), or when it is attached
    again; until then other PCs are told the file is missing."""
    with database_errors(store.engine), store.engine.begin() as conn:
        conn.execute(delete(SharedFileChunkRow).where(SharedFileChunkRow.sha256 == sha256))
        conn.execute(delete(SharedFileRow).where(SharedFileRow.sha256 == sha256))
    log.warning("damaged shared copy of %s removed from the database", sha256)


def share(store: Store, sha256: str, size: int, path: Path) -> None:
    """After an attach on a shared store: the bytes into the database (in their own
    transaction, before the record that names them)."""
    if not is_shared(store):
        return
    # its own transaction, without the store's write lock: other people's saves never wait
    # for an upload (two uploads of one content meet on its primary key, see upload)
    try:
        with database_errors(store.engine), store.engine.begin() as conn:
            upload(conn, sha256, size, path)
    except Damaged:  # the stored file changed under us: nothing is recorded
        raise AttachmentContentMissing(path.name, sha256) from None


def unshared(conn: Connection) -> list[tuple[str, int]]:
    """(SHA-256, size) of the contents the records name and the database does not hold."""
    named = select(AttachmentRow.sha256, func.max(AttachmentRow.size)).group_by(
        AttachmentRow.sha256
    )
    held = set(conn.execute(select(SharedFileRow.sha256)).scalars())
    return [(str(sha), int(size)) for sha, size in conn.execute(named) if sha not in held]


def share_local_files(store: Store) -> int:
    """Upload the files this PC holds that the shared store's records name and its database
    lacks (attached here before the store was shared, or by an older EcoDesk); how many."""
    if not is_shared(store) or store.data_dir is None:
        return 0
    blobs = BlobStore(Path(store.data_dir))
    with database_errors(store.engine), store.engine.connect() as conn:
        wanted = unshared(conn)
    shared = 0
    for sha, size in wanted:
        if not blobs.has(sha, size):
            continue
        try:
            with database_errors(store.engine), store.engine.begin() as conn:
                shared += upload(conn, sha, size, blobs.path_of(sha))
        except Damaged:
            log.error("this PC's copy of %s is damaged: not shared", sha)
    if shared:
        log.info("%d attachment files of this PC put into the shared store", shared)
    return shared


def copy_between(source: Connection, target: Connection, wanted: list[tuple[str, int]]) -> int:
    """Copy the shared files ``wanted`` ((SHA-256, size) each) from one database to another,
    a chunk at a time, each checked against its SHA-256; how many were copied. A damaged or
    missing one is skipped (and then reported missing, as a file of no data folder would be)."""
    copied = 0
    for sha, size in wanted:
        header = source.execute(
            select(SharedFileRow.chunks).where(
                SharedFileRow.sha256 == sha, SharedFileRow.size == size
            )
        ).scalar()
        if header is None or has_file(target, sha):
            continue
        saved = target.begin_nested()
        try:
            target.execute(
                insert(SharedFileRow).values(
                    sha256=sha,
                    size=size,
                    chunks=header,
                    stored_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
            )
            digest = hashlib.sha256()
            written = 0
            for seq in range(int(header)):
                piece = source.execute(
                    select(SharedFileChunkRow.data).where(
                        SharedFileChunkRow.sha256 == sha, SharedFileChunkRow.seq == seq
                    )
                ).scalar()
                if piece is None:
                    raise Damaged(sha)
                digest.update(piece)
                written += len(piece)
                target.execute(
                    insert(SharedFileChunkRow).values(sha256=sha, seq=seq, data=bytes(piece))
                )
            if written != size or digest.hexdigest() != sha:
                raise Damaged(sha)
        except Damaged:
            saved.rollback()
            log.error("the source's copy of %s is damaged: not copied", sha)
            continue
        saved.commit()
        copied += 1
    return copied
