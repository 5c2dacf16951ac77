"""Undoable edits. Each command writes through the session, so undo is saved like any edit."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from ecodesk.submission import TableRow

if TYPE_CHECKING:
    from ecodesk.ui.session import EditSession


class SetValueCommand(QUndoCommand):
    def __init__(self, session: EditSession, key: str, old: str, new: str, label: str) -> None:
        super().__init__(label)
        self._session, self._key, self._old, self._new = session, key, old, new

    def redo(self) -> None:
        self._session.write_value(self._key, self._new)

    def undo(self) -> None:
        self._session.write_value(self._key, self._old)


class SetNarrativeCommand(QUndoCommand):
    def __init__(
        self, session: EditSession, form: str, section: str, old: str, new: str, label: str
    ) -> None:
        super().__init__(label)
        self._session, self._form, self._section = session, form, section
        self._old, self._new = old, new

    def redo(self) -> None:
        self._session.write_narrative(self._form, self._section, self._new)

    def undo(self) -> None:
        self._session.write_narrative(self._form, self._section, self._old)


class SetTableRowsCommand(QUndoCommand):
    def __init__(
        self,
        session: EditSession,
        form: str,
        table: str,
        old: list[TableRow],
        new: list[TableRow],
        label: str,
    ) -> None:
        super().__init__(label)
        self._session, self._form, self._table = session, form, table
        self._old, self._new = copy.deepcopy(old), copy.deepcopy(new)

    def redo(self) -> None:
        self._session.write_rows(self._form, self._table, copy.deepcopy(self._new))

    def undo(self) -> None:
        self._session.write_rows(self._form, self._table, copy.deepcopy(self._old))


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
