"""Long work (export, import, print, backup) on a pool thread, with a progress dialog.

The work function gets a ``progress`` callback and a ``cancelled`` check; the window stays
responsive and learns the outcome through signals. Cancel is offered only where the work
can stop without leaving half a file behind (the service decides by checking ``cancelled``).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ecodesk.errors import EcoDeskError

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside the work when the clerk pressed Cancel."""


class WorkSignals(QObject):
    progress = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(str, bool)  # message, expected (an EcoDeskError) or not


class Job:
    """What the work function sees: report progress, ask whether to stop."""

    def __init__(self, signals: WorkSignals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, *args: Any) -> None:
        """Accept ``(percent)``, ``(percent, text)``, ``(done, total)`` or ``(done, total, text)``."""
        numbers = [a for a in args if isinstance(a, (int, float))]
        text = next((a for a in args if isinstance(a, str)), "")
        if len(numbers) >= 2 and numbers[1]:
            percent = int(100 * numbers[0] / numbers[1])
        elif numbers:
            value = numbers[0]
            percent = int(value * 100) if isinstance(value, float) and value <= 1 else int(value)
        else:
            percent = -1
        self._signals.progress.emit(percent, text)
        if self._cancel.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Work(QRunnable):
    def __init__(self, fn: Callable[[Job], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkSignals()
        self.job = Job(self.signals)

    def run(self) -> None:
        try:
            result = self.fn(self.job)
        except Cancelled:
            self.signals.failed.emit("", True)
        except EcoDeskError as exc:
            self.signals.failed.emit(str(exc), True)
        except Exception:  # noqa: BLE001 — reported to the clerk and logged, never lost
            log.error("background work failed:\n%s", traceback.format_exc())
            self.signals.failed.emit("", False)
        else:
            self.signals.succeeded.emit(result)


class BackgroundTask(QObject):
    """Lives on the UI thread, so the worker's signals reach it queued, never on the pool thread."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        fn: Callable[[Job], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str, bool], None],
        *,
        cancellable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.work = Work(fn)
        self.work.setAutoDelete(False)
        self._on_success, self._on_failure = on_success, on_failure
        self.dialog = QProgressDialog(title, self.tr("取消"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self.work.job.cancel)
        self.work.signals.progress.connect(self._progress)
        self.work.signals.succeeded.connect(self._succeeded)
        self.work.signals.failed.connect(self._failed)
        self.finished = False

    def start(self) -> None:
        QThreadPool.globalInstance().start(self.work)

    @Slot(int, str)
    def _progress(self, percent: int, text: str) -> None:
        if percent >= 0:
            self.dialog.setMaximum(100)
            self.dialog.setValue(min(100, percent))
        if text:
            self.dialog.setLabelText(text)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self._finish()
        self._on_success(result)

    @Slot(str, bool)
    def _failed(self, message: str, expected: bool) -> None:
        self._finish()
        if self.work.job.cancelled and not message:
            return
        self._on_failure(message, expected)

    def _finish(self) -> None:
        self.finished = True
        self.dialog.close()
        self.deleteLater()


def finish_background_work() -> None:
    """The window has closed: the work it started on the pool finishes before the store is
    closed and the program ends.

    Work may be writing to the store (files being attached, an export), and the interpreter's
    exit tears down the libraries it runs in: pypdfium2 closes every document at exit, so
    closing the window while its first form's PDF thumbnails were still rendering crashed the
    program (tests/ui/test_startup.py). Nothing is dropped, not even a queued thumbnail: the
    pool does not say which queued work is only a picture, and each piece is bounded (a
    thumbnail, a file copied, an export), so the wait is too."""
    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount():
        log.info("waiting for %d background tasks before closing", pool.activeThreadCount())
    pool.waitForDone()


def run_in_background(
    parent: QWidget,
    title: str,
    fn: Callable[[Job], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[str, bool], None],
    *,
    cancellable: bool = False,
) -> BackgroundTask:
    """Start ``fn`` on the pool; a modal progress dialog keeps the clerk informed."""
    task = BackgroundTask(parent, title, fn, on_success, on_failure, cancellable=cancellable)
    task.start()
    return task
