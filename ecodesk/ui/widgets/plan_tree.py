"""The plan as a tree: main goals, the 7 actions and their tasks, each form with its state."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ecodesk.forms.calendar import DeadlineStatus
from ecodesk.forms.loader import MAIN_GOALS_FORM, FormPack
from ecodesk.ui import style
from ecodesk.ui.icons import state_icon
from ecodesk.ui.states import FormState, state_label

FORM_ROLE = Qt.ItemDataRole.UserRole + 1
DEADLINE_COLUMN = 2
SOON_DAYS = 7  # a due date this close is shown in the warning colour


def deadline_colour(status: DeadlineStatus) -> str | None:
    """Red when overdue, amber within a week of the due date, plain otherwise."""
    if status.state == "overdue":
        return style.ERROR
    if status.state == "open" and status.days <= SOON_DAYS:
        return style.WARNING
    return None


class PlanTree(QTreeWidget):
    formSelected = Signal(str)  # noqa: N815

    def __init__(self, pack: FormPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setObjectName("planTree")
        self.setHeaderLabels([self.tr("行动方案"), self.tr("状态"), self.tr("截止")])
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(DEADLINE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.setUniformRowHeights(True)
        self.setWordWrap(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.currentItemChanged.connect(self._current_changed)

    def build(self, forms: Iterable[str]) -> None:
        """Show the forms in ``forms`` (and the actions that hold them) in the plan's order."""
        wanted = set(forms)
        current = self.current_form()
        self.blockSignals(True)
        self.clear()
        self._items = {}
        if MAIN_GOALS_FORM in wanted and MAIN_GOALS_FORM in self.pack.forms:
            self._add_form(self.invisibleRootItem(), MAIN_GOALS_FORM, self.tr("主要目标"))
        for action in self.pack.catalog.actions:
            tasks = [
                t for t in self.pack.catalog.tasks if t.action == action.code and t.code in wanted
            ]
            if not tasks:
                continue
            node = QTreeWidgetItem([f"{action.code}  {action.title}"])
            node.setFlags(Qt.ItemFlag.ItemIsEnabled)
            node.setToolTip(0, action.title)
            self.addTopLevelItem(node)
            for task in tasks:
                if task.code in self.pack.forms:
                    self._add_form(node, task.code, f"{task.code}  {task.title}")
        self.expandAll()
        self.blockSignals(False)
        if current in self._items:
            self.select_form(current)

    def _add_form(self, parent: QTreeWidgetItem, form: str, text: str) -> None:
        item = QTreeWidgetItem([text, "", ""])
        item.setData(0, FORM_ROLE, form)
        item.setToolTip(0, self.pack.form(form).title)
        parent.addChild(item)
        self._items[form] = item

    def forms(self) -> list[str]:
        return list(self._items)

    def update_states(self, state_of: Callable[[str], FormState]) -> None:
        for form, item in self._items.items():
            state = state_of(form)
            item.setIcon(0, state_icon(state))
            item.setText(1, state_label(state))
            item.setData(1, FORM_ROLE, state)

    def update_deadlines(
        self, status_of: Callable[[str], DeadlineStatus | None], submitted: bool = False
    ) -> None:
        """Each form's 距截止还有 N 天 / 今天截止 / 已逾期 N 天 / 未开始 (the dates in its tooltip);
        nothing once the period is ``submitted`` (signed) or when the calendar sets no date."""
        header = self.headerItem()
        shown = False
        for form, item in self._items.items():
            status = None if submitted else status_of(form)
            item.setText(DEADLINE_COLUMN, status.label if status else "")
            item.setToolTip(DEADLINE_COLUMN, status.detail if status else "")
            colour = deadline_colour(status) if status else None
            item.setForeground(DEADLINE_COLUMN, QBrush(QColor(colour)) if colour else QBrush())
            shown = shown or status is not None
        self.setColumnHidden(DEADLINE_COLUMN, not shown)
        header.setToolTip(DEADLINE_COLUMN, self.tr("市里在表单包中规定的报送截止日期"))

    def deadline_text(self, form: str) -> str:
        return self._items[form].text(DEADLINE_COLUMN)

    def state_text(self, form: str) -> str:
        return self._items[form].text(1)

    def current_form(self) -> str | None:
        item = self.currentItem()
        return item.data(0, FORM_ROLE) if item else None

    def select_form(self, form: str) -> None:
        if form in self._items:
            self.setCurrentItem(self._items[form])

    def _current_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        form = current.data(0, FORM_ROLE) if current else None
        if form:
            self.formSelected.emit(form)
