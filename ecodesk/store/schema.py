"""The database schema EcoDesk expects, derived from its own migrations, and a comparison.

A backup offered for ``restore`` is a file from anywhere. Table names are not enough: a file
with the right names and no columns crashed the program, and one carrying a SQLite trigger
rewrote every value of the next revision to 666 once restored. So the whole schema — tables
with their columns, indexes, triggers and views — must be exactly what the migrations make for
the file's schema revision. The expected schema is not a hand-written list that could drift:
the migrations are run on an empty temporary database and its schema is read back (once per
revision and process).
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ecodesk.i18n import tr

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schema:
    tables: dict[str, tuple[tuple[str, str, int, str | None, int], ...]]  # name → columns
    indexes: dict[str, tuple[str, int, tuple[str, ...]]]  # name → (table, unique, columns)
    triggers: frozenset[str]
    views: frozenset[str]


def read_schema(conn: sqlite3.Connection) -> Schema:
    """The schema of an open SQLite database (SQLite's own ``sqlite_*`` tables excepted)."""
    rows = conn.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    tables: dict[str, tuple[tuple[str, str, int, str | None, int], ...]] = {}
    indexes: dict[str, tuple[str, int, tuple[str, ...]]] = {}
    triggers, views = set(), set()
    for kind, name, table in rows:
        if kind == "table" and not name.startswith("sqlite_"):
            columns = conn.execute(f'PRAGMA table_info("{_quoted(name)}")').fetchall()
            tables[name] = tuple(
                (col[1], str(col[2]).upper(), int(col[3]), col[4], int(col[5])) for col in columns
            )
        elif kind == "index":
            unique = next(
                (
                    int(r[2])
                    for r in conn.execute(f'PRAGMA index_list("{_quoted(table)}")')
                    if r[1] == name
                ),
                0,
            )
            cols = tuple(str(r[2]) for r in conn.execute(f'PRAGMA index_info("{_quoted(name)}")'))
            indexes[name] = (table, unique, cols)
        elif kind == "trigger":
            triggers.add(name)
        elif kind == "view":
            views.add(name)
    return Schema(tables, indexes, frozenset(triggers), frozenset(views))


def _quoted(name: str) -> str:
    return str(name).replace('"', '""')


@cache
def expected_schema(revision: str) -> Schema:
    """The schema the migrations make at ``revision`` (run on an empty temporary database)."""
    from sqlalchemy import create_engine

    from ecodesk.store.engine import sqlite_url
    from ecodesk.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="ecodesk-schema-") as folder:
        path = Path(folder) / "expected.sqlite3"
        engine = create_engine(sqlite_url(path))
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        conn = sqlite3.connect(path)
        try:
            return read_schema(conn)
        finally:
            conn.close()


def schema_differences(actual: Schema, expected: Schema) -> list[str]:
    """What differs, as short Chinese phrases (empty when the schemas are the same)."""
    found: list[str] = []
    if actual.triggers - expected.triggers:
        found.append(
            tr(
                "store",
                "含有 EcoDesk 不会创建的触发器（{names}），恢复后它会暗中改写数据",
                names="、".join(sorted(actual.triggers - expected.triggers)),
            )
        )
    if actual.views != expected.views:
        found.append(
            tr(
                "store",
                "视图不符（{names}）",
                names="、".join(sorted(actual.views ^ expected.views)),
            )
        )
    for name in sorted(expected.tables.keys() - actual.tables.keys()):
        found.append(tr("store", "缺少数据表 {table}", table=name))
    for name in sorted(actual.tables.keys() - expected.tables.keys()):
        found.append(tr("store", "多出数据表 {table}", table=name))
    for name in sorted(actual.tables.keys() & expected.tables.keys()):
        if actual.tables[name] != expected.tables[name]:
            have = {c[0] for c in actual.tables[name]}
            missing = [c[0] for c in expected.tables[name] if c[0] not in have]
            if missing:
                found.append(
                    tr(
                        "store",
                        "数据表 {table} 缺少列 {columns}",
                        table=name,
                        columns="、".join(missing),
                    )
                )
            else:
                found.append(tr("store", "数据表 {table} 的列与 EcoDesk 的不同", table=name))
    if actual.indexes != expected.indexes:
        names = sorted(
            n
            for n in actual.indexes.keys() | expected.indexes.keys()
            if actual.indexes.get(n) != expected.indexes.get(n)
        )
        found.append(tr("store", "索引不符（{names}）", names="、".join(names)))
    return found
