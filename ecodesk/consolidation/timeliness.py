"""Timeliness per unit (报送时效): on time, late by N days (with the unit's reason), or missing.

The receiver judges with its own pack's calendar: the due date of the unit's submission (the
earliest of its forms' dates) against the export time the unit signed. The due date the unit
signed is shown beside it, not trusted: a unit cannot move its own deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from ecodesk.consolidation.model import CompletenessRow, unit_id
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.submission import Period, SubmissionData

TimelinessState = Literal["on_time", "late", "missing", "undated"]


@dataclass(frozen=True)
class SentAt:
    """What the receiver read from a unit's signed workbook about its sending."""

    exported_at: datetime | None
    late_reason: str = ""


@dataclass(frozen=True)
class Timeliness:
    """``undated``: the receiver's calendar has no due date for it (or the file no export time)."""

    state: TimelinessState
    due: date | None = None
    exported: date | None = None
    days_late: int = 0
    reason: str = ""

    @property
    def label(self) -> str:
        """按时 / 迟报 N 天 / 未报 / "" (undated)."""
        if self.state == "on_time":
            return tr("consolidation", "按时")
        if self.state == "late":
            return tr("consolidation", "迟报 {n} 天", n=self.days_late)
        if self.state == "missing":
            return tr("consolidation", "未报")
        return ""

    @property
    def text(self) -> str:
        """The label with the reason of a late submission: 迟报 3 天（原因：…）."""
        if self.state == "late":
            reason = self.reason or tr("consolidation", "未写明")
            return tr("consolidation", "{label}（原因：{reason}）", label=self.label, reason=reason)
        return self.label


def timeliness_of(
    pack: FormPack, period: Period | None, data: SubmissionData | None, sent: SentAt | None
) -> Timeliness:
    """One unit's timeliness; ``data`` ``None``: nothing was received from it."""
    if data is None:
        forms = list(pack.forms)
        deadline = pack.calendar.submission_deadline(period, forms) if period else None
        return Timeliness("missing", due=deadline.due if deadline else None)
    deadline = pack.calendar.submission_deadline(data.period, data.forms)
    exported = sent.exported_at if sent else None
    if deadline is None or exported is None:
        return Timeliness("undated")
    days = deadline.days_late(exported)
    if days == 0:
        return Timeliness("on_time", due=deadline.due, exported=exported.date())
    return Timeliness(
        "late",
        due=deadline.due,
        exported=exported.date(),
        days_late=days,
        reason=sent.late_reason if sent else "",
    )


def timeliness_by_unit(
    pack: FormPack,
    period: Period | None,
    completeness: Sequence[CompletenessRow],
    submissions: Sequence[SubmissionData],
    sent: Mapping[tuple[str, str], SentAt],
) -> dict[tuple[str, str], Timeliness]:
    """Every row of the completeness matrix (received or expected) → its timeliness."""
    by_unit = {unit_id(d.unit): d for d in submissions}
    result: dict[tuple[str, str], Timeliness] = {}
    for row in completeness:
        key = unit_id(row.unit)
        result[key] = timeliness_of(pack, period, by_unit.get(key), sent.get(key))
    return result
