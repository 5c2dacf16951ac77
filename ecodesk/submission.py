"""The values that cross module boundaries: a unit, a period, and one submission's data.

The store produces :class:`SubmissionData`; validation, the signed workbook, the printed sheet
and consolidation all read it. Values are kept exactly as the clerk typed them (``str``):
nothing typed is ever lost, and :func:`ecodesk.forms.numbers.parse_clerk_number` turns them
into ``Decimal`` where a number is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

PERIOD_RE = re.compile(r"^(\d{4})(?:Q([1-4]))?$")

Status = Literal["draft", "checked", "signed"]


class BadPeriod(EcoDeskError, ValueError):
    """A period written in a form EcoDesk does not know (the message says which forms it takes)."""


@dataclass(frozen=True)
class Period:
    """A reporting period: a year (``2026``) or a quarter (``2026Q3``).

    Periods are ordered by when they end: the quarters of a year come before the year itself,
    which ends with its fourth quarter (2025Q1 < 2025Q4 < 2025 < 2026Q1).
    """

    year: int
    quarter: int | None = None

    @property
    def end(self) -> Decimal:
        """Where the period ends on a time axis in years: the end of 2025 is 2025, the end of
        2025Q1 is 2024.25 (a year and its fourth quarter end together)."""
        if self.quarter:
            return Decimal(self.year - 1) + Decimal(self.quarter) / 4
        return Decimal(self.year)

    def _order(self) -> tuple[int, int]:
        return (self.year, self.quarter or 5)

    def __lt__(self, other: Period) -> bool:
        return self._order() < other._order()

    def __le__(self, other: Period) -> bool:
        return self._order() <= other._order()

    def __gt__(self, other: Period) -> bool:
        return self._order() > other._order()

    def __ge__(self, other: Period) -> bool:
        return self._order() >= other._order()

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_RE.match(text.strip().upper())
        if not match:
            raise BadPeriod(
                tr(
                    "period",
                    "报送期“{text}”格式不对，应为年份（如 2026）或季度（如 2026Q3）。",
                    text=text,
                )
            )
        quarter = int(match.group(2)) if match.group(2) else None
        return cls(int(match.group(1)), quarter)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        if self.quarter:
            return tr("period", "{year}年第{quarter}季度", year=self.year, quarter=self.quarter)
        return tr("period", "{year}年度", year=self.year)

    @property
    def document_label(self) -> str:
        """The label on the official documents (printed sheet, signed workbook): Chinese in any window."""
        return f"{self.year}年第{self.quarter}季度" if self.quarter else f"{self.year}年度"

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.quarter)


COUNTY_PLACEHOLDER = "县"  # the plan's "this county's" in 县林业局
CITY_PLACEHOLDER = "市"  # the plan's "the city's" in 市林业局


def short_division_name(division_name: str) -> str:
    """于都县 → 于都, 赣州市 → 赣州: how other bodies' names mention a division."""
    if len(division_name) > 2 and division_name[-1] in "县市区":
        return division_name[:-1]
    return division_name


def unit_name(division_name: str, department: str) -> str:
    """The unit's full name: 于都县 + 林业局 → 于都县林业局, never 于都县县林业局.

    A department whose name already names the division (国网于都县供电公司, 人民银行赣州市分行)
    is its own full name. A leading 县 is the plan's placeholder (profiles saved before this
    rule held the plan's wording) and gives way to the division's name.
    """
    department = department.strip()
    if not division_name:
        return department
    if division_name in department or short_division_name(division_name) in department:
        return department
    if department.startswith(COUNTY_PLACEHOLDER) and len(department) > 1:
        department = department[1:]
    return f"{division_name}{department}"


def department_label(department: str) -> str:
    """A department's name among the departments of one division: 县林业局 → 林业局."""
    department = department.strip()
    if department.startswith(COUNTY_PLACEHOLDER) and len(department) > 1:
        return department[1:]
    return department


