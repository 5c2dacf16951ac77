"""The way back, as operations shared by the window and the command line.

At the receiving office: :func:`review_submission` (verify a received submission, check the
query keys, sign the feedback, record it as sent) and :func:`suggest_queries` (the checks the
program already knows, as ready-made questions).

At the unit: :func:`check_feedback` (every refusal before anything is written) and
:func:`apply_feedback` (record it; a return or queries open the revision that answers them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from statistics import median
from typing import Any

from ecodesk import __version__, clock
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.review.keys import resolve_query_key
from ecodesk.review.model import Decision, Feedback, Query, SubmissionRef, feedback_from_records
from ecodesk.signing.registry import KeyRegistry
from ecodesk.store.feedback import FeedbackEntry, feedback_entries, has_feedback, record_feedback
from ecodesk.submission import ProfileMissing, SubmissionData

log = logging.getLogger(__name__)

SUGGESTED_RULES = {"yoy": "big_change", "target": "behind_target"}
FAR_FACTOR = Decimal(3)  # a value 3× the peers' median, or a third of it, is worth a question
MIN_PEERS = 3
MAX_QUESTION_CHARS = 2000


class ReviewRefused(EcoDeskError):
    """The review cannot be made as asked (the message says why); nothing was written."""


class FeedbackRefused(EcoDeskError):
    """A feedback file the unit must not import; ``status`` is a verdict as ``verify`` words it."""

    def __init__(self, status: str, label: str, message: str) -> None:
        self.status = status
        self.label = label
        super().__init__(f"[{label}] {message}")


# ---------------------------------------------------------------------- at the receiving office


@dataclass(frozen=True)
class Suggestion:
    key: str
    rule: str  # big_change | behind_target | no_evidence | far_from_peers
    question: str


def suggest_queries(
    pack: Any, data: SubmissionData, peers: list[SubmissionData] | None = None
) -> list[Suggestion]:
    """The warnings the checks raise on the received data (a big change against last year, a
    value behind the plan's target), each as a candidate query with its key; warnings the unit
    accepted carry its explanation, so the reviewer sees what it already said. With ``peers``
    (the other units' submissions of the same period) also every number far from theirs."""
    from ecodesk.forms.rules import check_submission
    from ecodesk.forms.rules.problems import warn_tail

    found: list[Suggestion] = []
    for p in check_submission(pack, data):
        rule = SUGGESTED_RULES.get(p.id.partition(":")[0])
        if rule is None or p.severity != "warning" or not p.field:
            continue
        question = p.message.removesuffix(warn_tail())
        explanation = data.explanation_for(p.id)
        if explanation:
            question += tr("review", "（单位已说明：{text}）", text=explanation)
        question += tr("review", "请核实并说明原因。")
        found.append(Suggestion(p.field, rule, question))
    return found + missing_evidence(pack, data) + far_from_peers(pack, data, peers or [])


def missing_evidence(pack: Any, data: SubmissionData) -> list[Suggestion]:
    """Each claim the pack wants 佐证材料 for and the unit signed without it (its explanation
    quoted when it accepted the warning), asked at the cell or indicator that makes the claim."""
    from ecodesk.forms.keys import CellKey, parse_problem_location
    from ecodesk.forms.rules.context import CheckContext
    from ecodesk.forms.rules.evidence import EVIDENCE_KIND, unbacked_claims

    found: list[Suggestion] = []
    for claim in unbacked_claims(CheckContext.of(pack, data)):
        cell = parse_problem_location(claim.field)
        key = str(cell) if isinstance(cell, CellKey) else claim.field
        question = tr(
            "review",
            "{subject}为“{value}”，未附佐证材料（{what}）。",
            subject=claim.subject,
            value=claim.value,
            what=claim.rule.what,
        )
        explanation = data.explanation_for(f"{EVIDENCE_KIND}:{claim.key}")
        if explanation:
            question += tr("review", "（单位已说明：{text}）", text=explanation)
        question += tr("review", "请补附佐证材料，或说明原因。")
        found.append(Suggestion(key, "no_evidence", question))
    return found


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)  # signed values are canonical numbers (or text for other types)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def far_from_peers(
    pack: Any, data: SubmissionData, peers: list[SubmissionData]
) -> list[Suggestion]:
    """Numbers at least :data:`FAR_FACTOR` times above or below the median of the other units'
    (of the same period, at least :data:`MIN_PEERS` of them reporting it)."""
    from ecodesk.consolidation.model import unit_id

    others = [p for p in peers if unit_id(p.unit) != unit_id(data.unit) and p.period == data.period]
    found: list[Suggestion] = []
    for form in data.forms:
        if form not in pack.forms:
            continue
        for field in pack.input_fields(form):
            if field.type != "number":
                continue
            value = _number(data.value(field.key))
            theirs = [n for p in others if (n := _number(p.value(field.key))) is not None]
            if value is None or len(theirs) < MIN_PEERS:
                continue
            middle = Decimal(median(theirs))
            if middle <= 0 or value < 0:
                continue
            if not (value >= middle * FAR_FACTOR or value * FAR_FACTOR <= middle):
                continue
            found.append(
                Suggestion(
                    field.key,
                    "far_from_peers",
                    tr(
                        "review",
                        "“{label}”为 {value}{unit}，其他 {n} 个单位的中位数为 {median}{unit}，"
                        "相差较大。请核实口径并说明原因。",
                        label=field.label,
                        value=value,
                        unit=field.unit,
                        n=len(theirs),
                        median=middle.normalize(),
                    ),
                )
            )
    return found


