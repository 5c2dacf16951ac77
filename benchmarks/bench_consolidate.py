"""Consolidation time and memory for 18, 180 and 1,800 received full county workbooks.

    /work/main/.venv/bin/python benchmarks/bench_consolidate.py                 # 18, 180, 1800
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py --forms G,1.1   # smaller workbooks
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py --sizes 18,180 --workers 1

Eighteen demo counties' workbooks are signed once with real keys (a cheap KDF: key derivation is
not what is measured); larger sets are variants of them, each with its own bytes (another zip
comment), so every file is hashed and verified — no cache helps — as resent copies in a city
folder would be (copies of one signed submission are set aside as duplicates after verifying).
For every size, in the same run: ``consolidate`` (verify in a process pool, one worker per core,
read, add up), writing the summary, the peak resident memory of the program and its workers
together (sampled), and the per-file time, which should stay flat (linear growth). The baseline,
measured in the same run on the 18 originals: openpyxl only loading a workbook (what the
verifier did before, per file), and the sequential streaming verifier.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

PASSPHRASE = "bench passphrase 2026"


def make_workbooks(folder: Path, registry: Path, forms: list[str] | None) -> list[Path]:
    from dataclasses import replace

    from ecodesk.demo import sample_submission
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.signing import keys as signing_keys
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.submission import Period
    from ecodesk.workbook.writer import write_signed_workbook

    signing_keys.SCRYPT_N = 2**10
    pack = bundled_pack()
    meta = ExportMeta(
        exported_at=datetime.now().astimezone().replace(microsecond=0), program_version="bench"
    )
    counties = [d for d in pack.catalog.divisions if d.kind != "功能区"][:18]
    paths = []
    for division in counties:
        data = sample_submission(pack, division.code, Period(2025))
        if forms:
            keep = tuple(f"{f}:" for f in forms)
            data = replace(
                data,
                forms=[f for f in data.forms if f in forms],
                values={k: v for k, v in data.values.items() if k.startswith(keep)},
                narratives={k: v for k, v in data.narratives.items() if k.startswith(keep)},
                tables={k: v for k, v in data.tables.items() if k.startswith(keep)},
            )
        keys = KeyStore(folder.parent / "keys" / division.code)
        key = keys.create(PASSPHRASE)
        write_registrations(keys, registry, data.unit)
        path = folder / f"{division.code}.xlsx"
        write_signed_workbook(pack, data, path, key=key, meta=meta)
        paths.append(path)
    return paths


def fill(folder: Path, originals: list[Path], n: int) -> None:
    """``n`` files, variants of the originals with their own bytes (a zip comment of their own)."""
    folder.mkdir()
    sources = [p.read_bytes() for p in originals]
    for i in range(n):
        data = sources[i % len(sources)]
        assert data[-2:] == b"\x00\x00"  # no zip comment yet
        comment = f"received {i}".encode()
        target = folder / f"{i:05d}-{originals[i % len(originals)].name}"
        target.write_bytes(data[:-2] + len(comment).to_bytes(2, "little") + comment)


class PeakMemory:
    """The largest resident memory of this process and its workers together, sampled every 20 ms."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _tree_rss(os.getpid()))


def _tree_rss(pid: int) -> int:
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(_tree_rss(int(child)) for child in fh.read().split())
    except OSError:
        pass
    return total


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cpu_timed(fn):  # type: ignore[no-untyped-def]
    """Wall time, CPU time of this process and its (finished) workers, and the result."""
    before = os.times()
    start = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - start
    after = os.times()
    cpu = sum(
        getattr(after, f) - getattr(before, f)
        for f in ("user", "system", "children_user", "children_system")
    )
    return wall, cpu, result


def openpyxl_full(paths: list[Path]) -> None:
    from openpyxl import load_workbook

    for p in paths:
        load_workbook(p, data_only=False, keep_links=False).close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="18,180,1800")
    parser.add_argument(
        "--forms", default="", help="comma-separated form codes (default: every form)"
    )
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    forms = [f for f in args.forms.split(",") if f] or None

    from ecodesk.services.consolidate import consolidate, verify_all, write_summary

    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        root = Path(tmp)
        (root / "originals").mkdir()
        made, originals = timed(
            lambda: make_workbooks(root / "originals", root / "registry", forms)
        )
        size_kb = sum(p.stat().st_size for p in originals) / len(originals) / 1024
        print(
            f"signed 18 workbooks in {made:.1f} s ({size_kb:.0f} KB each; forms: "
            f"{args.forms or 'all'}); {os.cpu_count()} cores, workers: {args.workers or 'all'}"
        )
        t_openpyxl, c_openpyxl, _ = cpu_timed(lambda: openpyxl_full(originals))
        t_seq, c_seq, _ = cpu_timed(lambda: verify_all(originals, root / "registry", workers=1))
        base_ms = t_openpyxl / len(originals) * 1000
        print(
            f"baseline (18 originals, same run): openpyxl load {base_ms:.0f} ms/file "
            f"({c_openpyxl / len(originals) * 1000:.0f} ms CPU), streaming verify one by one "
            f"{t_seq / len(originals) * 1000:.0f} ms/file ({c_seq / len(originals) * 1000:.0f} ms CPU)"
        )
        cores = min(args.workers or os.cpu_count() or 1, os.cpu_count() or 1)
        print(
            "CPU s: this process and its workers; 'idle s' = CPU s / cores used, the wall time "
            "on a machine nobody else is using"
        )
        header = (
            f"{'files':>6} {'consolidate s':>14} {'ms/file':>8} {'CPU s':>7} {'CPU ms/file':>12} "
            f"{'idle s':>7} {'summary s':>10} {'peak RSS MB':>12} {'vs openpyxl load':>17}"
        )
        print(header)
        print("-" * len(header))
        for n in sizes:
            folder = root / f"in-{n}"
            fill(folder, originals, n)
            with PeakMemory() as memory:
                t_cons, cpu, result = cpu_timed(
                    lambda folder=folder: consolidate(
                        [folder], root / "registry", workers=args.workers
                    )
                )
            assert len(result.used) == len(originals) and not result.refused, (
                "benchmark set must all verify"
            )
            t_sum, _ = timed(
                lambda result=result, n=n: write_summary(result, root / f"summary-{n}.xlsx")
            )
            per_file = t_cons / n * 1000
            print(
                f"{n:>6} {t_cons:>14.2f} {per_file:>8.1f} {cpu:>7.1f} {cpu / n * 1000:>12.1f} "
                f"{cpu / cores:>7.1f} {t_sum:>10.2f} {memory.peak / 1048576:>12.0f} "
                f"{base_ms / per_file:>16.1f}x",
                flush=True,
            )
            shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
