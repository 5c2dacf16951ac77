"""Long operations of the window, after Anki's ``aqt.operations``: a typed function per
operation calls its core service directly, and says what happens on success and on failure
next to the call::

    BackgroundOp(window, "正在备份数据…", lambda job: make_backup(db, out)).success(done).run()

The work runs on a pool thread with a progress dialog (:mod:`ecodesk.ui.workers`); the
handlers run on the UI thread. A failure the clerk can cause shows its Chinese message; an
unexpected one says that nothing saved is affected and where the log is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from ecodesk.store import settings
from ecodesk.ui.workers import Job, run_in_background

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

T = TypeVar("T")


translate = QCoreApplication.translate  # lupdate reads translate("Operations", "…") calls


def unexpected_failure(window: MainWindow) -> str:
    return translate(
        "Operations", "操作没有完成，原因未知。已保存的数据不受影响。详细情况已记入日志：{path}"
    ).format(path=window.data_dir / "logs")


class BackgroundOp(Generic[T]):
    def __init__(
        self, window: MainWindow, title: str, work: Callable[[Job], T], *, cancellable: bool = False
    ) -> None:
        self.window, self.title, self.work, self.cancellable = window, title, work, cancellable
        self._success: Callable[[T], None] = lambda result: None
        self._failure: Callable[[str], None] | None = None

    def success(self, handler: Callable[[T], None]) -> BackgroundOp[T]:
        self._success = handler
        return self

    def failure(self, handler: Callable[[str], None]) -> BackgroundOp[T]:
        """``handler(message)``: the Chinese message to show (already worded for an
        unexpected error). Without one, a warning box titled like the operation shows it."""
        self._failure = handler
        return self

    def _failed(self, message: str, expected: bool) -> None:
        text = message if expected else unexpected_failure(self.window)
        if self._failure is not None:
            self._failure(text)
        else:
            QMessageBox.warning(self.window, self.title.rstrip("…").removeprefix("正在"), text)

    def run(self) -> None:
        self.window.flush()
        task = run_in_background(
            self.window,
            self.title,
            self.work,
            self._success,
            self._failed,
            cancellable=self.cancellable,
        )
        running = self.window.operations.running
        running.append(task)
        task.destroyed.connect(lambda *_: running.remove(task) if task in running else None)


def signed_files_filter() -> str:
    """The file dialog's filter for what verifying and importing last year's data read: a
    signed workbook, a package (the workbook and its evidence in one .zip) or, for the import,
    the city's baseline template (an .xlsx too). Both kinds are offered together first."""
    return ";;".join(
        (
            translate("Operations", "报送工作簿或报送包 (*.xlsx *.zip)"),
            translate("Operations", "Excel 工作簿 (*.xlsx)"),
            translate("Operations", "报送包 (*.zip)"),
        )
    )


def last_folder(window: MainWindow) -> str:
    return window.session.store.settings_get(settings.LAST_FOLDER) or str(Path.home())


def remember_folder(window: MainWindow, path: str | Path) -> None:
    window.session.store.settings_set(settings.LAST_FOLDER, str(Path(path).parent))


def default_name(window: MainWindow, suffix: str) -> str:
    """于都县林业局_2026_第1版.xlsx: the unit's full name (never with a doubled 县)."""
    data = window.session.data
    assert data is not None  # operations run on a loaded submission
    return f"{data.unit.display_name}_{data.period}_第{data.revision}版{suffix}"
