"""Unexpected exceptions become a Chinese dialog for the clerk and a traceback in the log file."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from ecodesk.errors import EcoDeskError

log = logging.getLogger(__name__)


def crash_message(exc: BaseException, log_path: Path) -> str:
    if isinstance(exc, EcoDeskError):
        return str(exc)
    return QCoreApplication.translate(
        "CrashHandler",
        "程序遇到了一个意外问题，刚才的操作没有完成。已保存的数据不受影响。\n\n"
        "请重新尝试；如果问题反复出现，请把日志文件发给技术支持：\n{path}",
    ).format(path=log_path)


def save_pending_edits() -> None:
    """Write what the clerk typed in the last moments (edits wait a fraction of a second before
    they are stored) before the dialog appears: whatever happens next, nothing typed is lost."""
    for widget in QApplication.topLevelWidgets():
        flush = getattr(widget, "flush", None)
        if callable(flush):
            try:
                flush()
            except Exception:  # the dialog must still appear; the failure is in the log
                log.exception("could not save pending edits of %s", type(widget).__name__)


def install_excepthook(log_path: Path) -> None:
    """Replace sys.excepthook so no traceback ever reaches the clerk."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unexpected exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if QApplication.instance() is None:
            return
        save_pending_edits()
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate("CrashHandler", "出现问题"),
            crash_message(exc, log_path),
        )
        box.exec()

    sys.excepthook = hook
