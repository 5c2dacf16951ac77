"""The rule engine: what is wrong or doubtful in a submission, in sentences a clerk can act on.

Every rule comes from the form pack's data: the implicit rules of each indicator, column and
narrative definition (required, type, range, ratio parts, provincial target, trend, grade,
milestone), the period rules (a cumulative total never falls, a large change from last year
needs an explanation), the target rules (behind a straight-line path to the plan's target)
and the form's explicit ``rules`` (compare, table_total, row_count). Rule text is never
evaluated: operators are looked up in :data:`OPERATORS`, operands are field references.

Decisions worth knowing (they are choices, not accidents):

* **Severity.** Errors are mistakes in the data (missing, unreadable, out of range, a part
  larger than its whole, a cumulative total that fell) and block signing. Anything that
  may be true but needs a reason is a warning the unit can accept with an explanation:
  provincial target missed, trend or grade the wrong way, behind the trajectory, a large
  change from last year — and a **milestone not finished after its deadline**. That one is a
  warning, not an error, because a late task is a fact to be reported honestly: an error
  would leave the clerk only two ways to sign, waiting forever or typing "已完成" untruthfully.
* **Percentages** (unit ``%``) of number and trend indicators and table columns are limited
  to 0–100 unless the definition gives ``max``; growth rates (``scope: growth``) and
  provincial pairs keep only the bounds their definition gives (a 下降率 may be negative).
  Table number columns are non-negative unless the column gives ``min``; year columns lie in
  1949–2100 unless it gives bounds.
* **Targets.** A ``level: county`` target holds every unit to it, so the unit's own value is
  compared. A ``level: city`` target is a city-wide figure: a county's value is only its
  contribution to a sum (2000 firms) or a local rate that may rightly differ from the city's
  (森林覆盖率 in an urban district), and the pack gives no county shares, so county
  submissions skip it; it is checked when the reporting unit is the city itself
  (:data:`CITY_DIVISION_CODE`, the consolidated submission). Grade and milestone targets
  cannot be summed, so they apply to every unit that reports them.
* **Trajectory.** The straight line runs from a base point to the target in its deadline
  year. The base is 0 at the end of the year before the plan for a cumulative total, else the
  earliest value known from the year before the plan onwards (history or last year's value).
  A growth-rate target holds every year, so it is compared as it is. "左右" (``about``/``eq``)
  tolerates :data:`ABOUT_TOLERANCE` shortfall. Without a base the check waits for the deadline.
* **Year-over-year.** A change beyond ``yoy_warn_pct`` from the same period last year is a
  warning. For a cumulative total the comparison is between this year's and last year's
  increments (the total itself always grows fast early on). A zero last year gives no percentage,
  so no warning.
* **Field keys.** Indicator problems name an input field (``"G:forest_coverage.num"``);
  problems about a computed rate name the numerator. Table cells are
  ``"form:table:<table>:<row>:<col>"`` with a 0-based row index (messages say 第 n 行,
  1-based); a whole table is ``"form:table:<table>"``; a narrative is ``"form:<section>"``,
  the key it has in :attr:`SubmissionData.narratives`. Fully blank table rows carry no data
  and are ignored (also by row counts).
"""

from __future__ import annotations

import logging
import operator
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack, InputField, input_fields_of
from ecodesk.forms.numbers import NumberParseError, format_decimal, parse_clerk_number
from ecodesk.forms.schema import (
    Column,
    CompareRule,
    GradeIndicator,
    Indicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    RowCountRule,
    TableSpec,
    TableTotalRule,
    Target,
    TextIndicator,
    TrendIndicator,
)
from ecodesk.i18n import tr
from ecodesk.submission import BadPeriod, Period, SubmissionData

log = logging.getLogger(__name__)

Severity = Literal["error", "warning"]

CITY_DIVISION_CODE = "360700"  # 赣州市 itself: the unit whose figures are the city's
ABOUT_TOLERANCE = Decimal("0.10")  # "2000家左右": up to 10% short still counts as on track
YEAR_BOUNDS = (Decimal(1949), Decimal(2100))
PERCENT = "%"

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}
_MIRRORED = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}


def _operator_words(op: str) -> str:
    """How a rule's operator reads in a sentence (each literal visible to the translation tools)."""
    return {
        "<=": tr("rules", "不大于"),
        "<": tr("rules", "小于"),
        ">=": tr("rules", "不小于"),
        ">": tr("rules", "大于"),
        "==": tr("rules", "等于"),
    }[op]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``error``: blocks signing) or doubtful (``warning``: accept with a reason)."""

    id: str  # stable across runs, so an acceptance sticks: "yoy:1.1:tech_invest"
    severity: Severity
    form: str
    field: str | None  # field key, table cell/table key, narrative key, or None
    message: str  # Chinese: what is wrong and what to do
    explanation: str | None = None  # the unit's explanation when it accepted this warning
    missing: bool = False  # a required value not given yet (an error all the same)

    @property
    def accepted(self) -> bool:
        return self.explanation is not None


class InvalidChoice(EcoDeskError, ValueError):
    """A value that is not one of the field's choices."""


