"""Attachments on a shared PostgreSQL store: a 50 MB file into the database and out on another PC.

Run: ``PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_shared_attachments.py [MB]``
(default 50, the per-file limit). Starts its own PostgreSQL server (``tests/postgresql.py``,
durable: fsync on) on a Unix socket.

Each measurement runs in a fresh child process, so its peak RSS (``VmHWM``) is its own:

- **open only** — opening the shared store and listing the attachments (what every child pays);
- **attach on PC A** — copy into A's data folder, hash, sniff, then stream into the database in
  1 MiB chunks (:mod:`ecodesk.attachments.shared`);
- **fetch on PC B** — a PC without the file opens it: chunks streamed from the database into
  B's data folder, checked against the SHA-256;
- **baseline** — copying the same file once into a folder and hashing it (``copy_hashing``), the
  least a checked copy must do.

CPU time (``time.process_time``) of the child is what a machine shared with other work does not
distort (the server's own CPU is not in it; wall time is printed beside). "Streamed" means the
peak RSS of attach and fetch stays near that of opening the store, far below the file's size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
from pathlib import Path
kind, data_dir, url, source = sys.argv[1], Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
wall, cpu = time.perf_counter(), time.process_time()
if kind == "baseline":
    from ecodesk.attachments.blobs import copy_hashing
    data_dir.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, (data_dir / "copy").open("wb") as dest:
        copy_hashing(src, dest)
else:
    from ecodesk.attachments import attach, content_path, list_attachments
    from ecodesk.store import Store
    from ecodesk.submission import Period
    with Store.open(data_dir, url=url) as store:
        found = list_attachments(store, Period(2026))
        if kind == "attach":
            attach(store, Period(2026), "1.1", source, "现场照片（大）")
        elif kind == "fetch":
            assert content_path(store, found[0]).stat().st_size == source.stat().st_size
hwm = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                  "rss_mb": int(hwm.split()[1]) / 1024}))
"""


def _run(kind: str, data_dir: Path, url: str, source: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(data_dir), url, str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    from tests.postgresql import PostgresServer

    work = Path(tempfile.mkdtemp(prefix="ecodesk-bench-shared-"))
    server = PostgresServer(durable=True).start()
    try:
        server.sql("CREATE DATABASE ecodesk_shared TEMPLATE ecodesk_empty")
        url = server.url("ecodesk_shared")
        source = work / "大照片.pdf"
        header = b"%PDF-1.7\n"
        with source.open("wb") as out:  # random bytes behind a PDF header: nothing compresses
            out.write(header)  # (the whole file exactly at the limit, not a byte over)
            out.write(os.urandom(1024 * 1024 - len(header)))
            for _ in range(megabytes - 1):
                out.write(os.urandom(1024 * 1024))
        from ecodesk.store import Store
        from ecodesk.submission import UnitProfile

        with Store.open(work / "pc-a", url=url) as store:
            store.save_profile(UnitProfile("360730", "宁都县", "林业局"))
        for pc in ("pc-b", "pc-c"):  # each PC's first open of the day makes its daily backup
            Store.open(work / pc, url=url).close()
        results = {
            "open only": _run("open", work / "pc-c", url, source),
            "attach on PC A": _run("attach", work / "pc-a", url, source),
            "fetch on PC B": _run("fetch", work / "pc-b", url, source),
            "baseline copy + hash": _run("baseline", work / "baseline", url, source),
        }
    finally:
        server.stop()
    size = source.stat().st_size / 1024 / 1024
    print(f"one file of {size:.0f} MB; CPU s of the EcoDesk process (wall s), peak RSS MB")
    for name, r in results.items():
        print(f"  {name:22s} {r['cpu']:6.2f} CPU s ({r['wall']:5.2f} s)  {r['rss_mb']:6.0f} MB")
    base = results["baseline copy + hash"]["cpu"]
    opened = results["open only"]
    for name in ("attach on PC A", "fetch on PC B"):
        r = results[name]
        print(
            f"  {name}: {(r['cpu'] - opened['cpu']) / base:.2f}× the copy-and-hash baseline "
            f"beyond opening; peak RSS {r['rss_mb'] - opened['rss_mb']:+.0f} MB over opening"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
