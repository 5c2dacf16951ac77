"""The completeness matrix: every unit × every form, submitted, missing or with accepted warnings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.consolidation.model import FormState, unit_id
from ecodesk.ui import style

LEGEND = (FormState.SUBMITTED, FormState.WITH_WARNINGS, FormState.MISSING, FormState.NOT_REQUIRED)
FIXED_COLUMNS = 2  # unit, revision


def _swatch(state: FormState) -> QLabel:
    swatch = QLabel()
    swatch.setFixedSize(14, 14)
    swatch.setStyleSheet(
        f"background: {style.COMPLETENESS_COLOURS[state.value]}; border: 1px solid {style.BORDER};"
    )
    return swatch


class CompletenessView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        legend = QHBoxLayout()
        legend.addWidget(QLabel(self.tr("图例：")))
        for state in LEGEND:
            legend.addWidget(_swatch(state))
            legend.addWidget(QLabel(self.legend_text(state)))
            legend.addSpacing(12)
        legend.addStretch(1)
        self.counts = QLabel(objectName="muted")
        legend.addWidget(self.counts)
        layout.addLayout(legend)
        self.late = QLabel(objectName="lateUnits")  # who was late, and why, in a sentence
        self.late.setWordWrap(True)
        self.late.setTextFormat(Qt.TextFormat.PlainText)
        self.late.hide()
        layout.addWidget(self.late)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("completenessMatrix")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setMinimumSectionSize(30)
        layout.addWidget(self.table)

    def show_summary(self, summary: Any) -> None:
        """``summary`` is a :class:`~ecodesk.consolidation.model.Summary`."""
        from ecodesk.consolidation.labels import state_label, unit_labels
        from ecodesk.review.state import UNIT_STATES, unit_state_label

        pack = summary.pack
        forms = list(pack.forms)
        labels = unit_labels(summary)
        reviewed = bool(summary.review)  # the office's review state, after the revision
        timed = any(t.state != "undated" for t in summary.timeliness.values())
        timed_column = FIXED_COLUMNS + (1 if reviewed else 0)
        fixed = timed_column + (1 if timed else 0)
        self.table.clear()
        self.table.setColumnCount(fixed + len(forms))
        self.table.setRowCount(len(summary.completeness))
        headers = [self.tr("单位"), self.tr("版次")]
        if reviewed:
            headers.append(self.tr("审核状态"))
            widest = max(
                self.table.fontMetrics().horizontalAdvance(unit_state_label(s)) for s in UNIT_STATES
            )
            self.table.setColumnWidth(FIXED_COLUMNS, max(70, widest + 14))
        if timed:
            headers.append(self.tr("报送时效"))
            self.table.setColumnWidth(timed_column, 86)
        self.table.setHorizontalHeaderLabels([*headers, *forms])
        state_heading = self.table.horizontalHeaderItem(FIXED_COLUMNS)
        if reviewed and state_heading is not None:
            state_heading.setToolTip(summary.totals_basis)
        # as wide as the widest word a cell can show, in the language shown: English words
        # ("Missing") are longer than the two characters of Chinese and were cut to "Mis···"
        metrics = self.table.fontMetrics()
        cell_width = max(
            46, *(metrics.horizontalAdvance(self.cell_text(state)) + 14 for state in LEGEND)
        )
        for i, form in enumerate(forms):
            self.table.horizontalHeaderItem(fixed + i).setToolTip(
                f"{form}　{pack.form(form).title}"
            )
            self.table.setColumnWidth(fixed + i, cell_width)
        self.table.setColumnWidth(0, 190)
        self.table.setColumnWidth(1, max(60, metrics.horizontalAdvance(self.tr("未收到")) + 14))
        for row, entry in enumerate(summary.completeness):
            unit = entry.unit
            name = QTableWidgetItem(
                labels.get(unit_id(unit)) or unit.display_name or unit.division_name
            )
            name.setToolTip(f"{unit.division_code}　{unit.display_name or unit.division_name}")
            revision = QTableWidgetItem(
                str(entry.revision) if entry.received else self.tr("未收到")
            )
            revision.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if not entry.received:
                revision.setForeground(QBrush(QColor(style.ERROR)))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, revision)
            review = summary.review.get(unit_id(unit)) if reviewed else None
            if review is not None:
                state_item = QTableWidgetItem(unit_state_label(review.state))
                state_item.setData(Qt.ItemDataRole.UserRole, review.state)
                state_item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                pending = sum(1 for q in review.queries if q.state == "待答复")
                if review.feedback is not None:
                    state_item.setToolTip(
                        self.tr("查询 {n} 条，待答复 {p} 条").format(
                            n=len(review.queries), p=pending
                        )
                    )
                self.table.setItem(row, FIXED_COLUMNS, state_item)
            timeliness = summary.timeliness.get(unit_id(unit)) if timed else None
            if timeliness is not None:
                self.table.setItem(row, timed_column, self._timeliness_item(timeliness))
            for i, form in enumerate(forms):
                state = entry.states.get(form, FormState.NOT_REQUIRED)
                cell = QTableWidgetItem(self.cell_text(state))
                cell.setData(Qt.ItemDataRole.UserRole, state.value)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setBackground(QBrush(QColor(style.COMPLETENESS_COLOURS[state.value])))
                cell.setToolTip(
                    f"{name.text()} · {form} {pack.form(form).title}：{state_label(state)}"
                )
                self.table.setItem(row, fixed + i, cell)
        late = [
            self.tr("{unit} {n} 天（原因：{reason}）").format(
                unit=labels.get(unit_id(e.unit)) or e.unit.display_name,
                n=t.days_late,
                reason=t.reason or self.tr("未写明"),
            )
            for e in summary.completeness
            if (t := summary.timeliness.get(unit_id(e.unit))) is not None and t.state == "late"
        ]
        self.late.setText(self.tr("迟报：{units}").format(units="；".join(late)) if late else "")
        self.late.setVisible(bool(late))
        received = sum(1 for e in summary.completeness if e.received)
        self.counts.setText(
            self.tr("已收到 {received} 个单位，未收到 {missing} 个").format(
                received=received, missing=len(summary.completeness) - received
            )
        )

    def _timeliness_item(self, timeliness: Any) -> QTableWidgetItem:
        """按时 / 迟报 N 天 / 未报; the reason and the dates in the tooltip."""
        item = QTableWidgetItem(timeliness.label)
        item.setData(Qt.ItemDataRole.UserRole, timeliness.state)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        colours = {"late": style.WARNING, "missing": style.ERROR}
        if timeliness.state in colours:
            item.setForeground(QBrush(QColor(colours[timeliness.state])))
        lines = [timeliness.text]
        if timeliness.due is not None:
            lines.append(self.tr("截止日期 {due}").format(due=timeliness.due.isoformat()))
        if timeliness.exported is not None:
            lines.append(self.tr("导出日期 {day}").format(day=timeliness.exported.isoformat()))
        item.setToolTip("\n".join(lines))
        return item

    def timeliness_at(self, unit_label: str) -> tuple[str, str]:
        """The timeliness shown for one unit and its tooltip (for tests and screen readers)."""
        headings = (self.table.horizontalHeaderItem(c) for c in range(self.table.columnCount()))
        headers = [h.text() if h is not None else "" for h in headings]
        column = headers.index(self.tr("报送时效"))
        for row in range(self.table.rowCount()):
            name, cell = self.table.item(row, 0), self.table.item(row, column)
            if name is not None and name.text() == unit_label:
                return (cell.text(), cell.toolTip()) if cell is not None else ("", "")
        raise KeyError(unit_label)

    def cell_text(self, state: FormState) -> str:
        """Two characters per cell, so the twenty-odd forms fit across a 1366-pixel screen."""
        return {
            FormState.SUBMITTED: self.tr("已报"),
            FormState.WITH_WARNINGS: self.tr("提示"),
            FormState.MISSING: self.tr("未报"),
            FormState.NOT_REQUIRED: "—",
        }[state]

    def legend_text(self, state: FormState) -> str:
        return {
            FormState.SUBMITTED: self.tr("已报"),
            FormState.WITH_WARNINGS: self.tr("提示：已报，有已说明的提示"),
            FormState.MISSING: self.tr("未报"),
            FormState.NOT_REQUIRED: self.tr("—：该单位不报送此表"),
        }[state]

    def clear(self) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.counts.setText("")
        self.late.clear()
        self.late.hide()

    def review_state_at(self, unit_label: str) -> str:
        """The review state shown for one unit (未收到 … 已采用), "" when no column is shown."""
        headings = (self.table.horizontalHeaderItem(c) for c in range(self.table.columnCount()))
        headers = [h.text() if h is not None else "" for h in headings]
        if self.tr("审核状态") not in headers:
            return ""
        column = headers.index(self.tr("审核状态"))
        for row in range(self.table.rowCount()):
            name, state = self.table.item(row, 0), self.table.item(row, column)
            if name is not None and name.text() == unit_label:
                return str(state.data(Qt.ItemDataRole.UserRole)) if state is not None else ""
        raise KeyError(unit_label)

    def state_at(self, unit_label: str, form: str) -> str:
        """The state shown for one unit and form, e.g. ``"missing"`` (for tests and screen readers)."""
        columns = [
            self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())
        ]
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == unit_label:
                return self.table.item(row, columns.index(form)).data(Qt.ItemDataRole.UserRole)
        raise KeyError(unit_label)
