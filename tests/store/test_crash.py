"""A writer killed with SIGKILL at random moments loses nothing whose write had returned.

The writer is a forked child (cheap: the parent has already imported everything), which
reports on a pipe each value whose ``set_value`` returned. The parent kills it after a random
number of reports, then checks the database the way the next start of the program would.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from ecodesk.store import Store
from ecodesk.submission import Period

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL")

P = Period(2026)
KEYS = 16
KILLS = 60


def _stored(data: Any) -> dict[str, str]:
    """Every value the store holds for the period: these tests write keys of their own, which
    the pack does not ask for, so loading sets them apart as 已停用 (``retired``)."""
    return {**data.values, **data.retired}


def _key(i: int) -> str:
    return f"1.1:crash_{i % KEYS}"


class Writer:
    """A forked child writing first, first+1, … in a loop and reporting each returned write on a pipe.

    The child reuses the parent's open store (its compiled statements make each start cheap)
    after dropping the parent's pooled connections, as SQLAlchemy advises after fork().
    """

    def __init__(self, store: Store, first: int) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            code = 0
            try:
                os.close(read_end)
                store.engine.dispose(close=False)
                i = first
                while True:
                    store.set_value(P, _key(i), str(i))
                    os.write(write_end, f"{i}\n".encode())
                    i += 1
            except BaseException:  # noqa: BLE001 - report, then leave without pytest's cleanup
                import traceback

                traceback.print_exc(file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid, self.fd, self.buffer = pid, read_end, b""

    def wait_for(self, count: int) -> list[int]:
        """Block until ``count`` more writes were reported (fewer if the child died)."""
        while self.buffer.count(b"\n") < count:
            chunk = os.read(self.fd, 4096)
            if not chunk:
                break
            self.buffer += chunk
        return self._complete_lines()

    def kill(self) -> list[int]:
        """SIGKILL the child; return the writes it reported that were not read yet."""
        os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        assert os.WIFSIGNALED(status), "the writer stopped by itself (see its stderr)"
        while chunk := os.read(self.fd, 65536):
            self.buffer += chunk
        os.close(self.fd)
        return self._complete_lines()

    def _complete_lines(self) -> list[int]:
        done, _, self.buffer = self.buffer.rpartition(b"\n")
        return [int(x) for x in done.split(b"\n") if x]


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_never_loses_a_returned_write(data_dir: Path, pack) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(20261129)
    reported: dict[str, int] = {}
    last = -1
    with Store.open(data_dir, pack=pack) as store:
        store.set_value(P, _key(0), "-1")  # warm: statements compiled before the first fork
        for kill in range(KILLS):
            writer = Writer(store, last + 1)
            seen = writer.wait_for(rng.randint(0, 6))
            for _ in range(rng.randint(0, 3000)):  # a little more, so kills land inside writes
                pass
            seen += writer.kill()
            for i in seen:
                reported[_key(i)] = i
            if seen:
                last = seen[-1]

            if store.db_path is not None:  # a server checks its own pages; a file is checked here
                assert _integrity(store.db_path) == "ok"
            if kill % 10 == 9:  # now and then, the whole start-up path of the program
                with Store.open(data_dir, pack=pack) as fresh:
                    values = _stored(fresh.load(P))
            else:
                values = _stored(store.load(P))
            in_flight = last + 1  # the one write that may have committed without being reported
            for key, i in reported.items():
                allowed = {i, in_flight} if _key(in_flight) == key else {i}
                assert int(values[key]) in allowed, (key, i, values.get(key))
    assert len(reported) == KEYS  # the writes really went round all the keys


def test_a_reader_sees_every_reported_write_while_the_writer_writes(data_dir: Path, pack) -> None:  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as store:
        writer = Writer(store, 0)
        try:
            with Store.open(data_dir, pack=pack) as reader:
                highest = -1
                for _ in range(30):
                    lines = writer.wait_for(1)
                    assert lines, "the writer stopped"
                    highest = lines[-1]
                    values = {k: int(v) for k, v in _stored(reader.load(P)).items()}
                    # Everything reported before this read started is visible to it.
                    for i in range(max(0, highest - KEYS + 1), highest + 1):
                        assert values[_key(i)] >= i
        finally:
            writer.kill()
