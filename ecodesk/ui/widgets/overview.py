"""The progress overview: how complete every form is, and each target indicator over the periods.

QtCharts is imported here only, and this module only when the clerk opens the overview, so
start-up does not pay for it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import input_fields_of
from ecodesk.submission import Period, SubmissionData
from ecodesk.ui import style
from ecodesk.ui.icons import state_icon
from ecodesk.ui.session import EditSession
from ecodesk.ui.states import completeness, state_label
from ecodesk.ui.widgets.plan_tree import deadline_colour

CHART_HEIGHT = 280
DEADLINE_COLUMN = 4


def _period_of(key: Any) -> Period:
    return key if isinstance(key, Period) else Period.parse(str(key))


def indicator_series(
    session: EditSession, form: str, indicator: Any
) -> list[tuple[Period, Decimal | None]]:
    """The unit's value of ``indicator`` in each period it has data for, as the core reads it."""
    from ecodesk.forms.rules import ratio_value, typed_value

    data = session.data
    assert data is not None
    snapshots: dict[Period, SubmissionData] = {}
    for key, values in data.history.items():
        period = _period_of(key)
        # years with years, quarters with quarters: one line must not mix the two
        if period < data.period and (period.quarter is None) == (data.period.quarter is None):
            snapshots[period] = dataclasses.replace(data, period=period, values=dict(values))
    snapshots[data.period] = data
    series: list[tuple[Period, Decimal | None]] = []
    for period in sorted(snapshots):
        snapshot = snapshots[period]
        if indicator.kind == "ratio":
            value = ratio_value(session.pack, snapshot, form, indicator.code)
        else:
            field = input_fields_of(form, indicator)[0]
            text = snapshot.value(field.key)
            try:
                typed = typed_value(field, text) if text else None
            except EcoDeskError:  # saved as typed and marked in the form: a gap in the line
                typed = None
            value = typed if isinstance(typed, Decimal) else None
        series.append((period, value))
    return series


def charted_indicators(session: EditSession, forms: list[str]) -> list[tuple[str, Any]]:
    """Indicators with a numeric target: the ones a chart can put a line under."""
    found = []
    for form in forms:
        for indicator in session.pack.indicators(form, session.division):
            target = getattr(indicator, "target", None)
            if (
                indicator.kind in ("number", "ratio")
                and target is not None
                and target.value is not None
            ):
                found.append((form, indicator))
    return found