def has_blocking_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error (a missing value included): it cannot be signed yet."""
    return any(p.severity == "error" for p in problems)


def shown_while_filling(
    problems: Iterable[Problem], finished: Collection[str] | None = None
) -> list[Problem]:
    """The problems a clerk is shown while filling in: everything wrong with what was typed,
    but a required value still missing only on a form in ``finished``.

    A form just opened is not wrong, only unfinished: 32 "请填写…" on a blank form read as a
    wall of red before anything was typed. The window counts a form as finished once the
    clerk leaves it after typing in it, or asks for 全面检查 (F5), or tries to sign and export;
    ``None`` means every form. Showing is all this decides: a missing value stays an error, so
    export, printing as final and :func:`has_blocking_errors` still refuse it.
    """
    return [p for p in problems if not p.missing or finished is None or p.form in finished]


# --------------------------------------------------------------------------- values


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def match_choice(choices: Sequence[str], text: str) -> str | None:
    """The choice ``text`` means, forgiving width and Roman-numeral forms (Ⅱ类 = II类)."""
    wanted = _fold(text)
    for choice in choices:
        if _fold(choice) == wanted:
            return choice
    return None


def typed_value(field: InputField, text: str) -> Decimal | str | None:
    """The value of ``text`` typed into ``field``: ``None`` when blank, else a Decimal or a str.

    Raises :class:`NumberParseError` (numbers) or :class:`InvalidChoice` (choices), both
    :class:`EcoDeskError` with a Chinese message.
    """
    if not text or not text.strip():
        return None
    if field.type == "number":
        return parse_clerk_number(text, unit=field.unit, multipliers=field.multipliers)
    if field.type == "choice":
        choice = match_choice(field.choices, text)
        if choice is None:
            raise InvalidChoice(
                tr(
                    "rules",
                    "“{label}”填的“{text}”不是可选项，请从以下选项中选择：{choices}。",
                    label=field.label,
                    text=text.strip(),
                    choices="、".join(field.choices),
                )
            )
        return choice
    return text.strip()


def _quiet_number(field: InputField, text: str | None) -> Decimal | None:
    """A number from stored data (last year, history); unreadable old data is skipped, not blamed."""
    if not text:
        return None
    try:
        value = typed_value(field, text)
    except EcoDeskError:
        log.debug("unreadable stored value %r for %s ignored", text, field.key)
        return None
    return value if isinstance(value, Decimal) else None


def _show(value: Decimal, decimals: int | None = None) -> str:
    """A number for a message: as few digits as say it exactly (or rounded to ``decimals``)."""
    if decimals is not None:
        value = Decimal(format_decimal(value, decimals))
    return format(value.normalize(), "f") if value else "0"


def _with_unit(value: Decimal, unit: str, decimals: int | None = None) -> str:
    return f"{_show(value, decimals)}{unit}"


def _rate(num: Decimal, den: Decimal, scale: Decimal) -> Decimal | None:
    if den <= 0:
        return None
    return num * scale / den


def _period_time(period: Period) -> Decimal:
    """A point on the time axis: the end of the year (2025 → 2025), or of a quarter (2025Q1 → 2024.25)."""
    if period.quarter:
        return Decimal(period.year - 1) + Decimal(period.quarter) / 4
    return Decimal(period.year)


def _warn_tail() -> str:
    return tr("rules", "请核对；如数据无误，请接受此提示并说明原因。")


# --------------------------------------------------------------------------- the checker


class _Checker:
    """The checks of one submission; holds what every check needs."""

    def __init__(self, pack: FormPack, data: SubmissionData) -> None:
        self.pack = pack
        self.data = data
        self.division = data.unit.division_code
        self.now = _period_time(data.period)
        self.plan_start = min(pack.catalog.plan.years) if pack.catalog.plan.years else 2024

    # ----------------------------------------------------------------- helpers

    def applies(self, only_for: list[str]) -> bool:
        return self.pack.applies(only_for, self.division)

    def past_values(self, field: InputField) -> list[tuple[Decimal, Decimal, Period]]:
        """(time, value, period) of this field in earlier periods, oldest first."""
        points: dict[Period, Decimal] = {}
        for label, values in self.data.history.items():
            try:
                period = Period.parse(label)
            except BadPeriod:
                log.debug("history period %r ignored", label)
                continue
            value = _quiet_number(field, values.get(field.key))
            if value is not None and _period_time(period) < self.now:
                points[period] = value
        previous = self.data.period.previous_year()
        value = _quiet_number(field, self.data.previous.get(field.key))
        if value is not None:
            points[previous] = value
        return sorted(((_period_time(p), v, p) for p, v in points.items()), key=lambda x: x[0])

    def value_in(self, field: InputField, period: Period) -> Decimal | None:
        if period == self.data.period.previous_year():
            previous = _quiet_number(field, self.data.previous.get(field.key))
            if previous is not None:
                return previous
        return _quiet_number(field, self.data.history.get(str(period), {}).get(field.key))

    def problem(
        self,
        kind: str,
        severity: Severity,
        form: str,
        field: str | None,
        message: str,
        *,
        missing: bool = False,
    ) -> Problem:
        return Problem(
            id=f"{kind}:{field}" if field else f"{kind}:{form}",
            severity=severity,
            form=form,
            field=field,
            message=message,
            missing=missing,
        )

    # ----------------------------------------------------------------- inputs

    def check_input(
        self, field: InputField, ind: Indicator
    ) -> tuple[list[Problem], Decimal | str | None]:
        """Required, readable, type and range of one input; returns its value when it is sound."""
        text = self.data.value(field.key)
        form, key = field.form, field.key
        try:
            value = typed_value(field, text)
        except InvalidChoice as exc:
            return [self.problem("invalid", "error", form, key, str(exc))], None
        except EcoDeskError as exc:
            message = tr("rules", "“{label}”：{reason}", label=field.label, reason=exc)
            return [self.problem("invalid", "error", form, key, message)], None
        if value is None:
            if field.required:
                what = tr("rules", "请选择") if field.type == "choice" else tr("rules", "请填写")
                message = tr(
                    "rules",
                    "{what}“{label}”{hint}。",
                    what=what,
                    label=field.label,
                    hint=tr("rules", "（单位：{unit}）", unit=field.unit) if field.unit else "",
                )
                return [self.problem("required", "error", form, key, message, missing=True)], None
            return [], None
        if isinstance(value, str):
            if field.type == "text" and field.max_length and len(value) > field.max_length:
                message = tr(
                    "rules",
                    "“{label}”最多 {max} 字，目前 {n} 字，请精简。",
                    label=field.label,
                    max=field.max_length,
                    n=len(value),
                )
                return [self.problem("length", "error", form, key, message)], None
            return [], value
        problems = self.check_number(
            form,
            key,
            _quoted(field.label),
            value,
            field.unit,
            field.integer,
            field.min,
            self.implicit_max(field, ind),
        )
        return problems, (None if problems else value)

    def implicit_max(self, field: InputField, ind: Indicator) -> Decimal | None:
        if field.max is not None:
            return field.max
        if field.unit == PERCENT and isinstance(ind, TrendIndicator):
            return Decimal(100)
        if field.unit == PERCENT and isinstance(ind, NumberIndicator) and ind.scope != "growth":
            return Decimal(100)
        return None

    def check_number(
        self,
        form: str,
        key: str,
        subject: str,
        value: Decimal,
        unit: str,
        integer: bool,
        low: Decimal | None,
        high: Decimal | None,
    ) -> list[Problem]:
        """Integer and range checks; ``subject`` is the quoted name (“森林面积”) used in messages."""
        if integer and value != value.to_integral_value():
            message = tr(
                "rules",
                "{subject}应为整数，填的是 {value}，请去掉小数部分。",
                subject=subject,
                value=_show(value),
            )
            return [self.problem("integer", "error", form, key, message)]
        if high is not None and value > high:
            if unit == PERCENT and high == 100 and (low is None or low == 0):
                message = tr(
                    "rules",
                    "{subject}为 {value}%，百分比应在 0 到 100 之间，请核对是否多输了一位。",
                    subject=subject,
                    value=_show(value),
                )
            elif low is not None:
                message = tr(
                    "rules",
                    "{subject}为 {value}，应在 {low} 到 {high} 之间{unit}，请核对是否多输了一位。",
                    subject=subject,
                    value=_with_unit(value, unit),
                    low=_show(low),
                    high=_show(high),
                    unit=tr("rules", "（单位：{unit}）", unit=unit) if unit else "",
                )
            else:
                message = tr(
                    "rules",
                    "{subject}为 {value}，不能大于 {high}，请核对是否多输了一位。",
                    subject=subject,
                    value=_with_unit(value, unit),
                    high=_with_unit(high, unit),
                )
            return [self.problem("range", "error", form, key, message)]
        if low is not None and value < low:
            if low == 0:
                message = tr(
                    "rules",
                    "{subject}不能为负数（填的是 {value}），请核对。",
                    subject=subject,
                    value=_show(value),
                )
            else:
                message = tr(
                    "rules",
                    "{subject}为 {value}，不能小于 {low}，请核对。",
                    subject=subject,
                    value=_with_unit(value, unit),
                    low=_with_unit(low, unit),
                )
            return [self.problem("range", "error", form, key, message)]
        return []

    # ----------------------------------------------------------------- indicators

    def check_indicator(self, form: str, ind: Indicator) -> list[Problem]:
        if not self.applies(ind.only_for):
            return []
        fields = {f.part: f for f in input_fields_of(form, ind)}
        problems: list[Problem] = []
        values: dict[str, Decimal | str | None] = {}
        for part, field in fields.items():
            found, value = self.check_input(field, ind)
            problems += found
            values[part] = value
        if isinstance(ind, NumberIndicator):
            problems += self.check_number_indicator(form, ind, fields[""], values[""])
        elif isinstance(ind, RatioIndicator):
            problems += self.check_ratio(form, ind, fields, values)
        elif isinstance(ind, ProvincialIndicator):
            problems += self.check_provincial(ind, fields, values)
        elif isinstance(ind, TrendIndicator):
            problems += self.check_trend(ind, fields[""], values[""])
        elif isinstance(ind, GradeIndicator):
            problems += self.check_grade(ind, fields[""], values[""])
        elif isinstance(ind, MilestoneIndicator):
            problems += self.check_milestone(ind, fields[""], values[""])
        else:
            assert isinstance(ind, TextIndicator)
        return problems

    def check_number_indicator(
        self, form: str, ind: NumberIndicator, field: InputField, value: Decimal | str | None
    ) -> list[Problem]:
        if not isinstance(value, Decimal):
            return []
        problems: list[Problem] = []
        if ind.scope == "cumulative":
            problems += self.check_cumulative(field, value)
            if not problems and ind.yoy_warn_pct is not None:
                problems += self.check_cumulative_yoy(field, value, ind.yoy_warn_pct)
        elif ind.yoy_warn_pct is not None:
            previous = self.value_in(field, self.data.period.previous_year())
            problems += self.check_yoy(
                field.form,
                field.key,
                field.key,
                field.label,
                value,
                previous,
                ind.yoy_warn_pct,
                field.unit,
            )
        if ind.target is not None:
            problems += self.check_target(
                field.key, field.key, field.label, field, value, ind.target, ind.scope, field.unit
            )
        return problems

    def check_cumulative(self, field: InputField, value: Decimal) -> list[Problem]:
        """A running total since the plan began never falls below an earlier period's."""
        earlier = [(t, v, p) for t, v, p in self.past_values(field) if p.year >= self.plan_start]
        if not earlier:
            return []
        _, last_value, last_period = earlier[-1]
        if value >= last_value:
            return []
        message = tr(
            "rules",
            "“{label}”是{start}年以来的累计数，不能小于上期（{period}）的 {last}，目前填的是 {value}。"
            "请核对是否填成了本年新增数。",
            label=field.label,
            start=self.plan_start,
            period=last_period.label,
            last=_with_unit(last_value, field.unit),
            value=_with_unit(value, field.unit),
        )
        return [self.problem("cumulative", "error", field.form, field.key, message)]

    def check_cumulative_yoy(
        self, field: InputField, value: Decimal, threshold: Decimal
    ) -> list[Problem]:
        """Compare this year's increment with last year's (the total itself grows fast early on)."""
        last_year = self.data.period.previous_year()
        year_before = last_year.previous_year()
        if last_year.year < self.plan_start:
            return []
        last_total = self.value_in(field, last_year)
        before_total = (
            Decimal(0) if year_before.year < self.plan_start else self.value_in(field, year_before)
        )
        if last_total is None or before_total is None:
            return []
        this_increment, last_increment = value - last_total, last_total - before_total
        change = _change_pct(this_increment, last_increment)
        if change is None or abs(change) <= threshold:
            return []
        message = (
            tr(
                "rules",
                "“{label}”本年新增 {this}（累计 {value} 减上年累计 {last}），比上年新增的 {previous}{direction} {pct}%，"
                "超过 {threshold}%。",
                label=field.label,
                this=_with_unit(this_increment, field.unit),
                value=_show(value),
                last=_show(last_total),
                previous=_with_unit(last_increment, field.unit),
                direction=_direction(change),
                pct=_show(abs(change), 0),
                threshold=_show(threshold),
            )
            + _warn_tail()
        )
        return [self.problem("yoy", "warning", field.form, field.key, message)]

    def check_yoy(
        self,
        form: str,
        anchor: str,
        key: str,
        label: str,
        value: Decimal,
        previous: Decimal | None,
        threshold: Decimal,
        unit: str,
    ) -> list[Problem]:
        """``anchor`` names the id (indicator key), ``key`` the field the problem points at."""
        if previous is None:
            return []
        change = _change_pct(value, previous)
        if change is None or abs(change) <= threshold:
            return []
        message = (
            tr(
                "rules",
                "“{label}”为 {value}，{last}为 {previous}，与上年相比{direction} {pct}%，超过 {threshold}%。",
                last=tr("rules", "上年同期") if self.data.period.quarter else tr("rules", "上年"),
                label=label,
                value=_with_unit(value, unit, 2),
                previous=_with_unit(previous, unit, 2),
                direction=_direction(change),
                pct=_show(abs(change), 0),
                threshold=_show(threshold),
            )
            + _warn_tail()
        )
        return [
            Problem(id=f"yoy:{anchor}", severity="warning", form=form, field=key, message=message)
        ]

    def check_ratio(
        self,
        form: str,
        ind: RatioIndicator,
        fields: dict[str, InputField],
        values: dict[str, Decimal | str | None],
    ) -> list[Problem]:
        num, den = values["num"], values["den"]
        num_field, den_field = fields["num"], fields["den"]
        anchor = f"{form}:{ind.code}"
        problems: list[Problem] = []
        if isinstance(den, Decimal) and den == 0:
            message = tr(
                "rules",
                "“{den}”为 0，无法计算“{name}”，请填写大于 0 的数。",
                den=den_field.label,
                name=ind.name,
            )
            problems.append(
                Problem(
                    id=f"ratio_den:{anchor}",
                    severity="error",
                    form=form,
                    field=den_field.key,
                    message=message,
                )
            )
            return problems
        if not (isinstance(num, Decimal) and isinstance(den, Decimal)):
            return problems
        if ind.unit == PERCENT and num > den:
            message = tr(
                "rules",
                "“{num}”（{n}）大于“{den}”（{d}），“{name}”会超过 100%，请核对两个数是否填反或多输了一位。",
                num=num_field.label,
                n=_with_unit(num, num_field.unit),
                den=den_field.label,
                d=_with_unit(den, den_field.unit),
                name=ind.name,
            )
            problems.append(
                Problem(
                    id=f"ratio:{anchor}",
                    severity="error",
                    form=form,
                    field=num_field.key,
                    message=message,
                )
            )
            return problems
        rate = _rate(num, den, ind.scale)
        assert rate is not None
        if ind.yoy_warn_pct is not None:
            last = self.data.period.previous_year()
            previous_num, previous_den = (
                self.value_in(num_field, last),
                self.value_in(den_field, last),
            )
            previous_rate = (
                _rate(previous_num, previous_den, ind.scale)
                if previous_num is not None and previous_den is not None
                else None
            )
            problems += self.check_yoy(
                form,
                anchor,
                num_field.key,
                ind.name,
                rate,
                previous_rate,
                ind.yoy_warn_pct,
                ind.unit,
            )
        if ind.target is not None:
            problems += self.check_target(
                anchor,
                num_field.key,
                ind.name,
                None,
                rate,
                ind.target,
                ind.scope,
                ind.unit,
                ratio=(ind, num_field, den_field),
            )
        return problems

    def check_provincial(
        self,
        ind: ProvincialIndicator,
        fields: dict[str, InputField],
        values: dict[str, Decimal | str | None],
    ) -> list[Problem]:
        target, actual = values["target"], values["actual"]
        if not (isinstance(target, Decimal) and isinstance(actual, Decimal)):
            return []
        met = actual >= target if ind.better == "higher" else actual <= target
        if met:
            return []
        field = fields["actual"]
        message = (
            tr(
                "rules",
                "未完成省下达指标：“{name}”实际完成 {actual}，省下达目标为 {target}（{rule}）。",
                name=ind.name,
                actual=_with_unit(actual, ind.unit),
                target=_with_unit(target, ind.unit),
                rule=tr("rules", "不低于目标为完成")
                if ind.better == "higher"
                else tr("rules", "不高于目标为完成"),
            )
            + _warn_tail()
        )
        return [
            Problem(
                id=f"provincial:{field.form}:{ind.code}",
                severity="warning",
                form=field.form,
                field=field.key,
                message=message,
            )
        ]

    def check_trend(
        self, ind: TrendIndicator, field: InputField, value: Decimal | str | None
    ) -> list[Problem]:
        if not isinstance(value, Decimal):
            return []
        previous = self.value_in(field, self.data.period.previous_year())
        if previous is None:
            return []
        wrong = value > previous if ind.direction == "down" else value < previous
        if not wrong:
            return []
        wanted = {
            "up": tr("rules", "稳步提升"),
            "down": tr("rules", "持续下降"),
            "stable_or_up": tr("rules", "稳中向好"),
        }[ind.direction]
        message = (
            tr(
                "rules",
                "“{name}”为 {value}，上年为 {previous}，{moved}，与行动方案“{wanted}”的要求相反（{plan}）。",
                name=ind.name,
                value=_with_unit(value, ind.unit),
                previous=_with_unit(previous, ind.unit),
                moved=tr("rules", "比上年上升") if value > previous else tr("rules", "比上年下降"),
                wanted=wanted,
                plan=ind.plan_text,
            )
            + _warn_tail()
        )
        return [self.problem("trend", "warning", field.form, field.key, message)]

    def check_grade(
        self, ind: GradeIndicator, field: InputField, value: Decimal | str | None
    ) -> list[Problem]:
        if not isinstance(value, str) or ind.target is None or ind.target.grade is None:
            return []
        if ind.grades.index(value) <= ind.grades.index(ind.target.grade):
            return []
        message = (
            tr(
                "rules",
                "“{name}”为 {value}，未达到“{grade}或更好”的目标（{plan}）。",
                name=ind.name,
                value=value,
                grade=ind.target.grade,
                plan=ind.target.plan_text,
            )
            + _warn_tail()
        )
        return [self.problem("grade", "warning", field.form, field.key, message)]

    def check_milestone(
        self, ind: MilestoneIndicator, field: InputField, value: Decimal | str | None
    ) -> list[Problem]:
        if not isinstance(value, str) or value == ind.done_state:
            return []
        # The deadline is the end of the target year; a report for that year (or its Q4) is made after it.
        if self.now < Decimal(ind.target.year):
            return []
        message = tr(
            "rules",
            "“{name}”要求{deadline}完成（{plan}），本期填报为“{value}”，已超过期限。"
            "如确未完成，请接受此提示并说明原因和预计完成时间；如已完成，请改为“{done}”。",
            name=ind.name,
            deadline=ind.target.deadline,
            plan=ind.target.plan_text,
            value=value,
            done=ind.done_state,
        )
        return [self.problem("milestone", "warning", field.form, field.key, message)]

    # ----------------------------------------------------------------- targets

    def target_applies(self, target: Target) -> bool:
        return target.level == "county" or self.division == CITY_DIVISION_CODE

    def check_target(
        self,
        anchor: str,
        key: str,
        label: str,
        field: InputField | None,
        value: Decimal,
        target: Target,
        scope: str,
        unit: str,
        ratio: tuple[RatioIndicator, InputField, InputField] | None = None,
    ) -> list[Problem]:
        if target.value is None and target.comparator != "zero":
            return []
        if not self.target_applies(target):
            return []
        goal = Decimal(0) if target.comparator == "zero" else target.value
        assert goal is not None
        deadline = Decimal(target.year)
        base = None if scope == "growth" else self.trajectory_base(field, ratio, scope)
        if scope == "growth" or self.now >= deadline:
            expected, on_line = goal, False
        elif base is None or base[0] >= self.now:
            return []
        else:
            base_time, base_value, _ = base
            expected = base_value + (goal - base_value) * (self.now - base_time) / (
                deadline - base_time
            )
            # Starting beyond the target, the line runs back to it; being beyond the target is never "behind".
            lower_is_better = target.comparator in ("le", "zero")
            expected = max(expected, goal) if lower_is_better else min(expected, goal)
            on_line = True
        if not _behind(target.comparator, value, expected, goal, final=not on_line):
            return []
        if on_line:
            assert base is not None
            message = tr(
                "rules",
                "“{label}”为 {value}，按从{base_when}的 {base} 到{year}年目标 {goal} 的均衡进度，"
                "本期应达到 {expected}左右，进度落后（{plan}）。",
                label=label,
                value=_with_unit(value, unit, 2),
                base_when=base[2],
                base=_with_unit(base[1], unit, 2),
                year=target.year,
                goal=_with_unit(goal, unit),
                expected=_with_unit(expected, unit, 2),
                plan=target.plan_text,
            )
        else:
            message = tr(
                "rules",
                "“{label}”为 {value}，未达到目标：{plan}。",
                label=label,
                value=_with_unit(value, unit, 2),
                plan=target.plan_text,
            )
        return [
            Problem(
                id=f"target:{anchor}",
                severity="warning",
                form=anchor.partition(":")[0],
                field=key,
                message=message + _warn_tail(),
            )
        ]

    def trajectory_base(
        self,
        field: InputField | None,
        ratio: tuple[RatioIndicator, InputField, InputField] | None,
        scope: str,
    ) -> tuple[Decimal, Decimal, str] | None:
        """(time, value, year label) the straight line starts from."""
        start = self.plan_start - 1
        if scope == "cumulative":
            return Decimal(start), Decimal(0), tr("rules", "{year}年底", year=start)
        points: list[tuple[Decimal, Decimal, Period]] = []
        if field is not None:
            points = self.past_values(field)
        elif ratio is not None:
            ind, num_field, den_field = ratio
            nums = {p: v for _, v, p in self.past_values(num_field)}
            for t, den, p in self.past_values(den_field):
                rate = _rate(nums[p], den, ind.scale) if p in nums else None
                if rate is not None:
                    points.append((t, rate, p))
        points = [(t, v, p) for t, v, p in points if t >= start]
        if not points:
            return None
        t, v, p = points[0]
        return t, v, (tr("rules", "{year}年", year=p.year) if p.quarter is None else p.label)

    # ----------------------------------------------------------------- tables

    def check_table(self, form: str, table: TableSpec) -> list[Problem]:
        if not self.applies(table.only_for):
            return []
        problems: list[Problem] = []
        for index, row in enumerate(self.data.rows(form, table.code)):
            if _blank_row(row):
                continue
            for column in table.columns:
                problems += self.check_cell(form, table, index, column, row.get(column.code, ""))
        return problems

    def check_cell(
        self, form: str, table: TableSpec, index: int, column: Column, text: str
    ) -> list[Problem]:
        key = f"{form}:table:{table.code}:{index}:{column.code}"
        label = tr(
            "rules",
            "“{table}”第 {row} 行的“{column}”",
            table=table.name,
            row=index + 1,
            column=column.name,
        )
        if not text or not text.strip():
            if not column.required:
                return []
            message = tr("rules", "{label}未填写，请填写或删除该行。", label=label)
            return [self.problem("required", "error", form, key, message, missing=True)]
        if column.type == "text":
            return []
        if column.type == "choice":
            if match_choice(column.choices, text) is None:
                message = tr(
                    "rules",
                    "{label}填的“{text}”不是可选项，请从以下选项中选择：{choices}。",
                    label=label,
                    text=text.strip(),
                    choices="、".join(column.choices),
                )
                return [self.problem("invalid", "error", form, key, message)]
            return []
        unit = "年" if column.type == "year" and not column.unit else column.unit
        try:
            value = parse_clerk_number(text, unit=unit)
        except NumberParseError as exc:
            message = tr("rules", "{label}：{reason}", label=label, reason=exc)
            return [self.problem("invalid", "error", form, key, message)]
        low, high = column.min, column.max
        if column.type == "year":
            low = YEAR_BOUNDS[0] if low is None else low
            high = YEAR_BOUNDS[1] if high is None else high
        else:
            low = Decimal(0) if low is None else low
            if high is None and column.unit == PERCENT:
                high = Decimal(100)
        return self.check_number(
            form, key, label, value, column.unit, column.type in ("integer", "year"), low, high
        )

    # ----------------------------------------------------------------- explicit rules

    def operand(self, form: str, text: str) -> tuple[Decimal | None, str, str | None]:
        """(value, label, field key) of a rule operand; value None when it cannot be known yet."""
        if text.startswith("table:"):
            ref = text[len("table:") :]
            tcode, _, count = ref.partition("#")
            tcode, _, column_code = tcode.partition(".")
            table = next((t for t in self.pack.form(form).tables if t.code == tcode), None)
            if table is None or not self.applies(table.only_for):
                return None, "", None
            rows = [r for r in self.data.rows(form, tcode) if not _blank_row(r)]
            table_key = f"{form}:table:{tcode}"
            if count:
                return (
                    Decimal(len(rows)),
                    tr("rules", "“{table}”的行数", table=table.name),
                    table_key,
                )
            column = next(c for c in table.columns if c.code == column_code)
            total = Decimal(0)
            for row in rows:
                cell = row.get(column_code, "")
                if not cell.strip():
                    continue
                try:
                    total += parse_clerk_number(cell, unit=column.unit)
                except NumberParseError:
                    return None, "", table_key  # the cell's own error says what to fix
            return (
                total,
                tr("rules", "“{table}”中“{column}”的合计", table=table.name, column=column.name),
                table_key,
            )
        try:
            field = self.pack.input_field(f"{form}:{text}")
        except KeyError:
            try:
                literal = Decimal(text)
            except ArithmeticError:
                log.warning(
                    "rule operand %r in form %s is neither a field nor a number", text, form
                )
                return None, "", None
            return (literal if literal.is_finite() else None), "", None  # a literal needs no label
        if not self.applies(self.pack.indicator(form, field.indicator).only_for):
            return None, "", None
        try:
            value = typed_value(field, self.data.value(field.key))
        except EcoDeskError:
            return None, f"“{field.label}”", field.key
        return (value if isinstance(value, Decimal) else None), f"“{field.label}”", field.key

    def check_rule(
        self, form: str, rule: CompareRule | TableTotalRule | RowCountRule
    ) -> list[Problem]:
        rule_id = f"rule:{form}:{rule.id}"
        if isinstance(rule, CompareRule):
            left, left_label, left_key = self.operand(form, rule.left)
            right, right_label, right_key = self.operand(form, rule.right)
            if left is None or right is None or OPERATORS[rule.op](left, right):
                return []
            if left_label and right_label:
                detail = tr(
                    "rules",
                    "（{left}为 {lv}，{right}为 {rv}）",
                    left=left_label,
                    lv=_show(left),
                    right=right_label,
                    rv=_show(right),
                )
            else:
                detail = tr(
                    "rules",
                    "（{subject}为 {value}，应{op} {bound}）",
                    subject=left_label or right_label,
                    value=_show(left if left_label else right),
                    op=_operator_words(rule.op if left_label else _MIRRORED[rule.op]),
                    bound=_show(right if left_label else left),
                )
            return [
                self.rule_problem(
                    rule_id, rule.severity, form, left_key or right_key, rule.message, detail
                )
            ]
        total, _, total_key = self.operand(form, rule.total)
        if isinstance(rule, TableTotalRule):
            summed, summed_label, table_key = self.operand(
                form, f"table:{rule.table}.{rule.column}"
            )
            if total is None or summed is None or abs(summed - total) <= rule.tolerance:
                return []
            detail = tr(
                "rules",
                "（{what}为 {sum}，填报的总数为 {total}）",
                what=summed_label,
                sum=_show(summed),
                total=_show(total),
            )
        else:
            summed, summed_label, table_key = self.operand(form, f"table:{rule.table}#count")
            if total is None or summed is None or summed == total:
                return []
            detail = tr(
                "rules",
                "（表中列了 {rows} 行，填报的数量为 {total}）",
                rows=_show(summed),
                total=_show(total),
            )
        return [
            self.rule_problem(
                rule_id, rule.severity, form, total_key or table_key, rule.message, detail
            )
        ]

    def rule_problem(
        self,
        rule_id: str,
        severity: Severity,
        form: str,
        key: str | None,
        message: str,
        detail: str,
    ) -> Problem:
        # The definition's own sentence comes first; the figures and what to do are added once.
        text = message.rstrip("。.;；，, ") + detail + "。"
        if severity == "error":
            if "请" not in message:
                text += tr("rules", "请核对并改正。")
        elif "请核对" in message:
            text += tr("rules", "如数据无误，请接受此提示并说明原因。")
        else:
            text += _warn_tail()
        return Problem(id=rule_id, severity=severity, form=form, field=key, message=text)

    # ----------------------------------------------------------------- narratives

    def check_narratives(self, form: str, only: str | None = None) -> list[Problem]:
        problems: list[Problem] = []
        for section in self.pack.narratives:
            if only is not None and section.code != only:
                continue
            key = f"{form}:{section.code}"
            text = self.data.narratives.get(key, "").strip()
            count = len(text)
            if not text and (section.min_chars > 0):
                message = tr(
                    "rules", "请填写“{name}”：{hint}", name=section.name, hint=section.hint
                )
                problems.append(
                    self.problem("narrative", "error", form, key, message, missing=True)
                )
            elif count < section.min_chars:
                message = tr(
                    "rules",
                    "“{name}”至少 {min} 字，目前 {n} 字，请补充：{hint}",
                    name=section.name,
                    min=section.min_chars,
                    n=count,
                    hint=section.hint,
                )
                problems.append(self.problem("narrative", "error", form, key, message))
            elif count > section.max_chars:
                message = tr(
                    "rules",
                    "“{name}”最多 {max} 字，目前 {n} 字，请精简。",
                    name=section.name,
                    max=section.max_chars,
                    n=count,
                )
                problems.append(self.problem("narrative", "error", form, key, message))
        return problems

    # ----------------------------------------------------------------- a whole form

    def check_form(self, form: str) -> list[Problem]:
        definition = self.pack.form(form)
        problems: list[Problem] = []
        for ind in definition.indicators:
            problems += self.check_indicator(form, ind)
        for table in definition.tables:
            problems += self.check_table(form, table)
        for rule in definition.rules:
            problems += self.check_rule(form, rule)
        problems += self.check_narratives(form)
        return problems


