"""One row per indicator (and per part of a rate), as every view of a submission shows it.

The printed sheet (:mod:`ecodesk.report`), the signed workbook's form sheets
(:mod:`ecodesk.workbook.form_sheet`) and the form view's indicator grid all render these
lines, so paper, workbook and window cannot disagree on a figure, a target or a verdict. Each
field holds the text as shown; where a figure is a number the number is kept beside it, for a
renderer that writes numbers (the workbook). Plain data, no layout.

The words here are those of the official documents and are made within
:func:`ecodesk.i18n.source_language` by the renderers that need Chinese in any window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ecodesk.forms.figures import (
    fixed,
    number_or_none,
    percent_text,
    progress,
    ratio_value,
    show_typed,
)
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import (
    GradeIndicator,
    Indicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    TextIndicator,
    TrendIndicator,
)
from ecodesk.forms.targets import grade_reached, provincial_met
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData


@dataclass(frozen=True)
class IndicatorLine:
    code: str  # the indicator's code in its form
    name: str
    unit: str
    target: str  # the plan's requirement as it reads on the sheets (the plan's own sentence)
    last_year: str  # as shown: a tidy number, or the text as typed
    this_value: str
    progress: str  # "25.0%", or a verdict in words (已完成, 较上年下降 …)
    decimals: int = 2
    last_year_number: Decimal | None = None  # the figure, where it is a number
    this_number: Decimal | None = None
    progress_number: Decimal | None = None  # percent of the plan's target, where there is one
    part: bool = False  # a component line (a rate's numerator/denominator) shown indented
    free_text: bool = False  # the value is a sentence: shown across the figure columns


def _last_year_data(data: SubmissionData) -> SubmissionData:
    """The same submission with last year's values, so rates are computed the same way."""
    return dataclasses.replace(
        data, values=dict(data.previous), accepted=[], tables={}, narratives={}
    )


def _figure(
    text: str, *, decimals: int, unit: str = "", multipliers: bool = False
) -> tuple[str, Decimal | None]:
    shown = show_typed(text, decimals=decimals, unit=unit, multipliers=multipliers)
    return shown, number_or_none(text, unit=unit, multipliers=multipliers)


def _number_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: NumberIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    last, last_number = _figure(
        data.previous.get(key, ""),
        decimals=ind.decimals,
        unit=ind.unit,
        multipliers=ind.multipliers,
    )
    this, this_number = _figure(
        data.value(key), decimals=ind.decimals, unit=ind.unit, multipliers=ind.multipliers
    )
    reached = progress(pack, data, form, ind.code) if ind.target else None
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit=ind.unit,
            target=ind.plan_sentence,
            last_year=last,
            this_value=this,
            progress=percent_text(reached),
            decimals=ind.decimals,
            last_year_number=last_number,
            this_number=this_number,
            progress_number=reached,
        )
    ]


def _ratio_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: RatioIndicator
) -> list[IndicatorLine]:
    def rate(of: SubmissionData) -> Decimal | None:
        value = ratio_value(pack, of, form, ind.code)
        return None if value is None else Decimal(fixed(value, ind.decimals))  # as shown

    this = rate(data)
    last = rate(_last_year_data(data)) if data.previous else None
    reached = progress(pack, data, form, ind.code) if ind.target else None
    lines = [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit=ind.unit,
            target=ind.plan_sentence,
            last_year=fixed(last, ind.decimals),
            this_value=fixed(this, ind.decimals),
            progress=percent_text(reached),
            decimals=ind.decimals,
            last_year_number=last,
            this_number=this,
            progress_number=reached,
        )
    ]
    for part, spec in (("num", ind.numerator), ("den", ind.denominator)):
        key = f"{form}:{ind.code}.{part}"
        last_text, last_number = _figure(
            data.previous.get(key, ""), decimals=spec.decimals, unit=spec.unit
        )
        this_text, this_number = _figure(data.value(key), decimals=spec.decimals, unit=spec.unit)
        lines.append(
            IndicatorLine(
                code=ind.code,
                name=tr("report", "其中：{name}", name=spec.name),
                unit=spec.unit,
                target="",
                last_year=last_text,
                this_value=this_text,
                progress="",
                decimals=spec.decimals,
                last_year_number=last_number,
                this_number=this_number,
                part=True,
            )
        )
    return lines


