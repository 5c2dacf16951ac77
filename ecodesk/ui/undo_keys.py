"""The keys of undo and redo, shared by the window's actions and the form's inputs.

A QLineEdit or QPlainTextEdit claims Ctrl+Z for its own little history (through a
ShortcutOverride event), so the window's undo never fired while an input had the focus — that
is, almost always. The inputs of a form pass these keys on instead: the form's history holds
every edit, typing included, once the input has committed what is being typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeyEvent, QKeySequence


def undo_keys() -> list[QKeySequence]:
    return QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)


def redo_keys() -> list[QKeySequence]:
    """Ctrl+Y as in WPS/Excel on every platform, and the platform's own redo keys besides."""
    keys = [QKeySequence("Ctrl+Y")]
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
        if key not in keys:
            keys.append(key)
    return keys


def is_undo_or_redo(event: QEvent) -> bool:
    """True for the ShortcutOverride of Ctrl+Z or Ctrl+Y, which the form's inputs let through."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    pressed = QKeySequence(event.keyCombination())
    return pressed in undo_keys() + redo_keys()