class IndicatorChart(QChartView):
    def __init__(
        self, session: EditSession, form: str, indicator: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFixedHeight(CHART_HEIGHT)
        target = indicator.target
        chart = QChart()
        chart.setBackgroundRoundness(4)
        chart.setMargins(QMargins(4, 4, 4, 4))
        title_font = QFont(self.font())
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitle(f"{form}　{indicator.name}")
        points = indicator_series(session, form, indicator)
        categories = [p.label for p, _ in points]
        values = QLineSeries()
        values.setName(self.tr("本单位"))
        values.setPen(QPen(QColor(style.ACCENT), 2.5))
        dots = QScatterSeries()
        dots.setMarkerSize(8)
        dots.setColor(QColor(style.ACCENT))
        dots.setBorderColor(QColor(style.ACCENT))
        numbers = []
        for i, (_, value) in enumerate(points):
            if value is not None:
                values.append(i, float(value))
                dots.append(i, float(value))
                numbers.append(float(value))
        chart.addSeries(values)
        chart.addSeries(dots)
        # a rate can be held against the target at any level; a city-wide total only by the city
        comparable = (
            target.level == "county"
            or indicator.kind == "ratio"
            or getattr(indicator, "unit", "") == "%"
        )
        if comparable:
            line = QLineSeries()
            line.setName(self.tr("目标 {v}").format(v=target.value))
            pen = QPen(QColor(style.WARNING), 1.5, Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.append(-0.5, float(target.value))
            line.append(len(points) - 0.5, float(target.value))
            chart.addSeries(line)
            numbers.append(float(target.value))
        axis_x = QBarCategoryAxis()
        axis_x.append(categories)
        axis_y = QValueAxis()
        low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
        span = (high - low) or abs(high) or 1.0
        axis_y.setRange(min(0.0, low) if low >= 0 else low - span * 0.1, high + span * 0.15)
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%.4g")
        unit = getattr(indicator, "unit", "")
        axis_y.setTitleText(unit)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in chart.series():
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.legend().setVisible(comparable)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        # the dots are only markers for the line: keep them out of the legend
        for marker in chart.legend().markers(dots):
            marker.setVisible(False)
        self.setChart(chart)
        self.setToolTip(target.plan_text)
        if not comparable:
            reached = session.progress(form, indicator.code)
            share = "" if reached is None else self.tr("；本单位贡献约占 {p}%").format(p=reached)
            self.caption = self.tr("全市目标：{text}{share}").format(
                text=target.plan_text, share=share
            )
        else:
            self.caption = self.tr("目标：{text}").format(text=target.plan_text)


class Overview(QWidget):
    formChosen = Signal(str)  # noqa: N815

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewPage")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel(objectName="formTitle")
        layout.addWidget(self.title)
        self.summary = QLabel(objectName="formIntro")
        layout.addWidget(self.summary)
        self.deadline = QLabel(objectName="deadlineLine")
        self.deadline.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.deadline)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("completenessTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("表单"),
                self.tr("状态"),
                self.tr("已填/应填"),
                self.tr("完成度"),
                self.tr("截止"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.cellDoubleClicked.connect(
            lambda row, _c: self.formChosen.emit(
                self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            )
        )
        self.tabs.addTab(self.table, self.tr("填报完成情况"))
        self.charts_area = QScrollArea()
        self.charts_area.setWidgetResizable(True)
        self.tabs.addTab(self.charts_area, self.tr("目标进度图"))
        self.tabs.currentChanged.connect(lambda _i: self._build_charts_if_needed())
        self._charts_stale = True

    def forms(self) -> list[str]:
        return self.session.store.responsible_forms()

    def refresh(self) -> None:
        data = self.session.data
        if data is None:
            return
        self.title.setText(self.tr("进度总览 — {period}").format(period=data.period.label))
        forms = self.forms()
        signed = data.status == "signed"
        self.table.setRowCount(len(forms))
        states = {form: self.session.form_state(form) for form in forms}
        for row, form in enumerate(forms):
            definition = self.session.pack.form(form)
            name = QTableWidgetItem(f"{form}　{definition.title}")
            name.setData(Qt.ItemDataRole.UserRole, form)
            name.setToolTip(self.tr("双击打开此表"))
            state = QTableWidgetItem(state_icon(states[form]), state_label(states[form]))
            done = completeness(self.session.pack, data, form)
            count = QTableWidgetItem(f"{done.filled} / {done.total}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(done.percent)
            bar.setFormat(f"{done.percent}%")
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, state)
            self.table.setItem(row, 2, count)
            self.table.setCellWidget(row, 3, bar)
            self.table.setItem(row, DEADLINE_COLUMN, self._deadline_item(form, signed))
        self.table.setColumnWidth(1, 100)
        self.table.setColumnWidth(2, 100)
        self.table.setColumnWidth(3, 160)
        self.table.setColumnWidth(DEADLINE_COLUMN, 150)
        # the period's date is said once above the table; the column only for forms of their own
        self.table.setColumnHidden(
            DEADLINE_COLUMN,
            not any(self._own_deadline(form, signed) for form in forms),
        )
        self.deadline.setText(self.deadline_line(signed))
        self.deadline.setVisible(bool(self.deadline.text()))
        period_status = None if signed else self.session.deadline_status()
        colour = deadline_colour(period_status) if period_status else None
        self.deadline.setStyleSheet(f"font-weight: bold; color: {colour};" if colour else "")
        ready = sum(1 for s in states.values() if s in ("checked", "signed"))
        errors = sum(1 for s in states.values() if s == "errors")
        self.summary.setText(
            self.tr("共 {n} 张表：已检查 {ok} 张，有错误 {err} 张。双击一行打开该表。").format(
                n=len(forms), ok=ready, err=errors
            )
        )
        self._charts_stale = True
        self._build_charts_if_needed()

    def _own_deadline(self, form: str, signed: bool) -> Any:
        """The form's deadline status when its due date is not the period's, else ``None``."""
        if signed:
            return None
        status, period = self.session.deadline_status(form), self.session.deadline_status()
        if status is None or period is None or status.deadline.due == period.deadline.due:
            return None
        return status

    def _deadline_item(self, form: str, signed: bool) -> QTableWidgetItem:
        status = self._own_deadline(form, signed)
        item = QTableWidgetItem(status.label if status else "")
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if status is not None:
            item.setToolTip(status.detail)
            colour = deadline_colour(status)
            if colour:
                item.setForeground(QBrush(QColor(colour)))
        return item

    def deadline_line(self, signed: bool) -> str:
        """The period's due date and how long is left, above the table (its earliest form's)."""
        status = self.session.deadline_status()
        if status is None:
            return ""
        due = status.deadline.due.isoformat()
        if signed:
            return self.tr("本期截止日期 {due}，已签名导出。").format(due=due)
        if status.state == "not_open":
            return self.tr("本期{label}：{opens} 开始填报，截止日期 {due}。").format(
                label=status.label, opens=status.deadline.opens.isoformat(), due=due
            )
        return self.tr("本期截止日期 {due}：{label}。").format(due=due, label=status.label)

    def _build_charts_if_needed(self) -> None:
        if not self._charts_stale or self.tabs.currentWidget() is not self.charts_area:
            return
        self._charts_stale = False
        page = QWidget(objectName="overviewPage")
        grid = QGridLayout(page)
        grid.setSpacing(12)
        indicators = charted_indicators(self.session, self.forms())
        if not indicators:
            grid.addWidget(QLabel(self.tr("本单位负责的任务中没有带数值目标的指标。")), 0, 0)
        for i, (form, indicator) in enumerate(indicators):
            chart = IndicatorChart(self.session, form, indicator)
            caption = QLabel(chart.caption, objectName="muted")
            caption.setWordWrap(True)
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(chart)
            box_layout.addWidget(caption)
            grid.addWidget(box, i // 2, i % 2)
        self.charts_area.setWidget(page)