def _provincial_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: ProvincialIndicator
) -> list[IndicatorLine]:
    def figure(part: str, values: dict[str, str]) -> tuple[str, Decimal | None]:
        text = values.get(f"{form}:{ind.code}.{part}", "")
        return _figure(text, decimals=ind.decimals, unit=ind.unit)

    target_shown, target = figure("target", data.values)
    actual_shown, actual = figure("actual", data.values)
    last_shown, last = figure("actual", data.previous)
    status = ""
    if target is not None and actual is not None:
        met = provincial_met(ind.better, target, actual)
        status = tr("report", "已完成") if met else tr("report", "未完成")
    target_text = ind.plan_sentence
    if target_shown:
        target_text = tr(
            "report", "{plan}（省下达：{value}）", plan=target_text, value=target_shown
        )
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit=ind.unit,
            target=target_text,
            last_year=last_shown,
            this_value=actual_shown,
            progress=status,
            decimals=ind.decimals,
            last_year_number=last,
            this_number=actual,
        )
    ]


def _trend_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: TrendIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    last_shown, last = _figure(data.previous.get(key, ""), decimals=ind.decimals, unit=ind.unit)
    this_shown, this = _figure(data.value(key), decimals=ind.decimals, unit=ind.unit)
    change = ""
    if this is not None and last is not None:
        if this > last:
            change = tr("report", "较上年上升")
        elif this < last:
            change = tr("report", "较上年下降")
        else:
            change = tr("report", "与上年持平")
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit=ind.unit,
            target=ind.plan_sentence,
            last_year=last_shown,
            this_value=this_shown,
            progress=change,
            decimals=ind.decimals,
            last_year_number=last,
            this_number=this,
        )
    ]


def _grade_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: GradeIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    value = data.value(key).strip()
    status = ""
    if ind.target and ind.target.grade and value in ind.grades:
        met = grade_reached(ind.grades, value, ind.target.grade)
        status = tr("report", "已达到") if met else tr("report", "未达到")
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit="",
            target=ind.plan_sentence,
            last_year=data.previous.get(key, "").strip(),
            this_value=value,
            progress=status,
        )
    ]


def _milestone_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: MilestoneIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    value = data.value(key).strip()
    status = ""
    if value:
        status = tr("report", "已完成") if value == ind.done_state else tr("report", "未完成")
    target = ind.plan_sentence
    if ind.target.deadline and ind.target.deadline not in target:
        target = tr("report", "{text}（{deadline}）", text=target, deadline=ind.target.deadline)
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit="",
            target=target,
            last_year=data.previous.get(key, "").strip(),
            this_value=value,
            progress=status,
        )
    ]


def _text_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: TextIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    return [
        IndicatorLine(
            code=ind.code,
            name=ind.name,
            unit="",
            target="",
            last_year=data.previous.get(key, "").strip(),
            this_value=data.value(key).strip(),
            progress="",
            free_text=True,
        )
    ]


# Each kind's lines, by the kind's tag; a kind added to the schema without lines fails the
# tests (tests/forms/test_kinds.py checks the table against the schema).
LINES_OF_KIND: dict[str, Callable[[FormPack, SubmissionData, str, Indicator], list[IndicatorLine]]]
LINES_OF_KIND = {
    "number": _number_lines,  # type: ignore[dict-item]
    "ratio": _ratio_lines,  # type: ignore[dict-item]
    "provincial": _provincial_lines,  # type: ignore[dict-item]
    "trend": _trend_lines,  # type: ignore[dict-item]
    "grade": _grade_lines,  # type: ignore[dict-item]
    "milestone": _milestone_lines,  # type: ignore[dict-item]
    "text": _text_lines,  # type: ignore[dict-item]
}


def indicator_lines(pack: FormPack, data: SubmissionData, form: str) -> list[IndicatorLine]:
    """The rows of one form's indicators that apply to the reporting unit, in the form's order."""
    lines: list[IndicatorLine] = []
    for ind in pack.indicators(form, data.unit.division_code):
        lines += LINES_OF_KIND[ind.kind](pack, data, form, ind)
    return lines
