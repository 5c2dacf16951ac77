#!/usr/bin/env python3
"""How long until a clerk sees the window: EcoDesk on demo data next to a bare PySide6 window.

    python benchmarks/bench_startup.py [--runs 7]

Black-box, on a private Xvfb (started and stopped here): each start is a fresh process of the
same Python, timed from spawning it until X maps its top-level window (a tiny X client listens
for MapNotify on the root window, see xmap.py). EcoDesk is started the way a clerk starts it,
``python -m ecodesk --data-dir …``, with ``ECODESK_STARTUP_PROBE=ready``: it then prints a line
when the window first shows (with the modules imported so far) and when the first form is ready
to type in (with the longest stall of its event loop in between), and quits. The time of that
second line, read here, is "first form ready".

Like an installed program, the children run from compiled bytecode: PYTHONDONTWRITEBYTECODE
is dropped for them and their caches go to a temporary PYTHONPYCACHEPREFIX, filled by a first
(unmeasured) start of each kind.

The data behind the window (form pack, store) is loaded after the first paint, either on the UI
thread or in a worker thread; both are measured. Also times opening the largest form in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xmap import MapWatcher, start_xvfb  # noqa: E402

PROBE_PREFIX = "ECODESK_STARTUP "
HEAVY = ("openpyxl", "reportlab", "cryptography", "pypdfium2", "sqlalchemy", "alembic", "pydantic")

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 760); w.show()
QTimer.singleShot(300, app.quit)
app.exec()
"""

# the program as `python -m ecodesk --data-dir DIR`, with the way it loads its data chosen
ECODESK = """
import sys
mode, folder = sys.argv[1], sys.argv[2]
if mode != "default":
    from ecodesk.ui import startup
    startup.LOAD_IN_THREAD = mode == "thread"
from ecodesk.cli import main
sys.exit(main(["--data-dir", folder]))
"""

LARGEST_FORM = """
import json, sys, time
from pathlib import Path
from ecodesk.forms.loader import bundled_pack
from ecodesk.store import Store
from ecodesk.ui.app import application
from ecodesk.ui.main_window import MainWindow
app = application()
pack = bundled_pack()
store = Store.open(Path(sys.argv[1]), pack=pack)
window = MainWindow(store, pack, Path(sys.argv[1]))
window.show()
while window.current_view() is None:
    app.processEvents()
size = lambda f: len(pack.input_fields(f, store.profile().division_code)) + 8 * len(pack.tables(f))
largest = max(window.tree.forms(), key=size)
t = time.perf_counter()
window.tree.select_form(largest)
app.processEvents()
print(json.dumps({"largest": largest, "open_form_s": time.perf_counter() - t}), flush=True)
window.close()
store.close()
"""


def child_env(display: str, pycache: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPYCACHEPREFIX": str(pycache),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class Start:
    """One start of a child process: when its window was mapped, and what it printed."""

    def __init__(self, watcher: MapWatcher, env: dict[str, str], code: str, *args: str) -> None:
        watcher.drain()
        self.lines: list[tuple[float, str]] = []
        env = {
            **env,
            "ECODESK_STARTUP_PROBE": "ready",
            "ECODESK_SMOKE_QUIT_MS": "1000",  # a program without the probe quits this way
        }
        start = time.perf_counter()
        proc = subprocess.Popen(  # started elsewhere: `-c` puts the working directory first
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        reader = threading.Thread(target=self._read, args=(proc,), daemon=True)
        reader.start()
        mapped = watcher.wait_for_map(timeout=60)
        if proc.wait(timeout=120) != 0 or mapped is None:
            raise SystemExit(f"the child process failed (exit {proc.returncode}, mapped {mapped})")
        reader.join()
        self.mapped = mapped - start
        self.probes = {
            line.split()[1]: (at - start, json.loads(line.split(maxsplit=2)[2]))
            for at, line in self.lines
            if line.startswith(PROBE_PREFIX)
        }

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append((time.perf_counter(), line))

    def ready(self) -> float | None:
        return self.probes["ready"][0] if "ready" in self.probes else None


def make_demo(folder: Path) -> None:
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.services.sample import fill_demo
    from ecodesk.store import Store

    with Store.open(folder, pack=bundled_pack()) as store:
        fill_demo(store)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _s(value: float | None) -> str:
    return "   n/a " if value is None else f"{value:6.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--modes",
        default="ui,thread",
        help="how EcoDesk loads its data after the first paint: ui, thread, default "
        "(whatever the program does; the only choice before the window came first)",
    )
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    xvfb, display = start_xvfb()
    try:
        watcher = MapWatcher(display)
        with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
            folder = Path(tmp) / "data"
            env = child_env(display, Path(tmp) / "pycache")
            make_demo(folder)
            Start(watcher, env, BARE)
            for mode in modes:  # warm the caches (bytecode, OS files), make the daily backup
                Start(watcher, env, ECODESK, mode, str(folder))
            bare: list[float] = []
            runs: dict[str, list[Start]] = {m: [] for m in modes}
            for _ in range(args.runs):  # interleaved, so a busy moment hits every kind alike
                bare.append(Start(watcher, env, BARE).mapped)
                for mode in modes:
                    runs[mode].append(Start(watcher, env, ECODESK, mode, str(folder)))
            largest = json.loads(
                subprocess.run(
                    [sys.executable, "-c", LARGEST_FORM, str(folder)],
                    env=env,
                    cwd=tmp,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
        watcher.close()
    finally:
        xvfb.kill()
        xvfb.wait()
    b = statistics.median(bare)
    print(f"Start-up on demo data, black-box under Xvfb, median of {args.runs} starts each")
    print(f"(time from spawning `{Path(sys.executable).name}` until X maps the window)\n")
    print(f"bare PySide6 window mapped:            {_s(b)}")
    for mode in modes:
        starts = runs[mode]
        mapped = statistics.median(s.mapped for s in starts)
        ready = _median([s.ready() for s in starts])
        stall = _median([s.probes["ready"][1].get("longest_stall_s") for s in starts if s.ready()])
        label = {"ui": "loading on the UI thread", "thread": "loading in a worker thread"}.get(
            mode, "as the program does"
        )
        print(f"\nEcoDesk, {label}:")
        print(f"  main window mapped:                  {_s(mapped)}  ({mapped / b:.1f}x the bare)")
        painted = _median([s.probes["shown"][0] if "shown" in s.probes else None for s in starts])
        print(f"  ... painted, loading begins:         {_s(painted)}")
        print(f"  first form ready to type in:         {_s(ready)}")
        print(f"  longest UI stall while loading:      {_s(stall)}")
        shown = [s.probes["shown"][1] for s in starts if "shown" in s.probes]
        if shown:
            early = sorted({h for p in shown for h in HEAVY if h in p["modules"]})
            print(f"  heavy modules before the window:     {', '.join(early) or 'none'}")
    print(
        f"\nopen the largest form ({largest['largest']}) in a running window: "
        f"{largest['open_form_s']:.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
