"""The reporting calendar (报送日历): when reporting on a period opens and when it is due.

The city sets it in the pack's ``calendar.yaml`` (see the comments there); this module reads
the checked file into plain frozen values and answers, for a period (year or quarter) and a
form, the opening date and the due date, and — for a date the caller passes, never the clock —
how many days are left or overdue. Dates are counted from the last day of the period, so a
fourth quarter or a year is due in January of the next year without any special case.

Which date wins, most specific first: an explicit date for the period *and* the form, an
explicit date for the period, the form's own rule, the rule for its kind of period (year or
quarter). Opening and due dates are resolved separately, so an explicit entry may move only
the due date.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ecodesk.forms.schema import FORM_CODE_RE, Strict
from ecodesk.i18n import tr
from ecodesk.submission import BadPeriod, Period

CALENDAR_FILE = "calendar.yaml"
PeriodKind = Literal["year", "quarter"]
KINDS: tuple[PeriodKind, ...] = ("year", "quarter")
MAX_OFFSET_DAYS = 366


# --------------------------------------------------------------------------- the file's schema


class RuleSpec(Strict):
    """A rule for every period of one kind: days counted from the period's last day."""

    opens_before_end: int = Field(ge=0, le=MAX_OFFSET_DAYS)
    due_after_end: int = Field(ge=0, le=MAX_OFFSET_DAYS)


class FormRulesSpec(Strict):
    year: RuleSpec | None = None
    quarter: RuleSpec | None = None


class DateSpec(Strict):
    """An explicit date for one period (and optionally one form)."""

    period: str
    form: Annotated[str, Field(pattern=FORM_CODE_RE)] | None = None
    opens: date | None = None
    due: date | None = None

    @field_validator("period", mode="before")
    @classmethod
    def _period_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value  # `period: 2026` unquoted

    @field_validator("period")
    @classmethod
    def _period_form(cls, value: str) -> str:
        try:
            Period.parse(value)
        except BadPeriod as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _something_set(self) -> DateSpec:
        if self.opens is None and self.due is None:
            raise ValueError("至少写明 opens（开始填报）或 due（截止）之一")
        if self.opens is not None and self.due is not None and self.opens > self.due:
            raise ValueError(f"开始填报日期 {self.opens} 晚于截止日期 {self.due}")
        return self


class CalendarSpec(Strict):
    """``calendar.yaml``."""

    rules: dict[PeriodKind, RuleSpec]
    forms: dict[str, FormRulesSpec] = Field(default_factory=dict)
    dates: list[DateSpec] = Field(default_factory=list)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Rule:
    """Reporting opens ``opens_before_end`` days before the period's last day and is due
    ``due_after_end`` days after it."""

    opens_before_end: int
    due_after_end: int


@dataclass(frozen=True)
class ExplicitDate:
    period: Period
    form: str | None = None
    opens: date | None = None
    due: date | None = None


@dataclass(frozen=True)
class Deadline:
    """When reporting ``form`` (``None``: the whole submission) on ``period`` opens and is due."""

    period: Period
    form: str | None
    opens: date
    due: date

    def status(self, today: date) -> DeadlineStatus:
        if today < self.opens:
            return DeadlineStatus("not_open", (self.opens - today).days, self)
        if today <= self.due:
            return DeadlineStatus("open", (self.due - today).days, self)
        return DeadlineStatus("overdue", (today - self.due).days, self)

    def days_late(self, when: date | datetime) -> int:
        """Days after the due date that ``when`` falls on (0: on time). A datetime counts by
        its own calendar day (an export at 23:59 on the due day is on time)."""
        day = when.date() if isinstance(when, datetime) else when
        return max(0, (day - self.due).days)


@dataclass(frozen=True)
class DeadlineStatus:
    """Where ``today`` stands: ``not_open`` (``days`` until it opens), ``open`` (``days``
    left, 0 on the due day) or ``overdue`` (``days`` past the due date)."""

    state: Literal["not_open", "open", "overdue"]
    days: int
    deadline: Deadline

    @property
    def label(self) -> str:
        """未开始 / 距截止还有 N 天 / 今天截止 / 已逾期 N 天."""
        if self.state == "not_open":
            return tr("calendar", "未开始")
        if self.state == "overdue":
            return tr("calendar", "已逾期 {n} 天", n=self.days)
        if self.days == 0:
            return tr("calendar", "今天截止")
        return tr("calendar", "距截止还有 {n} 天", n=self.days)

    @property
    def detail(self) -> str:
        """The label with the dates: 截止日期 2027-01-20（距截止还有 3 天）."""
        d = self.deadline
        if self.state == "not_open":
            return tr(
                "calendar",
                "{opens} 开始填报，截止日期 {due}",
                opens=d.opens.isoformat(),
                due=d.due.isoformat(),
            )
        return tr("calendar", "截止日期 {due}（{label}）", due=d.due.isoformat(), label=self.label)


