"""Show the core's verdict on an input: a red or amber frame and the message as tooltip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget


def worst_severity(problems: Sequence[Any]) -> str:
    if any(p.severity == "error" for p in problems):
        return "error"
    if any(p.severity == "warning" and not p.explanation for p in problems):
        return "warning"
    if any(p.severity == "query" for p in problems):
        return "query"  # the receiver asked about this place (answered or not): a blue frame
    return ""


def mark(
    widget: QWidget,
    problems: Sequence[Any],
    message_label: QLabel | None = None,
    help_text: str = "",
) -> None:
    """Colour ``widget`` by the worst problem and put the messages where the clerk looks."""
    severity = worst_severity(problems)
    if widget.property("problem") != severity:
        widget.setProperty("problem", severity)
        # a dynamic property only restyles after the style is re-applied
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    messages = [p.message for p in problems if p.severity == "error" or not p.explanation]
    tooltip = "\n".join(messages)
    widget.setToolTip("\n\n".join(t for t in (tooltip, help_text) if t))
    if message_label is not None:
        message_label.setText("；".join(messages))
        message_label.setVisible(bool(messages))
        if message_label.property("problem") != severity:  # a query reads blue, not red
            message_label.setProperty("problem", severity)
            message_label.style().unpolish(message_label)
            message_label.style().polish(message_label)
