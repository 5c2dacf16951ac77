#!/usr/bin/env python3
"""How long until a clerk sees the window: EcoDesk on demo data next to a bare PySide6 window.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_startup.py [--runs 5]

Each start is a fresh process (imports and all), timed from spawning it to the moment the
window has been shown and painted. Also times opening the largest form, and lists which heavy
libraries were already imported when the window appeared (none should be, but SQLAlchemy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 760); w.show(); app.processEvents()
print("SHOWN", flush=True)
"""

ECODESK = """
import json, sys, time
from pathlib import Path
from ecodesk.forms.loader import bundled_pack
from ecodesk.ui.app import application, apply_language, open_store
from ecodesk.ui.main_window import MainWindow
data_dir = Path(sys.argv[1])
app = application()
pack = bundled_pack()
store = open_store(data_dir, pack)
apply_language(store, data_dir)
window = MainWindow(store, pack, data_dir)
window.resize(1280, 760)
window.show()
app.processEvents()
print("SHOWN", flush=True)
while window.current_view() is None:  # the first form is built right after the window appears
    app.processEvents()
print("READY", flush=True)
heavy = [m for m in ("openpyxl", "reportlab", "cryptography", "PySide6.QtCharts", "sqlalchemy") if m in sys.modules]
size = lambda f: len(pack.input_fields(f, store.profile().division_code)) + 8 * len(pack.tables(f))
largest = max(window.tree.forms(), key=size)
t = time.perf_counter()
window.tree.select_form(largest)
app.processEvents()
opened = time.perf_counter() - t
print("RESULT " + json.dumps({"heavy": heavy, "largest": largest, "open_form_s": opened}), flush=True)
store.close()
"""


def time_to_shown(code: str, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    )
    assert proc.stdout is not None
    shown = None
    rest = []
    for line in proc.stdout:
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - start
        elif line.startswith("READY"):
            rest.append(f"READY {time.perf_counter() - start}\n")
        else:
            rest.append(line)
    if proc.wait() != 0 or shown is None:
        raise SystemExit(f"the child process failed (exit {proc.returncode})")
    return shown, "".join(rest)


def make_demo(folder: Path) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.store import Store

    with Store.open(folder, pack=bundled_pack()) as store:
        fill_demo(store)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        folder = Path(tmp)
        make_demo(folder)
        time_to_shown(ECODESK, str(folder))  # warm the OS file cache and the daily backup once
        bare, ours, ready, opens = [], [], [], []
        detail: dict[str, object] = {}
        for _ in range(args.runs):
            bare.append(time_to_shown(BARE)[0])
            shown, out = time_to_shown(ECODESK, str(folder))
            ours.append(shown)
            ready.append(
                float(next(line for line in out.splitlines() if line.startswith("READY"))[6:])
            )
            detail = json.loads(
                next(line for line in out.splitlines() if line.startswith("RESULT"))[7:]
            )
            opens.append(float(detail["open_form_s"]))  # type: ignore[arg-type]
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare PySide6 window shown:       {b:.3f} s (median of {args.runs})")
    print(f"EcoDesk main window on demo data: {o:.3f} s  ({o / b:.1f}x the bare window)")
    print(f"... with its first form ready:    {statistics.median(ready):.3f} s")
    print(f"open the largest form ({detail['largest']}):   {statistics.median(opens):.3f} s")
    print(f"heavy modules loaded at start-up: {', '.join(detail['heavy']) or 'none'}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
