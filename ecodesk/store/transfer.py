"""Copy a whole store from one database to another: moving an office, and backups of a server.

``ecodesk store copy --to URL`` moves an office from its SQLite file to a PostgreSQL server (or
back): every row of every table is copied with its id, so values, revisions, the audit log,
settings, import records and the fingerprints of signing keys stay exactly as they were. The
target is brought to the same schema by the same migrations first; a target that already
holds data is refused unless ``force`` is given (then its rows are replaced, in the same
transaction as the copy: it is all or nothing).

A backup of a PostgreSQL store is this copy into a new SQLite file: the same one-file format as
every other backup, which ``ecodesk restore`` puts back into either engine.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, select, text

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.notices import notify
from ecodesk.output import OutputFile, resolve_output
from ecodesk.storage import StorageError
from ecodesk.store import backup, migrate
from ecodesk.store.engine import (
    default_db_path,
    display_url,
    make_engine,
    sqlite_file_of,
    sqlite_url,
    writer_engine,
)
from ecodesk.store.errors import DatabaseNotEmpty, RestoreRefused
from ecodesk.store.models import SharedFileChunkRow, SharedFileRow
from ecodesk.store.server import server_errors

log = logging.getLogger(__name__)

BATCH = 1000
VERSION_TABLE = "alembic_version"
# the bytes of attachments on a server store: carried by _carry_files, not row by row
SHARED_TABLES = frozenset({SharedFileRow.__tablename__, SharedFileChunkRow.__tablename__})


@dataclass(frozen=True)
class CopyReport:
    """What a copy wrote: rows per table (the version table excluded)."""

    source: str
    target: str
    rows: dict[str, int]
    files: int = 0  # attachment files copied into the target's data folder

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables(conn: Connection) -> list[Table]:
    """The store's tables in an order that satisfies every foreign key (parents first).

    At the newest schema they are the models' (the migrations build exactly those, a test
    checks it); an older schema (a copy taken before an upgrade) is read from the database.
    """
    if migrate.current_revision_of(conn) == migrate.HEAD:
        from ecodesk.store.models import Base

        return [t for t in Base.metadata.sorted_tables if t.name != VERSION_TABLE]
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _records(tables: list[Table]) -> list[Table]:
    """The tables copied row by row: all but the shared attachment files, whose bytes go where
    the target keeps them (its database, or its data folder) by :func:`_carry_files`."""
    return [t for t in tables if t.name not in SHARED_TABLES]


def row_counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in _records(_tables(conn))
    }


def _source_revision(engine: Engine) -> str:
    """The schema revision of the store to copy (refusing an empty or a too new database)."""
    migrate.needs_upgrade(engine)  # raises StoreTooNew for a schema this program does not know
    revision = migrate.current_revision(engine)
    if revision is None:
        raise EcoDeskError(
            tr(
                "store",
                "{address} 里还没有 EcoDesk 的数据，没有可复制的内容。",
                address=display_url(engine.url.render_as_string(hide_password=False)),
            )
        )
    return revision


def _prepare_target(engine: Engine, revision: str) -> None:
    """Bring the target to the source's schema revision (an empty database gets all of it)."""
    current = migrate.current_revision(engine)
    if current == revision:
        return
    known = migrate.KNOWN_REVISIONS
    if current is not None and (
        current not in known or known.index(current) > known.index(revision)
    ):
        raise EcoDeskError(
            tr(
                "store",
                "目标数据库 {address} 的数据结构（{target}）比要复制的数据（{source}）新，没有复制。"
                "请先用本程序打开一次要复制的数据（会自动升级），再复制。",
                address=display_url(engine.url.render_as_string(hide_password=False)),
                target=current,
                source=revision,
            )
        )
    migrate.upgrade(engine, revision)


