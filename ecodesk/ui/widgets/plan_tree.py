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
PRESENCE_COLUMN = 2  # who else has the form open (on a shared store)
DEADLINE_COLUMN = 3  # a form's own due date, when it differs from the period's
# (column 4, 审核, is added by ecodesk.ui.office_review when people and roles are on)
DEADLINE_ROLE = Qt.ItemDataRole.UserRole + 2
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
        self.setHeaderLabels(
            [self.tr("行动方案"), self.tr("状态"), self.tr("谁在填"), self.tr("截止")]
        )
        self.headerItem().setToolTip(DEADLINE_COLUMN, self.tr("本表另定的截止日期"))
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(PRESENCE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(DEADLINE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self._presence: dict[str, list[str]] = {}
        self.setUniformRowHeights(True)
        self.setWordWrap(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._deadline_line: QTreeWidgetItem | None = None
        self.currentItemChanged.connect(self._current_changed)

    def build(self, forms: Iterable[str]) -> None:
        """Show the forms in ``forms`` (and the actions that hold them) in the plan's order."""
        wanted = set(forms)
        current = self.current_form()
        self.blockSignals(True)
        self.clear()
        self._items = {}
        self._deadline_line = None
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
        self.show_presence(self._presence)
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

    def item_of(self, form: str) -> QTreeWidgetItem:
        return self._items[form]

    def update_states(self, state_of: Callable[[str], FormState]) -> None:
        for form, item in self._items.items():
            state = state_of(form)
            item.setIcon(0, state_icon(state))
            item.setText(1, state_label(state))
            item.setData(1, FORM_ROLE, state)

    def show_presence(self, by_form: dict[str, list[str]]) -> None:
        """Name the others working on each form now (``by_form``: form → names)."""
        self._presence = {form: list(names) for form, names in by_form.items()}
        for form, item in self._items.items():
            names = self._presence.get(form, [])
            item.setText(PRESENCE_COLUMN, "、".join(names))
            item.setToolTip(
                PRESENCE_COLUMN,
                self.tr("{names} 正在填写这张表").format(names="、".join(names)) if names else "",
            )
        # the column shows only while someone else is working somewhere
        self.setColumnHidden(PRESENCE_COLUMN, not any(self._presence.values()))

    def presence_text(self, form: str) -> str:
        return self._items[form].text(PRESENCE_COLUMN)

    def update_deadlines(
        self,
        period_status: DeadlineStatus | None,
        status_of: Callable[[str], DeadlineStatus | None],
        submitted: bool = False,
    ) -> None:
        """What is due, said once at the top of the tree (the period's earliest due date: 距截止还有
        N 天 / 今天截止 / 已逾期 N 天 / 未开始), and beside a form only when its own date differs.
        Nothing once the period is ``submitted`` (signed) or when the calendar sets no date."""
        if submitted or period_status is None:
            self._remove_deadline_line()
            for item in self._items.values():
                self._show_status(item, None)
            self.setColumnHidden(DEADLINE_COLUMN, True)
            return
        line = self._deadline_line
        if line is None:
            line = self._deadline_line = QTreeWidgetItem()
            line.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a statement, not a place to go
            line.setData(0, DEADLINE_ROLE, True)
            self.insertTopLevelItem(0, line)
            line.setFirstColumnSpanned(True)
        due = period_status.deadline
        if period_status.state == "not_open":
            text = self.tr("{label} · {opens} 开始填报 · 截止日期 {due}")
        else:
            text = self.tr("截止日期 {due} · {label}")
        line.setText(
            0,
            text.format(
                opens=due.opens.isoformat(), due=due.due.isoformat(), label=period_status.label
            ),
        )
        line.setToolTip(0, self.tr("市里在表单包中规定的报送截止日期"))
        colour = deadline_colour(period_status)
        line.setForeground(0, QBrush(QColor(colour)) if colour else QBrush())
        font = line.font(0)
        font.setBold(True)
        line.setFont(0, font)
        differs = False
        for form, item in self._items.items():
            status = status_of(form)
            own = status if status and status.deadline.due != due.due else None
            self._show_status(item, own)
            differs = differs or own is not None
        self.setColumnHidden(DEADLINE_COLUMN, not differs)

    def _show_status(self, item: QTreeWidgetItem, status: DeadlineStatus | None) -> None:
        item.setText(DEADLINE_COLUMN, status.label if status else "")
        item.setToolTip(DEADLINE_COLUMN, status.detail if status else "")
        colour = deadline_colour(status) if status else None
        item.setForeground(DEADLINE_COLUMN, QBrush(QColor(colour)) if colour else QBrush())

    def _remove_deadline_line(self) -> None:
        if self._deadline_line is not None:
            self.takeTopLevelItem(self.indexOfTopLevelItem(self._deadline_line))
            self._deadline_line = None

    def deadline_line(self) -> str:
        """The tree's top line about the period's due date ("" when there is none)."""
        return self._deadline_line.text(0) if self._deadline_line is not None else ""

    def deadline_text(self, form: str) -> str:
        """A form's own due status, shown only when its date differs from the period's."""
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
