"""The button row most dialogs end with: an OK button that says what it does, and 取消."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox

translate = QCoreApplication.translate  # lupdate reads translate("DialogButtons", "…") calls

OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel


def ok_cancel(dialog: QDialog, ok_text: str, *, safe_default: bool = False) -> QDialogButtonBox:
    """OK (``ok_text``: 保存, 导入, 安装 …) and 取消, wired to ``dialog``'s accept and reject.

    ``safe_default``: Enter cancels (for a step that changes what is installed or written:
    the safe answer is the one a quick Enter gives)."""
    buttons = QDialogButtonBox(OK | CANCEL)
    buttons.button(OK).setText(ok_text)
    buttons.button(CANCEL).setText(translate("DialogButtons", "取消"))
    if safe_default:
        buttons.button(CANCEL).setDefault(True)
        buttons.button(OK).setAutoDefault(False)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
