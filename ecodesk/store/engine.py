"""The SQLAlchemy engine: where the database is and how each kind of connection is set up.

Two engines are supported, with the same schema (the same Alembic migrations):

* **SQLite** (the default, nothing to set up): one file in the data folder, WAL, foreign keys,
  synchronous FULL, a busy timeout. A write transaction starts with ``BEGIN IMMEDIATE``, so a
  writer holds the write lock before it reads the "old" value it records in the audit log.
* **PostgreSQL** (an office sharing one server): a write transaction runs at READ COMMITTED
  and first takes transaction-scoped advisory locks, which go with the commit or rollback (also
  when the client dies). A save inside one form (a value, a narrative, a table) holds the
  store's write lock (:data:`WRITE_LOCK_KEY`) *shared* and that form's own lock
  (:func:`lock_form`) exclusively: two people on different forms never wait for each other,
  two on the same form queue as on SQLite, and each statement after the lock sees every earlier
  committed write to that form. Writes that span the store (a whole submission, signing, a new
  revision, the profile) hold the write lock exclusively and so wait for, and hold off, every
  other writer. Reads run at REPEATABLE READ: one read is one consistent snapshot, as a read
  transaction is on SQLite in WAL mode.

Where the database is: ``--database URL`` (the command line) or the ``url`` argument, then the
environment variable ``ECODESK_DATABASE_URL``, then the address saved in the data folder by
Settings → 数据库 (:data:`URL_FILENAME`), then the SQLite file in the data folder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ecodesk.store.errors import BadDatabaseUrl

log = logging.getLogger(__name__)

DB_FILENAME = "ecodesk.sqlite3"
URL_FILENAME = "database-url.txt"
ENV_DATABASE_URL = "ECODESK_DATABASE_URL"
BUSY_TIMEOUT_MS = 15000
CONNECT_TIMEOUT_S = 10
# Execution option of the store's write transactions: BEGIN IMMEDIATE on SQLite, the write
# lock on PostgreSQL. Either way a writer takes the write lock up front, so the "old" value it
# reads for the audit log cannot go stale and two writers never create the same row.
IMMEDIATE = "ecodesk_sqlite_immediate"
# The advisory lock every EcoDesk writer of a PostgreSQL database takes (any constant will do,
# as long as every EcoDesk uses the same one): "EcoDesk" in ASCII.
WRITE_LOCK_KEY = 0x45636F4465736B
# Value of IMMEDIATE for a save inside one form: the write lock shared (PostgreSQL only).
SHARED = "shared"
# First half of a form's advisory lock (the second is the hash of "period:form"): "EcoD".
FORM_LOCK_CLASS = 0x45636F44
POSTGRESQL_DRIVER = "postgresql+psycopg"


def default_db_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def default_url(data_dir: Path) -> str:
    return sqlite_url(default_db_path(data_dir))


def sqlite_url(path: Path) -> str:
    """The URL of the SQLite file at ``path``, whatever characters its folders' names hold.

    Written by SQLAlchemy (``URL.create``), which escapes what a URL would read as syntax: a
    ``?`` would start a query string (``数据?mode=ro`` opened ``数据`` read-only), ``#`` and
    ``%`` would be misread too. SQLAlchemy 2.1 reads the escapes back (2.0 did neither)."""
    return URL.create("sqlite", database=str(path)).render_as_string(hide_password=False)


def sqlite_file_of(url: str) -> Path | None:
    """The database file behind a SQLite URL (``None`` for other databases or in-memory)."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def normalize_url(text: str) -> str:
    """The SQLAlchemy URL of what a person typed: ``postgresql://user:password@host/db``,
    ``postgres://…``, ``sqlite:///path`` or a plain path to a SQLite file.

    Raises :class:`BadDatabaseUrl` (with an example of the right form) for anything else.
    """
    text = text.strip()
    if not text:
        raise BadDatabaseUrl(text)
    if "://" not in text:  # a path: a SQLite file (e.g. the target of ``store copy``)
        return sqlite_url(Path(text).expanduser().resolve())
    scheme, _, rest = text.partition("://")
    if scheme.lower() in ("postgres", "postgresql", "postgresql+psycopg", "pgsql"):
        text = f"{POSTGRESQL_DRIVER}://{rest}"
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise BadDatabaseUrl(text) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BadDatabaseUrl(text)
        return url.render_as_string(hide_password=False)
    if backend != "postgresql" or not url.database:
        raise BadDatabaseUrl(_hidden(url))
    return url.set(drivername=POSTGRESQL_DRIVER).render_as_string(hide_password=False)


