"""The SQLAlchemy engine: where the database is and how SQLite connections are set up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

DB_FILENAME = "ecodesk.sqlite3"
BUSY_TIMEOUT_MS = 15000
# Execution option that makes a transaction start with BEGIN IMMEDIATE: a writer takes the
# write lock up front, so the "old" value it reads for the audit log cannot go stale.
IMMEDIATE = "ecodesk_sqlite_immediate"


def default_db_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{default_db_path(data_dir)}"


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


def make_engine(url: str) -> Engine:
    """An engine with WAL, foreign keys, full sync and a busy timeout on every SQLite connection."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    connect_args: dict[str, Any] = {"check_same_thread": False} if is_sqlite else {}
    engine = create_engine(url, connect_args=connect_args)
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


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
