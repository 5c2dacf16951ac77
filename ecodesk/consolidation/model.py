"""The values a consolidation produces: per-unit figures, totals, the completeness matrix.

Everything here is plain data computed from :class:`~ecodesk.submission.SubmissionData`; it
knows nothing about files, signatures or Excel, so the window, the command line and the
workbook writer read the same objects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Target
from ecodesk.submission import AttachedFile, Period, SubmissionData, UnitProfile, department_label

if TYPE_CHECKING:
    from ecodesk.consolidation.evidence import UnbackedClaim
    from ecodesk.consolidation.timeliness import Timeliness
    from ecodesk.review.state import UnitReview

Aggregation = Literal["sum", "ratio", "none"]


def unit_id(unit: UnitProfile) -> tuple[str, str]:
    """What makes two submissions the same unit: the division and the department inside it
    (县林业局 as the plan wrote it and 林业局 as the division names it are one department)."""
    return (unit.division_code, department_label(unit.department))


@dataclass(frozen=True)
class UnitValue:
    """One unit's figure for one indicator, as typed and as a number where it is one."""

    unit: UnitProfile
    text: str  # as typed; for a ratio the computed rate, for a provincial indicator the actual
    value: Decimal | None
    numerator: Decimal | None = None  # ratio indicators
    denominator: Decimal | None = None
    provincial_target: Decimal | None = None  # 省下达目标 of a provincial indicator
    previous: Decimal | None = None
    previous_text: str = ""
    meets_target: bool | None = None  # only for targets every county is held to
    problem: str | None = None  # why a typed figure could not be read as a number

    @property
    def change_pct(self) -> Decimal | None:
        return change_pct(self.value, self.previous)


@dataclass(frozen=True)
class IndicatorSummary:
    """Every unit's value of one indicator and the total computed with the indicator's rule."""

    form: str
    code: str
    name: str
    kind: str
    unit: str  # unit of measurement (家, 亿元, %)
    aggregation: Aggregation
    decimals: int
    rows: tuple[UnitValue, ...]
    total: Decimal | None = None
    total_numerator: Decimal | None = None
    total_denominator: Decimal | None = None
    total_provincial_target: Decimal | None = None
    previous_total: Decimal | None = None
    previous_numerator: Decimal | None = None
    previous_denominator: Decimal | None = None
    previous_complete: bool = True  # False when some units had no figure for last year
    target: Target | None = None
    target_met: bool | None = None
    progress: Decimal | None = None  # % of the plan's numeric target reached by the total
    numerator_name: str = ""
    denominator_name: str = ""
    numerator_decimals: int = 2
    denominator_decimals: int = 2

    @property
    def key(self) -> str:
        return f"{self.form}:{self.code}"

    @property
    def reported(self) -> int:
        """How many units gave a usable figure."""
        return sum(
            1
            for row in self.rows
            if row.value is not None or (self.kind in _TEXT_KINDS and row.text)
        )

    @property
    def has_numeric_target(self) -> bool:
        return self.target is not None and self.target.value is not None

    @property
    def is_key(self) -> bool:
        """Key indicators get a chart: the plan sets a numeric target and units give numbers."""
        return self.has_numeric_target and self.kind in _NUMERIC_KINDS

    @property
    def change_pct(self) -> Decimal | None:
        return change_pct(self.total, self.previous_total)


_TEXT_KINDS = frozenset({"grade", "milestone", "text"})
_NUMERIC_KINDS = frozenset({"number", "ratio", "provincial", "trend"})


def change_pct(value: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous) * 100


class FormState(enum.Enum):
    SUBMITTED = "submitted"
    WITH_WARNINGS = "warnings"  # submitted, with warnings the unit accepted and explained
    MISSING = "missing"
    NOT_REQUIRED = "not_required"  # the unit does not report this form


@dataclass(frozen=True)
class CompletenessRow:
    unit: UnitProfile
    states: dict[str, FormState]  # form code → state, in the pack's order
    revision: int | None = None  # None: nothing received from this unit

    @property
    def received(self) -> bool:
        return self.revision is not None


@dataclass(frozen=True)
class UnitWarning:
    """A warning a unit accepted, with its explanation, named by the unit."""

    unit: UnitProfile
    form: str
    field: str | None
    problem_id: str
    message: str
    explanation: str


# conflict: two different signed files claim the same unit, period and revision (different
# signed-data digests); none of them is used until the unit says which one it sent.
FileStatus = Literal["used", "refused", "superseded", "other_period", "duplicate", "conflict"]


@dataclass(frozen=True)
class FileNote:
    """What became of one received file, for the summary's list of files."""

    name: str
    status: FileStatus
    unit: str  # display name of the unit, "" when unknown
    period: str
    revision: int | None
    reason: str  # Chinese; why it was refused or set aside, or the verifier's verdict


@dataclass(frozen=True)
class UnitAttachment:
    """One evidence file of a kept submission, as the verifier found it in the unit's package.

    ``status``: ``ok`` (the bytes are the ones signed), ``missing`` (signed, not received: a
    workbook sent alone, or a file taken out of the package), ``altered`` (bytes differ) or
    ``refused`` (an executable); only an ``ok`` file may be opened, from ``package`` (see
    :func:`ecodesk.attachments.package.extract_attachment`).
    """

    unit: UnitProfile
    file: AttachedFile
    status: str
    detail: str = ""  # Chinese, for anything but ok
    package: Path | None = None
    member: str = ""  # its name inside the package

    @property
    def form(self) -> str:
        return self.file.key.partition(":")[0]

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class Summary:
    """A consolidation of one period: what the consolidated workbook and the window show."""

    pack: FormPack
    period: Period | None
    submissions: list[SubmissionData] = field(default_factory=list)  # one per unit
    indicators: list[IndicatorSummary] = field(default_factory=list)
    completeness: list[CompletenessRow] = field(default_factory=list)
    warnings: list[UnitWarning] = field(default_factory=list)
    files: list[FileNote] = field(default_factory=list)
    # claims the plan counts that no signed attachment backs (see consolidation.evidence)
    unbacked: list[UnbackedClaim] = field(default_factory=list)
    created: datetime = field(default_factory=datetime.now)
    # the receiving office's review of each unit (unit_id → state), when its record was given
    review: dict[tuple[str, str], UnitReview] = field(default_factory=dict)
    totals_basis: str = ""  # what the totals use, stated on the summary (see review.state)
    # every evidence file of the kept submissions, checked (unit order, then signed order)
    attachments: list[UnitAttachment] = field(default_factory=list)

    def attachments_of(self, unit: UnitProfile, form: str | None = None) -> list[UnitAttachment]:
        """The evidence files of one unit (of one form, when given)."""
        return [
            a
            for a in self.attachments
            if unit_id(a.unit) == unit_id(unit) and (form is None or a.form == form)
        ]

    # units that reported under another form pack than the receiver's (consolidation.packs)
    other_packs: list[Any] = field(default_factory=list)
    # 按时 / 迟报 N 天 / 未报 per unit (unit_id → timeliness), from the receiver's calendar
    timeliness: dict[tuple[str, str], Timeliness] = field(default_factory=dict)

    def indicator(self, key: str) -> IndicatorSummary:
        for summary in self.indicators:
            if summary.key == key:
                return summary
        raise KeyError(key)

    @property
    def units(self) -> list[UnitProfile]:
        return [data.unit for data in self.submissions]