def _hidden(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def display_url(url: str) -> str:
    """``url`` with its password replaced by ``***``: for messages, logs and the window.

    A SQLite file's path is shown as it is, not escaped (``数据 100%``, not ``%E6%95%B0…``)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "***"
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"{parsed.drivername}:///{parsed.database}"
    return _hidden(parsed)


def saved_url_file(data_dir: Path) -> Path:
    return Path(data_dir) / URL_FILENAME


def saved_url(data_dir: Path) -> str | None:
    """The database address saved in the data folder by Settings → 数据库 (``None``: SQLite)."""
    path = saved_url_file(data_dir)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        if not os.access(data_dir, os.R_OK | os.X_OK):
            return None  # the folder itself cannot be read: opening the store says so
        # An address that is there but cannot be read must not silently mean "the local file"
        from ecodesk.storage import storage_error

        raise storage_error(exc, path) from None
    return text or None


def save_url(data_dir: Path, url: str | None) -> None:
    """Remember ``url`` for this data folder (``None`` goes back to the SQLite file).

    The file may hold a password, so only its owner can read it (like libpq's ``.pgpass``).
    """
    path = saved_url_file(data_dir)
    if url is None:
        path.unlink(missing_ok=True)
        return
    url = normalize_url(url)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(url + "\n")
    os.replace(tmp, path)


def resolve_url(data_dir: Path, explicit: str | None = None) -> str:
    """The database of ``data_dir``: ``explicit``, the environment, the saved address, the SQLite file."""
    for candidate in (explicit, os.environ.get(ENV_DATABASE_URL), saved_url(data_dir)):
        if candidate and candidate.strip():
            return normalize_url(candidate)
    return default_url(Path(data_dir))


@contextmanager
def database_from_command_line(url: str | None) -> Iterator[None]:
    """``ecodesk --database URL …``: the command (and any child it starts) uses ``url``."""
    if not url:
        yield
        return
    url = normalize_url(url)
    before = os.environ.get(ENV_DATABASE_URL)
    os.environ[ENV_DATABASE_URL] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_DATABASE_URL, None)
        else:
            os.environ[ENV_DATABASE_URL] = before


def make_engine(url: str) -> Engine:
    """An engine set up for the store's guarantees on either database (see the module's docstring)."""
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        engine = create_engine(
            url,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "EcoDesk",
                # a pulled network cable is noticed within about 30 s, not the OS's 2 hours
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
            },
            isolation_level="REPEATABLE READ",
            pool_pre_ping=True,
        )
        _configure_postgresql(engine)
        return engine
    is_sqlite = backend == "sqlite"
    connect_args: dict[str, Any] = {"check_same_thread": False} if is_sqlite else {}
    engine = create_engine(url, connect_args=connect_args)
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


def writer_engine(engine: Engine, *, per_form: bool = False) -> Engine:
    """``engine`` for the store's write transactions (which take the write lock first).

    ``per_form``: for saves inside one form, which on PostgreSQL hold the write lock shared and
    must then take the form's lock (:func:`lock_form`); SQLite has one writer at a time anyway.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(
            **{IMMEDIATE: SHARED if per_form else True}, isolation_level="READ COMMITTED"
        )
    return engine.execution_options(**{IMMEDIATE: True})


def lock_form(conn: Any, period: str, form: str) -> None:
    """Hold ``form`` of ``period`` for the rest of the transaction (PostgreSQL; ``conn``: a
    connection or session of a ``per_form`` writer). Nothing to do on SQLite."""
    dialect = conn.get_bind().dialect.name if hasattr(conn, "get_bind") else conn.dialect.name
    if dialect == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(:scope))"),
            {"cls": FORM_LOCK_CLASS, "scope": f"{period}:{form}"},
        )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it
        # past the first SELECT and cannot do BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(IMMEDIATE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Text as the clerk typed it, times as stored (text): nothing depends on the server's
        # locale, except that a writer waiting longer than SQLite's busy timeout gives up.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET client_encoding = 'UTF8'")
            cursor.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(IMMEDIATE)
        if mode == SHARED:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK_KEY})")
        elif mode:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
