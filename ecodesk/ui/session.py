"""The window's link to the core: one submission loaded from the store, edited, checked.

Every edit goes to the store at once (each its own transaction in the core) through an
undoable command; checking is the core's :mod:`ecodesk.forms.rules`. Widgets never talk to
the store directly: they ask the session and listen to its signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from ecodesk.errors import EcoDeskError
from ecodesk.forms.calendar import DeadlineStatus
from ecodesk.forms.loader import FormPack
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, TableRow, UnitProfile
from ecodesk.ui.states import FormState, form_state
from ecodesk.ui.undo_commands import SetNarrativeCommand, SetTableRowsCommand, SetValueCommand

log = logging.getLogger(__name__)

RECHECK_DELAY_MS = 200


def _local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class EditSession(QObject):
    loaded = Signal()
    valueChanged = Signal(str)  # noqa: N815 (Qt naming) — field key
    narrativeChanged = Signal(str)  # noqa: N815 — "form:section"
    tableChanged = Signal(str)  # noqa: N815 — "form:table"
    problemsChanged = Signal()  # noqa: N815
    saved = Signal()
    editRefused = Signal(str)  # noqa: N815 — a Chinese sentence from the core

    def __init__(self, store: Any, pack: FormPack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        # one undo history per form, as a spreadsheet has one per sheet: Ctrl+Z in a form never
        # undoes an edit made, unseen, in another one
        self.undo_group = QUndoGroup(self)
        self._undo_stacks: dict[str, QUndoStack] = {}
        self.data: SubmissionData | None = None
        self.problems: list[Any] = []  # every problem, missing values included (export's view)
        self.shown: list[Any] = []  # what the clerk is shown now (see shown_while_filling)
        self._finished: set[str] | None = set()  # forms whose missing values are shown
        self._recheck_timer = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck_timer.timeout.connect(self.recheck_now)
        # the window's one clock: deadlines and the export time read it, tests set a fixed day
        self.clock: Callable[[], datetime] = _local_now

    # ------------------------------------------------------------------ the calendar

    def today(self) -> date:
        return self.clock().date()

    def deadline_status(self, form: str | None = None) -> DeadlineStatus | None:
        """Where today stands against the due date of ``form`` in the loaded period (``None``:
        of the whole submission, its earliest form's date); ``None`` when nothing is due."""
        if self.data is None:
            return None
        calendar = self.pack.calendar
        if form is None:
            deadline = calendar.submission_deadline(self.data.period, self.data.forms)
        else:
            deadline = calendar.deadline(self.data.period, form)
        return deadline.status(self.today()) if deadline else None

    # ------------------------------------------------------------------ loading

    @property
    def period(self) -> Period:
        assert self.data is not None
        return self.data.period

    @property
    def profile(self) -> UnitProfile:
        assert self.data is not None
        return self.data.unit

    @property
    def division(self) -> str:
        return self.profile.division_code

    @property
    def frozen(self) -> bool:
        return self.data is not None and self.data.status == "signed"

    def load(
        self,
        period: Period | None = None,
        *,
        prepared: tuple[SubmissionData, list[Any]] | None = None,
    ) -> None:
        """Read ``period`` (the current one by default) and check it. ``prepared``: the current
        period's data and problems, read and checked ahead (at start-up, off the UI thread)."""
        if prepared is not None:
            self.data, self.problems = prepared
            self._recheck_timer.stop()
            self._clear_undo()
            self._finished = set()
            self.shown = self._calm(self.problems)
            self.problemsChanged.emit()
            self.loaded.emit()
            return
        period = period or self.store.current_period()
        self.data = self.store.load(period)
        if period != self.store.current_period():
            self.store.set_current_period(period)
        self._clear_undo()
        self._finished = set()  # a period opens calm, like a new form
        self.recheck_now()
        self.loaded.emit()

    def reload(self) -> None:
        """Read the submission again (after an import, a new revision, a restore)."""
        self.load(self.period)

    # ------------------------------------------------------------------ reading

    def value(self, key: str) -> str:
        return self.data.value(key) if self.data else ""

    def narrative(self, form: str, section: str) -> str:
        return self.data.narrative(form, section) if self.data else ""

    def rows(self, form: str, table: str) -> list[TableRow]:
        return [dict(r) for r in self.data.rows(form, table)] if self.data else []

    def previous(self, key: str) -> str:
        return self.data.previous.get(key, "") if self.data else ""

    def last_saved_at(self) -> datetime | None:
        return self.store.last_saved_at()

    # ------------------------------------------------------------------ editing (undoable)

    def undo_stack(self, form: str) -> QUndoStack:
        """The undo history of ``form`` (made on first use)."""
        if form not in self._undo_stacks:
            stack = QUndoStack(self.undo_group)
            self.undo_group.addStack(stack)
            self._undo_stacks[form] = stack
        return self._undo_stacks[form]

    def set_active_form(self, form: str) -> None:
        """Ctrl+Z and Ctrl+Y act on this form's history."""
        self.undo_group.setActiveStack(self.undo_stack(form))

    def _clear_undo(self) -> None:
        """Another period or a reloaded submission: the old histories no longer apply."""
        active = next(
            (f for f, s in self._undo_stacks.items() if s is self.undo_group.activeStack()), None
        )
        for stack in self._undo_stacks.values():
            self.undo_group.removeStack(stack)
            stack.deleteLater()
        self._undo_stacks = {}
        if active is not None:
            self.set_active_form(active)

    def edit_value(self, key: str, text: str, label: str) -> None:
        if text != self.value(key):
            command = SetValueCommand(self, key, self.value(key), text, label)
            self.undo_stack(key.partition(":")[0]).push(command)

    def edit_narrative(self, form: str, section: str, text: str, label: str) -> None:
        old = self.narrative(form, section)
        if text != old:
            command = SetNarrativeCommand(self, form, section, old, text, label)
            self.undo_stack(form).push(command)

    def edit_rows(self, form: str, table: str, rows: list[TableRow], label: str) -> None:
        old = self.rows(form, table)
        if rows != old:
            self.undo_stack(form).push(SetTableRowsCommand(self, form, table, old, rows, label))

    # ------------------------------------------------------------------ writing (used by commands)

    def _write(self, action: Any) -> bool:
        try:
            action()
        except EcoDeskError as exc:
            log.info("edit refused: %s", exc)
            self.editRefused.emit(str(exc))
            return False
        self.saved.emit()
        self.schedule_recheck()
        return True

    def write_value(self, key: str, text: str) -> None:
        assert self.data is not None
        if self._write(lambda: self.store.set_value(self.period, key, text)):
            self.data.values[key] = text
        self.valueChanged.emit(key)

    def write_narrative(self, form: str, section: str, text: str) -> None:
        assert self.data is not None
        if self._write(lambda: self.store.set_narrative(self.period, form, section, text)):
            self.data.narratives[f"{form}:{section}"] = text
        self.narrativeChanged.emit(f"{form}:{section}")

    def write_rows(self, form: str, table: str, rows: list[TableRow]) -> None:
        assert self.data is not None
        if self._write(lambda: self.store.set_table_rows(self.period, form, table, rows)):
            self.data.tables[f"{form}:{table}"] = rows
        self.tableChanged.emit(f"{form}:{table}")

    # ------------------------------------------------------------------ checking

    def field_problems(self, key: str, text: str) -> list[Any]:
        """The core's verdict on ``text`` typed into ``key``, before it is committed."""
        from ecodesk.forms.rules import check_field

        assert self.data is not None
        saved = self.data.values.get(key)
        self.data.values[key] = text
        try:
            return self._calm(check_field(self.pack, self.data, key))
        finally:
            if saved is None:
                del self.data.values[key]
            else:
                self.data.values[key] = saved

    def schedule_recheck(self) -> None:
        self._recheck_timer.start()

    def recheck_now(self) -> None:
        from ecodesk.review.unit import problems_with_queries

        self._recheck_timer.stop()
        if self.data is None:
            return
        self.problems = problems_with_queries(self.store, self.data)
        self.shown = self._calm(self.problems)
        self.problemsChanged.emit()

    def _calm(self, problems: list[Any]) -> list[Any]:
        from ecodesk.forms.rules import shown_while_filling

        return shown_while_filling(problems, self._finished)

    def finish(self, form: str | None = None) -> None:
        """Show the missing values of ``form`` from now on (``None``: of every form) — when
        the clerk leaves a form after typing in it, asks for 全面检查, or tries to export."""
        if form is None:
            changed = self._finished is not None
            self._finished = None
        else:
            changed = self._finished is not None and form not in self._finished
            if self._finished is not None:
                self._finished.add(form)
        if changed:
            self.recheck_now()

    def form_problems(self, form: str) -> list[Any]:
        """The problems of ``form`` the clerk is shown now."""
        return [p for p in self.shown if p.form == form]

    def form_state(self, form: str) -> FormState:
        assert self.data is not None
        return form_state(self.pack, self.data, form, self.problems)

    def accept_warning(self, problem: Any, explanation: str) -> bool:
        assert self.data is not None
        accepted = AcceptedWarning(
            problem_id=problem.id,
            form=problem.form,
            message=self._document_message(problem),
            explanation=explanation,
            field=problem.field,
        )
        if not self._write(lambda: self.store.accept_warning(self.period, accepted)):
            return False
        self.data.accepted = [a for a in self.data.accepted if a.problem_id != problem.id] + [
            accepted
        ]
        self.recheck_now()
        return True

    def _document_message(self, problem: Any) -> str:
        """The warning as the signed workbook and the printed sheet state it: in Chinese, also
        when the window is in English (the city reads Chinese documents)."""
        from ecodesk import i18n
        from ecodesk.forms.rules import check_submission

        assert self.data is not None
        with i18n.source_language():
            for found in check_submission(self.pack, self.data, form=problem.form):
                if found.id == problem.id:
                    return str(found.message)
        return str(problem.message)

    def withdraw_warning(self, problem_id: str) -> bool:
        assert self.data is not None
        if not self._write(lambda: self.store.withdraw_warning(self.period, problem_id)):
            return False
        self.data.accepted = [a for a in self.data.accepted if a.problem_id != problem_id]
        self.recheck_now()
        return True

    # ------------------------------------------------------------------ derived figures from the core

    def ratio_value(self, form: str, indicator: str) -> Any:
        from ecodesk.forms.figures import ratio_value

        assert self.data is not None
        return ratio_value(self.pack, self.data, form, indicator)

    def progress(self, form: str, indicator: str) -> Any:
        from ecodesk.forms.figures import progress

        assert self.data is not None
        return progress(self.pack, self.data, form, indicator)

    def indicator_lines(self, form: str) -> Any:
        """The form's indicator rows as the printed sheet and the workbook show them."""
        from ecodesk.forms.lines import indicator_lines

        assert self.data is not None
        return indicator_lines(self.pack, self.data, form)
