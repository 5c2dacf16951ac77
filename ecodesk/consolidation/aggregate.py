"""Totals per indicator, computed with the indicator's own rule.

``sum`` adds the units' figures; ``ratio`` divides the sum of the numerators by the sum of
the denominators (a mean of the units' rates would weigh a small county like a large one);
``none`` lists every unit's figure and computes no total. Figures are read from the text the
clerk typed with the same parser the form uses, so "3.5亿" means here what it meant there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ecodesk.consolidation.model import Aggregation, IndicatorSummary, UnitValue
from ecodesk.forms.figures import fixed, progress_toward, rate_of
from ecodesk.forms.figures import read_number as read_text
from ecodesk.forms.loader import FormPack, InputField, input_fields_of
from ecodesk.forms.schema import (
    GradeIndicator,
    Indicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    Target,
    TextIndicator,
    TrendIndicator,
)
from ecodesk.forms.targets import meets, numeric_target, provincial_met
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData

log = logging.getLogger(__name__)


Values = Mapping[str, str]
ValuesOf = Callable[
    [SubmissionData], tuple[Values, Values]
]  # (this period, last year) in this pack's keys


def current_values(
    pack: FormPack, values: Mapping[str, str], known: dict[str, str | None] | None = None
) -> dict[str, str]:
    """Values keyed by this pack's keys: a workbook made with an older pack still adds up.

    ``known`` remembers keys already looked up (a consolidation maps the same keys for every
    unit; looking one up walks the form's fields)."""
    mapped: dict[str, str] = {}
    for key, text in values.items():
        if known is None:
            current = pack.current_key(key)
        elif key in known:
            current = known[key]
        else:
            current = known[key] = pack.current_key(key)
        if current is not None:
            mapped[current] = text
        else:
            log.debug(
                "value %s is not asked for by pack %s; left out of the totals", key, pack.version
            )
    return mapped


def read_number(field: InputField, text: str) -> tuple[Decimal | None, str | None]:
    """(number, None), or (None, why) when the text is not a number; (None, None) when empty."""
    return read_text(text, unit=field.unit, multipliers=field.multipliers)


def _progress(target: Target | None, total: Decimal | None) -> Decimal | None:
    return None if total is None else progress_toward(target, total)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def reporting_units(
    pack: FormPack, form: str, ind: Indicator, submissions: Sequence[SubmissionData]
) -> list[SubmissionData]:
    """The submissions that are asked this indicator: the unit reports the form and it applies."""
    return [
        data
        for data in submissions
        if form in data.forms and pack.applies(ind.only_for, data.unit.division_code)
    ]


def summarize_indicator(
    pack: FormPack,
    form: str,
    ind: Indicator,
    submissions: Sequence[SubmissionData],
    values: Mapping[int, tuple[Values, Values]] | None = None,
) -> IndicatorSummary:
    """One indicator across units. ``values`` maps ``id(data)`` to (values, previous) in this
    pack's keys; it is computed here when not given."""
    units = reporting_units(pack, form, ind, submissions)

    def vals(data: SubmissionData) -> tuple[Values, Values]:
        if values is not None and id(data) in values:
            return values[id(data)]
        return current_values(pack, data.values), current_values(pack, data.previous)

    return SUMMARIZE_KIND[ind.kind](form, ind, units, vals)


def _aggregation_of(ind: NumberIndicator | TrendIndicator | ProvincialIndicator) -> Aggregation:
    # a plain number has no numerator and denominator to divide: listed per unit only
    return "sum" if ind.aggregation == "sum" else "none"


def _summarize_number(
    form: str,
    ind: NumberIndicator | TrendIndicator,
    units: Sequence[SubmissionData],
    vals: ValuesOf,
) -> IndicatorSummary:
    (field,) = input_fields_of(form, ind)
    target = getattr(ind, "target", None)
    numeric = numeric_target(target)
    rows: list[UnitValue] = []
    for data in units:
        current, previous = vals(data)
        text = current.get(field.key, "")
        value, problem = read_number(field, text)
        prev, _ = read_number(field, previous.get(field.key, ""))
        rows.append(
            UnitValue(
                unit=data.unit,
                text=text,
                value=value,
                previous=prev,
                previous_text=previous.get(field.key, ""),
                problem=problem,
                meets_target=_unit_meets(numeric, value),
            )
        )
    aggregation = _aggregation_of(ind)
    total = prev_total = None
    complete = True
    if aggregation == "sum":
        total = _sum(r.value for r in rows)
        prev_total = _sum(r.previous for r in rows if r.value is not None)
        complete = all(r.previous is not None for r in rows if r.value is not None)
    return IndicatorSummary(
        form=form,
        code=ind.code,
        name=ind.name,
        kind=ind.kind,
        unit=ind.unit,
        aggregation=aggregation,
        decimals=ind.decimals,
        rows=tuple(rows),
        total=total,
        previous_total=prev_total,
        previous_complete=complete,
        target=target,
        target_met=meets(numeric, total) if numeric and total is not None else None,
        progress=_progress(numeric, total),
    )


def _unit_meets(target: Target | None, value: Decimal | None) -> bool | None:
    # a city-wide target is met by the total; each unit is judged only where the plan holds
    # every county to it (a rate, a growth)
    if target is None or value is None or target.level != "county":
        return None
    return meets(target, value)


def _summarize_ratio(
    form: str, ind: RatioIndicator, units: Sequence[SubmissionData], vals: ValuesOf
) -> IndicatorSummary:
    num_field, den_field = input_fields_of(form, ind)
    numeric = numeric_target(ind.target)
    rows: list[UnitValue] = []
    for data in units:
        current, previous = vals(data)
        num, num_problem = read_number(num_field, current.get(num_field.key, ""))
        den, den_problem = read_number(den_field, current.get(den_field.key, ""))
        problem = num_problem or den_problem
        if problem is None and num is not None and den == 0:
            problem = tr("consolidation", "{name}为 0，无法计算比率。", name=ind.denominator.name)
        if num is None or den is None:
            num = den = None  # half a ratio cannot enter the sums
        rate = rate_of(num, den, ind.scale)
        prev_num, _ = read_number(num_field, previous.get(num_field.key, ""))
        prev_den, _ = read_number(den_field, previous.get(den_field.key, ""))
        prev_rate = rate_of(prev_num, prev_den, ind.scale)
        rows.append(
            UnitValue(
                unit=data.unit,
                text=fixed(rate, ind.decimals),
                value=rate,
                numerator=num,
                denominator=den if rate is not None else None,
                previous=prev_rate,
                previous_text=fixed(prev_rate, ind.decimals),
                problem=problem,
                meets_target=_unit_meets(numeric, rate),
            )
        )
    used = [r for r in rows if r.value is not None]
    total_num = _sum(r.numerator for r in used)
    total_den = _sum(r.denominator for r in used)
    total = rate_of(total_num, total_den, ind.scale)
    # last year's rate over the same units, from last year's numerators and denominators
    prev_pairs = []
    for data, row in zip(units, rows, strict=True):
        if row.value is None:
            continue
        _, previous = vals(data)
        p_num, _ = read_number(num_field, previous.get(num_field.key, ""))
        p_den, _ = read_number(den_field, previous.get(den_field.key, ""))
        prev_pairs.append((p_num, p_den))
    complete = all(n is not None and d is not None for n, d in prev_pairs)
    usable = [(n, d) for n, d in prev_pairs if n is not None and d is not None]
    prev_num_total = _sum(n for n, _ in usable)
    prev_den_total = _sum(d for _, d in usable)
    prev_total = rate_of(prev_num_total, prev_den_total, ind.scale)
    return IndicatorSummary(
        form=form,
        code=ind.code,
        name=ind.name,
        kind=ind.kind,
        unit=ind.unit,
        aggregation="ratio",
        decimals=ind.decimals,
        rows=tuple(rows),
        total=total,
        total_numerator=total_num,
        total_denominator=total_den,
        previous_total=prev_total,
        previous_numerator=prev_num_total,
        previous_denominator=prev_den_total,
        previous_complete=complete,
        target=ind.target,
        target_met=meets(numeric, total) if numeric and total is not None else None,
        progress=_progress(numeric, total),
        numerator_name=f"{ind.numerator.name}（{ind.numerator.unit}）",
        denominator_name=f"{ind.denominator.name}（{ind.denominator.unit}）",
        numerator_decimals=ind.numerator.decimals,
        denominator_decimals=ind.denominator.decimals,
    )


def _summarize_provincial(
    form: str, ind: ProvincialIndicator, units: Sequence[SubmissionData], vals: ValuesOf
) -> IndicatorSummary:
    target_field, actual_field = input_fields_of(form, ind)
    rows: list[UnitValue] = []
    for data in units:
        current, previous = vals(data)
        text = current.get(actual_field.key, "")
        actual, problem = read_number(actual_field, text)
        goal, goal_problem = read_number(target_field, current.get(target_field.key, ""))
        prev, _ = read_number(actual_field, previous.get(actual_field.key, ""))
        met = None
        if actual is not None and goal is not None:
            met = provincial_met(ind.better, goal, actual)
        rows.append(
            UnitValue(
                unit=data.unit,
                text=text,
                value=actual,
                provincial_target=goal,
                previous=prev,
                previous_text=previous.get(actual_field.key, ""),
                problem=problem or goal_problem,
                meets_target=met,
            )
        )
    aggregation = _aggregation_of(ind)
    total = total_goal = prev_total = None
    complete = True
    met_total = None
    if aggregation == "sum":
        total = _sum(r.value for r in rows)
        total_goal = _sum(r.provincial_target for r in rows if r.value is not None)
        prev_total = _sum(r.previous for r in rows if r.value is not None)
        complete = all(r.previous is not None for r in rows if r.value is not None)
        if total is not None and total_goal is not None:
            met_total = provincial_met(ind.better, total_goal, total)
    return IndicatorSummary(
        form=form,
        code=ind.code,
        name=ind.name,
        kind=ind.kind,
        unit=ind.unit,
        aggregation=aggregation,
        decimals=ind.decimals,
        rows=tuple(rows),
        total=total,
        total_provincial_target=total_goal,
        previous_total=prev_total,
        previous_complete=complete,
        target_met=met_total,
    )


def _summarize_text(
    form: str,
    ind: GradeIndicator | MilestoneIndicator | TextIndicator,
    units: Sequence[SubmissionData],
    vals: ValuesOf,
) -> IndicatorSummary:
    (field,) = input_fields_of(form, ind)
    target = getattr(ind, "target", None)
    rows = []
    for data in units:
        current, previous = vals(data)
        text = current.get(field.key, "")
        rows.append(
            UnitValue(
                unit=data.unit,
                text=text,
                value=None,
                previous_text=previous.get(field.key, ""),
                meets_target=_choice_meets(ind, text),
            )
        )
    return IndicatorSummary(
        form=form,
        code=ind.code,
        name=ind.name,
        kind=ind.kind,
        unit="",
        aggregation="none",
        decimals=0,
        rows=tuple(rows),
        target=target,
    )


def _choice_meets(
    ind: GradeIndicator | MilestoneIndicator | TextIndicator, text: str
) -> bool | None:
    if not text or isinstance(ind, TextIndicator):
        return None
    return ind.reached(text)


def summarize_indicators(
    pack: FormPack, submissions: Sequence[SubmissionData]
) -> list[IndicatorSummary]:
    """Every indicator of the pack, in the plan's order, across the given submissions."""
    known: dict[str, str | None] = {}
    values = {
        id(data): (
            current_values(pack, data.values, known),
            current_values(pack, data.previous, known),
        )
        for data in submissions
    }
    return [
        summarize_indicator(pack, form, ind, submissions, values)
        for form in pack.forms
        for ind in pack.form(form).indicators
        if reporting_units(pack, form, ind, submissions)
    ]


# How each kind is summarized across units, by the kind's tag.
SUMMARIZE_KIND: dict[
    str, Callable[[str, Any, Sequence[SubmissionData], ValuesOf], IndicatorSummary]
]
SUMMARIZE_KIND = {
    "number": _summarize_number,
    "trend": _summarize_number,
    "ratio": _summarize_ratio,
    "provincial": _summarize_provincial,
    "grade": _summarize_text,
    "milestone": _summarize_text,
    "text": _summarize_text,
}
