"""A store on a PostgreSQL server: writers queue as on SQLite, and every refusal is a sentence.

The server is real (``tests/postgresql.py``); each test has a fresh database, which
``ECODESK_DATABASE_URL`` names, as an office's IT person would set it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from ecodesk.cli import main
from ecodesk.store import Store, StoreTooNew
from ecodesk.store.engine import (
    ENV_DATABASE_URL,
    WRITE_LOCK_KEY,
    display_url,
    normalize_url,
    resolve_url,
    save_url,
    writer_engine,
)
from ecodesk.store.errors import (
    BadDatabaseUrl,
    DatabaseLoginFailed,
    DatabaseMissing,
    DatabaseNoPermission,
    DatabaseNotEcoDesk,
    DatabaseUnreachable,
)
from ecodesk.submission import Period
from tests.postgresql import PASSWORD, PASSWORD_USER, PostgresServer

pytestmark = pytest.mark.postgresql_only("about the PostgreSQL server itself")

P = Period(2026)
KEY = "1.1:upgraded_firms"


def _stored(data: Any) -> dict[str, str]:
    """Every value the store holds for the period: these tests write keys of their own, which
    the pack does not ask for, so loading sets them apart as 已停用 (``retired``)."""
    return {**data.values, **data.retired}


def _database(url: str) -> str:
    return str(make_url(url).database)


def _raw(server: PostgresServer, query: str) -> list[tuple]:  # type: ignore[type-arg]
    """What the server holds, read by a connection that knows nothing of SQLAlchemy."""
    with server.connect(_database(os.environ[ENV_DATABASE_URL])) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


def test_a_value_is_on_the_server_when_set_value_returns(
    store: Store, postgresql_server: PostgresServer
) -> None:
    store.set_value(P, KEY, "12")
    assert _raw(postgresql_server, "SELECT form, field, text FROM field_values") == [
        ("1.1", "upgraded_firms", "12")
    ]
    store.set_value(P, KEY, "")
    assert _raw(postgresql_server, "SELECT text FROM field_values") == []


def test_reads_are_snapshots_and_writes_take_the_write_lock_first(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
    with writer_engine(store.engine).begin() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
        held = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid()"
        ).scalar()
        assert held == 1
    with store.engine.connect() as conn:  # released with the transaction
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            ).scalar()
            == 0
        )


def test_a_writer_waits_while_another_holds_the_write_lock(
    store: Store, postgresql_server: PostgresServer
) -> None:
    store.set_value(P, KEY, "1")
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.set_value(P, KEY, "2")
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        done.set()

    with postgresql_server.connect(_database(os.environ[ENV_DATABASE_URL])) as other:
        other.autocommit = False
        other.execute(
            f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
        )  # another EcoDesk mid-write
        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.5), "the write did not wait for the other writer"
        other.commit()
    assert done.wait(10)
    thread.join()
    assert errors == []
    assert store.load(P).value(KEY) == "2"


def test_two_stores_writing_at_once_lose_nothing_and_log_every_change_in_order(
    data_dir: Path, pack
) -> None:
    rounds = 40
    stores = [Store.open(data_dir, pack=pack) for _ in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def clerk(number: int, store: Store) -> None:
        try:
            start.wait()
            store.load(P)  # both create the period's first revision at the same moment
            for i in range(rounds):
                store.set_value(P, KEY, f"{number}-{i}")  # the same field, changed by both
                store.set_value(P, f"1.1:own_{number}_{i}", str(i))  # and fields of their own
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(n, s)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert [r.revision for r in stores[0].revisions(P)] == [1]
        values = _stored(stores[1].load(P))
        assert {k: v for k, v in values.items() if "own_" in k} == {
            f"1.1:own_{n}_{i}": str(i) for n in range(2) for i in range(rounds)
        }
        shared = [
            e for e in reversed(stores[0].audit_log(P, limit=10_000)) if e.field == "upgraded_firms"
        ]
        # Every save is in the log once, and each one's "old" is exactly the save before it:
        # no writer ever read a value another had already replaced.
        assert len(shared) == 2 * rounds
        assert [e.old for e in shared] == [None] + [e.new for e in shared[:-1]]
        assert values[KEY] == shared[-1].new
    finally:
        for store in stores:
            store.close()


def _refused(data_dir: Path, pack, url: str) -> Exception:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception) as caught:
        Store.open(data_dir, url=url, pack=pack)
    return caught.value


def test_a_server_that_cannot_be_reached_is_named_without_its_password(
    data_dir: Path, pack, tmp_path: Path
) -> None:
    url = f"postgresql://clerk:secret@/ecodesk?host={tmp_path / 'no-server-here'}"
    error = _refused(data_dir, pack, url)
    assert isinstance(error, DatabaseUnreachable)
    assert "连接不上数据库服务器" in str(error) and "secret" not in str(error)


def test_a_wrong_password_and_an_unknown_user_are_refused(
    data_dir: Path, pack, postgresql_server: PostgresServer
) -> None:
    name = _database(os.environ[ENV_DATABASE_URL])
    for url in (
        postgresql_server.url(name, user=PASSWORD_USER, password="wrong"),
        postgresql_server.url(name, user="nobody_here"),
    ):
        error = _refused(data_dir, pack, url)
        assert isinstance(error, DatabaseLoginFailed), error
        assert "用户名或密码不对" in str(error) and "wrong" not in str(error)
    right = postgresql_server.url(name, user=PASSWORD_USER, password=PASSWORD)
    error = _refused(data_dir, pack, right)  # the right password, but the tables are not its own
    assert isinstance(error, DatabaseNoPermission) and "没有使用这个数据库的权限" in str(error)

    # As the README tells the IT person: a database owned by the user EcoDesk logs in as.
    own = postgresql_server.new_database(migrated=False)
    try:
        postgresql_server.sql(f"ALTER DATABASE {own} OWNER TO {PASSWORD_USER}")
        url = postgresql_server.url(own, user=PASSWORD_USER, password=PASSWORD)
        with Store.open(data_dir, url=url, pack=pack) as store:
            store.set_value(P, KEY, "5")
            assert store.load(P).value(KEY) == "5"
    finally:
        postgresql_server.drop_database(own)


def test_a_missing_database_a_foreign_one_and_a_newer_one_are_refused(
    data_dir: Path, pack, store: Store, postgresql_server: PostgresServer
) -> None:
    error = _refused(data_dir, pack, postgresql_server.url("no_such_db"))
    assert isinstance(error, DatabaseMissing) and "没有这个数据库" in str(error)

    foreign = postgresql_server.new_database(migrated=False)
    try:
        postgresql_server.sql("CREATE TABLE customers (id int)", database=foreign)
        error = _refused(data_dir, pack, postgresql_server.url(foreign))
        assert isinstance(error, DatabaseNotEcoDesk) and "不是 EcoDesk 的数据库" in str(error)
    finally:
        postgresql_server.drop_database(foreign)

    store.set_value(P, KEY, "7")
    _raw_update = postgresql_server.sql
    _raw_update(
        "UPDATE alembic_version SET version_num = 'ffff'",
        database=_database(os.environ[ENV_DATABASE_URL]),
    )
    error = _refused(data_dir, pack, os.environ[ENV_DATABASE_URL])
    assert isinstance(error, StoreTooNew) and "更新版本的 EcoDesk" in str(error)


def test_the_command_line_says_what_is_wrong_with_the_server_and_never_shows_a_traceback(
    data_dir: Path, postgresql_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _database(os.environ[ENV_DATABASE_URL])
    cases = {
        postgresql_server.url(name, user=PASSWORD_USER, password="wrong"): "用户名或密码不对",
        postgresql_server.url("no_such_db"): "没有这个数据库",
        "mysql://root@localhost/ecodesk": "格式不对",
    }
    for url, message in cases.items():
        assert main(["--data-dir", str(data_dir), "--database", url, "profile"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and "wrong" not in err
    assert (
        main(["--data-dir", str(data_dir), "--database", os.environ[ENV_DATABASE_URL], "profile"])
        == 0
    )
    assert "还没有填写单位信息" in capsys.readouterr().out
    assert os.environ[ENV_DATABASE_URL].endswith(name + f"?host={postgresql_server.socket_dir}")


def test_where_the_database_is_found(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL)
    assert resolve_url(data_dir) == f"sqlite:///{data_dir / 'ecodesk.sqlite3'}"
    save_url(data_dir, "postgres://clerk:pw@db.office.lan/ecodesk")
    saved = data_dir / "database-url.txt"
    assert saved.stat().st_mode & 0o077 == 0  # it holds a password: the owner's only
    assert resolve_url(data_dir) == "postgresql+psycopg://clerk:pw@db.office.lan/ecodesk"
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql://other@db2/ecodesk")
    assert resolve_url(data_dir) == "postgresql+psycopg://other@db2/ecodesk"
    assert resolve_url(data_dir, "postgresql://third@db3/x") == "postgresql+psycopg://third@db3/x"
    save_url(data_dir, None)
    assert not saved.exists()
    assert display_url("postgresql+psycopg://clerk:pw@db/ecodesk") == (
        "postgresql+psycopg://clerk:***@db/ecodesk"
    )
    for bad in ("", "mysql://root@host/db", "postgresql://host-without-database", "sqlite://"):
        with pytest.raises(BadDatabaseUrl):
            normalize_url(bad)


def test_a_lost_server_at_start_is_said_quickly(data_dir: Path, pack, tmp_path: Path) -> None:
    started = time.monotonic()
    _refused(data_dir, pack, f"postgresql://x@/db?host={tmp_path}")
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL")
def test_a_writer_killed_mid_transaction_loses_only_that_unacknowledged_write(
    store: Store, postgresql_server: PostgresServer
) -> None:
    """The writer is stopped for certain inside its transaction (after taking the write lock):
    another session holds an uncommitted row with the key it inserts, so its INSERT waits."""
    store.set_value(P, KEY, "warm")  # the revision exists; statements are compiled
    name = _database(os.environ[ENV_DATABASE_URL])
    read_end, write_end = os.pipe()
    with postgresql_server.connect(name) as watch, postgresql_server.connect(name) as blocker:
        blocker.autocommit = False
        (submission_id,) = blocker.execute("SELECT id FROM submissions").fetchone()  # type: ignore[misc]
        blocker.execute(
            "INSERT INTO field_values (submission_id, form, field, text, updated_at)"
            " VALUES (%s, '1.1', 'blocked', 'other', 'now')",
            (submission_id,),
        )
        pid = os.fork()
        if pid == 0:  # the writer: never return into pytest
            try:
                os.close(read_end)
                store.engine.dispose(close=False)
                for i in range(3):
                    store.set_value(P, f"1.1:acked_{i}", str(i))
                    os.write(write_end, f"{i}\n".encode())
                store.set_value(P, "1.1:blocked", "from the killed writer")
                os.write(write_end, b"returned\n")
            finally:
                os._exit(0)
        os.close(write_end)
        deadline = time.monotonic() + 20
        while not watch.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND application_name = 'EcoDesk'"
            " AND wait_event_type = 'Lock' AND state = 'active'",
            (name,),
        ).fetchall():
            assert time.monotonic() < deadline, "the writer never reached its INSERT"
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        acknowledged = b""
        while chunk := os.read(read_end, 4096):
            acknowledged += chunk
        os.close(read_end)
        blocker.rollback()  # the killed writer's INSERT may now finish; its commit never comes

    assert acknowledged.decode().split() == ["0", "1", "2"]
    started = time.monotonic()
    store.set_value(P, "1.1:after", "ok")  # the write lock did not die with the writer
    assert time.monotonic() - started < 10
    values = _stored(store.load(P))
    assert {k: v for k, v in values.items() if k != KEY} == {
        "1.1:acked_0": "0",
        "1.1:acked_1": "1",
        "1.1:acked_2": "2",
        "1.1:after": "ok",
    }
    assert not [e for e in store.audit_log(P, limit=1000) if e.field == "blocked"]
