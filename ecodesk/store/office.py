"""The office's own review of its forms, before the head signs: 填报 → 审核 → 签发.

A 审核人 marks each form of the editable revision 已审核, or returns it inside the office with a
comment (退回修改) that the 填报人 sees in the tree and on the form. A form saved again after
its review (a value, a section, a table, an accepted warning) needs review again: the store
itself turns the review into 已修改待复审 in the same transaction as the change
(``Store._form_changed``), so no path around the window can keep a stale 已审核.
Only a revision whose forms are all 已审核 can be signed, and only by a head
(``Store.mark_signed``; the export says so before asking for the passphrase).

Reviewing one's own filling: a reviewer may not review a form they changed in this revision
while another active person holds the 审核人 role; in an office where the reviewer is the only
one, they may, and the audit log records it as 本人审核.

Reviews belong to one revision: a correction revision starts with every form unreviewed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.store.errors import SubmissionFrozen
from ecodesk.store.models import AuditRow, FormReviewRow, PersonRow, SubmissionRow
from ecodesk.store.people import (
    REVIEWER,
    _roles_of,
    acting_as,
    people_enabled_in,
)
from ecodesk.submission import Period, Signoff, SignoffEntry

if TYPE_CHECKING:
    from ecodesk.store.store import Store

ReviewState = Literal["unreviewed", "reviewed", "returned", "changed"]
EDIT_ACTIONS = ("set_value", "set_narrative", "set_table", "accept_warning", "withdraw_warning")
MAX_COMMENT = 2000


def review_state_label(state: ReviewState) -> str:
    return {
        "unreviewed": tr("office", "待审核"),
        "reviewed": tr("office", "已审核"),
        "returned": tr("office", "退回修改"),
        "changed": tr("office", "已修改待复审"),
    }[state]


@dataclass(frozen=True)
class FormReview:
    form: str
    state: ReviewState
    comment: str = ""
    reviewer: str = ""
    at: datetime | None = None
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return review_state_label(self.state)


class FormsNotReviewed(EcoDeskError):
    """Signing refused: some forms of the revision are not 已审核 yet."""

    def __init__(self, forms: Sequence[str], states: dict[str, FormReview]) -> None:
        self.forms = list(forms)
        listed = "、".join(
            f"{f}（{states[f].label if f in states else review_state_label('unreviewed')}）"
            for f in forms[:12]
        )
        more = tr("office", "等 {n} 张", n=len(forms)) if len(forms) > 12 else ""
        super().__init__(
            tr(
                "office",
                "还有 {n} 张表单没有审核通过，暂不能签名导出：{forms}{more}。请审核人逐张审核后再签名。",
                n=len(forms),
                forms=listed,
                more=more,
            )
        )


class SelfReview(EcoDeskError):
    def __init__(self, person: str, form: str) -> None:
        super().__init__(
            tr(
                "office",
                "表 {form} 是 {person} 本人在这一版中填写或修改的，请由另一位审核人审核。",
                form=form,
                person=person,
            )
        )


class ChangedSinceSeen(EcoDeskError):
    """Someone else changed the form, or decided its review, after the reviewer last saw it:
    a decision on what they have not seen is refused (they look again, then decide)."""

    def __init__(self, form: str, change: AuditRow, count: int) -> None:
        self.form, self.count = form, count
        who = change.person or change.preparer or change.os_user
        when = datetime.fromisoformat(change.at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if change.action in ("review_form", "return_form"):
            decided = (
                tr("office", "审核通过")
                if change.action == "review_form"
                else tr(
                    "office",
                    "退回修改（{comment}）",
                    comment=(change.new or "").removeprefix("returned").strip(),
                )
            )
            text = tr(
                "office",
                "{who} 已于 {when} 把表 {form} {decided}，您的决定没有保存。请看过后再决定。",
                who=who,
                when=when,
                form=form,
                decided=decided,
            )
        else:
            text = tr(
                "office",
                "在您查看之后，{who} 于 {when} 修改了表 {form}（{n} 处），您的决定没有保存。"
                "窗口已显示这些修改，请核对后再审核。",
                who=who,
                when=when,
                form=form,
                n=count,
            )
        super().__init__(text)


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _review_of(row: FormReviewRow) -> FormReview:
    return FormReview(
        form=row.form,
        state=row.state,  # type: ignore[arg-type]
        comment=row.comment,
        reviewer=row.reviewer,
        at=_parse(row.at),
        changed_at=_parse(row.changed_at),
    )


def reviews_in(s: Session, submission_id: int) -> dict[str, FormReview]:
    rows = s.scalars(select(FormReviewRow).where(FormReviewRow.submission_id == submission_id))
    return {r.form: _review_of(r) for r in rows}


def form_reviews(
    store: Store, period: Period, revision: int | None = None
) -> dict[str, FormReview]:
    """The review of each form of ``period``'s revision (its latest unless given) that has one;
    a form missing from the result is 待审核."""
    with store._read() as s:
        sub = store._submission(s, period, revision)
        return reviews_in(s, sub.id) if sub is not None else {}


def state_of(reviews: dict[str, FormReview], form: str) -> FormReview:
    return reviews.get(form) or FormReview(form, "unreviewed")


def not_reviewed(reviews: dict[str, FormReview], forms: Iterable[str]) -> list[str]:
    """The forms of ``forms`` (in their order) that are not 已审核."""
    return [f for f in forms if state_of(reviews, f).state != "reviewed"]


def _filled_by(s: Session, period: Period, revision: int, form: str, person: str) -> bool:
    return (
        s.scalar(
            select(AuditRow.id)
            .where(
                AuditRow.period == str(period),
                AuditRow.revision == revision,
                AuditRow.form == form,
                AuditRow.person == person,
                AuditRow.action.in_(EDIT_ACTIONS),
            )
            .limit(1)
        )
        is not None
    )


def _other_reviewers(s: Session, person_id: int) -> bool:
    return any(
        REVIEWER in _roles_of(r) and r.id != person_id
        for r in s.scalars(select(PersonRow).where(PersonRow.active.is_(True)))
    )


def _check_seen(
    store: Store,
    s: Session,
    period: Period,
    sub: SubmissionRow,
    form: str,
    seen_upto: int | None,
) -> None:
    """Refuse when others changed ``form`` (or decided its review) after audit entry
    ``seen_upto``, the newest the reviewer's window had shown."""
    if seen_upto is None:
        return
    later = s.scalars(
        select(AuditRow)
        .where(
            AuditRow.id > seen_upto,
            AuditRow.period == str(period),
            AuditRow.revision == sub.revision,
            AuditRow.form == form,
            or_(AuditRow.client.is_(None), AuditRow.client != store.client),
        )
        .order_by(AuditRow.id)
    ).all()
    if later:
        decisions = [c for c in later if c.action in ("review_form", "return_form")]
        edits = [c for c in later if c not in decisions]
        raise ChangedSinceSeen(form, decisions[-1] if decisions else edits[-1], len(edits))


