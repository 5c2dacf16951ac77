"""Feedback (审核意见书) in the store: what a reviewing office sent, what a unit received and answered.

A reviewing office records every feedback it signs (``direction = "sent"``), so a resubmission
can be matched to it and each unit's state told (:mod:`ecodesk.review.state`). A unit records
every feedback it imports (``"received"``) with the revision it opened to answer it; the
queries' answers are typed here and travel in that revision's signed data
(:class:`ecodesk.submission.QueryAnswer`).

State of a query: 待答复 (no answer yet), 已答复 (answered), 已关闭 (the receiver has since
decided on the revision that carried the answer: a later feedback exists for the period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.store.models import FeedbackQueryRow, FeedbackRow, PeriodRow, SubmissionRow
from ecodesk.submission import Period, QueryAnswer, SubmissionData

if TYPE_CHECKING:
    from ecodesk.review.model import Feedback
    from ecodesk.store.store import Store

Direction = Literal["sent", "received"]
QueryState = Literal["待答复", "已答复", "已关闭"]
MAX_ANSWER_CHARS = 4000


def query_state_label(state: QueryState) -> str:
    return {
        "待答复": tr("feedback", "待答复"),
        "已答复": tr("feedback", "已答复"),
        "已关闭": tr("feedback", "已关闭"),
    }[state]


@dataclass(frozen=True)
class QueryEntry:
    id: int
    n: int
    key: str
    form: str
    label: str
    value: str
    question: str
    answer: str
    answered_at: datetime | None
    state: QueryState


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    direction: Direction
    digest: str
    fingerprint: str
    unit_code: str
    unit_name: str
    department: str
    reviewer: str  # display name of the reviewing office
    reviewer_person: str
    period: Period
    revision: int
    submission_digest: str
    decision: str
    reason: str
    issued_at: datetime
    recorded_at: datetime
    path: str
    opened_revision: int | None
    queries: list[QueryEntry] = field(default_factory=list)


class QueryNotFound(EcoDeskError):
    def __init__(self, query_id: int) -> None:
        super().__init__(
            tr(
                "feedback",
                "没有编号为 {id} 的查询。用 ecodesk feedback show 查看各查询的编号。",
                id=query_id,
            )
        )


class AnswerFrozen(EcoDeskError):
    """The revision that carries the answer is signed: the answer went with it."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def record_feedback(
    store: Store,
    fb: Feedback,
    *,
    direction: Direction,
    digest: str,
    fingerprint: str,
    path: str,
    open_reason: str | None = None,
) -> FeedbackEntry:
    """Record one feedback and its queries; with ``open_reason`` also open the revision that answers it.

    Everything in one transaction: a refused or failed import leaves nothing behind.
    """
    with store._write() as s:
        opened: int | None = None
        if open_reason is not None:
            latest = store._submission(s, fb.about.period, None)
            if latest is not None and latest.status != "signed":
                opened = latest.revision  # the unit had already begun a correction: answer there
            else:
                opened = store._open_revision(s, fb.about.period, open_reason)
        row = FeedbackRow(
            direction=direction,
            digest=digest,
            fingerprint=fingerprint,
            unit_code=fb.about.unit.division_code,
            unit_name=fb.about.unit.division_name,
            department=fb.about.unit.department,
            reviewer_code=fb.reviewer.division_code,
            reviewer_name=fb.reviewer.division_name,
            reviewer_department=fb.reviewer.department,
            reviewer_person=fb.reviewer.preparer,
            period=str(fb.about.period),
            revision=fb.about.revision,
            submission_digest=fb.about.digest,
            decision=fb.decision,
            reason=fb.reason,
            issued_at=(fb.issued_at or datetime.now(UTC)).isoformat(timespec="seconds"),
            recorded_at=_now(),
            path=path,
            opened_revision=opened,
        )
        s.add(row)
        s.flush()
        for n, q in enumerate(fb.queries, start=1):
            s.add(
                FeedbackQueryRow(
                    feedback_id=row.id,
                    n=n,
                    key=q.key,
                    form=q.form,
                    label=q.label,
                    value=q.value,
                    question=q.question,
                    answer="",
                )
            )
        store._audit(
            s,
            f"feedback_{direction}",
            period=fb.about.period,
            revision=fb.about.revision,
            field=path,
            old=None,
            new=f"{fb.decision} {digest} {len(fb.queries)}",
        )
        row_id = row.id
    entry = next(e for e in feedback_entries(store, direction) if e.id == row_id)
    return entry


def has_feedback(store: Store, direction: Direction, digest: str) -> bool:
    with store._read() as s:
        return (
            s.scalar(
                select(FeedbackRow.id).where(
                    FeedbackRow.direction == direction, FeedbackRow.digest == digest
                )
            )
            is not None
        )