@dataclass(frozen=True)
class UnitProfile:
    """Who reports: a division (县/市/区 or functional zone) and a department inside it."""

    division_code: str
    division_name: str
    department: str
    preparer: str = ""
    reviewer: str = ""
    phone: str = ""
    head: str = ""  # 单位负责人

    @property
    def display_name(self) -> str:
        return unit_name(self.division_name, self.department)


class ProfileMissing(EcoDeskError):
    """The unit has not said who it is yet (no :class:`UnitProfile`): nothing can be printed,
    signed or imported for it. The message says what could not be done and what to do."""


@dataclass(frozen=True)
class AcceptedWarning:
    """A warning the unit accepted, with the explanation that travels with the data."""

    problem_id: str  # stable id of the problem, see ecodesk.forms.rules.Problem.id
    form: str
    message: str
    explanation: str
    field: str | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """The unit's answer to one query of the receiver's feedback (``n``: its number there)."""

    n: int
    key: str
    question: str
    answer: str


@dataclass(frozen=True)
class AttachedFile:
    """An evidence file (佐证材料) as the signature binds it: where it belongs, what it is.

    ``label`` is how the place read when signed (``1.1 森林覆盖率``): the package's file names
    are made from it and ``name`` (:func:`ecodesk.attachments.package.member_names`).
    """

    n: int  # its number in the signed records, from 1
    key: str
    label: str
    name: str
    kind: str  # ecodesk.attachments.kinds code: pdf, jpeg, png, docx, xlsx, doc, xls, wps, et, ofd
    size: int
    sha256: str
    note: str


TableRow = dict[str, str]


@dataclass
class SubmissionData:
    """One submission (unit × period × revision) as plain data."""

    unit: UnitProfile
    period: Period
    revision: int
    pack_version: str
    forms: list[str]  # form codes the unit reports on, in the plan's order
    status: Status = "draft"
    supersedes: int | None = None
    values: dict[str, str] = field(default_factory=dict)  # "form:field" → text as typed
    narratives: dict[str, str] = field(default_factory=dict)  # "form:section" → text
    tables: dict[str, list[TableRow]] = field(default_factory=dict)  # "form:table" → rows
    accepted: list[AcceptedWarning] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)  # last year's values, same keys
    history: dict[str, dict[str, str]] = field(default_factory=dict)  # period → values, for trends
    supersedes_digest: str = ""  # digest of the signed revision this one replaces
    answers_feedback: str = ""  # digest of the feedback whose queries this revision answers
    answers: list[QueryAnswer] = field(default_factory=list)
    attachments: list[AttachedFile] = field(default_factory=list)  # evidence, in signed order
    pack_digest: str = ""  # content digest of the form pack the data was made under
    # values of fields the pack in use no longer asks for (已停用): kept, never exported
    retired: dict[str, str] = field(default_factory=dict)

    def value(self, key: str) -> str:
        return self.values.get(key, "")

    def narrative(self, form: str, section: str) -> str:
        return self.narratives.get(f"{form}:{section}", "")

    def rows(self, form: str, table: str) -> list[TableRow]:
        return self.tables.get(f"{form}:{table}", [])

    def has_content(self, form: str) -> bool:
        """Whether anything of ``form`` is filled in: a figure, a narrative section, a table row."""
        prefix = f"{form}:"
        return (
            any(k.startswith(prefix) and v.strip() for k, v in self.values.items())
            or any(k.startswith(prefix) and v.strip() for k, v in self.narratives.items())
            or any(k.startswith(prefix) and rows for k, rows in self.tables.items())
        )

    def explanation_for(self, problem_id: str) -> str | None:
        for accepted in self.accepted:
            if accepted.problem_id == problem_id:
                return accepted.explanation
        return None


@dataclass(frozen=True)
class SignoffEntry:
    """One person of a sign-off and when they acted (their last change, review or signature)."""

    name: str
    at: datetime | None = None


@dataclass(frozen=True)
class Signoff:
    """Who actually filled, reviewed and signed a revision, as the store recorded it (only when
    the office uses people and roles; the printed sheet otherwise names the profile's people)."""

    filled: tuple[SignoffEntry, ...] = ()
    reviewed: tuple[SignoffEntry, ...] = ()
    signed: SignoffEntry | None = None
