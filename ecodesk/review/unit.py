"""What the unit's window shows of the way back: the banner on the period and the queried places.

Plain data for the window (no Qt): :func:`period_banner` is the sentence above the form,
:func:`query_problems` turns the queries the open revision must answer into entries of the
problems list (kind ``query``, 查询) that point at the queried place the way a problem does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecodesk.forms.keys import BadKey, CellKey
from ecodesk.i18n import tr
from ecodesk.store.feedback import FeedbackEntry, QueryEntry, feedback_entries
from ecodesk.submission import Period, SubmissionData

QUERY = "query"


@dataclass(frozen=True)
class QueryProblem:
    """A query shown among the problems: ``field`` is a problem location, ``explanation`` the answer."""

    id: str
    form: str
    field: str | None
    message: str
    explanation: str | None
    query: QueryEntry
    severity: str = QUERY
    missing: bool = False  # a query is never a required value still to type

    @property
    def accepted(self) -> bool:
        return False


def problem_location(key: str) -> str | None:
    """Where a problem about the queried place points: a field or section key as it is, a table
    cell by its problem key, nothing for a whole form or the whole submission."""
    if "#" in key:
        try:
            return CellKey.parse(key).problem_key
        except BadKey:
            return None
    return key if ":" in key else None


def _answering(store: Any, period: Period, revision: int) -> list[FeedbackEntry]:
    return [e for e in feedback_entries(store, "received", period) if e.opened_revision == revision]


def query_problems(store: Any, period: Period, revision: int) -> list[QueryProblem]:
    """The queries revision ``revision`` answers (answered or not), as problems list entries."""
    found: list[QueryProblem] = []
    for entry in _answering(store, period, revision):
        for q in entry.queries:
            found.append(
                QueryProblem(
                    id=f"query:{q.id}",
                    form=q.form,
                    field=problem_location(q.key),
                    message=tr(
                        "feedback",
                        "查询（{label}）：{question}",
                        label=q.label,
                        question=q.question,
                    ),
                    explanation=q.answer or None,
                    query=q,
                )
            )
    return found


def problems_with_queries(store: Any, data: SubmissionData) -> list[Any]:
    """What the problems panel lists for ``data``: the checks' problems, then the queries its
    revision answers (the window's start-up and every re-check use this one list)."""
    from ecodesk.attachments import list_attachments
    from ecodesk.forms.rules import check_submission

    attached = {a.key for a in list_attachments(store, data.period, data.revision)}
    return [
        *check_submission(store.pack, data, attached=attached),
        *query_problems(store, data.period, data.revision),
    ]


def period_banner(store: Any, period: Period) -> str:
    """Who returned (or queried, or accepted) which revision, when and why; "" when nothing came back."""
    entries = feedback_entries(store, "received", period)
    if not entries:
        return ""
    e = entries[-1]
    when = e.issued_at.strftime("%Y-%m-%d %H:%M")
    if e.decision == "accept":
        return tr(
            "feedback",
            "第{revision}版已于 {when} 被{reviewer}采用。",
            revision=e.revision,
            when=when,
            reviewer=e.reviewer,
        )
    text = tr(
        "feedback",
        "第{revision}版已于 {when} 被{reviewer}{decision}",
        revision=e.revision,
        when=when,
        reviewer=e.reviewer,
        decision=tr("feedback", "退回") if e.decision == "return" else tr("feedback", "提出查询"),
    )
    if e.reason:
        text += tr("feedback", "，原因：{reason}", reason=e.reason)
    text += tr("feedback", "。")
    if e.opened_revision is not None:
        pending = sum(1 for q in e.queries if not q.answer.strip())
        text += tr(
            "feedback",
            "已建立第{new}版用于更正和答复：查询 {n} 条，待答复 {pending} 条。",
            new=e.opened_revision,
            n=len(e.queries),
            pending=pending,
        )
    return text