def copy_store(
    source_url: str,
    target_url: str,
    *,
    force: bool = False,
    source_data_dir: Path | None = None,
    attachment_files: bool = True,
) -> CopyReport:
    """Copy every row of the store at ``source_url`` into the database at ``target_url``.

    Raises :class:`DatabaseNotEmpty` (nothing written) when the target holds data and
    ``force`` is not given, and the server errors of :mod:`ecodesk.store.server`.

    The attachments' records are rows like any other. Their bytes live in a data folder
    (:mod:`ecodesk.attachments.blobs`) and, on a PostgreSQL store, in its database as well
    (:mod:`ecodesk.attachments.shared`). With ``attachment_files`` the bytes the copied records
    name follow them: into the target's database when it is PostgreSQL, into the folder of the
    target's file when it is SQLite — taken from the source's database or from
    ``source_data_dir`` (by default the folder of a SQLite source's file). Files found in
    neither are said (:func:`ecodesk.notices.notify`).
    """
    source_file = sqlite_file_of(source_url)
    if source_data_dir is None and source_file is not None:
        source_data_dir = source_file.parent
    target_file = sqlite_file_of(target_url)
    if target_file is not None:
        target_file.parent.mkdir(parents=True, exist_ok=True)
    source = make_engine(source_url)
    target = make_engine(target_url)
    try:
        with server_errors(source_url):
            revision = _source_revision(source)
        with server_errors(target_url):
            _prepare_target(target, revision)
            with writer_engine(target).begin() as out, source.connect() as src:
                # One read transaction on the source: the copy is one moment of it.
                src.begin()
                tables = _records(_tables(out))
                if any(row_counts(out).values()):
                    if not force:
                        raise DatabaseNotEmpty(display_url(target_url))
                    # (shared files stay: named by their content, the copied records may use them)
                    for table in reversed(tables):
                        out.execute(table.delete())
                copied = {table.name: _copy_table(src, out, table) for table in tables}
                if out.dialect.name == "postgresql":
                    _reset_sequences(out, tables)
                src.rollback()
        files = 0
        if attachment_files and "attachments" in copied:
            with server_errors(target_url):
                files = _carry_files(source, target, target_file, source_data_dir)
    finally:
        source.dispose()
        target.dispose()
    log.info(
        "store copied from %s to %s: %d rows, %d attachment files",
        display_url(source_url),
        display_url(target_url),
        sum(copied.values()),
        files,
    )
    return CopyReport(display_url(source_url), display_url(target_url), copied, files)


def _named_files(conn: Connection) -> list[tuple[str, int, str]]:
    """(SHA-256, size, a name) of every content the store's attachments name."""
    from ecodesk.store.models import AttachmentRow

    query = (
        select(AttachmentRow.sha256, func.max(AttachmentRow.size), func.min(AttachmentRow.name))
        .group_by(AttachmentRow.sha256)
        .order_by(func.min(AttachmentRow.name))
    )
    return [(str(sha), int(size), str(name)) for sha, size, name in conn.execute(query)]


def _carry_files(
    source: Engine, target: Engine, target_file: Path | None, source_dir: Path | None
) -> int:
    """The bytes of the attachments copied to ``target``: into its database (PostgreSQL) or the
    folder of its file (SQLite), from the source's database or ``source_dir``; how many."""
    from ecodesk.attachments import shared
    from ecodesk.attachments.blobs import BlobStore, is_sha256

    local = BlobStore(source_dir) if source_dir is not None else None
    from_db = source.dialect.name == "postgresql"
    with target.connect() as conn:
        named = _named_files(conn)
    carried = 0
    missing: list[str] = []
    for sha, size, name in named:
        if not is_sha256(sha):
            missing.append(name)
            continue
        try:
            if target_file is None:  # a server: the bytes into its database
                with writer_engine(target).begin() as out:
                    if shared.has_file(out, sha):
                        continue
                    if from_db:
                        with source.connect() as src:
                            done = shared.copy_between(src, out, [(sha, size)])
                        if done:
                            carried += 1
                            continue
                    if local is not None and local.has(sha, size):
                        carried += shared.upload(out, sha, size, local.path_of(sha))
                        continue
            else:  # a SQLite file: the bytes into its data folder
                folder = BlobStore(target_file.parent)
                if folder.has(sha, size):
                    continue
                if local is not None and local.has(sha, size):
                    with local.path_of(sha).open("rb") as src_file:
                        folder.put_stream(src_file, expected=sha)
                    carried += 1
                    continue
                if from_db:
                    with source.connect() as src:
                        if shared.download(src, sha, size, folder) is not None:
                            carried += 1
                            continue
        except (shared.Damaged, ValueError):
            log.error("attachment content %s (%s) is damaged at the source: not copied", sha, name)
        missing.append(name)
    if missing:
        notify(
            tr(
                "store",
                "有 {n} 个附件的文件不在原数据文件夹中，没有复制：{names}",
                n=len(missing),
                names="、".join(missing[:5]),
            )
        )
    return carried


