"""What a check finds: a :class:`Problem`, and the sentences every check ends with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``error``: blocks signing) or doubtful (``warning``: accept with a reason)."""

    id: str  # stable across runs, so an acceptance sticks: "yoy:1.1:tech_invest"
    severity: Severity
    form: str
    field: str | None  # field key, table cell/table key, narrative key, or None
    message: str  # Chinese: what is wrong and what to do
    explanation: str | None = None  # the unit's explanation when it accepted this warning

    @property
    def accepted(self) -> bool:
        return self.explanation is not None


def has_blocking_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error: the submission cannot be signed yet."""
    return any(p.severity == "error" for p in problems)


def problem(kind: str, severity: Severity, form: str, field: str | None, message: str) -> Problem:
    """A problem whose id is ``kind`` and the field it names (or the form): stable across runs."""
    return Problem(
        id=f"{kind}:{field}" if field else f"{kind}:{form}",
        severity=severity,
        form=form,
        field=field,
        message=message,
    )


def warn_tail() -> str:
    return tr("rules", "请核对；如数据无误，请接受此警告并说明原因。")


def quoted(label: str) -> str:
    return tr("rules", "“{label}”", label=label)


def accept(problems: list[Problem], data: SubmissionData) -> list[Problem]:
    """Fill each accepted warning's explanation; an error cannot be accepted."""
    accepted: list[Problem] = []
    for problem in problems:
        explanation = data.explanation_for(problem.id) if problem.severity == "warning" else None
        if explanation and explanation.strip():
            problem = replace(problem, explanation=explanation.strip())
        accepted.append(problem)
    return accepted
