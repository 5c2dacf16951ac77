"""The review tab: each unit's review state (未收到 … 已采用) and the queries of the office's
newest feedback with theirs (待答复 / 已答复 / 已关闭); from here the reviewer opens the review of
a unit's newest revision (审核…) and the comparison of two of its revisions (比较修订版…).

Enter on a unit opens its review; the states come from the core (:mod:`ecodesk.review.state`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.consolidation.model import unit_id
from ecodesk.ui import style

UNIT_COLUMNS = 6  # unit, revision, state, queries, unanswered, the latest feedback
QUERY_COLUMNS = 5  # n, place, question, answer, state
_STATE_COLOURS = {"待审核": style.WARNING, "已退回": style.ERROR, "未收到": style.MUTED}


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item at a place every row of these tables fills."""
    item = table.item(row, column)
    assert item is not None
    return item


class _UnitsTable(QTableWidget):
    activated_unit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.activated_unit.emit()
            return
        super().keyPressEvent(event)


class ReviewView(QWidget):
    review_requested = Signal()  # for the current unit
    diff_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.basis = QLabel(objectName="muted")
        self.basis.setWordWrap(True)
        layout.addWidget(self.basis)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.units = _UnitsTable(0, UNIT_COLUMNS)
        self.units.setObjectName("reviewUnits")
        self.units.setHorizontalHeaderLabels(
            [
                self.tr("单位"),
                self.tr("版次"),
                self.tr("审核状态"),
                self.tr("查询"),
                self.tr("待答复"),
                self.tr("最近的审核意见"),
            ]
        )
        self.units.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 220), (1, 60), (3, 60), (4, 70)):
            self.units.setColumnWidth(column, self._fit_heading(self.units, column, width))
        self._fit_state_column()
        self._table_defaults(self.units)
        self.units.activated_unit.connect(self.review_requested)
        self.units.itemDoubleClicked.connect(lambda *_: self.review_requested.emit())
        self.units.currentCellChanged.connect(lambda *_: self._show_queries())
        splitter.addWidget(self.units)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        self.queries_title = QLabel(objectName="sectionTitle")
        lower_layout.addWidget(self.queries_title)
        self.queries = QTableWidget(0, QUERY_COLUMNS)
        self.queries.setObjectName("reviewQueries")
        self.queries.setHorizontalHeaderLabels(
            [
                self.tr("序号"),
                self.tr("位置"),
                self.tr("查询内容"),
                self.tr("单位的答复"),
                self.tr("查询状态"),
            ]
        )
        header = self.queries.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        from ecodesk.store.feedback import query_state_label

        widest_state = max(
            self.queries.fontMetrics().horizontalAdvance(query_state_label(s))
            for s in ("待答复", "已答复", "已关闭")
        )
        for column, width in ((0, 44), (1, 200), (4, max(80, widest_state + 16))):
            self.queries.setColumnWidth(column, self._fit_heading(self.queries, column, width))
        self._table_defaults(self.queries)
        self.queries.setWordWrap(True)
        lower_layout.addWidget(self.queries)
        splitter.addWidget(lower)
        splitter.setSizes([260, 200])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.review_button = QPushButton(self.tr("审核…"), objectName="reviewUnit")
        self.review_button.setToolTip(
            self.tr("对所选单位的最新修订版提出查询、退回或采用，并生成签名的审核意见书（Enter）")
        )
        self.review_button.clicked.connect(self.review_requested)
        self.diff_button = QPushButton(self.tr("比较修订版…"), objectName="diffRevisions")
        self.diff_button.setToolTip(self.tr("列出所选单位两个修订版之间改动的每个数值和章节"))
        self.diff_button.clicked.connect(self.diff_requested)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.diff_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._enable()

    def _fit_state_column(self) -> None:
        """As wide as the longest state in the language shown (English words are longer)."""
        from ecodesk.review.state import UNIT_STATES, unit_state_label

        metrics = self.units.fontMetrics()
        widest = max(metrics.horizontalAdvance(unit_state_label(s)) for s in UNIT_STATES)
        heading = metrics.horizontalAdvance(self.tr("审核状态"))
        self.units.setColumnWidth(2, max(90, widest + 16, heading + 24))

    @staticmethod
    def _fit_heading(table: QTableWidget, column: int, width: int) -> int:
        """At least as wide as the column's heading (English headings are longer)."""
        heading = table.horizontalHeaderItem(column)
        text = heading.text() if heading is not None else ""
        return max(width, table.fontMetrics().horizontalAdvance(text) + 24)

    @staticmethod
    def _table_defaults(table: QTableWidget) -> None:
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)

    def latest_feedback(self, review: Any) -> str:
        """退回修改（第1版，2026-12-03）：reason — what the office last sent the unit."""
        from ecodesk.review.model import decision_label

        fb = review.feedback
        if fb is None:
            return ""
        text = self.tr("{decision}（第{r}版，{when}）").format(
            decision=decision_label(fb.decision),
            r=fb.revision,
            when=fb.issued_at.strftime("%Y-%m-%d"),
        )
        return f"{text}：{fb.reason}" if fb.reason else text

    def show_summary(self, summary: Any) -> None:
        """``summary`` is a :class:`~ecodesk.consolidation.model.Summary` with its review attached."""
        from ecodesk.consolidation.labels import unit_labels
        from ecodesk.review.state import unit_state_label

        chosen = self.current_unit()
        self.summary = summary
        self.basis.setText(summary.totals_basis)
        labels = unit_labels(summary)
        rows = [e for e in summary.completeness if unit_id(e.unit) in summary.review]
        self.units.setRowCount(len(rows))
        current = 0
        for row, entry in enumerate(rows):
            key = unit_id(entry.unit)
            review = summary.review[key]
            pending = sum(1 for q in review.queries if q.state == "待答复")
            name = QTableWidgetItem(labels.get(key) or entry.unit.display_name)
            name.setData(Qt.ItemDataRole.UserRole, key)
            name.setToolTip(f"{entry.unit.division_code}　{entry.unit.display_name}")
            state = QTableWidgetItem(unit_state_label(review.state))
            state.setData(Qt.ItemDataRole.UserRole, review.state)
            if review.state in _STATE_COLOURS:
                state.setForeground(QBrush(QColor(_STATE_COLOURS[review.state])))
            cells = [
                name,
                QTableWidgetItem("" if review.revision is None else str(review.revision)),
                state,
                QTableWidgetItem(str(len(review.queries)) if review.queries else ""),
                QTableWidgetItem(str(pending) if review.queries else ""),
                QTableWidgetItem(self.latest_feedback(review)),
            ]
            cells[5].setToolTip(cells[5].text())
            for column in range(1, UNIT_COLUMNS - 1):
                cells[column].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for column, item in enumerate(cells):
                self.units.setItem(row, column, item)
            if key == chosen:
                current = row
        if rows:
            self.units.setCurrentCell(current, 0)
        self._show_queries()
        self._enable()

    def clear(self) -> None:
        self.summary = None
        self.units.setRowCount(0)
        self.queries.setRowCount(0)
        self.basis.setText("")
        self.queries_title.setText("")
        self._enable()

    def current_unit(self) -> tuple[str, str] | None:
        item = self.units.item(self.units.currentRow(), 0) if self.units.currentRow() >= 0 else None
        return tuple(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None  # type: ignore[return-value]

    def select_unit(self, label: str) -> None:
        """Make the unit shown as ``label`` current (for tests and the screenshots)."""
        for row in range(self.units.rowCount()):
            if cell(self.units, row, 0).text() == label:
                self.units.setCurrentCell(row, 0)
                return
        raise KeyError(label)

    def _enable(self) -> None:
        review = self._current_review()
        self.review_button.setEnabled(review is not None and review.revision is not None)
        self.diff_button.setEnabled(review is not None and review.revision is not None)

    def _current_review(self) -> Any:
        key = self.current_unit()
        return self.summary.review.get(key) if self.summary is not None and key else None

    def _show_queries(self) -> None:
        from ecodesk.store.feedback import query_state_label

        self._enable()
        review = self._current_review()
        queries = review.queries if review is not None else []
        self.queries.setRowCount(len(queries))
        if review is None or review.feedback is None:
            self.queries_title.setText(self.tr("本单位还没有发出审核意见。"))
        else:
            fb = review.feedback
            self.queries_title.setText(
                self.tr("最近一次审核意见（第{r}版，{when}）：查询 {n} 条，待答复 {p} 条").format(
                    r=fb.revision,
                    when=fb.issued_at.strftime("%Y-%m-%d"),
                    n=len(queries),
                    p=sum(1 for q in queries if q.state == "待答复"),
                )
            )
        for row, q in enumerate(queries):
            state = QTableWidgetItem(query_state_label(q.state))
            state.setData(Qt.ItemDataRole.UserRole, q.state)
            if q.state == "待答复":
                state.setForeground(QBrush(QColor(style.WARNING)))
            place = QTableWidgetItem(q.label or q.key)
            place.setToolTip(q.key)
            question, answer = QTableWidgetItem(q.question), QTableWidgetItem(q.answer)
            question.setToolTip(q.question)
            answer.setToolTip(q.answer)
            number = QTableWidgetItem(str(q.n))
            number.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            state.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            for column, item in enumerate((number, place, question, answer, state)):
                self.queries.setItem(row, column, item)
        self.queries.resizeRowsToContents()

    def query_states(self) -> list[tuple[int, str, str]]:
        """(number, place key, state) of each query shown (for tests and screen readers)."""
        return [
            (
                int(cell(self.queries, r, 0).text()),
                cell(self.queries, r, 1).toolTip(),
                str(cell(self.queries, r, 4).data(Qt.ItemDataRole.UserRole)),
            )
            for r in range(self.queries.rowCount())
        ]
