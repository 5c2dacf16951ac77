"""Every indicator's total by its own rule, against the plan's target and last year; on selection,
every unit's figure behind the total."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.figures import fixed
from ecodesk.ui import style

TOTAL_COLUMN = 2


def _table(columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


def _number_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class IndicatorsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Any = None
        self.shown: list[Any] = []  # IndicatorSummary per row of the list
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("筛选：")))
        self.filter = QLineEdit(objectName="indicatorFilter")
        self.filter.setPlaceholderText(self.tr("输入表号或指标名称"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setFixedWidth(240)
        self.filter.textChanged.connect(self._apply_filter)
        bar.addWidget(self.filter)
        hint = QLabel(
            self.tr(
                "合计按各指标的汇总方法计算；比率为分子之和除以分母之和。选中一项，下方列出各单位数值。"
            ),
            objectName="muted",
        )
        bar.addWidget(hint, 1)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.list = _table(
            [
                self.tr("表"),
                self.tr("指标"),
                self.tr("合计"),
                self.tr("计量单位"),
                self.tr("上年同口径"),
                self.tr("同比（%）"),
                self.tr("规划目标"),
                self.tr("进度（%）"),
                self.tr("达标"),
                self.tr("单位数"),
            ],
            "indicatorList",
        )
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header = self.list.horizontalHeader()
        for column, width in {
            0: 44,
            2: 110,
            3: 70,
            4: 100,
            5: 80,
            6: 170,
            7: 84,
            8: 48,
            9: 60,
        }.items():
            # never narrower than its heading, whatever the language
            self.list.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
        self.list.itemSelectionChanged.connect(self._show_selected)
        splitter.addWidget(self.list)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        self.detail_title = QLabel(objectName="sectionTitle")
        self.detail_rule = QLabel(objectName="muted")
        self.detail_rule.setWordWrap(True)
        lower_layout.addWidget(self.detail_title)
        lower_layout.addWidget(self.detail_rule)
        self.units = _table([], "unitValues")
        lower_layout.addWidget(self.units)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)

    # ------------------------------------------------------------------ the list

    def show_summary(self, summary: Any) -> None:
        """``summary`` is a :class:`~ecodesk.consolidation.model.Summary`."""
        from ecodesk.consolidation.labels import rule_label, target_label

        selected = self.current().key if self.current() is not None else None
        self.summary = summary
        self.shown = list(summary.indicators)
        self.list.setRowCount(len(self.shown))
        for row, s in enumerate(self.shown):
            total = self._total_text(s)
            cells = [
                QTableWidgetItem(s.form),
                QTableWidgetItem(s.name),
                _number_item(total),
                QTableWidgetItem(s.unit),
                _number_item(fixed(s.previous_total, s.decimals) if s.previous_complete else ""),
                _number_item(fixed(s.change_pct, 1) if s.previous_complete else ""),
                QTableWidgetItem(target_label(s)),
                _number_item(fixed(s.progress, 1)),
                QTableWidgetItem(self._met(s.target_met)),
                _number_item(str(s.reported)),
            ]
            cells[1].setToolTip(f"{s.form}　{s.name}\n{rule_label(s)}")
            cells[6].setToolTip(target_label(s))
            if not s.previous_complete:
                cells[4].setToolTip(self.tr("有单位没有上年数，上年合计不可比，未列出。"))
            if s.target_met is False:
                cells[8].setForeground(QBrush(QColor(style.ERROR)))
            for column, cell in enumerate(cells):
                self.list.setItem(row, column, cell)
        self._apply_filter(self.filter.text())
        keys = [s.key for s in self.shown]
        self.list.selectRow(keys.index(selected) if selected in keys else 0)
        self._show_selected()

    def clear(self) -> None:
        self.summary, self.shown = None, []
        self.list.setRowCount(0)
        self.units.setRowCount(0)
        self.detail_title.setText("")
        self.detail_rule.setText("")

    def _total_text(self, s: Any) -> str:
        if s.aggregation == "none":
            return self.tr("（逐单位列示）")
        return fixed(s.total, s.decimals)

    def _met(self, met: bool | None) -> str:
        return "" if met is None else (self.tr("是") if met else self.tr("否"))

    def _apply_filter(self, text: str) -> None:
        text = text.strip()
        for row, s in enumerate(self.shown):
            self.list.setRowHidden(row, bool(text) and text not in f"{s.form} {s.name}")

    def current(self) -> Any:
        rows = self.list.selectionModel().selectedRows() if self.list.selectionModel() else []
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def select(self, key: str) -> None:
        self.list.selectRow([s.key for s in self.shown].index(key))

    def total_text(self, key: str) -> str:
        """The total as the list shows it (for tests)."""
        row = [s.key for s in self.shown].index(key)
        return self.list.item(row, TOTAL_COLUMN).text()

    # ------------------------------------------------------------------ every unit's figure

    def _show_selected(self) -> None:
        s = self.current()
        if s is None or self.summary is None:
            self.units.setRowCount(0)
            return
        from ecodesk.consolidation.labels import rule_label, unit_labels

        self.detail_title.setText(
            self.tr("各单位数值：{form} {name}").format(form=s.form, name=s.name)
        )
        rule = self.tr("汇总方法：{rule}").format(rule=rule_label(s))
        if s.aggregation == "ratio":
            rule += self.tr("；{num}合计 {n}，{den}合计 {d}").format(
                num=s.numerator_name,
                n=fixed(s.total_numerator, s.numerator_decimals),
                den=s.denominator_name,
                d=fixed(s.total_denominator, s.denominator_decimals),
            )
        if s.kind == "provincial" and s.total_provincial_target is not None:
            rule += self.tr("；省下达目标合计 {t}").format(
                t=fixed(s.total_provincial_target, s.decimals)
            )
        self.detail_rule.setText(rule)
        columns = [self.tr("单位"), self.tr("本期")]
        if s.kind == "ratio":
            columns += [s.numerator_name, s.denominator_name]
        if s.kind == "provincial":
            columns += [self.tr("省下达目标")]
        columns += [self.tr("上年"), self.tr("同比（%）")]
        judged = s.target is not None or s.kind == "provincial"
        if judged:
            columns += [self.tr("达到目标")]
        columns += [self.tr("备注")]
        labels = unit_labels(self.summary)
        self.units.clear()
        self.units.setColumnCount(len(columns))
        self.units.setHorizontalHeaderLabels(columns)
        self.units.setRowCount(len(s.rows))
        text_kind = s.kind in ("grade", "milestone", "text")
        for row, value in enumerate(s.rows):
            shown = (
                value.text if text_kind or value.value is None else fixed(value.value, s.decimals)
            )
            cells = [
                QTableWidgetItem(
                    labels.get((value.unit.division_code, value.unit.department.strip()))
                    or value.unit.display_name
                ),
                _number_item(shown) if not text_kind else QTableWidgetItem(shown),
            ]
            if s.kind == "ratio":
                cells += [
                    _number_item(fixed(value.numerator, s.numerator_decimals)),
                    _number_item(fixed(value.denominator, s.denominator_decimals)),
                ]
            if s.kind == "provincial":
                cells += [_number_item(fixed(value.provincial_target, s.decimals))]
            previous = (
                fixed(value.previous, s.decimals)
                if value.previous is not None
                else value.previous_text
            )
            cells += [_number_item(previous), _number_item(fixed(value.change_pct, 1))]
            if judged:
                cells += [QTableWidgetItem(self._met(value.meets_target))]
            cells += [QTableWidgetItem(value.problem or "")]
            if value.problem:
                cells[-1].setForeground(QBrush(QColor(style.ERROR)))
                cells[-1].setToolTip(value.problem)
            for column, cell in enumerate(cells):
                self.units.setItem(row, column, cell)
        header = self.units.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.units.setColumnWidth(0, 190)
        for column in range(1, len(columns) - 1):
            self.units.setColumnWidth(column, 120)

    def unit_value(self, unit_label: str) -> str:
        """The figure shown for one unit of the selected indicator (for tests)."""
        for row in range(self.units.rowCount()):
            if self.units.item(row, 0).text() == unit_label:
                return self.units.item(row, 1).text()
        raise KeyError(unit_label)