def period_end(period: Period) -> date:
    """The last day of ``period``: 2026 → 2026-12-31, 2026Q1 → 2026-03-31."""
    if period.quarter is None:
        return date(period.year, 12, 31)
    month = period.quarter * 3
    return date(period.year, month, _gregorian.monthrange(period.year, month)[1])


def period_kind(period: Period) -> PeriodKind:
    return "year" if period.quarter is None else "quarter"


@dataclass(frozen=True)
class ReportingCalendar:
    """The pack's calendar as plain values (equal when they say the same thing)."""

    rules: Mapping[PeriodKind, Rule] = field(default_factory=dict)
    form_rules: Mapping[str, Mapping[PeriodKind, Rule]] = field(default_factory=dict)
    dates: tuple[ExplicitDate, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.rules and not self.form_rules and not self.dates

    def _rule(self, period: Period, form: str | None) -> Rule | None:
        kind = period_kind(period)
        if form is not None and kind in self.form_rules.get(form, {}):
            return self.form_rules[form][kind]
        return self.rules.get(kind)

    def _explicit(self, period: Period, form: str | None, part: str) -> date | None:
        for wanted in (form,) if form is None else (form, None):
            for entry in self.dates:
                value = getattr(entry, part)
                if entry.period == period and entry.form == wanted and value is not None:
                    return value  # type: ignore[no-any-return]
        return None

    def deadline(self, period: Period, form: str | None = None) -> Deadline | None:
        """When reporting ``form`` on ``period`` opens and is due; ``None`` when the calendar
        says nothing about it (no rule for its kind of period and no explicit date)."""
        rule = self._rule(period, form)
        end = period_end(period)
        due = self._explicit(period, form, "due")
        opens = self._explicit(period, form, "opens")
        if due is None and rule is not None:
            due = end + timedelta(days=rule.due_after_end)
        if opens is None and rule is not None:
            opens = end - timedelta(days=rule.opens_before_end)
        if due is None:
            return None
        if opens is None or opens > due:
            opens = min(opens or due, due)
        return Deadline(period, form, opens, due)

    def submission_deadline(self, period: Period, forms: Iterable[str]) -> Deadline | None:
        """The deadline of a submission holding ``forms``: it is on time only if it meets every
        form's due date, so the earliest due date counts (and the earliest opening)."""
        found = [d for d in (self.deadline(period, f) for f in forms) if d is not None]
        if not found:
            return None
        return Deadline(period, None, min(d.opens for d in found), min(d.due for d in found))

    def deadlines(self, years: Sequence[int], forms: Mapping[str, bool]) -> list[Deadline]:
        """Every deadline of the plan's ``years`` for ``forms`` (code → reported quarterly
        too), in time order: each year's quarters (quarterly forms only), then the year."""
        result: list[Deadline] = []
        for year in years:
            periods = [Period(year, q) for q in (1, 2, 3, 4)] + [Period(year)]
            for period in periods:
                for code, quarterly in forms.items():
                    if period.quarter is not None and not quarterly:
                        continue
                    found = self.deadline(period, code)
                    if found is not None:
                        result.append(found)
        return result


def _rule(spec: RuleSpec) -> Rule:
    return Rule(spec.opens_before_end, spec.due_after_end)


def calendar_from_spec(spec: CalendarSpec) -> ReportingCalendar:
    return ReportingCalendar(
        rules={kind: _rule(r) for kind, r in spec.rules.items()},
        form_rules={
            code: {kind: _rule(r) for kind in KINDS if (r := getattr(f, kind)) is not None}
            for code, f in spec.forms.items()
        },
        dates=tuple(
            ExplicitDate(Period.parse(d.period), d.form, d.opens, d.due) for d in spec.dates
        ),
    )


def calendar_problems(
    spec: CalendarSpec, form_codes: Iterable[str], quarterly: Iterable[str], years: Iterable[int]
) -> list[tuple[tuple[Any, ...], str]]:
    """Cross-checks against the rest of the pack: ``(location in the file, problem)`` pairs.

    A form the calendar names must exist; an explicit date must fall in one of the plan's
    years, and a quarter's date must name a quarterly form (or be for every form)."""
    codes, quarterly_codes, plan_years = set(form_codes), set(quarterly), set(years)
    problems: list[tuple[tuple[Any, ...], str]] = []
    for code in spec.forms:
        if code not in codes:
            problems.append((("forms", code), f"没有代码为 {code} 的表单"))
    for i, entry in enumerate(spec.dates):
        period = Period.parse(entry.period)
        if period.year not in plan_years:
            years_text = "、".join(str(y) for y in sorted(plan_years))
            problems.append(
                (("dates", i, "period"), f"报送期 {period} 不在行动方案的年份（{years_text}）内")
            )
        if entry.form is not None and entry.form not in codes:
            problems.append((("dates", i, "form"), f"没有代码为 {entry.form} 的表单"))
        elif entry.form is not None and period.quarter and entry.form not in quarterly_codes:
            problems.append(
                (("dates", i, "form"), f"表单 {entry.form} 不按季度报送，不能为 {period} 定日期")
            )
    return problems
