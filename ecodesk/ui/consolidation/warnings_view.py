"""Warnings the units accepted, each with the explanation that travelled with the data."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget


class WarningsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setObjectName("acceptedWarnings")
        self.setHorizontalHeaderLabels(
            [self.tr("单位"), self.tr("表"), self.tr("指标"), self.tr("预警"), self.tr("说明")]
        )
        self.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((190, 44, 220, 300)):
            self.setColumnWidth(column, width)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)

    def show_summary(self, summary: Any) -> None:
        """``summary`` is a :class:`~ecodesk.consolidation.model.Summary`."""
        from ecodesk.consolidation.labels import unit_labels

        labels = unit_labels(summary)
        self.setRowCount(len(summary.warnings))
        for row, warning in enumerate(summary.warnings):
            unit = warning.unit
            cells = [
                labels.get((unit.division_code, unit.department.strip())) or unit.display_name,
                warning.form,
                self._field_label(summary.pack, warning.field),
                warning.message,
                warning.explanation,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(row, column, item)
        self.resizeRowsToContents()

    @staticmethod
    def _field_label(pack: Any, key: str | None) -> str:
        if not key:
            return ""
        try:
            return pack.input_field(key).label
        except KeyError:  # a field an older form pack had
            return key
