"""How responsive the consolidation window stays while it verifies a folder of workbooks.

    QT_QPA_PLATFORM=offscreen /work/main/.venv/bin/python benchmarks/bench_consolidation_window.py [--files 180]

The window is opened the way the clerk does (汇总 → 汇总收到的报表…) on a folder of ``--files``
full county workbooks (variants of 18 signed ones, each with its own bytes). A 5 ms timer on the
UI thread records the gap between its ticks while the scan runs: the longest gap is the longest
time the window could not react. Also printed: how long the scan took, and the progress texts
the window showed (with their count).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=180)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from bench_consolidate import corpus, fill
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from ecodesk.forms.loader import bundled_pack
    from ecodesk.store import Store, settings
    from ecodesk.submission import UnitProfile
    from ecodesk.ui.app import application, settle_heap
    from ecodesk.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        root = Path(tmp)
        originals, registry, _made = corpus(None)  # cached, as bench_consolidate.py's
        inbox = root / "inbox"
        fill(inbox, originals, args.files)
        os.environ["ECODESK_HOME"] = str(root / "home")
        pack = bundled_pack()
        data_dir = root / "data"
        data_dir.mkdir()
        store = Store.open(data_dir, pack=pack)
        store.save_profile(
            UnitProfile(division_code="360700", division_name="赣州市", department="市发改委")
        )
        store.settings_set(settings.CONSOLIDATION_FOLDER, str(inbox))
        store.settings_set(settings.KEY_REGISTRY, str(registry))
        app = application()
        window = MainWindow(store, pack, data_dir)
        window.show()
        app.processEvents()
        settle_heap()  # as the program does once its window is up

        gaps: list[float] = []
        texts: list[str] = []
        last = [time.perf_counter()]

        worst: list[tuple[float, float, float]] = []  # (gap, s after the start, process CPU)
        shown_at: list[float] = []  # when each progress text first showed
        last_cpu = [time.process_time()]
        # the cyclic collector's pauses in this process: wall, and CPU of the thread it ran in
        # (the GIL is held throughout; wall beyond the CPU is other programs taking the core)
        collections: list[tuple[float, float]] = []
        collecting = [0.0, 0.0]

        def gc_timing(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                collecting[:] = [time.perf_counter(), time.thread_time()]
            else:
                collections.append(
                    (time.perf_counter() - collecting[0], time.thread_time() - collecting[1])
                )

        gc.callbacks.append(gc_timing)

        def tick() -> None:
            now, cpu = time.perf_counter(), time.process_time()
            gaps.append(now - last[0])
            # the CPU this process used during the gap (all its threads): near the gap, the
            # window's own process held the UI thread; near zero, other programs had the cores
            worst.append((now - last[0], now - start, cpu - last_cpu[0]))
            last[0], last_cpu[0] = now, cpu
            for dialog in app.topLevelWidgets():
                if isinstance(dialog, QProgressDialog) and dialog.isVisible():
                    if not texts or texts[-1] != dialog.labelText():
                        texts.append(dialog.labelText())
                        shown_at.append(now - start)

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        action = window.findChild(QAction, "action_consolidate")
        start = time.perf_counter()
        last[0] = start
        timer.start()
        action.trigger()
        cw = window.consolidation
        done = [False]
        cw.scanned.connect(lambda: done.__setitem__(0, True))
        while not done[0] and time.perf_counter() - start < 1800:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        took = time.perf_counter() - start
        gaps.sort()
        print(f"{args.files} files scanned and consolidated in {took:.1f} s (window open)")
        print(
            f"UI thread: {len(gaps)} ticks of a 5 ms timer; longest gap {gaps[-1] * 1000:.0f} ms, "
            f"99th percentile {gaps[int(len(gaps) * 0.99)] * 1000:.0f} ms, "
            f"median {gaps[len(gaps) // 2] * 1000:.0f} ms"
        )
        opened = shown_at[0] if shown_at else 0.0  # the progress dialog is up: verifying runs
        running = [g for g, t, _cpu in worst if t > opened]
        print(
            f"longest gap while verifying (from {opened:.2f} s, the progress showing): "
            f"{max(running, default=0) * 1000:.0f} ms"
        )
        worst.sort(reverse=True)
        print(
            "longest gaps (ms @ s after start, CPU ms this process used meanwhile): "
            + ", ".join(f"{g * 1000:.0f} @ {t:.1f} ({c * 1000:.0f})" for g, t, c in worst[:5])
        )
        gc.callbacks.remove(gc_timing)
        print(
            f"cyclic collector in this process: {len(collections)} runs, longest "
            f"{max((w for w, _c in collections), default=0) * 1000:.0f} ms wall, "
            f"{max((c for _w, c in collections), default=0) * 1000:.0f} ms CPU; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        shown = [t for t in texts if "/" in t]
        print(f"progress texts shown: {len(texts)}; first {shown[:1]}, last {shown[-1:]}")
        window.close()
        store.close()
        QApplication.processEvents()
    return 0


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    sys.path.insert(0, str(here))
    sys.exit(main())
