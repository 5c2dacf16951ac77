"""A table view whose keyboard works like a spreadsheet's (WPS, Excel).

* **Tab** commits the cell and edits the next one of the row; at the end of a row it goes on
  with the first cell of the next row; after the last cell it leaves the table (Shift+Tab
  the other way) — it never wraps round to row 1, column 1.
* **Enter** commits and goes down one row (Shift+Enter up), with or without an editor open.
* **Arrows** move between cells. In a cell whose editing was started by typing, every arrow
  commits and moves ("enter mode"); after F2 or a double click ("edit mode") ← and → move the
  text cursor and only ↑ and ↓ leave the cell. In a drop-down cell the arrows always move
  (Alt+↓ or F4 opens the list), so an arrow never silently picks another value.
* **Ctrl+Z / Ctrl+Y** in an open cell save it and act on the form's history, like everywhere
  else in the form.

``editStarted`` and ``editEnded`` tell the owner when a cell editor opens and closes: what the
table held when the clerk began is what their change is based on (someone else's save
meanwhile is merged or asked about, never overwritten unseen).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QTableView,
    QWidget,
)

from ecodesk.forms.schema import TableSpec
from ecodesk.ui.undo_keys import is_undo_or_redo
from ecodesk.ui.widgets.choice_delegate import ChoiceDelegate

Action = QAbstractItemView.CursorAction

_ARROWS = {
    Qt.Key.Key_Up: Action.MoveUp,
    Qt.Key.Key_Down: Action.MoveDown,
    Qt.Key.Key_Left: Action.MoveLeft,
    Qt.Key.Key_Right: Action.MoveRight,
}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SheetDelegate(ChoiceDelegate):
    """Lets the view decide what Enter and the arrows do in an open editor, and keeps what is
    typed in it.

    Qt refills every open editor from the model whenever the model says its cells changed —
    and a table says so on every check (its problem marks) and whenever someone else's save
    arrives — which replaced what the clerk was typing. An editor is filled once, when it
    opens; a change of the cell meanwhile is the save's business (merged, or asked about)."""

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if editor.property("ecodeskFilled"):
            return
        super().setEditorData(editor, index)
        editor.setProperty("ecodeskFilled", True)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        view = self.parent()
        if is_undo_or_redo(event) and isinstance(editor, QWidget):
            # the form's history, as in every other input: what is typed is saved first
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, ChoiceDelegate.EndEditHint.NoHint)
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(editor, QWidget)
            and isinstance(view, SheetView)
        ):
            action = view.move_for_editor_key(editor, event)  # type: ignore[arg-type]
            if action is not None:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, ChoiceDelegate.EndEditHint.NoHint)
                view.step(action)
                return True
        return super().eventFilter(editor, event)


class SheetView(QTableView):
    editStarted = Signal()  # noqa: N815 — a cell editor opened
    editEnded = Signal()  # noqa: N815 — it closed (committed or not)

    def __init__(self, spec: TableSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(SheetDelegate(spec, self))
        self._typing = False  # the open editor was started by typing over the cell

    # ------------------------------------------------------------------ moving

    def step(self, action: QAbstractItemView.CursorAction) -> None:
        """Make the cell ``action`` leads to the current one (nothing at the table's edge)."""
        target = self.moveCursor(action, Qt.KeyboardModifier.NoModifier)
        if target.isValid():
            self.setCurrentIndex(target)

    def moveCursor(  # noqa: N802
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Tab and Shift+Tab stop at the table's ends instead of wrapping round."""
        current = self.currentIndex()
        model = self.model()
        if current.isValid() and model is not None:
            last_row, last_column = model.rowCount() - 1, model.columnCount() - 1
            if action == Action.MoveNext and (current.row(), current.column()) == (
                last_row,
                last_column,
            ):
                return QModelIndex()
            if action == Action.MovePrevious and (current.row(), current.column()) == (0, 0):
                return QModelIndex()
        return super().moveCursor(action, modifiers)

    def move_for_editor_key(
        self, editor: QWidget, event: QKeyEvent
    ) -> QAbstractItemView.CursorAction | None:
        """Where a key pressed in an open editor goes, or None when the editor keeps it."""
        key = Qt.Key(event.key())
        if event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        ):
            return None  # Alt+↓ opens a drop-down, Ctrl+arrows are the editor's
        if key in _ENTER:
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            return Action.MoveUp if shift else Action.MoveDown
        if key not in _ARROWS:
            return None
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) or isinstance(editor, QComboBox):
            return _ARROWS[key]
        if self._typing or not isinstance(editor, QLineEdit):
            return _ARROWS[key]
        return None  # edit mode: ← and → move the text cursor

    # ------------------------------------------------------------------ Qt's hooks

    def edit(  # type: ignore[override]
        self,
        index: QModelIndex | QPersistentModelIndex,
        trigger: QAbstractItemView.EditTrigger = QAbstractItemView.EditTrigger.AllEditTriggers,
        event: Any = None,
    ) -> bool:
        was_editing = self.state() == QAbstractItemView.State.EditingState
        started = super().edit(index, trigger, event)
        if started:
            self._typing = trigger == QAbstractItemView.EditTrigger.AnyKeyPressed
            if not was_editing and self.state() == QAbstractItemView.State.EditingState:
                self.editStarted.emit()
        return started

    def closeEditor(  # noqa: N802
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        super().closeEditor(editor, hint)
        if self.state() != QAbstractItemView.State.EditingState:
            self.editEnded.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in _ENTER and self.state() != QAbstractItemView.State.EditingState:
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.step(Action.MoveUp if shift else Action.MoveDown)
            return
        super().keyPressEvent(event)
