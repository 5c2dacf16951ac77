"""The state a form is in, shown in the plan tree and the overview.

Pure Python (no Qt) and built only on the core's answers: the submission's status and the
problems :func:`ecodesk.forms.rules.check_submission` found. The one judgement made here is
presentational: an error on a field that is still empty means "not finished yet" (draft),
an error on something typed means "wrong" (errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from ecodesk.forms.keys import CellKey, parse_problem_location
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData

if TYPE_CHECKING:  # the window imports this before the form pack (pydantic) is loaded
    from ecodesk.forms.loader import FormPack

FormState = Literal["empty", "draft", "errors", "warnings", "checked", "signed"]
STATE_ORDER: tuple[FormState, ...] = ("empty", "draft", "errors", "warnings", "checked", "signed")


class ProblemLike(Protocol):
    id: str
    severity: str
    form: str
    field: str | None
    explanation: str | None


def state_label(state: FormState) -> str:
    labels = {
        "empty": tr("FormState", "未填"),
        "draft": tr("FormState", "草稿"),
        "errors": tr("FormState", "有错误"),
        "warnings": tr("FormState", "有提示"),
        "checked": tr("FormState", "已检查"),
        "signed": tr("FormState", "已签名"),
    }
    return labels[state]


def entered_text(data: SubmissionData, field: str | None) -> str:
    """What the clerk entered at a problem's location ("" when nothing or unknown)."""
    if not field:
        return ""
    if field in data.values:
        return data.values[field]
    if field in data.narratives:
        return data.narratives[field]
    cell = parse_problem_location(field)
    if isinstance(cell, CellKey):
        rows = data.rows(cell.form, cell.table)
        if cell.index < len(rows):
            return rows[cell.index].get(cell.column, "")
    return ""


def form_has_input(pack: FormPack, data: SubmissionData, form: str) -> bool:
    prefix = f"{form}:"
    return (
        any(k.startswith(prefix) and v.strip() for k, v in data.values.items())
        or any(k.startswith(prefix) and v.strip() for k, v in data.narratives.items())
        or any(k.startswith(prefix) and rows for k, rows in data.tables.items())
    )


def form_state(
    pack: FormPack, data: SubmissionData, form: str, problems: Iterable[ProblemLike]
) -> FormState:
    if data.status == "signed":
        return "signed"
    if not form_has_input(pack, data, form):
        return "empty"
    mine = [p for p in problems if p.form == form]
    errors = [p for p in mine if p.severity == "error"]
    if any(p.field is None or entered_text(data, p.field).strip() for p in errors):
        return "errors"
    if errors:
        return "draft"
    # a warning to explain, or a query of the receiver to answer: the form needs the clerk still
    if any(p.severity in ("warning", "query") and not p.explanation for p in mine):
        return "warnings"
    return "checked"


# An error and a warning differ in colour, sign and word everywhere they are shown (the form,
# the tables, the tree, the problems panel): colour alone fails the colour-blind and the
# printed page.
SEVERITY_SIGNS = {"error": "✖", "warning": "⚠", "query": "？", "accepted": "✓"}


def severity_kind(problem: ProblemLike) -> str:
    """ "error", "warning" (to explain or fix) or "accepted" (explained)."""
    if problem.severity in ("warning", "query") and problem.explanation:
        return "accepted"  # explained, or answered
    return problem.severity


def severity_word(kind: str) -> str:
    words = {
        "error": tr("Severity", "错误"),
        "warning": tr("Severity", "提示"),
        "query": tr("Severity", "查询"),
        "accepted": tr("Severity", "已说明"),
    }
    return words[kind]


def labelled(problem: ProblemLike, message: str) -> str:
    """ "✖ 错误：…" or "⚠ 提示：…" — the sign and the word before the core's sentence."""
    kind = severity_kind(problem)
    return tr(
        "Severity",
        "{sign} {word}：{message}",
        sign=SEVERITY_SIGNS[kind],
        word=severity_word(kind),
        message=message,
    )


@dataclass(frozen=True)
class Completeness:
    """How far a form is filled: inputs with a value out of the inputs the unit must give."""

    form: str
    filled: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.filled / self.total)


def completeness(pack: FormPack, data: SubmissionData, form: str) -> Completeness:
    fields = pack.input_fields(form, data.unit.division_code)
    required = [f for f in fields if f.required]
    narratives = [n for n in pack.narratives if n.min_chars > 0]
    filled = sum(1 for f in required if data.value(f.key).strip())
    filled += sum(1 for n in narratives if data.narrative(form, n.code).strip())
    return Completeness(form, filled, len(required) + len(narratives))