@dataclass(frozen=True)
class ReviewResult:
    path: Path
    feedback: Feedback
    digest: str
    fingerprint: str


def verified_submission(path: Path, registry: Path | KeyRegistry) -> Any:
    from ecodesk.services.verify import verify_workbook

    result = verify_workbook(path, registry)
    if not result.ok and result.status != "attachments_bad":  # missing evidence may be a query
        raise ReviewRefused(
            tr(
                "review",
                "只能审核验证有效的报送，未生成审核意见书。{message}",
                message=result.message,
            )
        )
    if result.kind != "submission":
        raise ReviewRefused(
            tr(
                "review",
                "{name} 不是报送工作簿（是{kind}），不能审核。",
                name=path.name,
                kind=result.kind_label,
            )
        )
    return result.workbook


def check_review_request(
    decision: Decision | None, reason: str, queries: list[tuple[str, str]]
) -> None:
    """The decision, reason and queries make sense together, or :class:`ReviewRefused` says why
    (the window asks this before the passphrase; :func:`review_submission` asks it again)."""
    if decision == "return" and not reason.strip():
        raise ReviewRefused(tr("review", "退回必须写明原因：请写明要单位核实或更正什么。"))
    if decision == "accept" and queries:
        raise ReviewRefused(
            tr("review", "采用的报送不能再提查询：有疑问时请只提查询或退回，答复后再采用。")
        )
    if decision is None and not queries:
        raise ReviewRefused(
            tr("review", "请给出审核结论：采用、退回（写明原因），或至少提一条查询。")
        )
    for key, question in queries:
        if not question.strip():
            raise ReviewRefused(tr("review", "查询“{key}”没有写问题。", key=key))
        if len(question.strip()) > MAX_QUESTION_CHARS:
            raise ReviewRefused(tr("review", "查询“{key}”的问题太长。", key=key))


def review_submission(
    store: Any,
    data_dir: Path,
    submission: Path,
    registry: Path | KeyRegistry,
    *,
    decision: Decision | None,
    reason: str,
    queries: list[tuple[str, str]],
    out_path: Path,
    passphrase: str,
    force: bool = False,
) -> ReviewResult:
    """Verify ``submission``, sign the feedback into ``out_path`` and record it as sent.

    ``decision`` None means queries only. Raises :class:`ReviewRefused` (and the key parser's
    :class:`ecodesk.review.keys.UnknownQueryKey`) before anything is written.
    """
    from ecodesk.review.workbook import write_feedback_workbook
    from ecodesk.signing.keys import KeyStore

    submission, out_path = Path(submission), Path(out_path)
    reason = reason.strip()
    check_review_request(decision, reason, queries)
    if out_path.suffix.lower() != ".xlsx":
        raise ReviewRefused(tr("review", "审核意见书的文件名应以 .xlsx 结尾。"))
    if out_path.resolve() == submission.resolve():
        raise ReviewRefused(tr("review", "审核意见书不能覆盖所审核的报送文件，请换一个文件名。"))
    wb = verified_submission(submission, registry)
    data: SubmissionData = wb.data
    checked: list[Query] = []
    for key, question in queries:
        question = question.strip()
        place = resolve_query_key(store.pack, data, key)
        checked.append(Query(place.key, place.form, place.label, place.value, question))
    profile = store.profile()
    if profile is None:
        raise ProfileMissing(
            tr(
                "review",
                "还没有填写本单位信息（审核意见书要写明审核单位），请先用 ecodesk profile 填写。",
            )
        )
    unit = data.unit
    for sent in feedback_entries(store, "sent", data.period):
        if (
            (sent.unit_code, sent.department) == (unit.division_code, unit.department)
            and sent.decision == "accept"
            and sent.revision >= data.revision
        ):
            raise ReviewRefused(
                tr(
                    "review",
                    "{unit}{period}第{revision}版已经采用，不能再审核更早或相同的版本。",
                    unit=unit.display_name,
                    period=data.period.label,
                    revision=sent.revision,
                )
            )
    signing_key = KeyStore(data_dir).unlock(passphrase)
    fb = Feedback(
        reviewer=profile,
        about=SubmissionRef(unit, data.period, data.revision, wb.digest, wb.fingerprint),
        decision=decision or "queries",
        reason=reason if decision == "return" else "",
        queries=checked,
        issued_at=clock.now(),
        program_version=__version__,
    )
    written = write_feedback_workbook(
        fb, out_path, key=signing_key, plan_title=store.pack.catalog.plan.title, force=force
    )
    out_path = written.path
    try:
        record_feedback(
            store,
            fb,
            direction="sent",
            digest=written.digest,
            fingerprint=written.fingerprint,
            path=str(out_path.resolve()),
        )
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
    log.info("reviewed %s: %s, %d queries → %s", submission, fb.decision, len(checked), out_path)
    return ReviewResult(out_path, fb, written.digest, written.fingerprint)


