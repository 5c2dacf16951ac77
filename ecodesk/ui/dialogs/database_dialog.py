"""Settings → 数据库: where this PC's EcoDesk keeps its data (the local file, or the office's server).

The address is saved in the data folder (``ecodesk.store.engine.save_url``), readable by its
owner only, and used from the next start; ``--database`` and ``ECODESK_DATABASE_URL`` still win.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.store.engine import display_url, save_url, saved_url, sqlite_file_of
from ecodesk.ui.dialogs.buttons import ok_cancel


class DatabaseDialog(QDialog):
    def __init__(self, data_dir: Path, in_use: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setWindowTitle(self.tr("数据库"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        explanation = QLabel(
            self.tr(
                "一般情况下数据保存在本机的数据文件夹中，无需设置。单位有数据库服务器（PostgreSQL）、"
                "几台电脑共用一份数据时，请填写网管提供的地址，例如\n"
                "postgresql://用户名:密码@服务器地址:5432/ecodesk\n"
                "留空则使用本机数据文件。新地址在重新打开 EcoDesk 后生效；"
                "原有数据请先用“ecodesk store copy --to 地址”复制过去。"
            )
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        file = sqlite_file_of(in_use)
        current = (
            self.tr("本机数据文件 {path}").format(path=file)
            if file is not None
            else display_url(in_use)
        )
        self.current = QLabel(
            self.tr("当前使用：{where}").format(where=current), objectName="muted"
        )
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        self.address = QLineEdit(objectName="databaseUrl")
        self.address.setPlaceholderText(self.tr("留空：使用本机数据文件"))
        self.address.setText(saved_url(data_dir) or "")
        layout.addWidget(self.address)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = ok_cancel(self, self.tr("保存"))
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Save the address (an empty one means the local file); a malformed one is explained."""
        text = self.address.text().strip()
        try:
            save_url(self.data_dir, text or None)
        except EcoDeskError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        super().accept()
