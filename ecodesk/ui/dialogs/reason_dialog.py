"""A multi-line reason (for an accepted warning, a correction revision): Enter starts a new
line, Ctrl+Enter confirms — as in the chat and mail programs clerks use every day."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.ui.dialogs.buttons import ok_cancel


class ReasonDialog(QDialog):
    def __init__(
        self,
        title: str,
        prompt: str,
        text: str = "",
        parent: QWidget | None = None,
        *,
        ok_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.layout_ = QVBoxLayout(self)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.layout_.addWidget(self.prompt)
        self.explanation = QPlainTextEdit(objectName="explanation")
        self.explanation.setTabChangesFocus(True)
        self.explanation.setPlainText(text)
        self.layout_.addWidget(self.explanation)
        self.layout_.addWidget(QLabel(self.tr("Ctrl+回车 确认"), objectName="muted"))
        self.buttons = ok_cancel(self, ok_text or self.tr("确定"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.layout_.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(
                QKeySequence(keys),
                self,
                self._confirm,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        self.explanation.textChanged.connect(self._update)
        self._update()
        self.explanation.setFocus()

    def _confirm(self) -> None:
        if self.ok_button.isEnabled():
            self.accept()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.explanation.toPlainText().strip()


def ask_reason(parent: QWidget | None, title: str, prompt: str, text: str = "") -> tuple[str, bool]:
    """Like ``QInputDialog.getMultiLineText``, with Ctrl+Enter to confirm."""
    dialog = ReasonDialog(title, prompt, text, parent)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.text(), accepted
    finally:
        dialog.deleteLater()
