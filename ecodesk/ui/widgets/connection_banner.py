"""A strip above the form while the database server cannot be reached: what happened, that
nothing saved is lost, that typing goes on, and that the program keeps trying (non-modal)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class ConnectionBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel#connectionBanner { background: #FEF3F2; color: #B42318;"
            " border: 1px solid #FDA29B; border-radius: 4px; padding: 6px 10px; }"
        )
        self.hide()

    def show_lost(self, detail: str, unsent: int) -> None:
        text = self.tr(
            "与数据库服务器的连接断了，正在自动重试……已保存的内容不会丢失；"
            "您可以继续填写，输入的内容留在窗口里，连接恢复后自动保存。"
        )
        if unsent:
            text += self.tr("（有 {n} 项修改等待保存）").format(n=unsent)
        self.setText(text)
        self.setToolTip(detail)
        self.show()

    def show_back(self) -> None:
        self.hide()
