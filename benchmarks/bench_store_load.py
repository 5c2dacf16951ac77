"""Twenty clerks saving at once: PostgreSQL (Unix socket) next to SQLite, same run, same load.

    python benchmarks/bench_store_load.py                  # 20 clerks, 60 s per engine
    python benchmarks/bench_store_load.py --seconds 10     # shorter
    python benchmarks/bench_store_load.py --clerks 5 --engines postgresql

Each clerk is a process with its own ``Store`` (its own connection), saving values as fast as
``set_value`` returns for the given time: mostly fields of its own form (cycling over 25
fields, so values are overwritten as a clerk corrects them), and every tenth save one field
that all clerks share (the office's total), so writers really contend for the same row.

Each clerk appends every *acknowledged* save (``set_value`` returned) to a file of its own, and
its latency. Afterwards the parent checks the store against those files:

* no lost write: every acknowledged save is in the audit log, and each field holds its last one;
* no duplicated write: each save is in the audit log exactly once, nothing unacknowledged is;
* order: for every field, each logged change's "old" is the change before it;
* integrity: SQLite's ``PRAGMA integrity_check``; on PostgreSQL ``amcheck`` on every index,
  and no duplicate keys or orphaned rows.

A save that fails (e.g. SQLite's "database is locked" once a writer has waited out the busy
timeout) is counted as refused: the clerk was told, and it must not be in the store either.

PostgreSQL runs in a temporary cluster (``tests/postgresql.py``) with fsync ON, as a real
server would; SQLite is the data folder's file with the program's own settings (WAL, FULL).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ecodesk.store import Store  # noqa: E402
from ecodesk.submission import Period  # noqa: E402

P = Period(2026)
FORMS = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "5.1"]
OWN_FIELDS = 25
SHARED_KEY = "G:office_total"


def _clerk(number: int, data_dir: str, url: str, seconds: float, start, log_dir: str) -> None:  # type: ignore[no-untyped-def]
    form = FORMS[number % len(FORMS)]
    with (
        Store.open(Path(data_dir), url=url) as store,
        open(Path(log_dir) / f"clerk-{number}.log", "w", encoding="utf-8") as log,
    ):
        store.load(P)
        start.wait()
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            if n % 10 == 9:
                key = SHARED_KEY
            else:
                key = f"{form}:load_c{number}_f{n % OWN_FIELDS}"
            text = f"c{number}-{n}"
            began = time.perf_counter()
            try:
                store.set_value(P, key, text)
            except Exception as exc:  # noqa: BLE001 - a refused save is counted, the clerk goes on
                log.write(f"{key}\t{text}\trefused {type(exc).__name__}\n")
            else:
                took = time.perf_counter() - began
                log.write(f"{key}\t{text}\t{took:.6f}\n")  # acknowledged: set_value returned
            log.flush()
            n += 1


def _acknowledged(log_dir: Path) -> tuple[dict[str, list[str]], list[float], dict[str, int]]:
    """Acknowledged saves per field, their latencies, and refused saves per kind of error."""
    acked: dict[str, list[str]] = {}
    latencies: list[float] = []
    refused: dict[str, int] = {}
    for path in sorted(log_dir.glob("clerk-*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            key, text, took = line.split("\t")
            if took.startswith("refused"):
                refused[took.split()[1]] = refused.get(took.split()[1], 0) + 1
                continue
            acked.setdefault(key, []).append(text)
            latencies.append(float(took))
    return acked, latencies, refused


def _check(store: Store, acked: dict[str, list[str]]) -> list[str]:
    """What is wrong with the store compared with what the clerks were told (empty: nothing)."""
    from sqlalchemy import text

    problems: list[str] = []
    with store.engine.connect() as conn:
        logged: dict[str, list[tuple[str | None, str | None]]] = {}
        for form, field, old, new in conn.execute(
            text(
                "SELECT form, field, old, new FROM audit_log WHERE action = 'set_value' ORDER BY id"
            )
        ):
            logged.setdefault(f"{form}:{field}", []).append((old, new))
    values = store.load(P).values
    for key, texts in acked.items():
        changes = logged.get(key, [])
        news = [new for _, new in changes]
        if key == SHARED_KEY:  # many writers: the log holds each acknowledged save once
            if sorted(news) != sorted(texts):
                lost = set(texts) - set(news)
                extra = len(news) - len(set(news)) + len(set(news) - set(texts))
                problems.append(f"{key}: {len(lost)} lost, {extra} duplicated or unacknowledged")
        elif news != texts:
            problems.append(f"{key}: logged {len(news)} saves, acknowledged {len(texts)}")
        olds = [old for old, _ in changes]
        if olds != [None, *news[:-1]]:
            problems.append(f"{key}: a change was logged with a stale old value")
        if values.get(key) != (news[-1] if news else None):
            problems.append(f"{key}: holds {values.get(key)!r}, last logged {news[-1:]!r}")
    for key in set(logged) - set(acked):
        problems.append(f"{key}: in the log but never acknowledged")
    return problems


def _integrity(store: Store) -> str:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())
        duplicates = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM field_values"
                " GROUP BY submission_id, form, field HAVING count(*) > 1) d"
            )
        ).scalar()
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM field_values v"
                " LEFT JOIN submissions s ON s.id = v.submission_id WHERE s.id IS NULL"
            )
        ).scalar()
        conn.commit()
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = conn.exec_driver_sql(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE a.amname = 'btree' AND n.nspname = 'public'"
        ).scalars()
        for oid in list(indexes):
            conn.exec_driver_sql(f"SELECT bt_index_check({oid}, true)")
    if duplicates or orphans:
        return f"{duplicates} duplicate keys, {orphans} orphaned values"
    return "ok"


def run_engine(name: str, clerks: int, seconds: float, work: Path) -> dict[str, object]:
    data_dir = work / f"{name}-data"
    data_dir.mkdir()
    server = None
    if name == "postgresql":
        from tests.postgresql import PostgresServer

        server = PostgresServer(durable=True).start()
        server.sql("CREATE DATABASE ecodesk_load TEMPLATE ecodesk_empty")
        url = server.url("ecodesk_load")
    else:
        url = f"sqlite:///{data_dir / 'ecodesk.sqlite3'}"
    try:
        Store.open(data_dir, url=url).close()  # migrated before the clerks start
        log_dir = work / f"{name}-acks"
        log_dir.mkdir()
        context = multiprocessing.get_context("fork")
        start = context.Barrier(clerks + 1)
        processes = [
            context.Process(
                target=_clerk, args=(n, str(data_dir), url, seconds, start, str(log_dir))
            )
            for n in range(clerks)
        ]
        for process in processes:
            process.start()
        start.wait()
        began = time.monotonic()
        for process in processes:
            process.join()
        elapsed = time.monotonic() - began
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        acked, latencies, refused = _acknowledged(log_dir)
        with Store.open(data_dir, url=url) as store:
            problems = _check(store, acked)
            integrity = _integrity(store)
        if failed:
            problems.append(f"{len(failed)} clerk processes failed (exit codes {failed})")
        latencies.sort()
        return {
            "saves": len(latencies),
            "per_s": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
            "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
            "problems": problems,
            "integrity": integrity,
            "refused": refused,
        }
    finally:
        if server is not None:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--engines", default="postgresql,sqlite")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="ecodesk-load-") as tmp:
        for name in engines:
            print(f"{name}: {args.clerks} clerks for {args.seconds:g} s …", flush=True)
            results[name] = run_engine(name, args.clerks, args.seconds, Path(tmp))
    print()
    print(f"{'':24}" + "".join(f"{name:>14}" for name in results))
    rows = [
        ("acknowledged saves", "saves", "{:>14,}"),
        ("saves per second", "per_s", "{:>14.0f}"),
        ("p50 save latency (ms)", "p50", "{:>14.1f}"),
        ("p95 save latency (ms)", "p95", "{:>14.1f}"),
        ("p99 save latency (ms)", "p99", "{:>14.1f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:24}" + "".join(fmt.format(r[key]) for r in results.values()))
    print(
        f"{'lost or duplicated':24}"
        + "".join(f"{len(r['problems']):>14}" for r in results.values())
    )
    print(f"{'integrity check':24}" + "".join(f"{r['integrity']!s:>14}" for r in results.values()))
    print(
        f"{'refused (not acked)':24}"
        + "".join(f"{sum(r['refused'].values()):>14}" for r in results.values())  # type: ignore[attr-defined]
    )
    for name, result in results.items():
        if result["refused"]:
            print(f"  {name} refused saves: {result['refused']} (the clerk was told; nothing lost)")
    print(f"(cpu cores: {os.cpu_count()}, load average at the end: {os.getloadavg()[0]:.1f})")
    bad = False
    for name, result in results.items():
        for problem in result["problems"][:20]:  # type: ignore[index]
            print(f"{name}: {problem}", file=sys.stderr)
            bad = True
        if result["integrity"] != "ok":
            bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
