"""The window's link to the core: one submission loaded from the store, edited, checked.

Every edit goes to the store at once (each its own transaction in the core) through an
undoable command; checking is the core's :mod:`ecodesk.forms.rules`. Widgets never talk to
the store directly: they ask the session and listen to its signals.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from ecodesk import clock
from ecodesk.errors import EcoDeskError
from ecodesk.forms.calendar import DeadlineStatus
from ecodesk.forms.loader import FormPack
from ecodesk.store.errors import DatabaseServerError, DatabaseUnreachable, ValueConflict
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, TableRow, UnitProfile
from ecodesk.ui.states import FormState, form_state
from ecodesk.ui.undo_commands import (
    AttachCommand,
    DetachCommand,
    SaveOutcome,
    SetNarrativeCommand,
    SetTableRowsCommand,
    SetValueCommand,
)

if TYPE_CHECKING:
    from ecodesk.store.live import Change

log = logging.getLogger(__name__)

RECHECK_DELAY_MS = 200
# A remote change of these changes the revision's attachments: read their list again.
ATTACHMENT_ACTIONS = frozenset({"attach", "detach", "restore_attachment", "move_attachment"})
# A remote change of these makes the loaded submission stale as a whole: read it again.
RELOAD_ACTIONS = frozenset(
    {"create_revision", "sign", "unsign", "import_previous", "undo_import", "write_submission"}
)

# (the conflict, what the clerk calls the field) → True: keep mine, False: take theirs
ConflictResolver = Callable[[ValueConflict, str], bool]


class _AttachSignals(QObject):
    done = Signal(list, list)  # attached Attachment records, (name, reason) of refused files


class EditSession(QObject):
    loaded = Signal()
    valueChanged = Signal(str)  # noqa: N815 (Qt naming) — field key
    narrativeChanged = Signal(str)  # noqa: N815 — "form:section"
    tableChanged = Signal(str)  # noqa: N815 — "form:table"
    problemsChanged = Signal()  # noqa: N815
    saved = Signal()
    editRefused = Signal(str)  # noqa: N815 — a Chinese sentence from the core
    attachmentsChanged = Signal()  # noqa: N815
    attachFinished = Signal(list)  # noqa: N815 — (file name, Chinese reason) of each refused file
    remoteChanged = Signal(str, str)  # noqa: N815 — key, who: someone else saved it
    connectionLost = Signal(str)  # noqa: N815 — a save could not reach the server (a sentence)
    unsentChanged = Signal(int)  # noqa: N815 — how many edits wait for the server

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
        self._attachments: list[Any] = []  # the revision's attachments (ecodesk.attachments)
        self._attaching: set[_AttachSignals] = set()
        self._recheck_timer = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck_timer.timeout.connect(self.recheck_now)
        # asked when a save meets someone else's change (the window shows the conflict dialog);
        # without one the other person's value is kept and the refusal is shown
        self.conflict_resolver: ConflictResolver | None = None
        self._asking = False  # the conflict dialog is up
        # edits typed while the server was unreachable: key → (save(based_on), based_on)
        self._unsent: dict[str, tuple[Callable[[Any], None], Any]] = {}
        # the window's one clock: deadlines and the export time read it, tests set a fixed day
        self.clock: Callable[[], datetime] = clock.now

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
            self._read_attachments()
            self.problemsChanged.emit()
            self.loaded.emit()
            return
        period = period or self.store.current_period()
        self.data = self.store.load(period)
        if period != self.store.current_period():
            self.store.set_current_period(period)
        self._clear_undo()
        self._finished = set()  # a period opens calm, like a new form
        self._read_attachments()
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
        try:
            return self.store.last_saved_at()
        except DatabaseUnreachable:  # the banner says so; the time comes back with the server
            return None

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

    def edit_value(self, key: str, text: str, label: str, based_on: str | None = None) -> None:
        """``based_on``: what the editor showed when the clerk started typing (when someone
        else's save arrived meanwhile, the store then sees the conflict); default: the value."""
        if self._asking:
            return  # the editor lost focus to the conflict dialog: that same edit is being decided
        if text != self.value(key):
            old = self.value(key) if based_on is None else based_on
            command = SetValueCommand(self, key, old, text, label)
            self.undo_stack(key.partition(":")[0]).push(command)

    def edit_narrative(
        self, form: str, section: str, text: str, label: str, based_on: str | None = None
    ) -> None:
        if self._asking:
            return
        if text != self.narrative(form, section):
            old = self.narrative(form, section) if based_on is None else based_on
            command = SetNarrativeCommand(self, form, section, old, text, label)
            self.undo_stack(form).push(command)

    def edit_rows(
        self,
        form: str,
        table: str,
        rows: list[TableRow],
        label: str,
        origin: list[int | None] | None = None,
    ) -> None:
        """Save the table's rows, undoably. ``origin[i]``: the old row that row ``i`` continues
        (``None`` for a new one), so that evidence on a row follows it (see
        :meth:`ecodesk.store.Store.set_table_rows`); guessed from the contents when not given."""
        old = self.rows(form, table)
        if origin is None:
            from ecodesk.store.table_rows import infer_origin

            origin = infer_origin(old, rows)
        if rows != old or origin != list(range(len(old))):
            self.undo_stack(form).push(
                SetTableRowsCommand(self, form, table, old, rows, label, origin)
            )

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

    def _write_checked(
        self, key: str, label: str, based_on: Any, save: Callable[[Any], None]
    ) -> tuple[SaveOutcome, str | None]:
        """``save(based_on)`` with the conflict asked about and a lost server survived.

        Returns the outcome and the value the save replaced as far as the clerk knows it
        (``based_on``, or the other person's value they chose to overwrite)."""
        while True:
            try:
                save(based_on)
            except ValueConflict as conflict:
                resolver = self.conflict_resolver
                if resolver is None:
                    self.editRefused.emit(str(conflict))
                    return SaveOutcome.THEIRS, conflict.theirs
                self._asking = True
                try:
                    keep_mine = resolver(conflict, label)
                finally:
                    self._asking = False
                if not keep_mine:
                    log.info("conflict on %s: kept theirs, mine was %r", key, conflict.mine)
                    return SaveOutcome.THEIRS, conflict.theirs
                log.info("conflict on %s: kept mine over %r", key, conflict.theirs)
                based_on = conflict.theirs or ""  # knowingly over theirs (asked again if it moves)
                continue
            except DatabaseUnreachable as exc:
                log.warning("edit of %s kept until the server is back: %s", key, exc)
                self._unsent[key] = (save, based_on)
                self.connectionLost.emit(str(exc))
                self.unsentChanged.emit(len(self._unsent))
                return SaveOutcome.UNSENT, based_on
            except EcoDeskError as exc:
                log.info("edit refused: %s", exc)
                self.editRefused.emit(str(exc))
                return SaveOutcome.REFUSED, None
            if self._unsent.pop(key, None) is not None:
                self.unsentChanged.emit(len(self._unsent))
            self.saved.emit()
            self.schedule_recheck()
            return SaveOutcome.SAVED, based_on

    def write_value(
        self, key: str, text: str, based_on: str | None = None
    ) -> tuple[SaveOutcome, str | None]:
        """Save ``text`` in ``key`` (``based_on``: what it held before, as the clerk saw it)."""
        assert self.data is not None
        period = self.period
        outcome, before = self._write_checked(
            key,
            self._label_of(key),
            based_on,
            lambda base: self.store.set_value(period, key, text, based_on=base),
        )
        if outcome is SaveOutcome.THEIRS:
            self.data.values[key] = before or ""
        elif outcome is not SaveOutcome.REFUSED:
            self.data.values[key] = text
        self.valueChanged.emit(key)
        return outcome, before

    def write_narrative(
        self, form: str, section: str, text: str, based_on: str | None = None
    ) -> tuple[SaveOutcome, str | None]:
        assert self.data is not None
        key, period = f"{form}:{section}", self.period
        outcome, before = self._write_checked(
            key,
            self._label_of(key),
            based_on,
            lambda base: self.store.set_narrative(period, form, section, text, based_on=base),
        )
        if outcome is SaveOutcome.THEIRS:
            self.data.narratives[key] = before or ""
        elif outcome is not SaveOutcome.REFUSED:
            self.data.narratives[key] = text
        self.narrativeChanged.emit(key)
        return outcome, before

    def write_rows(
        self,
        form: str,
        table: str,
        rows: list[TableRow],
        origin: list[int | None] | None = None,
        revive: dict[int, int] | None = None,
    ) -> tuple[SaveOutcome, dict[int, int]]:
        """Save the table; also the attachments taken off with deleted rows (id → old row)."""
        assert self.data is not None
        key, period = f"{form}:{table}", self.period
        detached: dict[int, int] = {}

        def save(_base: Any) -> None:
            detached.update(
                self.store.set_table_rows(period, form, table, rows, origin=origin, revive=revive)
            )

        outcome, _ = self._write_checked(key, key, None, save)
        if outcome is not SaveOutcome.REFUSED:
            self.data.tables[key] = rows
        self.tableChanged.emit(key)
        on_rows = revive or any(a.key.startswith(f"{key}#") for a in self._attachments)
        if outcome is SaveOutcome.SAVED and on_rows:
            self._read_attachments()  # their rows moved with the table's
        return outcome, detached

    def _label_of(self, key: str) -> str:
        form, _, code = key.partition(":")
        for narrative in self.pack.narratives:
            if narrative.code == code:
                return f"{form} {narrative.name}"
        try:
            return f"{form} {self.pack.input_field(key).label}"
        except (KeyError, ValueError, EcoDeskError):
            return key

    # ------------------------------------------------------------------ several people

    @property
    def unsent(self) -> list[str]:
        """Keys of the edits waiting for the server (shown, not yet acknowledged)."""
        return list(self._unsent)

    def resend_unsent(self) -> None:
        """The server is back: send what was typed meanwhile (conflicts are asked as usual)."""
        for key, (save, based_on) in list(self._unsent.items()):
            outcome, before = self._write_checked(key, self._label_of(key), based_on, save)
            if outcome is SaveOutcome.UNSENT:
                return  # gone again: the rest waits too
            if outcome is SaveOutcome.THEIRS and self.data is not None:
                self._set_local(key, before or "")

    def _set_local(self, key: str, text: str) -> None:
        assert self.data is not None
        if key in self.data.narratives or key.partition(":")[2] in {
            n.code for n in self.pack.narratives
        }:
            self.data.narratives[key] = text
            self.narrativeChanged.emit(key)
        else:
            self.data.values[key] = text
            self.valueChanged.emit(key)

    def apply_changes(self, changes: Sequence[Change]) -> list[str]:
        """Show what other people saved (read back from the store's change feed); returns the
        keys that changed here. Our own saves and other periods or revisions are skipped; an
        edit waiting for the server keeps what was typed (its resend will meet the conflict)."""
        if self.data is None:
            return []
        changed: list[str] = []
        reload = False
        files = False  # someone attached, removed or moved (with its table row) a file
        for change in changes:
            if change.client == self.store.client or change.period != str(self.period):
                continue
            if change.action in RELOAD_ACTIONS:
                # (revision 1 made by whoever opened the period first is the one shown here)
                reload = (
                    reload
                    or change.action != "create_revision"
                    or ((change.revision or 0) > self.data.revision)
                )
                continue
            if change.revision != self.data.revision or not change.form or not change.field:
                continue
            if change.action in ATTACHMENT_ACTIONS:
                files = True
                continue
            key, new = f"{change.form}:{change.field}", change.new or ""
            if key in self._unsent:
                continue
            if change.action == "set_value" and self.data.values.get(key, "") != new:
                self.data.values[key] = new
                self.valueChanged.emit(key)
            elif change.action == "set_narrative" and self.data.narratives.get(key, "") != new:
                self.data.narratives[key] = new
                self.narrativeChanged.emit(key)
            elif change.action == "set_table":
                rows = json.loads(new) if new else []
                if self.data.tables.get(key, []) == rows:
                    continue
                self.data.tables[key] = rows
                self.tableChanged.emit(key)
            else:
                continue
            changed.append(key)
            self.remoteChanged.emit(key, change.who)
        if reload and not self._unsent:
            self.reload()
            return changed
        if files:
            self._read_attachments()
        if changed or files:
            self.schedule_recheck()
        return changed

    # ------------------------------------------------------------------ attachments (佐证材料)

    def _read_attachments(self) -> None:
        from ecodesk.attachments import list_attachments

        assert self.data is not None
        self._attachments = list_attachments(self.store, self.period, self.data.revision)
        self.attachmentsChanged.emit()

    def attachments(self, form: str | None = None) -> list[Any]:
        """The revision's attachments (of ``form`` only, when given), in the order added."""
        return [a for a in self._attachments if form is None or a.form == form]

    @property
    def shared_attachments(self) -> bool:
        """Whether the files of others' attachments come from a shared (PostgreSQL) store."""
        from ecodesk.attachments.shared import is_shared

        return is_shared(self.store)

    def local_attachment_path(self, attachment: Any) -> Path | None:
        """The stored file when this data folder holds it already (never fetches)."""
        from ecodesk.attachments.records import blob_store

        blobs = blob_store(self.store)
        if blobs.has(attachment.sha256, attachment.size):
            return blobs.path_of(attachment.sha256)
        return None

    def attachment_path(self, attachment: Any) -> Any:
        """The stored file (read only), fetched from a shared store first when another PC
        attached it; AttachmentContentMissing when neither has it (Damaged when the shared
        copy is)."""
        from ecodesk.attachments import content_path

        return content_path(self.store, attachment)

    def attach_files(self, key: str, files: list[tuple[Any, str]]) -> None:
        """Attach ``files`` ((path, description) each) to ``key`` on a pool thread: copying and
        hashing a 50 MB scan must not freeze the window. ``attachFinished`` then reports the
        refused ones; the attached ones become one undoable step."""
        from PySide6.QtCore import QThreadPool

        assert self.data is not None
        period, store = self.period, self.store
        signals = _AttachSignals()
        signals.done.connect(self._attached, Qt.ConnectionType.QueuedConnection)

        def work() -> None:
            from ecodesk.attachments import attach

            done: list[Any] = []
            refused: list[tuple[str, str]] = []
            for path, note in files:
                try:
                    done.append(attach(store, period, key, path, note))
                except EcoDeskError as exc:
                    log.info("attachment refused: %s", exc)
                    refused.append((Path(path).name, str(exc)))
                except Exception:  # noqa: BLE001 — logged, reported, never lost in a thread
                    log.exception("attaching %s failed", path)
                    refused.append((Path(path).name, ""))
            signals.done.emit(done, refused)

        self._attaching.add(signals)  # kept alive until the work reports
        signals.done.connect(lambda *_: self._attaching.discard(signals))
        QThreadPool.globalInstance().start(work)

    def _attached(self, done: list[Any], refused: list[tuple[str, str]]) -> None:
        if done and (self.data is None or done[0].period != self.period):
            # another period was opened meanwhile: the files are attached to the one they were
            # dropped on (and listed there); this period's history has no step for them
            log.info(
                "%d files attached to %s while another period was open", len(done), done[0].period
            )
        elif done:
            label = (
                self.tr("添加附件“{name}”").format(name=done[0].name)
                if len(done) == 1
                else self.tr("添加 {n} 个附件").format(n=len(done))
            )
            self.undo_stack(done[0].form).push(AttachCommand(self, [a.id for a in done], label))
            self.saved.emit()
            self._read_attachments()
            self.recheck_now()
        self.attachFinished.emit(refused)

    def remove_attachments(self, attachments: list[Any]) -> None:
        """Remove from the draft, undoably (Ctrl+Z brings them back)."""
        if not attachments:
            return
        label = (
            self.tr("移除附件“{name}”").format(name=attachments[0].name)
            if len(attachments) == 1
            else self.tr("移除 {n} 个附件").format(n=len(attachments))
        )
        command = DetachCommand(self, [a.id for a in attachments], label)
        self.undo_stack(attachments[0].form).push(command)

    def write_detach(self, ids: list[int]) -> None:
        from ecodesk.attachments import detach

        if self._write(lambda: [detach(self.store, i) for i in ids]):
            self._read_attachments()

    def write_restore(self, ids: list[int]) -> None:
        from ecodesk.attachments import restore

        if self._write(lambda: [restore(self.store, i) for i in ids]):
            self._read_attachments()

    def attached_keys(self) -> frozenset[str]:
        return frozenset(a.key for a in self._attachments)

    # ------------------------------------------------------------------ checking

    def field_problems(self, key: str, text: str) -> list[Any]:
        """The core's verdict on ``text`` typed into ``key``, before it is committed."""
        from ecodesk.forms.rules import check_field

        assert self.data is not None
        saved = self.data.values.get(key)
        self.data.values[key] = text
        try:
            return self._calm(check_field(self.pack, self.data, key, attached=self.attached_keys()))
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
        try:
            self.problems = problems_with_queries(self.store, self.data)
        except DatabaseServerError as exc:  # unreachable, dropped…: checked again when it answers
            log.warning("not rechecked: %s", exc)
            return
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
            found_problems = check_submission(
                self.pack, self.data, form=problem.form, attached=self.attached_keys()
            )
            for found in found_problems:
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
