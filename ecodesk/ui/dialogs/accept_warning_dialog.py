"""Accepting a warning means writing why: the explanation travels with the data to the city."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ecodesk.ui.dialogs.reason_dialog import ReasonDialog


class AcceptWarningDialog(ReasonDialog):
    def __init__(self, problem: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            "",
            "",
            problem.explanation or "",
            parent,
        )
        self.setWindowTitle(self.tr("说明原因"))
        self.prompt.setText(
            self.tr("<b>⚠ 提示：</b>{message}").format(message=problem.message)
            + "<br><br>"
            + self.tr("请写明原因（例如数据变化的具体缘由），说明会随报表一并报送：")
        )
        self.ok_button.setText(self.tr("确认说明"))
