"""Where each unit stands in the review, as the receiving office sees it.

From the office's record of the feedback it sent (:mod:`ecodesk.store.feedback`) and the valid
submissions received for the period:

======= ===========================================================================
未收到   no valid submission from the unit
待审核   its newest revision has no feedback yet, and answers none
已退回   feedback was sent on its newest revision (a return, or queries only): the
         office waits for an answered revision
已重报   its newest revision answers a feedback the office sent (or replaces a
         revision the office sent feedback on), and has no decision yet
已采用   the office accepted its newest revision
======= ===========================================================================

Totals: a consolidation adds up each unit's newest valid revision whatever its state (so the
office sees the whole picture while reviewing); only 已采用 revisions are final, and the
summary workbook says so next to the totals (:data:`TOTALS_BASIS`).

A query's state at the office: 待答复 until a received revision carries its answer, 已答复
when one does, 已关闭 once the office has sent a later feedback on that unit and period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData, UnitProfile

if TYPE_CHECKING:
    from ecodesk.store.feedback import FeedbackEntry

UnitState = Literal["未收到", "待审核", "已退回", "已重报", "已采用"]
UNIT_STATES: tuple[UnitState, ...] = ("未收到", "待审核", "已退回", "已重报", "已采用")


def unit_state_label(state: UnitState) -> str:
    return {
        "未收到": tr("review", "未收到"),
        "待审核": tr("review", "待审核"),
        "已退回": tr("review", "已退回"),
        "已重报": tr("review", "已重报"),
        "已采用": tr("review", "已采用"),
    }[state]


def totals_basis() -> str:
    return tr(
        "review",
        "合计使用各单位最新的有效修订版。审核状态为“已采用”的为最终数；其余（待审核、已退回、已重报）为暂用数，"
        "采用后以采用的版本为准。",
    )


@dataclass(frozen=True)
class QueryStatus:
    n: int
    key: str
    question: str
    answer: str
    state: Literal["待答复", "已答复", "已关闭"]
    label: str = ""  # what the place is called (indicator, cell, section), as the feedback says


@dataclass(frozen=True)
class UnitReview:
    state: UnitState
    revision: int | None
    feedback: FeedbackEntry | None = None  # the newest feedback sent to this unit for the period
    queries: list[QueryStatus] = field(default_factory=list)  # of that feedback


def _same_unit(entry: FeedbackEntry, unit: UnitProfile) -> bool:
    return (entry.unit_code, entry.department.strip()) == (
        unit.division_code,
        unit.department.strip(),
    )


def review_of(
    unit: UnitProfile,
    received: Iterable[SubmissionData],
    digests: dict[int, str],
    sent: Iterable[FeedbackEntry],
) -> UnitReview:
    """The state of ``unit``: ``received`` its valid revisions for the period, ``digests`` their
    signed-data digests by revision, ``sent`` the office's feedback for the period."""
    revisions = sorted(
        (
            d
            for d in received
            if (d.unit.division_code, d.unit.department.strip())
            == (unit.division_code, unit.department.strip())
        ),
        key=lambda d: d.revision,
    )
    mine = [e for e in sent if _same_unit(e, unit)]
    newest_fb = mine[-1] if mine else None
    queries = _query_states(newest_fb, revisions, closed=False) if newest_fb else []
    if not revisions:
        return UnitReview("未收到", None, newest_fb, queries)
    latest = revisions[-1]
    digest = digests.get(latest.revision, "")
    on_latest = [e for e in mine if e.revision == latest.revision and e.submission_digest == digest]
    if on_latest:
        fb = on_latest[-1]
        state: UnitState = "已采用" if fb.decision == "accept" else "已退回"
        earlier = [e for e in mine if e.id < fb.id]
        if fb.decision == "accept" and earlier:
            # the answered round is closed; show its queries as such
            queries = _query_states(earlier[-1], revisions, closed=True)
        else:
            queries = _query_states(fb, revisions, closed=False)
        return UnitReview(state, latest.revision, fb, queries)
    answered = {e.digest for e in mine}
    reviewed = {e.revision for e in mine}
    if latest.answers_feedback in answered or (latest.supersedes in reviewed):
        return UnitReview("已重报", latest.revision, newest_fb, queries)
    return UnitReview("待审核", latest.revision, newest_fb, queries)


def _query_states(
    fb: FeedbackEntry, revisions: list[SubmissionData], *, closed: bool
) -> list[QueryStatus]:
    answers: dict[int, str] = {}
    for data in revisions:
        if data.answers_feedback == fb.digest:
            answers.update({a.n: a.answer for a in data.answers if a.answer.strip()})
    return [
        QueryStatus(
            q.n,
            q.key,
            q.question,
            answers.get(q.n, ""),
            "已关闭" if closed else ("已答复" if q.n in answers else "待答复"),
            q.label,
        )
        for q in fb.queries
    ]
