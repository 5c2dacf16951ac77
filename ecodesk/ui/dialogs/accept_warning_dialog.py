"""Accepting a warning means writing why: the explanation travels with the data to the city."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class AcceptWarningDialog(QDialog):
    def __init__(self, problem: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("说明原因"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        message = QLabel(self.tr("<b>提醒：</b>{message}").format(message=problem.message))
        message.setWordWrap(True)
        layout.addWidget(message)
        layout.addWidget(
            QLabel(self.tr("请写明原因（例如数据变化的具体缘由），说明会随报表一并报送："))
        )
        self.explanation = QPlainTextEdit(objectName="explanation")
        self.explanation.setTabChangesFocus(True)
        self.explanation.setPlainText(problem.explanation or "")
        layout.addWidget(self.explanation)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确认说明"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.explanation.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.explanation.toPlainText().strip()
