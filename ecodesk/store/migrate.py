"""Bring a database to the schema this program expects, with Alembic, without an alembic.ini.

``HEAD`` lets start-up skip importing Alembic when the database is already current (the
window's start-up time is measured); a test checks it against the migration scripts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from ecodesk.i18n import tr
from ecodesk.store.errors import DatabaseNotEcoDesk, StoreDamaged, StoreTooNew

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0008", "0007", "0005", "0009")  # oldest first
HEAD = KNOWN_REVISIONS[-1]


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database; ``None`` for an empty database.

    Raises :class:`StoreDamaged` for a database holding tables that are not EcoDesk's.
    """
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables:
            if tables and engine.dialect.name != "sqlite":
                raise DatabaseNotEcoDesk(_where(engine))
            if tables:
                detail = tr("store", "不是 EcoDesk 的数据文件")
                raise StoreDamaged(_where(engine), detail)
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def current_revision_of(conn: Connection) -> str | None:
    """The schema revision on an open connection (``None`` without EcoDesk's version table)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def _where(engine: Engine) -> str:
    """The database as messages name it: the file, or the server address without password."""
    if engine.dialect.name == "sqlite":
        return str(engine.url.database or engine.url)
    return engine.url.render_as_string(hide_password=True)


def needs_upgrade(engine: Engine) -> bool:
    revision = current_revision(engine)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreTooNew(_where(engine), revision)
    return revision != HEAD


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _driver_execute(conn: Connection, statement: str) -> None:
    """Run ``statement`` on the DB-API connection itself, outside SQLAlchemy's transaction."""
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection always has its DB-API connection
    driver.execute(statement)


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run the migrations up to ``target`` (head by default) on ``engine``."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        is_sqlite = conn.dialect.name == "sqlite"
        if is_sqlite:
            # Batch migrations rebuild tables; with foreign keys on, dropping the old table
            # would cascade into its children. The PRAGMA goes straight to the driver because
            # it has no effect inside the transaction SQLAlchemy would begin first.
            _driver_execute(conn, "PRAGMA foreign_keys = OFF")
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
            conn.commit()
        finally:
            if is_sqlite:
                conn.rollback()
                _driver_execute(conn, "PRAGMA foreign_keys = ON")
    log.info("database upgraded to %s", target)