# ---------------------------------------------------------------------- at the unit


@dataclass(frozen=True)
class CheckedFeedback:
    path: Path
    feedback: Feedback
    digest: str
    fingerprint: str
    message: str  # the verifier's sentence


def _refuse(status: str, label: str, message: str) -> FeedbackRefused:
    log.info("feedback refused (%s): %s", status, message)
    return FeedbackRefused(status, label, message)


def check_feedback(store: Any, data_dir: Path, path: Path) -> CheckedFeedback:
    """Every reason to refuse ``path``, checked before anything is written."""
    from ecodesk.services.keys import trusted_registry
    from ecodesk.services.verify import verify_workbook

    path = Path(path)
    result = verify_workbook(path, trusted_registry(data_dir))
    if result.kind == "submission" and result.status in (
        "valid",
        "attachments_bad",
        "unknown_signer",
        "wrong_unit",
    ):
        raise _refuse(
            "not_feedback",
            tr("feedback", "不是审核意见书"),
            tr("feedback", "{name} 是报送工作簿，不是审核意见书。", name=path.name),
        )
    if not result.ok:
        raise _refuse(result.status, result.label, result.message)
    wb: Any = result.workbook
    fb = feedback_from_records(wb.records)
    about = fb.about
    profile = store.profile()
    if profile is None or (profile.division_code, profile.department) != (
        about.unit.division_code,
        about.unit.department,
    ):
        raise _refuse(
            "other_unit",
            tr("feedback", "收件单位不符"),
            tr(
                "feedback",
                "{name} 是给 {to}（{code}）的审核意见书，不是给本单位的，未导入。",
                name=path.name,
                to=about.unit.display_name,
                code=about.unit.division_code,
            ),
        )
    sent = store.signature(about.period, about.revision)
    if sent is None or sent[1] != about.digest:
        raise _refuse(
            "unknown_revision",
            tr("feedback", "本单位未报送该版本"),
            tr(
                "feedback",
                "{name} 审核的是 {period}第{revision}版（数据摘要 {digest}），本单位没有签名报送过这一版，未导入。",
                name=path.name,
                period=about.period.label,
                revision=about.revision,
                digest=about.digest[:16],
            ),
        )
    for earlier in feedback_entries(store, "received", about.period):
        if earlier.revision > about.revision or (
            earlier.decision == "accept" and earlier.revision >= about.revision
        ):
            raise _refuse(
                "superseded",
                tr("feedback", "已过时"),
                tr(
                    "feedback",
                    "{name} 是对第{revision}版的旧审核意见：{reviewer}已于 {when} 对第{later}版作出“{decision}”，"
                    "旧意见不再导入。",
                    name=path.name,
                    revision=about.revision,
                    reviewer=earlier.reviewer,
                    when=earlier.issued_at.strftime("%Y-%m-%d"),
                    later=earlier.revision,
                    decision=_decision_word(earlier.decision),
                ),
            )
    latest_signed = max(
        (r.revision for r in store.revisions(about.period) if r.status == "signed"), default=0
    )
    if latest_signed > about.revision:
        raise _refuse(
            "superseded",
            tr("feedback", "已过时"),
            tr(
                "feedback",
                "{name} 审核的是第{revision}版，本单位之后已报送第{latest}版，旧意见不再导入。",
                name=path.name,
                revision=about.revision,
                latest=latest_signed,
            ),
        )
    if has_feedback(store, "received", wb.digest):
        raise _refuse(
            "already_imported",
            tr("feedback", "已导入过"),
            tr("feedback", "{name} 已经导入过，本机数据没有改动。", name=path.name),
        )
    return CheckedFeedback(path, fb, wb.digest, wb.fingerprint, result.message)


def _decision_word(decision: str) -> str:
    from ecodesk.review.model import decision_label

    return decision_label(decision)


def apply_feedback(store: Any, checked: CheckedFeedback) -> FeedbackEntry:
    """Record the feedback; a return or queries open the revision that answers them."""
    fb = checked.feedback
    reviewer = fb.reviewer.display_name
    if fb.decision == "return":
        open_reason: str | None = tr(
            "feedback",
            "第{revision}版被{reviewer}退回：{reason}",
            revision=fb.about.revision,
            reviewer=reviewer,
            reason=fb.reason,
        )
    elif fb.decision == "queries":
        open_reason = tr(
            "feedback",
            "答复{reviewer}对第{revision}版的查询",
            reviewer=reviewer,
            revision=fb.about.revision,
        )
    else:
        open_reason = None
    return record_feedback(
        store,
        fb,
        direction="received",
        digest=checked.digest,
        fingerprint=checked.fingerprint,
        path=str(checked.path.resolve()),
        open_reason=open_reason,
    )
