"""Show the core's verdict on an input: a red (error) or amber (warning) frame, and the
messages, each with its sign and word (✖ 错误 / ⚠ 提示), under the input and as tooltip."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from ecodesk.ui import style
from ecodesk.ui.states import labelled


def worst_severity(problems: Sequence[Any]) -> str:
    if any(p.severity == "error" for p in problems):
        return "error"
    if any(p.severity == "warning" and not p.explanation for p in problems):
        return "warning"
    if any(p.severity == "query" for p in problems):
        return "query"  # the receiver asked about this place (answered or not): a blue frame
    return ""


def open_problems(problems: Sequence[Any]) -> list[Any]:
    """Errors first, then warnings not yet explained (explained ones are settled), then the
    receiver's queries about this place (answered or not: the question stays in view)."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning" and not p.explanation]
    return errors + warnings + [p for p in problems if p.severity == "query"]


def show_messages(label: QLabel, problems: Sequence[Any]) -> None:
    """One line per problem in ``label``, red for errors, amber for warnings."""
    shown = open_problems(problems)
    colours = {"error": style.ERROR, "warning": style.WARNING, "query": style.QUERY}
    label.setText(
        "<br>".join(
            f'<span style="color:{colours[p.severity]}">{html.escape(labelled(p, p.message))}</span>'
            for p in shown
        )
    )
    level = worst_severity(shown)
    if label.property("level") != level:
        label.setProperty("level", level)
        label.style().unpolish(label)
        label.style().polish(label)
    label.setVisible(bool(shown))


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
    tooltip = "\n".join(labelled(p, p.message) for p in open_problems(problems))
    widget.setToolTip("\n\n".join(t for t in (tooltip, help_text) if t))
    if message_label is not None:
        show_messages(message_label, problems)
