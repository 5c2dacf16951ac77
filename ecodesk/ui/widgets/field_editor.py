"""The input for one field of a form (a number, a choice or a short text), saved as you type."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from ecodesk.forms.loader import InputField
from ecodesk.ui.session import EditSession
from ecodesk.ui.undo_keys import is_undo_or_redo
from ecodesk.ui.widgets.marking import mark

# Long enough not to save half a number on every keystroke, short enough that a clerk
# who stops typing has it saved before reaching for the mouse.
COMMIT_DELAY_MS = 600

_STEPS = {Qt.Key.Key_Return: 1, Qt.Key.Key_Enter: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}


class ChoiceBox(QComboBox):
    """A drop-down that ignores the mouse wheel unless focused: scrolling the form must never
    silently change a value the mouse happens to pass over."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # the scroll area behind gets it and scrolls


class FieldEditor(QWidget):
    """Wraps a QLineEdit or QComboBox; the key of the field is ``field.key``."""

    focused = Signal(str)  # field key
    moveRequested = Signal(int)  # noqa: N815 — +1: the next field, -1: the one before

    def __init__(
        self,
        session: EditSession,
        field: InputField,
        message_label: QLabel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.field = field
        self.message_label = message_label
        self._commit_timer = QTimer(self, singleShot=True, interval=COMMIT_DELAY_MS)
        self._commit_timer.timeout.connect(self.commit)
        # the value shown when the clerk started typing: a save from elsewhere meanwhile
        # becomes a conflict to decide, never a silent overwrite
        self._typing_from: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.input: QLineEdit | QComboBox
        if field.type == "choice":
            combo = ChoiceBox()
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.addItem("")
            combo.addItems(list(field.choices))
            combo.activated.connect(lambda _i: self.commit())
            self.input = combo
        else:
            line = QLineEdit()
            if field.type == "text" and field.max_length:
                line.setMaxLength(field.max_length)
            if field.type == "number":
                line.setPlaceholderText(self.tr("填数字"))
            line.textEdited.connect(self._typed)
            line.editingFinished.connect(self.commit)
            self.input = line
        self.input.setObjectName(f"input:{field.key}")
        self.input.setAccessibleName(field.label)
        self.input.installEventFilter(self)
        layout.addWidget(self.input)
        self.setFocusProxy(self.input)
        self.show_value()

    @property
    def key(self) -> str:
        return self.field.key

    def text(self) -> str:
        return self.input.currentText() if isinstance(self.input, QComboBox) else self.input.text()

    def show_value(self) -> None:
        """Display the stored value (after loading, undo or redo) without committing anything.

        Not while the clerk is typing here: someone else's value never replaces their text."""
        if self.pending():
            return
        value = self.session.value(self.key)
        if self.text() != value:
            if isinstance(self.input, QComboBox):
                index = self.input.findText(value)
                if index < 0:  # a value from an import that is no longer a choice: keep it visible
                    self.input.addItem(value)
                    index = self.input.count() - 1
                self.input.setCurrentIndex(index)
            else:
                self.input.setText(value)
        self.input.setEnabled(not self.session.frozen)

    def move_focus(self, forward: bool) -> None:
        """Give the focus to the widget after (or before) this one in the tab order."""
        self.focusNextPrevChild(forward)

    def pending(self) -> bool:
        return self._commit_timer.isActive()

    def _typed(self, text: str) -> None:
        if self._typing_from is None:
            self._typing_from = self.session.value(self.key)
        self.show_problems(self.session.field_problems(self.key, text))
        self._commit_timer.start()

    def commit(self) -> None:
        self._commit_timer.stop()
        based_on, self._typing_from = self._typing_from, None
        if self.session.frozen:
            return
        self.session.edit_value(
            self.key,
            self.text(),
            self.tr("修改“{label}”").format(label=self.field.label),
            based_on=based_on,
        )

    def show_problems(self, problems: list) -> None:  # type: ignore[type-arg]
        mark(self.input, problems, self.message_label, self.field.help)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.input:
            if event.type() == QEvent.Type.FocusIn:
                self.focused.emit(self.key)
            elif event.type() == QEvent.Type.FocusOut and self.pending():
                self.commit()
            elif is_undo_or_redo(event):
                # the form's history, not the input's own: save what is typed, then let the
                # window's Ctrl+Z / Ctrl+Y act (see ecodesk.ui.undo_keys)
                if self.pending():
                    self.commit()
                return True
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                step = _STEPS.get(event.key())
                plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                if step is not None and plain:
                    # keyboard-first, as in a spreadsheet: Enter moves on like Tab, ↑/↓ go to
                    # the field above or below — never into the text, where ↓ then 9 made
                    # 2.5 into 2.59; a drop-down opens with Alt+↓ or F4 instead
                    self.commit()
                    self.moveRequested.emit(step)
                    return True
        return super().eventFilter(watched, event)