def _quoted(label: str) -> str:
    return tr("rules", "“{label}”", label=label)


def _blank_row(row: dict[str, str]) -> bool:
    return not any(str(v).strip() for v in row.values())


def _change_pct(value: Decimal, previous: Decimal) -> Decimal | None:
    if previous == 0:
        return None
    return (value - previous) / abs(previous) * 100


def _direction(change: Decimal) -> str:
    return tr("rules", "增长") if change > 0 else tr("rules", "下降")


def _behind(
    comparator: str, value: Decimal, expected: Decimal, goal: Decimal, *, final: bool
) -> bool:
    if comparator in ("le", "zero"):
        return value > expected
    if comparator == "gt" and final:
        return value <= goal
    if comparator in ("about", "eq"):
        return value < expected - abs(expected) * ABOUT_TOLERANCE
    return value < expected


def _accept(problems: list[Problem], data: SubmissionData) -> list[Problem]:
    """Fill each accepted warning's explanation; an error cannot be accepted."""
    accepted: list[Problem] = []
    for problem in problems:
        explanation = data.explanation_for(problem.id) if problem.severity == "warning" else None
        if explanation and explanation.strip():
            problem = replace(problem, explanation=explanation.strip())
        accepted.append(problem)
    return accepted


# --------------------------------------------------------------------------- public API


