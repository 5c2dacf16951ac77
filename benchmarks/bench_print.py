"""Time and size of the demo's full submission sheet (every form, as the demo county reports).

    /work/venv/bin/python benchmarks/bench_print.py [--runs 3] [--keep OUT.pdf]

A demo data folder is made once (``fill_demo``: last year signed, this year a draft); then the
signed and the draft sheet are printed ``--runs`` times each through ``print_submission``,
the same path as ``ecodesk print``. Reported: pages, file size, and the median, best and worst
wall time. The first run of a process also pays for registering the font, shown apart.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--county", default="360730")
    parser.add_argument("--keep", type=Path, help="also copy the signed sheet here, to look at it")
    args = parser.parse_args()

    from pypdf import PdfReader

    from ecodesk.demo import fill_demo
    from ecodesk.services.printing import print_submission
    from ecodesk.store import Store
    from ecodesk.submission import Period

    work = Path(tempfile.mkdtemp(prefix="bench-print-"))
    try:
        started = time.perf_counter()
        with Store.open(work / "data") as store:
            fill_demo(store, args.county)
        print(f"demo data folder made in {time.perf_counter() - started:.1f} s")

        with Store.open(work / "data") as store:
            current = store.current_period()
            cases = {"signed": Period(current.year - 1), "draft": current}
            print(
                f"{'sheet':8} {'period':7} {'pages':>5} {'size KB':>8} {'first s':>8} "
                f"{'median s':>9} {'best s':>7} {'worst s':>8}"
            )
            for name, period in cases.items():
                out = work / f"{name}.pdf"
                times = []
                for _ in range(max(1, args.runs) + 1):
                    t0 = time.perf_counter()
                    print_submission(store, period, out)
                    times.append(time.perf_counter() - t0)
                first, rest = times[0], times[1:]
                pages = len(PdfReader(str(out)).pages)
                print(
                    f"{name:8} {str(period):7} {pages:5d} {out.stat().st_size / 1024:8.0f} {first:8.2f} "
                    f"{statistics.median(rest):9.2f} {min(rest):7.2f} {max(rest):8.2f}"
                )
                if name == "signed" and args.keep:
                    shutil.copyfile(out, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
