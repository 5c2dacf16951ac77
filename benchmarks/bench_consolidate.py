"""Consolidation time for 18, 180 and 1,800 received workbooks, next to openpyxl only loading them.

    /work/venv/bin/python benchmarks/bench_consolidate.py                 # 18, 180, 1800; every form
    /work/venv/bin/python benchmarks/bench_consolidate.py --forms G,1.1   # smaller workbooks
    /work/venv/bin/python benchmarks/bench_consolidate.py --sizes 18,180

Eighteen counties' workbooks are signed once with real keys (a cheap KDF: key derivation is not
what is measured); larger sets are copies of them, as a city folder with resent files would be
(copies of a kept revision are set aside as duplicates, but each is still verified, which is the
cost). For every size, in the same run: ``consolidate`` (verify + read + add up), writing the
summary, and two openpyxl baselines on the same files — a full load (what the verifier needs: it
compares every visible cell and its number format) and a read-only load that walks every cell.
The last column shows how the time grows: the per-file time should stay flat (linear growth).
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
    folder.mkdir()
    for i in range(n):
        src = originals[i % len(originals)]
        target = folder / f"{i:05d}-{src.name}"
        try:
            os.link(src, target)  # same bytes, no disk copy; each is still opened and verified
        except OSError:
            shutil.copy(src, target)


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def openpyxl_full(paths: list[Path]) -> None:
    from openpyxl import load_workbook

    for p in paths:
        load_workbook(p, data_only=False, keep_links=False).close()


def openpyxl_read_only(paths: list[Path]) -> None:
    from openpyxl import load_workbook

    for p in paths:
        wb = load_workbook(p, read_only=True, data_only=False, keep_links=False)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="18,180,1800")
    parser.add_argument(
        "--forms", default="", help="comma-separated form codes (default: every form)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    forms = [f for f in args.forms.split(",") if f] or None

    from ecodesk.services.consolidate import consolidate, write_summary

    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        root = Path(tmp)
        (root / "originals").mkdir()
        made, originals = timed(
            lambda: make_workbooks(root / "originals", root / "registry", forms)
        )
        size_kb = sum(p.stat().st_size for p in originals) / len(originals) / 1024
        print(
            f"signed 18 workbooks in {made:.1f} s ({size_kb:.0f} KB each; forms: {args.forms or 'all'})"
        )
        header = (
            f"{'files':>6} {'consolidate s':>14} {'ms/file':>8} {'summary s':>10} "
            f"{'openpyxl s':>11} {'ms/file':>8} {'read-only s':>12} {'ms/file':>8} {'vs openpyxl':>12}"
        )
        print(header)
        print("-" * len(header))
        for n in sizes:
            folder = root / f"in-{n}"
            fill(folder, originals, n)
            paths = sorted(folder.iterdir())
            t_cons, result = timed(lambda folder=folder: consolidate([folder], root / "registry"))
            assert len(result.used) == len(originals) and not result.refused, (
                "benchmark set must all verify"
            )
            t_sum, _ = timed(
                lambda result=result, n=n: write_summary(result, root / f"summary-{n}.xlsx")
            )
            t_full, _ = timed(lambda paths=paths: openpyxl_full(paths))
            t_ro, _ = timed(lambda paths=paths: openpyxl_read_only(paths))
            print(
                f"{n:>6} {t_cons:>14.2f} {t_cons / n * 1000:>8.1f} {t_sum:>10.2f} "
                f"{t_full:>11.2f} {t_full / n * 1000:>8.1f} {t_ro:>12.2f} {t_ro / n * 1000:>8.1f} "
                f"{t_cons / t_full:>11.2f}x",
                flush=True,
            )
            shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
