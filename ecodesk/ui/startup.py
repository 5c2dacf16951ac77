"""Window first: what start-up does before the main window has its data.

The window (menus, toolbar, a tree saying 正在打开…) is shown and painted first; the form pack
(pydantic, YAML) and the store (SQLAlchemy, Alembic, the daily backup) load after that, in a
worker thread while the window keeps painting, and then the window is filled. Before the window
only two settings are needed, the language and the window's place, and they are read here with
the standard library's ``sqlite3`` in read-only mode: the database stays the one place they are
kept (no second copy to go stale), the ORM is not needed to read two rows, and a damaged or
missing database just means the defaults (the store then says what is wrong, in Chinese).

``ECODESK_STARTUP_PROBE=shown`` or ``=ready`` makes the program print one line when the window
first shows (with the modules imported so far) and one when the first form is ready, and quit at
that stage: the import-discipline test and ``benchmarks/bench_startup.py`` use it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# Load the form pack and the store in a worker thread (True) or on the UI thread right after
# the first paint (False). benchmarks/bench_startup.py measures both: the first form is ready
# about as soon either way, but on the UI thread the window is frozen for the whole load (about
# 0.55 s on the 2-core test machine) where the worker leaves it about 0.1 s (building the form).
LOAD_IN_THREAD = True
SETTING_MAX_CHARS = 8192  # a language code or a window geometry; anything longer is not ours
PROBE_VARIABLE = "ECODESK_STARTUP_PROBE"
PROBE_PREFIX = "ECODESK_STARTUP"
# ecodesk.store.engine.DB_FILENAME, which cannot be imported before the window (SQLAlchemy)
DB_FILENAME = "ecodesk.sqlite3"


def database_file(data_dir: Path) -> Path:
    """The store's database in ``data_dir`` (ecodesk.store.engine.default_db_path)."""
    return data_dir / DB_FILENAME


def read_only_uri(db_path: Path) -> str:
    """The SQLite URI that opens ``db_path`` read-only: every character SQLite would read as URI
    syntax (``?``, ``#``, ``%``) escaped, a UNC path (``\\\\server\\share``) as
    ``file:////server/share`` since SQLite refuses a URI authority."""
    path = db_path.resolve().as_posix()
    if not path.startswith("/"):
        path = "/" + path  # C:/… → /C:/…, which SQLite reads as the drive path
    return "file://" + quote(path, safe="/:") + "?mode=ro"


def read_settings(db_path: Path, keys: Sequence[str]) -> dict[str, str]:
    """The stored values of ``keys``, read without the ORM and without writing anything.

    Missing file, damaged file, no settings table, a value that is not short text: those keys
    are simply absent (the caller uses its defaults)."""
    if not keys or not db_path.is_file():
        return {}
    try:
        # a locked database is waited for briefly: the window is not held up for a setting
        conn = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=0.2)
    except (sqlite3.Error, ValueError, OSError) as exc:
        log.info("settings not read before start-up (%s): %s", db_path, exc)
        return {}
    try:
        marks = ",".join("?" * len(keys))
        rows = conn.execute(
            f"SELECT key, value FROM settings WHERE key IN ({marks})",  # noqa: S608 (only marks)
            list(keys),
        ).fetchall()
    except sqlite3.Error as exc:
        log.info("settings not read before start-up (%s): %s", db_path, exc)
        return {}
    finally:
        conn.close()
    return {
        key: value
        for key, value in rows
        if isinstance(key, str) and isinstance(value, str) and len(value) <= SETTING_MAX_CHARS
    }


class _FirstPaint(QObject):
    painted = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.Paint, QEvent.Type.Hide):  # Hide: closed before a paint
            watched.removeEventFilter(self)
            # the rest of the window is painted and put on screen in the same pass
            QTimer.singleShot(0, self.painted.emit)
        return False


def show_and_paint(window: QWidget, timeout_ms: int = 1000) -> None:
    """Show ``window`` and return once it has been painted on screen (or after ``timeout_ms``,
    for a platform that never exposes it)."""
    watcher = _FirstPaint(window)
    loop = QEventLoop()
    watcher.painted.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    window.installEventFilter(watcher)
    window.show()
    loop.exec()
    window.removeEventFilter(watcher)
    watcher.deleteLater()


class _Finished(QObject):
    finished = Signal()


def load_in_background(work: Callable[[], Any], in_thread: bool | None = None) -> Any:
    """``work()``, in a worker thread while the window keeps painting (or on the UI thread when
    ``in_thread`` is false); its exception, if any, is raised here on the UI thread."""
    if not (LOAD_IN_THREAD if in_thread is None else in_thread):
        return work()
    result: dict[str, Any] = {}
    signal = _Finished()
    loop = QEventLoop()
    signal.finished.connect(loop.quit)  # queued: delivered to this thread's loop below

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # handed to the UI thread, raised there
            result["error"] = exc
        finally:
            signal.finished.emit()

    thread = threading.Thread(target=run, name="ecodesk-open", daemon=True)
    thread.start()
    while thread.is_alive():
        # also left early when the application is told to quit (the clerk closed the window)
        loop.exec()
        thread.join(0.05)
    if "error" in result:
        raise result["error"]
    return result["value"]


class StartupProbe:
    """``ECODESK_STARTUP_PROBE=shown|ready``: report the start-up stages on stdout, stop at one.

    Does nothing when the variable is not set."""

    def __init__(self) -> None:
        self.stage = os.environ.get(PROBE_VARIABLE, "").strip()
        self._ticker: QTimer | None = None
        self._last = 0.0
        self.longest_stall = 0.0

    def _print(self, stage: str, detail: dict[str, Any]) -> None:
        if sys.stdout is not None:
            print(f"{PROBE_PREFIX} {stage} {json.dumps(detail)}", flush=True)

    def shown(self) -> bool:
        """The window is on screen, its data not loaded yet. True: stop the program here."""
        if not self.stage:
            return False
        self._print("shown", {"modules": sorted(sys.modules)})
        # how long the event loop is held up between now and the first form (at 5 ms ticks)
        self._last = time.perf_counter()
        self._ticker = QTimer(interval=5)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        return self.stage == "shown"

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_stall = max(self.longest_stall, now - self._last)
        self._last = now

    def when_ready(self, window: Any) -> None:
        """Report once the window's first form has been built and the event loop turned."""
        if not self.stage:
            return

        def ready() -> None:
            self._tick()
            if self._ticker is not None:
                self._ticker.stop()
            view = window.current_view()
            self._print(
                "ready",
                {
                    "form": getattr(view, "form", None) if view is not None else None,
                    "longest_stall_s": round(self.longest_stall, 4),
                },
            )
            if self.stage == "ready":
                window.close()

        QTimer.singleShot(0, ready)