def _decide(
    store: Store,
    period: Period,
    form: str,
    state: ReviewState,
    comment: str,
    action: str,
    seen_upto: int | None = None,
) -> FormReview:
    if form not in store.pack.forms:
        raise EcoDeskError(tr("office", "没有表单 {form}。表单代码如 G、1.1、7.2。", form=form))
    if len(comment) > MAX_COMMENT:
        raise EcoDeskError(
            tr("office", "意见最多 {n} 字，没有保存。请精简后再退回。", n=MAX_COMMENT)
        )
    with store._write() as s:
        reviewer = acting_as(store, s, REVIEWER, action)
        sub: SubmissionRow = store._latest_or_new(s, period)
        if sub.status == "signed":
            raise SubmissionFrozen(period.label, sub.revision)
        _check_seen(store, s, period, sub, form, seen_upto)
        own = _filled_by(s, period, sub.revision, form, reviewer.name)
        if own and _other_reviewers(s, reviewer.id):
            raise SelfReview(reviewer.name, form)
        row = s.scalar(
            select(FormReviewRow).where(
                FormReviewRow.submission_id == sub.id, FormReviewRow.form == form
            )
        )
        old = row.state if row else "unreviewed"
        if row is None:
            row = FormReviewRow(submission_id=sub.id, form=form)
            s.add(row)
        row.state, row.comment, row.reviewer = state, comment, reviewer.name
        row.at, row.changed_at = datetime.now(UTC).isoformat(timespec="microseconds"), None
        note = comment
        if own and state == "reviewed":
            note = tr("office", "本人审核")
        store._audit(
            s,
            "review_form" if state == "reviewed" else "return_form",
            period=period,
            revision=sub.revision,
            form=form,
            old=old,
            new=f"{state} {note}".strip(),
        )
        s.flush()
        return _review_of(row)


