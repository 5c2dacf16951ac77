"""A save that waits too long for someone else's, or a server connection that dropped: a sentence,
nothing half-saved, and the next save works."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ecodesk.store import Store, engine
from ecodesk.store.engine import ENV_DATABASE_URL, WRITE_LOCK_KEY
from ecodesk.store.errors import StoreBusy
from ecodesk.submission import Period

P = Period(2026)
KEY = "1.1:upgraded_firms"


def test_a_save_that_waits_out_the_lock_timeout_is_refused_with_a_sentence(
    data_dir: Path, pack, store_engine: str, request: pytest.FixtureRequest, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)  # the program waits 15 s; the test less
    with Store.open(data_dir, pack=pack) as store:
        store.set_value(P, KEY, "1")
        if store_engine == "sqlite":
            assert store.db_path is not None
            blocker = sqlite3.connect(store.db_path, isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        else:
            server = request.getfixturevalue("postgresql_server")
            blocker = server.connect(make_url(os.environ[ENV_DATABASE_URL]).database)
            blocker.autocommit = False
            blocker.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        try:
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="数据库正忙") as caught:
                store.set_value(P, KEY, "2")
            assert time.monotonic() - started < 10
            assert "没有保存成功" in str(caught.value)
        finally:
            blocker.rollback()
            blocker.close()
        assert store.load(P).value(KEY) == "1"
        store.set_value(P, KEY, "2")  # the lock is free: saving works again
        assert store.load(P).value(KEY) == "2"


@pytest.mark.postgresql_only("about a server connection")
def test_a_dropped_server_connection_is_replaced_before_the_next_save(
    store: Store, postgresql_server
) -> None:  # type: ignore[no-untyped-def]
    store.set_value(P, KEY, "1")
    name = make_url(os.environ[ENV_DATABASE_URL]).database
    with postgresql_server.connect() as admin:  # e.g. the server restarted, or the LAN blinked
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND application_name = 'EcoDesk'",
            (name,),
        ).fetchall()
    assert ended
    store.set_value(P, KEY, "2")
    assert store.load(P).value(KEY) == "2"
