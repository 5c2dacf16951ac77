"""Issue 20 (6): ``restore`` accepted a backup carrying a SQLite trigger (it then rewrote all 171
values of the next revision to 666), and a database with the right table names but no columns
gave a traceback. The whole schema is now compared with the one the migrations make; a refusal
changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import Store
from ecodesk.store.backup import make_backup, restore_database, schema_revision_of
from ecodesk.store.errors import RestoreRefused
from ecodesk.store.migrate import HEAD
from ecodesk.store.schema import expected_schema, read_schema
from ecodesk.submission import Period

P = Period(2026)
KEY = "1.1:upgraded_firms"


def _edit(sql: str) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.commit()
        conn.close()

    return apply


def _names_only(path: Path) -> None:
    """Every EcoDesk table name, each with a single meaningless column."""
    source = sqlite3.connect(path)
    names = [
        r[0]
        for r in source.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    source.close()
    path.unlink()
    conn = sqlite3.connect(path)
    for name in names:
        conn.execute(f'CREATE TABLE "{name}" (x)')
    conn.execute("INSERT INTO alembic_version VALUES (?)", (HEAD,))
    conn.commit()
    conn.close()


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "trigger": (
        _edit(
            "CREATE TRIGGER evil AFTER INSERT ON field_values BEGIN "
            "UPDATE field_values SET text = '666' WHERE id = NEW.id; END;"
        ),
        "触发器",
    ),
    "names-without-columns": (_names_only, "缺少列"),
    "a-missing-column": (_edit("ALTER TABLE audit_log DROP COLUMN os_user;"), "缺少列 os_user"),
    "a-view": (_edit("CREATE VIEW everything AS SELECT * FROM field_values;"), "视图"),
    "an-extra-table": (_edit("CREATE TABLE payload (blob BLOB);"), "多出数据表 payload"),
    "a-dropped-index": (_edit("DROP INDEX ix_audit_log_period_at;"), "索引"),
}


def test_the_expected_schema_is_the_migrations_own(tmp_path: Path, pack) -> None:  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "d", pack=pack) as store:
        assert store.db_path is not None
        db = store.db_path
    conn = sqlite3.connect(db)
    assert read_schema(conn) == expected_schema(HEAD)
    conn.close()
    assert not expected_schema(HEAD).triggers and expected_schema(HEAD).indexes


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_backup_is_refused_and_nothing_changes(
    name: str, tmp_path: Path, pack, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    spoil, reason = HOSTILE[name]
    data = tmp_path / "data"
    with Store.open(data, pack=pack) as store:
        store.set_value(P, KEY, "17")
        assert store.db_path is not None
        db = store.db_path
        backup = make_backup(db, tmp_path / "backup.sqlite3")
    spoil(backup)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    backups_before = sorted(p.name for p in (data / "backups").iterdir())
    with pytest.raises(RestoreRefused, match=reason):
        restore_database(db, backup)
    code = main(["--data-dir", str(data), "restore", str(backup), "--yes"])
    err = capsys.readouterr().err
    assert code == 2 and reason in err and "没有任何改动" in err and "Traceback" not in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in (data / "backups").iterdir()) == backups_before
    with Store.open(data, pack=pack) as store:
        assert store.load(P).value(KEY) == "17"


def test_a_sound_backup_still_restores(tmp_path: Path, pack) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    with Store.open(data, pack=pack) as store:
        store.set_value(P, KEY, "17")
        db = store.db_path
        assert db is not None
        backup = make_backup(db, tmp_path / "backup.sqlite3")
        store.set_value(P, KEY, "18")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(backup, copy)
    assert schema_revision_of(copy) == HEAD
    restore_database(db, copy)
    with Store.open(data, pack=pack) as store:
        assert store.load(P).value(KEY) == "17"