def _copy_table(src: Connection, out: Connection, table: Table) -> int:
    """Copy ``table`` (the source is at the same schema revision as the target)."""
    columns = [c.name for c in table.columns]
    order = list(table.primary_key.columns) or [table.columns[columns[0]]]
    result = src.execute(select(*table.columns).order_by(*order))
    count = 0
    while batch := result.fetchmany(BATCH):
        out.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in batch])
        count += len(batch)
    return count


def _reset_sequences(out: Connection, tables: list[Table]) -> None:
    """Ids were copied as they were: the next id a server hands out must come after them."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = out.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                out.execute(
                    text(
                        f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '
                        f'FROM "{table.name}"), 0) + 1, false)'
                    ),
                    {"s": sequence},
                )


def backup_to_file(
    source_url: str, out: Path, *, force: bool = True, attachments_from: Path | None = None
) -> Path:
    """A one-file SQLite backup of the store at ``source_url``, whole or not at all (see
    :class:`~ecodesk.output.OutputFile`); an existing ``out`` is replaced only when ``force``.
    With ``attachments_from`` (a data folder) it carries the attachments' bytes too."""
    source = make_engine(source_url)
    try:
        with server_errors(source_url):
            revision = _source_revision(source)
    finally:
        source.dispose()
    with OutputFile(out, force=force, private=True) as output:
        shutil.copyfile(_empty_sqlite(revision), output.tmp)
        copy_store(source_url, sqlite_url(output.tmp), attachment_files=False)
        conn = sqlite3.connect(output.tmp)
        try:
            # Like every backup: rollback-journal mode, so the copy is one self-contained file.
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.commit()
        finally:
            conn.close()
        if attachments_from is not None:
            from ecodesk.attachments.backups import embed_attachments

            _fetch_shared_files(source_url, output.tmp, Path(attachments_from))
            embed_attachments(output.tmp, attachments_from)
    log.info("server database %s backed up to %s", display_url(source_url), output.path)
    return output.path


def _fetch_shared_files(source_url: str, db_file: Path, data_dir: Path) -> None:
    """Before a server store's backup carries its attachments: the ones this PC has not
    fetched yet come from the server's database into its data folder (checked)."""
    from ecodesk.attachments import shared
    from ecodesk.attachments.blobs import BlobStore

    source = make_engine(source_url)
    try:
        if source.dialect.name != "postgresql":
            return
        blobs = BlobStore(data_dir)
        conn = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT DISTINCT sha256, size FROM attachments").fetchall()
        finally:
            conn.close()
        with server_errors(source_url), source.connect() as src:
            for sha, size in rows:
                if blobs.has(sha, size):
                    continue
                try:
                    shared.download(src, sha, size, blobs)
                except shared.Damaged:  # then reported missing from the backup
                    log.error("the server's copy of attachment %s is damaged", sha)
    finally:
        source.dispose()


_EMPTY_SCHEMAS: dict[str, Path] = {}


