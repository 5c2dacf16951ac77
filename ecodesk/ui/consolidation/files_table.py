"""The received files: what the verifier said about each and whether the summary uses it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ecodesk.ui import style
from ecodesk.ui.icons import severity_icon

# file status → severity of its mark (used: ok; refused: error; set aside: grey)
_FATE_SEVERITY = {"used": "ok", "refused": "error"}


class ReceivedFilesTable(QTableWidget):
    COLUMNS = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, self.COLUMNS, parent)
        self.setObjectName("receivedFiles")
        self.setHorizontalHeaderLabels(
            [
                self.tr("文件"),
                self.tr("核验结果"),
                self.tr("单位"),
                self.tr("报送期"),
                self.tr("版次"),
                self.tr("汇总"),
                self.tr("说明"),
            ]
        )
        header = self.horizontalHeader()
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(
            0, Qt.SortOrder.AscendingOrder
        )  # by file name until the clerk clicks a column
        for column, width in enumerate((190, 150, 190, 80, 50, 150)):
            self.setColumnWidth(column, width)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)

    def show_files(self, received: Sequence[Any]) -> None:
        """``received`` are :class:`~ecodesk.services.consolidate.ReceivedWorkbook`."""
        from ecodesk.consolidation.labels import file_status_label

        self.setSortingEnabled(False)
        self.setRowCount(len(received))
        for row, item in enumerate(received):
            result = item.result
            explanation = item.reason or result.message
            cells = [
                QTableWidgetItem(item.path.name),
                QTableWidgetItem(severity_icon("ok" if result.ok else "error"), result.label),
                QTableWidgetItem(item.unit_name or result.unit_code),
                QTableWidgetItem(item.period.label if item.period else result.period),
                QTableWidgetItem(),
                QTableWidgetItem(
                    severity_icon(_FATE_SEVERITY.get(item.status, "accepted")),
                    file_status_label(item.status),
                ),
                QTableWidgetItem(explanation),
            ]
            if item.revision is not None:
                cells[4].setData(Qt.ItemDataRole.DisplayRole, item.revision)  # sorts as a number
            cells[0].setToolTip(str(item.path))
            cells[2].setToolTip(cells[2].text())
            cells[0].setData(Qt.ItemDataRole.UserRole, str(item.path))
            cells[4].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cells[6].setToolTip("\n".join([explanation, *result.details]))
            if not result.ok:
                cells[1].setForeground(QBrush(QColor(style.ERROR)))
            elif item.status != "used":
                cells[5].setForeground(QBrush(QColor(style.MUTED)))
            for column, cell in enumerate(cells):
                self.setItem(row, column, cell)
        self.setSortingEnabled(True)
        for column in (1, 5):  # verdicts and fates are short, but longer in English than in Chinese
            self.setColumnWidth(
                column, max(self.columnWidth(column), self.sizeHintForColumn(column))
            )

    def row_of(self, name: str) -> int:
        """The row showing the file called ``name`` (-1 when none)."""
        return next((r for r in range(self.rowCount()) if self.item(r, 0).text() == name), -1)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item else ""