def feedback_entries(
    store: Store, direction: Direction, period: Period | None = None
) -> list[FeedbackEntry]:
    """Every feedback of one direction (of one period), oldest first, with its queries."""
    with store._read() as s:
        query = select(FeedbackRow).where(FeedbackRow.direction == direction)
        if period is not None:
            query = query.where(FeedbackRow.period == str(period))
        rows = s.scalars(query.order_by(FeedbackRow.id)).all()
        result = []
        for r in rows:
            later = [
                o
                for o in rows
                if o.id > r.id
                and o.period == r.period
                and (o.unit_code, o.department) == (r.unit_code, r.department)
            ]
            closed = any(
                r.opened_revision is None or o.revision >= (r.opened_revision or 0) for o in later
            )
            queries = s.scalars(
                select(FeedbackQueryRow)
                .where(FeedbackQueryRow.feedback_id == r.id)
                .order_by(FeedbackQueryRow.n)
            ).all()
            result.append(
                FeedbackEntry(
                    id=r.id,
                    direction=r.direction,  # type: ignore[arg-type]
                    digest=r.digest,
                    fingerprint=r.fingerprint,
                    unit_code=r.unit_code,
                    unit_name=r.unit_name,
                    department=r.department,
                    reviewer=f"{r.reviewer_name}{r.reviewer_department}",
                    reviewer_person=r.reviewer_person,
                    period=Period.parse(r.period),
                    revision=r.revision,
                    submission_digest=r.submission_digest,
                    decision=r.decision,
                    reason=r.reason,
                    issued_at=datetime.fromisoformat(r.issued_at),
                    recorded_at=datetime.fromisoformat(r.recorded_at),
                    path=r.path,
                    opened_revision=r.opened_revision,
                    queries=[
                        QueryEntry(
                            id=q.id,
                            n=q.n,
                            key=q.key,
                            form=q.form,
                            label=q.label,
                            value=q.value,
                            question=q.question,
                            answer=q.answer,
                            answered_at=datetime.fromisoformat(q.answered_at)
                            if q.answered_at
                            else None,
                            state="已关闭" if closed else ("已答复" if q.answer else "待答复"),
                        )
                        for q in queries
                    ],
                )
            )
        return result


def unanswered_queries(store: Store, period: Period) -> list[QueryEntry]:
    """Queries the period's editable revision must answer before it may be signed."""
    with store._read() as s:
        latest = store._submission(s, period, None)
        if latest is None or latest.status == "signed":
            return []
        revision = latest.revision
    return [
        q
        for e in feedback_entries(store, "received", period)
        if e.opened_revision == revision
        for q in e.queries
        if not q.answer.strip()
    ]


def answer_query(store: Store, query_id: int, text: str) -> QueryEntry:
    """Keep the unit's answer to one received query (replacing an earlier one while still a draft)."""
    text = text.strip()
    if not text:
        raise EcoDeskError(tr("feedback", "答复不能为空，请写明核实情况或更正说明。"))
    if len(text) > MAX_ANSWER_CHARS:
        raise EcoDeskError(
            tr(
                "feedback",
                "答复太长（{n} 字），请控制在 {max} 字以内。",
                n=len(text),
                max=MAX_ANSWER_CHARS,
            )
        )
    with store._write() as s:
        q = s.get(FeedbackQueryRow, query_id)
        fb = s.get(FeedbackRow, q.feedback_id) if q is not None else None
        if q is None or fb is None or fb.direction != "received":
            raise QueryNotFound(query_id)
        period = Period.parse(fb.period)
        if fb.opened_revision is None:
            raise AnswerFrozen(tr("feedback", "这条查询随采用意见送达，无需答复。"))
        sub = store._submission(s, period, fb.opened_revision)
        if sub is None or sub.status == "signed":
            raise AnswerFrozen(
                tr(
                    "feedback",
                    "{period}第{revision}版已签名导出，答复已随之报送，不能再修改。",
                    period=period.label,
                    revision=fb.opened_revision,
                )
            )
        old = q.answer
        q.answer = text
        q.answered_at = _now()
        store._changed(sub)
        store._audit(
            s,
            "answer_query",
            period=period,
            revision=sub.revision,
            form=q.form or None,
            field=q.key,
            old=old or None,
            new=text,
        )
        feedback_id = q.feedback_id
    entry = next(e for e in feedback_entries(store, "received") if e.id == feedback_id)
    return next(x for x in entry.queries if x.id == query_id)


def fill_answers(s: Session, period: Period, row: SubmissionRow, data: SubmissionData) -> None:
    """Put into ``data`` what the revision ``row`` carries back: answers and the digest it replaces."""
    if row.supersedes is not None:
        old = s.scalar(
            select(SubmissionRow)
            .join(PeriodRow)
            .where(PeriodRow.code == str(period), SubmissionRow.revision == row.supersedes)
        )
        data.supersedes_digest = (old.digest or "") if old is not None else ""
    fb = s.scalar(
        select(FeedbackRow)
        .where(
            FeedbackRow.direction == "received",
            FeedbackRow.period == str(period),
            FeedbackRow.opened_revision == row.revision,
        )
        .order_by(FeedbackRow.id.desc())
        .limit(1)
    )
    if fb is None:
        return
    data.answers_feedback = fb.digest
    data.answers = [
        QueryAnswer(n=q.n, key=q.key, question=q.question, answer=q.answer)
        for q in s.scalars(
            select(FeedbackQueryRow)
            .where(FeedbackQueryRow.feedback_id == fb.id)
            .order_by(FeedbackQueryRow.n)
        )
    ]