def _empty_sqlite(revision: str) -> Path:
    """An empty SQLite store at ``revision``, made by the migrations once per process: a backup
    starts from a copy of it instead of running the migrations every time (daily backups)."""
    path = _EMPTY_SCHEMAS.get(revision)
    if path is None or not path.exists():
        folder = Path(tempfile.mkdtemp(prefix="ecodesk-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / f"empty-{revision}.sqlite3"
        engine = make_engine(sqlite_url(path))
        try:
            migrate.upgrade(engine, revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
        _EMPTY_SCHEMAS[revision] = path
    return path


def server_backup(data_dir: Path, url: str, out: Path | None = None, *, force: bool = True) -> Path:
    """``ecodesk backup`` of a server store: a SQLite file at ``out`` (a file, or a folder to put
    it in) or in the data folder's backups, as :func:`ecodesk.store.backup.make_backup` does."""
    name = f"ecodesk-{backup._stamp()}.sqlite3"
    folder = backup.backups_dir(default_db_path(Path(data_dir)))
    target = resolve_output(out, default_name=name) if out else folder / name
    return backup_to_file(url, target, force=force, attachments_from=Path(data_dir))


def daily_server_backup(
    data_dir: Path, url: str, *, keep: int = backup.KEEP_DAILY, today: datetime | None = None
) -> Path | None:
    """Like :func:`ecodesk.store.backup.daily_backup`, for a server store: each PC that opens
    it keeps one SQLite copy a day in its own data folder (the ``keep`` made last). A backup
    never stops the program from starting: a copy that cannot be written is skipped, and said."""
    day = (today or datetime.now()).strftime("%Y-%m-%d")
    try:
        folder = backup.backups_dir(default_db_path(Path(data_dir)))
        existing = backup._dailies(folder)
        if any(d == day for _, d, _ in existing):
            return None
        number = max((n for n, _, _ in existing), default=0) + 1
        made = backup_to_file(url, folder / f"{backup.DAILY_PREFIX}{number:06d}-{day}.sqlite3")
    except StorageError as exc:
        notify(tr("store", "今天的自动备份没有做，程序照常使用：{reason}", reason=exc))
        return None
    existing = backup._dailies(folder)
    for _, _, old in existing[: max(0, len(existing) - keep)]:
        if old != made:
            old.unlink(missing_ok=True)
            log.info("old daily backup %s removed", old)
    return made


def restore_into_server(data_dir: Path, url: str, source: Path) -> Path | None:
    """Replace the store on the server at ``url`` with the backup file ``source``.

    The backup is checked first (as for a SQLite restore) and brought to the newest schema in
    a staged copy; the server's current data is first saved as a backup file in the data
    folder (its path is returned; ``None`` when the server held no EcoDesk data). The
    replacement is one transaction: a failure leaves the server as it was.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise RestoreRefused(source, tr("store", "文件不存在"))
    backup.schema_revision_of(source)
    folder = backup.backups_dir(default_db_path(Path(data_dir)))
    staged = folder / f"restoring-{backup._stamp()}.sqlite3"
    try:
        backup.stage_backup(source, staged, Path(data_dir))
        engine = make_engine(sqlite_url(staged))
        try:
            if migrate.needs_upgrade(engine):
                migrate.upgrade(engine)
        finally:
            engine.dispose()
        current = make_engine(url)
        try:
            with server_errors(url):
                has_data = migrate.current_revision(current) is not None
        finally:
            current.dispose()
        kept = (
            backup_to_file(url, folder / f"before-restore-{backup._stamp()}.sqlite3")
            if has_data
            else None
        )
        copy_store(sqlite_url(staged), url, force=True, source_data_dir=Path(data_dir))
    finally:
        for path in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            path.unlink(missing_ok=True)
    log.info(
        "server database %s restored from %s (previous copy: %s)", display_url(url), source, kept
    )
    from ecodesk.store.backup import report_missing_attachments

    report_missing_attachments(source, Path(data_dir))
    return kept


def server_backup_before_upgrade(data_dir: Path, url: str) -> Path | None:
    """Before the migrations change a server store, a copy of it as it was (in the data folder)."""
    engine = make_engine(url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    if revision is None:
        return None
    folder = backup.backups_dir(default_db_path(Path(data_dir)))
    return backup_to_file(url, folder / f"before-upgrade-{revision}-{backup._stamp()}.sqlite3")


def backup_store(data_dir: Path, url: str, out: Path | None = None, *, force: bool = True) -> Path:
    """``ecodesk backup`` and the window's 备份 for either engine: one SQLite file either way."""
    db_path = sqlite_file_of(url)
    if db_path is not None:
        return backup.make_backup(db_path, out, force=force)
    return server_backup(data_dir, url, out, force=force)


def restore_store(data_dir: Path, url: str, source: Path) -> Path | None:
    """``ecodesk restore`` and the window's 恢复 for either engine (the same backup file)."""
    db_path = sqlite_file_of(url)
    if db_path is not None:
        return backup.restore_database(db_path, source)
    return restore_into_server(data_dir, url, source)
