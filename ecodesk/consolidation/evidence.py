"""Claims without evidence across the units: the pack's evidence requirements
(:mod:`ecodesk.forms.rules.evidence`) evaluated on the received, signed data.

The attachments a unit signed are in its data (:attr:`SubmissionData.attachments`), so the
receiver sees exactly what the unit saw when it signed: a claim (a watershed 已建成, a GEP
accounting 已完成核算) with nothing attached to its indicator or row. The unit may have
accepted the warning with an explanation; it is listed all the same, with that explanation,
because the reviewer decides whether the explanation will do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecodesk.forms.loader import FormPack
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.evidence import EVIDENCE_KIND
from ecodesk.forms.rules.evidence import unbacked_claims as claims_of
from ecodesk.submission import SubmissionData, UnitProfile


@dataclass(frozen=True)
class UnbackedClaim:
    """One unit's claim that the plan counts and no signed attachment backs."""

    unit: UnitProfile
    form: str
    key: str  # the attachment key that would back it (4.1:watersheds#2, 5.1:gep_status)
    subject: str  # “生态清洁小流域”第 2 行（梅江小流域）
    value: str  # what the unit reported: 已建成
    what: str  # the document the pack asks for
    reason: str  # why, citing the plan
    explanation: str = ""  # the unit's explanation when it accepted the warning


def unbacked_claims(pack: FormPack, submissions: Sequence[SubmissionData]) -> list[UnbackedClaim]:
    """Every claim without evidence, unit by unit in the order given, forms in the plan's order."""
    found: list[UnbackedClaim] = []
    for data in submissions:
        ctx = CheckContext.of(pack, data, {a.key for a in data.attachments})
        for claim in claims_of(ctx):
            explanation = data.explanation_for(f"{EVIDENCE_KIND}:{claim.key}") or ""
            found.append(
                UnbackedClaim(
                    unit=data.unit,
                    form=claim.form,
                    key=claim.key,
                    subject=claim.subject,
                    value=claim.value,
                    what=claim.rule.what,
                    reason=claim.rule.reason,
                    explanation=explanation,
                )
            )
    return found
