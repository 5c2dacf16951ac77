"""The window's link to the core: one submission loaded from the store, edited, checked.

Every edit goes to the store at once (each its own transaction in the core) through an
undoable command; checking is the core's :mod:`ecodesk.forms.rules`. Widgets never talk to
the store directly: they ask the session and listen to its signals.
"""

from __future__ import annotations

import dataclasses
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
from ecodesk.store.table_merge import rows_without_change
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
# one save in the store: (value, what it replaces as the clerk knows it) → the value saved, or
# None when it is the value given
Save = Callable[[Any, Any], Any]


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
    notice = Signal(str)  # a sentence worth a glance (the status bar), not a question
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
        # counts the changes of what is shown: a check made elsewhere (off the UI thread) of an
        # older state is not shown over a newer one (see set_problems)
        self.generation = 0
        self._recheck_timer = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck_timer.timeout.connect(self.recheck_now)
        # asked when a save meets someone else's change (the window shows the conflict dialog);
        # without one the other person's value is kept and the refusal is shown
        self.conflict_resolver: ConflictResolver | None = None
        self._asking = False  # the conflict dialog is up
        # edits typed while the server was unreachable: key → (save, value, based_on, settle);
        # settle(value now in the store) updates what the window shows once it is sent
        self._unsent: dict[str, tuple[Save, Any, Any, Callable[[Any], None] | None]] = {}
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
        attachments: list[Any] | None = None,
    ) -> None:
        """Read ``period`` (the current one by default) and check it. ``prepared``: the current
        period's data and problems, read and checked ahead (at start-up, or when others' changes
        make it stale: off the UI thread), and ``attachments`` its attachments, when read too."""
        if prepared is not None:
            self.data, self.problems = prepared
            self.generation += 1
            self._recheck_timer.stop()
            self._clear_undo()
            self._finished = set()
            self.shown = self._calm(self.problems)
            if attachments is None:
                self._read_attachments()
            else:
                self._attachments = list(attachments)
                self.attachmentsChanged.emit()
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
        except DatabaseServerError:  # the banner says so; the time comes back with the server
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
        based_on: list[TableRow] | None = None,
    ) -> None:
        """Save the table's rows, undoably.

        ``origin[i]``: the row of ``based_on`` that row ``i`` continues (``None`` for a new one),
        so that evidence on a row follows it (see :meth:`ecodesk.store.Store.set_table_rows`);
        guessed from the contents when not given. ``based_on``: the rows the editor showed when
        the clerk started the change (someone else's save since is merged, or asked about where
        both changed the same cell)."""
        if self._asking:
            return
        old = self.rows(form, table) if based_on is None else based_on
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
        self,
        key: str,
        label: str,
        value: Any,
        based_on: Any,
        save: Save,
        settle: Callable[[Any], None] | None = None,
    ) -> tuple[SaveOutcome, Any, Any, Any]:
        """``save(value, based_on)`` with the conflict asked about and a lost server survived.

        Returns the outcome, the value the save replaced as far as the clerk knows it
        (``based_on``, or the other person's value they chose to overwrite), the value last
        sent (``value``, or what the clerk's choice made of it) and the value now in the store
        (the one sent, a table merged with someone else's changes, or theirs)."""
        while True:
            try:
                saved = save(value, based_on)
            except ValueConflict as conflict:
                resolver = self.conflict_resolver
                if resolver is None:
                    self.editRefused.emit(str(conflict))
                    return SaveOutcome.THEIRS, conflict.current, None, conflict.current
                self._asking = True
                try:
                    keep_mine = resolver(conflict, conflict.place or label)
                finally:
                    self._asking = False
                log.info(
                    "conflict on %s: kept %s (mine %r, theirs %r)",
                    key,
                    "mine" if keep_mine else "theirs",
                    conflict.mine,
                    conflict.theirs,
                )
                # knowingly over theirs (asked again if it moves meanwhile); a table keeps
                # every change of either person that did not clash
                then = conflict.resolution(keep_mine)
                if then is None:
                    return SaveOutcome.THEIRS, conflict.current, None, conflict.current
                value, based_on = then
                continue
            except DatabaseUnreachable as exc:
                log.warning("edit of %s kept until the server is back: %s", key, exc)
                self._unsent[key] = (save, value, based_on, settle)
                self.connectionLost.emit(str(exc))
                self.unsentChanged.emit(len(self._unsent))
                return SaveOutcome.UNSENT, based_on, value, value
            except EcoDeskError as exc:
                log.info("edit refused: %s", exc)
                self.editRefused.emit(str(exc))
                return SaveOutcome.REFUSED, None, None, None
            if self._unsent.pop(key, None) is not None:
                self.unsentChanged.emit(len(self._unsent))
            self.saved.emit()
            self.schedule_recheck()
            return SaveOutcome.SAVED, based_on, value, value if saved is None else saved

    def write_value(
        self, key: str, text: str, based_on: str | None = None
    ) -> tuple[SaveOutcome, str | None]:
        """Save ``text`` in ``key`` (``based_on``: what it held before, as the clerk saw it)."""
        assert self.data is not None
        period = self.period
        outcome, before, _sent, now = self._write_checked(
            key,
            self._label_of(key),
            text,
            based_on,
            lambda value, base: self.store.set_value(period, key, value, based_on=base),
        )
        if outcome is not SaveOutcome.REFUSED:
            self.data.values[key] = now or ""
        self.valueChanged.emit(key)
        return outcome, before

    def write_narrative(
        self, form: str, section: str, text: str, based_on: str | None = None
    ) -> tuple[SaveOutcome, str | None]:
        assert self.data is not None
        key, period = f"{form}:{section}", self.period
        outcome, before, _sent, now = self._write_checked(
            key,
            self._label_of(key),
            text,
            based_on,
            lambda value, base: self.store.set_narrative(
                period, form, section, value, based_on=base
            ),
        )
        if outcome is not SaveOutcome.REFUSED:
            self.data.narratives[key] = now or ""
        self.narrativeChanged.emit(key)
        return outcome, before

    def write_rows(
        self,
        form: str,
        table: str,
        rows: list[TableRow],
        based_on: list[TableRow],
        origin: list[int | None] | None = None,
        revive: dict[int, int] | None = None,
    ) -> tuple[SaveOutcome, list[TableRow] | None, list[TableRow] | None, dict[int, int]]:
        """Save ``rows`` (``based_on``: the rows the change started from; ``origin`` and
        ``revive``: where evidence on the rows goes, see :meth:`Store.set_table_rows`).

        Returns the outcome, the rows that undoing it saves (the store's rows with this change
        taken back: someone else's changes merged in stay), the rows now in the store, and the
        attachments taken off with deleted rows (id → the row they were on)."""
        assert self.data is not None
        key, period = f"{form}:{table}", self.period
        detached: dict[int, int] = {}

        def save(value: list[TableRow], base: list[TableRow]) -> list[TableRow]:
            # the clerk's row mapping holds for the rows they sent (the store drops it when the
            # table moved since); rows a conflict's choice made are matched by content
            exact = value is rows
            result = self.store.set_table_rows(
                period,
                form,
                table,
                value,
                based_on=base,
                origin=origin if exact else None,
                revive=revive if exact else None,
            )
            detached.update(result.detached)
            return result.rows

        outcome, before, sent, now = self._write_checked(
            key, self._label_of(key), rows, based_on, save
        )
        if outcome is SaveOutcome.REFUSED:
            self.tableChanged.emit(key)
            return outcome, None, None, {}
        self.data.tables[key] = [dict(r) for r in now]
        self.tableChanged.emit(key)
        on_rows = revive or any(a.key.startswith(f"{key}#") for a in self._attachments)
        if outcome is SaveOutcome.SAVED and on_rows:
            self._read_attachments()  # their rows moved with the table's
        if outcome is SaveOutcome.SAVED and detached:
            self.notice.emit(
                self.tr(
                    "删除的行上有 {n} 个附件，已随行一起移除；按 Ctrl+Z 可连同附件恢复。"
                ).format(n=len(detached))
            )
        if outcome is SaveOutcome.SAVED:
            return outcome, rows_without_change(before, sent, now), now, detached
        return outcome, before, now, detached

    def _label_of(self, key: str) -> str:
        form, _, code = key.partition(":")
        for table in self.pack.form(form).tables if form in self.pack.forms else []:
            if table.code == code:
                return f"{form} {table.name}"
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
        for key, (save, value, based_on, settle) in list(self._unsent.items()):
            outcome, _before, _sent, now = self._write_checked(
                key, self._label_of(key), value, based_on, save, settle
            )
            if outcome is SaveOutcome.UNSENT:
                return  # gone again: the rest waits too
            if outcome is not SaveOutcome.REFUSED and self.data is not None:
                if settle is not None:
                    settle(now)
                else:
                    self._set_local(key, now)

    def _set_local(self, key: str, text: Any) -> None:
        assert self.data is not None
        if isinstance(text, list):  # a table's rows
            self.data.tables[key] = [dict(r) for r in text]
            self.tableChanged.emit(key)
        elif key in self.data.narratives or key.partition(":")[2] in {
            n.code for n in self.pack.narratives
        }:
            self.data.narratives[key] = text or ""
            self.narrativeChanged.emit(key)
        else:
            self.data.values[key] = text or ""
            self.valueChanged.emit(key)

    def apply_changes(self, changes: Sequence[Change]) -> tuple[list[str], bool]:
        """Show what other people saved (read back from the store's change feed); returns the
        keys that changed here (values, and the places of files attached, removed or moved),
        and whether the submission must be read again as a whole (a signing, an import, …).
        Our own saves and other periods or revisions are skipped; an
        edit waiting for the server keeps what was typed (its resend will meet the conflict).
        The caller checks the changed submission (off the UI thread: ``LiveUpdates``)."""
        if self.data is None:
            return [], False
        changed: list[str] = []
        reload = False
        places: list[str] = []  # where someone attached, removed or moved (with its row) a file
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
                places.append(change.field)
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
            elif change.action in ("accept_warning", "withdraw_warning"):
                if not self._accepted_elsewhere(change.field, change.new):
                    continue
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
        stale = reload and not self._unsent
        if places and not stale:
            self._read_attachments()  # the panels show the files (the caller checks the rules)
        return [*changed, *places], stale

    def _accepted_elsewhere(self, problem_id: str, explanation: str | None) -> bool:
        """Someone else accepted (or withdrew) warning ``problem_id``: show it here. Returns
        whether that changed anything (no database round trip: the warning is one we know)."""
        assert self.data is not None
        if self.accepted_explanation(problem_id) == (explanation or None):
            return False
        known = next((a for a in self.data.accepted if a.problem_id == problem_id), None)
        problem = next((p for p in self.problems if p.id == problem_id), None)
        if known is not None:
            accepted = known
        elif problem is not None:
            accepted = AcceptedWarning(
                problem_id=problem_id,
                form=problem.form,
                message=str(problem.message),
                explanation=explanation or "",
                field=problem.field,
            )
        else:
            return False  # a warning this window does not show (rechecked below anyway)
        self.data.accepted = [a for a in self.data.accepted if a.problem_id != problem_id]
        if explanation:
            self.data.accepted.append(dataclasses.replace(accepted, explanation=explanation))
        return True

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
        self.generation += 1
        self._recheck_timer.start()

    def set_problems(self, problems: list[Any], generation: int) -> bool:
        """Show ``problems``, found (elsewhere) for the state numbered ``generation``; False,
        showing nothing, when what is shown has changed since."""
        if generation != self.generation:
            return False
        self.problems = problems
        self.shown = self._calm(problems)
        self.problemsChanged.emit()
        return True

    def recheck_now(self) -> None:
        from ecodesk.review.unit import problems_with_queries

        self._recheck_timer.stop()
        self.generation += 1
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

    def accepted_explanation(self, problem_id: str) -> str | None:
        """The explanation the warning was accepted with here (None: not accepted)."""
        assert self.data is not None
        return next((a.explanation for a in self.data.accepted if a.problem_id == problem_id), None)

    def _settle_accepted(self, accepted: AcceptedWarning, explanation: str | None) -> None:
        """Show ``accepted`` with ``explanation`` (None or empty: not accepted)."""
        assert self.data is not None
        self.data.accepted = [a for a in self.data.accepted if a.problem_id != accepted.problem_id]
        if explanation:
            self.data.accepted.append(dataclasses.replace(accepted, explanation=explanation))
        self.recheck_now()

    def accept_warning(self, problem: Any, explanation: str) -> bool:
        """Accept a warning (someone else's acceptance or withdrawal meanwhile is asked about)."""
        assert self.data is not None
        accepted = AcceptedWarning(
            problem_id=problem.id,
            form=problem.form,
            message=self._document_message(problem),
            explanation=explanation,
            field=problem.field,
        )
        period = self.period
        outcome, _before, _sent, now = self._write_checked(
            f"{problem.form}:{problem.id}",
            self._warning_label(problem),
            explanation,
            self.accepted_explanation(problem.id),
            lambda value, base: self.store.accept_warning(
                period, dataclasses.replace(accepted, explanation=value), based_on=base
            ),
            lambda now: self._settle_accepted(accepted, now),
        )
        if outcome is SaveOutcome.REFUSED:
            return False
        self._settle_accepted(accepted, now)
        return True

    def _warning_label(self, problem: Any) -> str:
        return self.tr("提示“{message}”的说明").format(message=problem.message)

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
        accepted = next((a for a in self.data.accepted if a.problem_id == problem_id), None)
        if accepted is None:
            return False
        period = self.period
        outcome, _before, _sent, now = self._write_checked(
            f"{accepted.form}:{problem_id}",
            self.tr("提示“{message}”的说明").format(message=accepted.message),
            "",
            accepted.explanation,
            lambda value, base: (
                self.store.accept_warning(
                    period, dataclasses.replace(accepted, explanation=value), based_on=base
                )
                if value
                else self.store.withdraw_warning(period, problem_id, based_on=base)
            ),
            lambda now: self._settle_accepted(accepted, now),
        )
        if outcome is SaveOutcome.REFUSED:
            return False
        self._settle_accepted(accepted, now)
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
