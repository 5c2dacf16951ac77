"""Two revisions of one unit side by side: every changed value (old → new), narrative section
and table row, from :func:`ecodesk.review.diff.diff_submissions` — what a reviewer checks on
a resubmission. The same comparison as ``ecodesk diff``. Esc closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.ui.consolidation.review_view import cell

COLUMNS = 5  # kind, form, place, old, new


class DiffDialog(QDialog):
    """``revisions``: the unit's valid :class:`~ecodesk.services.consolidate.ReceivedWorkbook`,
    one per revision; the two newest are compared first."""

    def __init__(self, pack: Any, revisions: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diffDialog")
        self.pack = pack
        self.revisions = sorted(revisions, key=lambda r: r.revision)
        unit = self.revisions[-1].data.unit
        self.setWindowTitle(self.tr("比较修订版 — {unit}").format(unit=unit.display_name))
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        choose = QHBoxLayout()
        self.old_box, self.new_box = QComboBox(), QComboBox()
        self.old_box.setObjectName("diffOld")
        self.new_box.setObjectName("diffNew")
        for r in self.revisions:
            text = self.tr("第{r}版（{name}）").format(r=r.revision, name=r.path.name)
            self.old_box.addItem(text, r.revision)
            self.new_box.addItem(text, r.revision)
        self.old_box.setCurrentIndex(max(0, len(self.revisions) - 2))
        self.new_box.setCurrentIndex(len(self.revisions) - 1)
        choose.addWidget(QLabel(self.tr("原版本：")))
        choose.addWidget(self.old_box, 1)
        choose.addSpacing(12)
        choose.addWidget(QLabel(self.tr("新版本：")))
        choose.addWidget(self.new_box, 1)
        layout.addLayout(choose)
        self.heading = QLabel(objectName="sectionTitle")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("diffChanges")
        self.table.setHorizontalHeaderLabels(
            [self.tr("类别"), self.tr("表"), self.tr("位置"), self.tr("原值"), self.tr("新值")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 50), (2, 220)):
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton(self.tr("关闭"))  # like the consolidation window's own, without an icon
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.old_box.currentIndexChanged.connect(self.compare)
        self.new_box.currentIndexChanged.connect(self.compare)
        self.compare()
        self.table.setFocus()

    def _data(self, box: QComboBox) -> Any:
        revision = box.currentData()
        return next(r.data for r in self.revisions if r.revision == revision)

    def compare(self) -> None:
        from ecodesk.review.diff import diff_submissions

        old, new = self._data(self.old_box), self._data(self.new_box)
        changes = diff_submissions(self.pack, old, new)
        kinds = {
            "value": self.tr("数值"),
            "narrative": self.tr("章节"),
            "table_row": self.tr("表格行"),
        }
        if old.revision == new.revision:
            self.heading.setText(self.tr("请选择两个不同的版本。"))
        elif not changes:
            self.heading.setText(
                self.tr("第{a}版 → 第{b}版：内容没有变化。").format(a=old.revision, b=new.revision)
            )
        else:
            self.heading.setText(
                self.tr("第{a}版 → 第{b}版，{n} 处变化").format(
                    a=old.revision, b=new.revision, n=len(changes)
                )
            )
        self.table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            place = QTableWidgetItem(change.label)
            place.setToolTip(change.key)
            place.setData(Qt.ItemDataRole.UserRole, change.key)
            unit = self._unit(change.key) if change.kind == "value" else ""
            cells = [
                QTableWidgetItem(kinds[change.kind]),
                QTableWidgetItem(change.form),
                place,
                QTableWidgetItem(
                    f"{change.old} {unit}".strip() if change.old else self.tr("（空）")
                ),
                QTableWidgetItem(
                    f"{change.new} {unit}".strip() if change.new else self.tr("（空）")
                ),
            ]
            cells[3].setToolTip(change.old)
            cells[4].setToolTip(change.new)
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    def _unit(self, key: str) -> str:
        try:
            return str(self.pack.input_field(key).unit or "")
        except KeyError:
            return ""  # a field of an older pack: the value alone

    def changes_shown(self) -> list[tuple[str, str, str]]:
        """(place key, old, new) of each row (for tests and screen readers)."""
        return [
            (
                str(cell(self.table, r, 2).data(Qt.ItemDataRole.UserRole)),
                cell(self.table, r, 3).toolTip(),
                cell(self.table, r, 4).toolTip(),
            )
            for r in range(self.table.rowCount())
        ]