def check_submission(
    pack: FormPack, data: SubmissionData, *, form: str | None = None
) -> list[Problem]:
    """Every problem of the submission (all its forms, or just ``form``), in the forms' order."""
    checker = _Checker(pack, data)
    problems: list[Problem] = []
    for code in [form] if form is not None else data.forms:
        if code not in pack.forms:
            log.warning("submission lists form %s which pack %s does not have", code, pack.version)
            continue
        problems += checker.check_form(code)
    return _accept(problems, data)


def check_field(pack: FormPack, data: SubmissionData, key: str) -> list[Problem]:
    """The problems that depend on the value at ``key`` — for instant feedback while typing.

    ``key`` is an input field key (``"1.1:upgraded_firms"``, ``"G:forest_coverage.den"``), a
    table key or table cell key (``"1.1:table:projects"`` / ``"1.1:table:projects:0:name"``)
    or a narrative key (``"1.1:progress"``). Returned are the problems of the whole indicator,
    table or narrative, and of the form's rules that read it: each names its own field, so a
    caller replaces its problems for all of those (a smaller denominator can make the
    numerator's "greater than" error appear).
    """
    form, _, rest = key.partition(":")
    definition = pack.form(form)
    checker = _Checker(pack, data)
    problems: list[Problem] = []
    if rest.startswith("table:"):
        tcode = rest.split(":")[1]
        table = next((t for t in definition.tables if t.code == tcode), None)
        if table is None:
            raise KeyError(tr("rules", "表单 {form} 中没有表格 {table}", form=form, table=tcode))
        problems += checker.check_table(form, table)
        problems += [
            p
            for rule in definition.rules
            if _rule_reads_table(rule, tcode)
            for p in checker.check_rule(form, rule)
        ]
        return _accept(problems, data)
    try:
        field = pack.input_field(key)
    except KeyError:
        if rest in {n.code for n in pack.narratives}:
            return _accept(checker.check_narratives(form, only=rest), data)
        raise
    ind = pack.indicator(form, field.indicator)
    problems += checker.check_indicator(form, ind)
    problems += [
        p
        for rule in definition.rules
        if _rule_reads_indicator(rule, ind.code)
        for p in checker.check_rule(form, rule)
    ]
    return _accept(problems, data)


