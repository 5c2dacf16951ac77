"""The feedback (审核意见书) as plain data, and as the signed records of its workbook.

Records use the same ``(section, key, value)`` form and canonical bytes as a submission
(:mod:`ecodesk.signing.canonical`); ``meta.format`` says which kind of file it is:

========= ==================================== =================================================
section   key                                  value
========= ==================================== =================================================
meta      ``format``                           ``ecodesk-feedback/1``
meta      ``from.division_code`` / ``.name`` / the receiving office that reviewed and signs
          ``.department`` / ``.person``
meta      ``to.division_code`` / ``.name`` /   the unit the submission came from
          ``.department``
meta      ``period``, ``revision``,            the submission it answers (revision and the
          ``submission_digest``,               digest of its signed data, so a copy of another
          ``submission_fingerprint``           revision can never be taken for it)
meta      ``decision``, ``reason``             ``return`` (退回, reason required) / ``accept``
                                               (采用) / ``queries`` (queries only)
meta      ``issued_at``, ``program_version``
query     ``#n.key`` / ``.form`` / ``.label`` one query (n from 1): its place, what the
          / ``.value`` / ``.question``         reviewer saw there, and the question
text_cell, number_cell                         every visible cell (as in a submission)
========= ==================================== =================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ecodesk.i18n import tr
from ecodesk.signing.canonical import Record, canonical_text
from ecodesk.submission import BadPeriod, Period, UnitProfile

FEEDBACK_FORMAT = "ecodesk-feedback/1"
Decision = Literal["return", "accept", "queries"]
DECISIONS: tuple[Decision, ...] = ("return", "accept", "queries")
QUERY_PARTS = ("key", "form", "label", "value", "question")
_QUERY_KEY_RE = re.compile(r"^#(?P<n>[1-9]\d{0,4})\.(?P<part>\w+)$")
MAX_QUERIES = 500


def decision_label(decision: str) -> str:
    return {
        "return": tr("review", "退回修改"),
        "accept": tr("review", "采用"),
        "queries": tr("review", "查询（不退回）"),
    }.get(decision, decision)


@dataclass(frozen=True)
class Query:
    key: str
    form: str
    label: str
    value: str
    question: str


@dataclass(frozen=True)
class SubmissionRef:
    """The submission a feedback answers: whose, which period, which revision, which content."""

    unit: UnitProfile
    period: Period
    revision: int
    digest: str
    fingerprint: str


@dataclass(frozen=True)
class Feedback:
    reviewer: UnitProfile  # the receiving office; ``preparer`` is the person who reviewed
    about: SubmissionRef
    decision: Decision
    reason: str
    queries: list[Query] = field(default_factory=list)
    issued_at: datetime | None = None
    program_version: str = ""


def feedback_records(fb: Feedback) -> list[Record]:
    about = fb.about
    pairs = [
        ("format", FEEDBACK_FORMAT),
        ("from.division_code", fb.reviewer.division_code),
        ("from.division_name", fb.reviewer.division_name),
        ("from.department", fb.reviewer.department),
        ("from.person", fb.reviewer.preparer),
        ("to.division_code", about.unit.division_code),
        ("to.division_name", about.unit.division_name),
        ("to.department", about.unit.department),
        ("period", str(about.period)),
        ("revision", str(about.revision)),
        ("submission_digest", about.digest),
        ("submission_fingerprint", about.fingerprint),
        ("decision", fb.decision),
        ("reason", fb.reason),
        ("issued_at", fb.issued_at.isoformat(timespec="seconds") if fb.issued_at else ""),
        ("program_version", fb.program_version),
    ]
    records = [Record("meta", k, canonical_text(v)) for k, v in pairs]
    for n, q in enumerate(fb.queries, start=1):
        for part in QUERY_PARTS:
            records.append(Record("query", f"#{n}.{part}", canonical_text(getattr(q, part))))
    return records


def is_feedback(meta: dict[str, str]) -> bool:
    return meta.get("format") == FEEDBACK_FORMAT


def feedback_from_records(records: list[Record]) -> Feedback:
    """Rebuild the feedback; ``ValueError`` when the records do not make one."""
    seen: set[tuple[str, str]] = set()
    for r in records:
        if (r.section, r.key) in seen:
            raise ValueError(f"duplicate record {r.section} {r.key}")
        seen.add((r.section, r.key))
    meta = {r.key: r.value for r in records if r.section == "meta"}
    if not is_feedback(meta):
        raise ValueError("not a feedback")
    try:
        reviewer = UnitProfile(
            division_code=meta["from.division_code"],
            division_name=meta["from.division_name"],
            department=meta["from.department"],
            preparer=meta.get("from.person", ""),
        )
        unit = UnitProfile(
            division_code=meta["to.division_code"],
            division_name=meta["to.division_name"],
            department=meta["to.department"],
        )
        about = SubmissionRef(
            unit=unit,
            period=Period.parse(meta["period"]),
            revision=int(meta["revision"]),
            digest=meta["submission_digest"],
            fingerprint=meta.get("submission_fingerprint", ""),
        )
        decision = meta["decision"]
        issued = datetime.fromisoformat(meta["issued_at"]) if meta.get("issued_at") else None
    except (KeyError, BadPeriod) as exc:
        raise ValueError(f"metadata incomplete: {exc}") from None
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    if decision == "return" and not meta.get("reason", "").strip():
        raise ValueError("a return without a reason")
    parts: dict[int, dict[str, str]] = {}
    for r in records:
        if r.section != "query":
            continue
        m = _QUERY_KEY_RE.match(r.key)
        if not m or m["part"] not in QUERY_PARTS:
            raise ValueError(f"bad query key {r.key}")
        parts.setdefault(int(m["n"]), {})[m["part"]] = r.value
    if sorted(parts) != list(range(1, len(parts) + 1)) or len(parts) > MAX_QUERIES:
        raise ValueError("queries not numbered 1…n")
    queries = [Query(**{p: parts[n].get(p, "") for p in QUERY_PARTS}) for n in sorted(parts)]
    return Feedback(
        reviewer=reviewer,
        about=about,
        decision=decision,  # type: ignore[arg-type]
        reason=meta.get("reason", ""),
        queries=queries,
        issued_at=issued,
        program_version=meta.get("program_version", ""),
    )
