"""On start, a due date within a week is mentioned once: once per period per day.

The window calls :func:`deadline_notice` with today's date after it opened; the sentence
joins the start-up notices (one box that does not block the window), and the day is remembered
in the data folder's settings, so opening the window again the same day says nothing.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from ecodesk.forms.calendar import DeadlineStatus
from ecodesk.i18n import tr
from ecodesk.store.settings import DEADLINE_MENTIONED
from ecodesk.submission import Period

log = logging.getLogger(__name__)

MENTION_WITHIN_DAYS = 7


def due_soon(store: Any, today: date) -> list[tuple[Period, DeadlineStatus]]:
    """Periods not yet signed whose submission is due within :data:`MENTION_WITHIN_DAYS` of
    ``today`` (the due day included), with where today stands."""
    calendar = store.pack.calendar
    forms = store.responsible_forms()
    found: list[tuple[Period, DeadlineStatus]] = []
    for period in store.periods():
        revisions = store.revisions(period)
        if revisions and revisions[-1].status == "signed":
            continue
        deadline = calendar.submission_deadline(period, forms)
        if deadline is None:
            continue
        status = deadline.status(today)
        if status.state == "open" and status.days <= MENTION_WITHIN_DAYS:
            found.append((period, status))
    return found


def deadline_notice(store: Any, today: date) -> str | None:
    """The sentence to show on start (``None``: nothing due soon, or already said today)."""
    lines = []
    for period, status in due_soon(store, today):
        setting = DEADLINE_MENTIONED.of(period)
        if store.settings_get(setting) == today.isoformat():
            continue
        store.settings_set(setting, today.isoformat())
        lines.append(
            tr(
                "deadlines",
                "{period}的报送截止日期是 {due}，{label}。请抓紧填报、检查并签名导出。",
                period=period.label,
                due=status.deadline.due.isoformat(),
                label=status.label,
            )
        )
    if lines:
        log.info("deadline notice: %s", lines)
    return "\n".join(lines) or None