def _rule_operands(rule: CompareRule | TableTotalRule | RowCountRule) -> list[str]:
    if isinstance(rule, CompareRule):
        return [rule.left, rule.right]
    return [rule.total, f"table:{rule.table}"]


def _rule_reads_indicator(
    rule: CompareRule | TableTotalRule | RowCountRule, indicator: str
) -> bool:
    return any(
        not o.startswith("table:") and o.split(".")[0] == indicator for o in _rule_operands(rule)
    )


def _rule_reads_table(rule: CompareRule | TableTotalRule | RowCountRule, table: str) -> bool:
    for operand in _rule_operands(rule):
        if (
            operand.startswith("table:")
            and operand[len("table:") :].split("#")[0].split(".")[0] == table
        ):
            return True
    return False


def ratio_value(
    pack: FormPack, data: SubmissionData, form: str, indicator_code: str
) -> Decimal | None:
    """The rate a ratio indicator computes (num / den × scale); None while it cannot be computed."""
    ind = pack.indicator(form, indicator_code)
    if not isinstance(ind, RatioIndicator):
        raise KeyError(tr("rules", "{form}:{code} 不是比率指标", form=form, code=indicator_code))
    num_field, den_field = input_fields_of(form, ind)
    num = _quiet_number(num_field, data.value(num_field.key))
    den = _quiet_number(den_field, data.value(den_field.key))
    if num is None or den is None:
        return None
    return _rate(num, den, ind.scale)


def progress(
    pack: FormPack, data: SubmissionData, form: str, indicator_code: str
) -> Decimal | None:
    """Percent of the numeric target this unit's value reaches (None without a value or a numeric target).

    For a ``level: city`` target a county's percentage is its contribution to the city's figure.
    For a ceiling (``le``) a value within the ceiling is 100. Rounded to 0.1.
    """
    ind = pack.indicator(form, indicator_code)
    if isinstance(ind, RatioIndicator):
        value = ratio_value(pack, data, form, indicator_code)
    elif isinstance(ind, NumberIndicator):
        field = input_fields_of(form, ind)[0]
        value = _quiet_number(field, data.value(field.key))
    else:
        return None
    target = ind.target
    if value is None or target is None or target.value is None or target.comparator == "zero":
        return None
    if target.comparator == "le":
        reached = (
            Decimal(100)
            if value <= target.value
            else (target.value * 100 / value if value else None)
        )
    elif target.value == 0:
        return None
    else:
        reached = value * 100 / target.value
    return None if reached is None else Decimal(format_decimal(reached, 1))
