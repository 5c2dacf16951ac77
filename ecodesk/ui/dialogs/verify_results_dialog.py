"""The verdict on each checked workbook: valid, tampered, unknown signer, wrong unit…"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.ui.icons import severity_icon


class VerifyResultsDialog(QDialog):
    def __init__(self, results: list[tuple[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("核验结果"))
        self.resize(760, 380)
        layout = QVBoxLayout(self)
        self.list = QTreeWidget(objectName="verifyResults")
        self.list.setHeaderLabels([self.tr("文件"), self.tr("结论"), self.tr("详情")])
        self.list.setColumnWidth(0, 220)
        self.list.setColumnWidth(1, 300)
        for name, result in results:
            separator = self.tr("；")  # the sentence's own punctuation: "; " in English
            item = QTreeWidgetItem([name, result.message, separator.join(result.details)])
            item.setIcon(0, severity_icon(result.severity))
            item.setToolTip(1, result.message)
            item.setToolTip(2, "\n".join(result.details))
            self.list.addTopLevelItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
