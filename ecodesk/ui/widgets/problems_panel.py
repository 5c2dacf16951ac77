"""Errors, warnings and the receiver's queries (查询) of this form or of the whole submission;
a click goes to the field, 答复 answers a query."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.ui import style
from ecodesk.ui.icons import severity_icon
from ecodesk.ui.session import EditSession
from ecodesk.ui.states import labelled, severity_kind, severity_word

PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1
EVIDENCE_PREFIX = "evidence:"  # ecodesk.forms.rules.evidence: the id is this + the key
COLUMN_MESSAGE = 2
_KIND_COLOURS = {
    "error": style.ERROR,
    "warning": style.WARNING,
    "query": style.QUERY,
    "accepted": style.MUTED,
}


class ProblemsPanel(QWidget):
    goToProblem = Signal(object)  # noqa: N815 — a Problem
    acceptRequested = Signal(object)  # noqa: N815
    withdrawRequested = Signal(object)  # noqa: N815
    answerRequested = Signal(object)  # noqa: N815 — a QueryProblem
    attachRequested = Signal(object)  # noqa: N815 — a claim that needs 佐证材料 (evidence:…)

    def __init__(self, session: EditSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.form: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("problemsSummary")
        top.addWidget(self.summary)
        top.addStretch(1)
        self.this_form = QRadioButton(self.tr("本表"))
        self.all_forms = QRadioButton(self.tr("全部表单"))
        self.this_form.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.this_form)
        group.addButton(self.all_forms)
        self.this_form.toggled.connect(self.refresh)
        top.addWidget(self.this_form)
        top.addWidget(self.all_forms)
        self.accept_button = QPushButton(self.tr("接受提示并说明…"))
        self.withdraw_button = QPushButton(self.tr("撤回说明"))
        self.accept_button.clicked.connect(lambda: self._request(self.acceptRequested))
        self.withdraw_button.clicked.connect(lambda: self._request(self.withdrawRequested))
        self.answer_button = QPushButton(self.tr("答复查询…"))
        self.answer_button.setObjectName("answerQuery")
        self.answer_button.clicked.connect(lambda: self._request(self.answerRequested))
        self.attach_button = QPushButton(self.tr("添加佐证材料…"))
        self.attach_button.setObjectName("attachEvidence")
        self.attach_button.setToolTip(self.tr("为选中的提示所说的填报附上佐证材料"))
        self.attach_button.clicked.connect(lambda: self._request(self.attachRequested))
        top.addWidget(self.accept_button)
        top.addWidget(self.withdraw_button)
        top.addWidget(self.answer_button)
        top.addWidget(self.attach_button)
        layout.addLayout(top)
        self.list = QTreeWidget()
        self.list.setObjectName("problemsList")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(
            [self.tr("类型"), self.tr("表单"), self.tr("问题"), self.tr("说明")]
        )
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.list.setColumnWidth(3, 260)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list)
        # the summary, the header and at least three rows whatever the splitter is dragged to
        rows = self.list.fontMetrics().height() + 10
        self.setMinimumHeight(self.accept_button.sizeHint().height() + 4 * rows + 24)
        session.problemsChanged.connect(self.refresh)
        self.refresh()

    def set_form(self, form: str | None) -> None:
        self.form = form
        self.refresh()

    def shown_problems(self) -> list[Any]:
        if self.this_form.isChecked() and self.form is not None:
            return self.session.form_problems(self.form)
        return list(self.session.shown)

    def refresh(self) -> None:
        problems = self.shown_problems()
        self.list.clear()
        # errors first, then warnings still waiting for an explanation, then accepted ones
        order = {"error": 0, "query": 1, "warning": 2}
        for p in sorted(problems, key=lambda p: (order.get(p.severity, 3), bool(p.explanation))):
            kind = severity_kind(p)
            item = QTreeWidgetItem([severity_word(kind), p.form, p.message, p.explanation or ""])
            item.setIcon(0, severity_icon(kind))
            colour = QColor(_KIND_COLOURS[kind])
            for column in (0, COLUMN_MESSAGE):
                item.setForeground(column, colour)
            item.setToolTip(COLUMN_MESSAGE, labelled(p, p.message))
            item.setToolTip(3, p.explanation or "")
            item.setData(0, PROBLEM_ROLE, p)
            self.list.addTopLevelItem(item)
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = sum(1 for p in problems if p.severity == "warning" and not p.explanation)
        queries = sum(1 for p in problems if p.severity == "query" and not p.explanation)
        if not problems:
            self.summary.setText(self.tr("没有发现问题"))
        else:
            error_colour = style.ERROR if errors else style.MUTED
            warning_colour = style.WARNING if warnings else style.MUTED
            text = (
                f'<span style="color:{error_colour}">✖ '
                + self.tr("错误 {e} 项").format(e=errors)
                + f'</span> · <span style="color:{warning_colour}">⚠ '
                + self.tr("待说明的提示 {w} 项").format(w=warnings)
                + "</span>"
            )
            if any(p.severity == "query" for p in problems):
                text += (
                    f' · <span style="color:{style.QUERY}">？ '
                    + self.tr("待答复的查询 {q} 项").format(q=queries)
                    + "</span>"
                )
            self.summary.setText(text)
        self._update_buttons()

    def current_problem(self) -> Any:
        item = self.list.currentItem()
        return item.data(0, PROBLEM_ROLE) if item else None

    def _update_buttons(self) -> None:
        p = self.current_problem()
        frozen = self.session.frozen
        self.accept_button.setEnabled(bool(p) and p.severity == "warning" and not frozen)
        self.withdraw_button.setEnabled(
            bool(p) and p.severity == "warning" and bool(p.explanation) and not frozen
        )
        self.answer_button.setEnabled(bool(p) and p.severity == "query" and not frozen)
        self.attach_button.setEnabled(
            bool(p) and str(p.id).startswith(EVIDENCE_PREFIX) and not frozen
        )

    def _request(self, signal: Any) -> None:
        p = self.current_problem()
        if p is not None:
            signal.emit(p)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.goToProblem.emit(item.data(0, PROBLEM_ROLE))
