"""Undoable edits. Each command writes through the session, so undo is saved like any edit.

When a save meets someone else's change (see ``EditSession._write_checked``) and the clerk
keeps the other person's value, the command did nothing: it is made obsolete, and Qt drops it
from the history. When the clerk keeps their own value, undo restores the other person's value
(what was there just before), not the one the clerk started from.
"""

from __future__ import annotations

import copy
import enum
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from ecodesk.submission import TableRow

if TYPE_CHECKING:
    from ecodesk.ui.session import EditSession


class SaveOutcome(enum.Enum):
    """What became of one save (``EditSession._write_checked``)."""

    SAVED = "saved"  # in the store (over someone else's value only if the clerk chose so)
    THEIRS = "theirs"  # someone else's value was kept: this edit did nothing
    REFUSED = "refused"  # the core refused it (a sentence was shown)
    UNSENT = "unsent"  # the server could not be reached: kept here, sent when it is back


class SetValueCommand(QUndoCommand):
    def __init__(self, session: EditSession, key: str, old: str, new: str, label: str) -> None:
        super().__init__(label)
        self._session, self._key, self._old, self._new = session, key, old, new

    def redo(self) -> None:
        outcome, before = self._session.write_value(self._key, self._new, based_on=self._old)
        self._settle(outcome, before)

    def undo(self) -> None:
        outcome, _ = self._session.write_value(self._key, self._old, based_on=self._new)
        self._settle(outcome, None)

    def _settle(self, outcome: SaveOutcome, before: str | None) -> None:
        if outcome is SaveOutcome.THEIRS:
            self.setObsolete(True)
        elif outcome is SaveOutcome.SAVED and before is not None:
            self._old = before


class SetNarrativeCommand(QUndoCommand):
    def __init__(
        self, session: EditSession, form: str, section: str, old: str, new: str, label: str
    ) -> None:
        super().__init__(label)
        self._session, self._form, self._section = session, form, section
        self._old, self._new = old, new

    def redo(self) -> None:
        outcome, before = self._session.write_narrative(
            self._form, self._section, self._new, based_on=self._old
        )
        if outcome is SaveOutcome.THEIRS:
            self.setObsolete(True)
        elif outcome is SaveOutcome.SAVED and before is not None:
            self._old = before

    def undo(self) -> None:
        outcome, _ = self._session.write_narrative(
            self._form, self._section, self._old, based_on=self._new
        )
        if outcome is SaveOutcome.THEIRS:
            self.setObsolete(True)


class SetTableRowsCommand(QUndoCommand):
    """A table saved whole. ``origin[i]`` is the old row that new row ``i`` continues, so the
    evidence on each row follows it; the files taken off with deleted rows come back with
    them on undo."""

    def __init__(
        self,
        session: EditSession,
        form: str,
        table: str,
        old: list[TableRow],
        new: list[TableRow],
        label: str,
        origin: list[int | None] | None = None,
    ) -> None:
        super().__init__(label)
        self._session, self._form, self._table = session, form, table
        self._old, self._new = copy.deepcopy(old), copy.deepcopy(new)
        self._origin: list[int | None] = (
            list(origin) if origin is not None else list(range(len(new)))
        )
        self._detached: dict[int, int] = {}  # attachment id → the old row it was on

    def _back(self) -> list[int | None]:
        """The undo's origin: old row ``j`` continues the new row that came from it."""
        back: list[int | None] = [None] * len(self._old)
        for new_row, old_row in enumerate(self._origin):
            if old_row is not None and old_row < len(back):
                back[old_row] = new_row
        return back

    def redo(self) -> None:
        _, self._detached = self._session.write_rows(
            self._form, self._table, copy.deepcopy(self._new), self._origin
        )

    def undo(self) -> None:
        self._session.write_rows(
            self._form,
            self._table,
            copy.deepcopy(self._old),
            self._back(),
            dict(self._detached),
        )
        self._detached = {}


class AttachCommand(QUndoCommand):
    """Files just attached (by the core, off the UI thread): undo detaches them, redo brings
    them back. The first redo does nothing — they are attached already."""

    def __init__(self, session: EditSession, ids: list[int], label: str) -> None:
        super().__init__(label)
        self._session, self._ids, self._done = session, list(ids), True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._session.write_restore(self._ids)

    def undo(self) -> None:
        self._session.write_detach(self._ids)


class DetachCommand(QUndoCommand):
    """Attachments removed from a draft; undo (Ctrl+Z) brings them back."""

    def __init__(self, session: EditSession, ids: list[int], label: str) -> None:
        super().__init__(label)
        self._session, self._ids = session, list(ids)

    def redo(self) -> None:
        self._session.write_detach(self._ids)

    def undo(self) -> None:
        self._session.write_restore(self._ids)