def review_form(
    store: Store, period: Period, form: str, *, seen_upto: int | None = None
) -> FormReview:
    """The signed-in 审核人 marks ``form`` of ``period``'s editable revision 已审核.

    ``seen_upto``: the newest audit entry the reviewer's window has shown (its change feed);
    when someone else changed the form or decided its review after it, :class:`ChangedSinceSeen`
    refuses (no approval of what the reviewer has not seen). None: the form as it is now."""
    return _decide(store, period, form, "reviewed", "", tr("office", "审核表单"), seen_upto)


def return_form(
    store: Store, period: Period, form: str, comment: str, *, seen_upto: int | None = None
) -> FormReview:
    """The signed-in 审核人 returns ``form`` to the 填报人 with ``comment`` (required);
    ``seen_upto`` as for :func:`review_form`."""
    comment = comment.strip()
    if not comment:
        raise EcoDeskError(tr("office", "退回修改时请写明意见（填报人会在表单上看到）。"))
    return _decide(store, period, form, "returned", comment, tr("office", "退回表单"), seen_upto)


def check_may_sign(store: Store, period: Period, *, reviewed: bool = True) -> None:
    """Before an export asks for the passphrase: refuse at once, with the reason, what
    ``Store.mark_signed`` would refuse at the end (not a head; forms not all reviewed)."""
    with store._read() as s:
        sub = store._submission(s, period, None)
        if sub is not None:
            store._check_may_sign(s, period, sub.revision, reviewed=reviewed)


def _latest_by_person(rows: Iterable[tuple[str, str]]) -> tuple[SignoffEntry, ...]:
    """(name, time) pairs → one entry per name with their latest time, earliest first."""
    latest: dict[str, str] = {}
    for name, at in rows:
        if name and (name not in latest or at > latest[name]):
            latest[name] = at
    return tuple(
        SignoffEntry(name, _parse(at)) for name, at in sorted(latest.items(), key=lambda i: i[1])
    )


def signoff(store: Store, period: Period, revision: int | None = None) -> Signoff | None:
    """Who filled (changed a form of), reviewed and signed ``period``'s revision, with times,
    from the audit log and the reviews; ``None`` while people are off (nobody signs in)."""
    with store._read() as s:
        if not people_enabled_in(s):
            return None
        sub = store._submission(s, period, revision)
        if sub is None:
            return Signoff()
        audit = s.execute(
            select(AuditRow.person, AuditRow.action, AuditRow.at).where(
                AuditRow.period == str(period),
                AuditRow.revision == sub.revision,
                AuditRow.action.in_((*EDIT_ACTIONS, "sign")),
            )
        ).all()
        reviews = reviews_in(s, sub.id)
    filled = _latest_by_person((p, at) for p, action, at in audit if action in EDIT_ACTIONS)
    reviewed = _latest_by_person(
        (r.reviewer, r.at.isoformat()) for r in reviews.values() if r.state == "reviewed" and r.at
    )
    signers = _latest_by_person((p, at) for p, action, at in audit if action == "sign")
    signed = signers[-1] if signers and sub.status == "signed" else None
    return Signoff(filled=filled, reviewed=reviewed, signed=signed)
