"""What the printed indicator table says for each indicator, whatever its kind.

Pure data (no PDF here): one :class:`IndicatorLine` per printed row, so the wording can be
tested without reading a PDF back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

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
from ecodesk.i18n import tr
from ecodesk.report.figures import (
    format_number,
    parse_number,
    progress_of,
    ratio_of,
    show_number,
    show_percent,
)
from ecodesk.submission import SubmissionData


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    target: str  # as the plan says it
    last_year: str
    this_value: str
    progress: str
    part: bool = False  # a component line (a rate's numerator/denominator) printed indented
    free_text: bool = False  # the value is a sentence: printed across the figure columns


def _target_text(ind: Indicator) -> str:
    target = getattr(ind, "target", None)
    if target is not None:
        return target.plan_text
    plan_text = getattr(ind, "plan_text", "")
    return plan_text


def _last_year_data(data: SubmissionData) -> SubmissionData:
    """The same submission with last year's values, so rates are computed the same way."""
    return dataclasses.replace(
        data, values=dict(data.previous), accepted=[], tables={}, narratives={}
    )


def _number_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: NumberIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"

    def show(text: str) -> str:
        return show_number(text, decimals=ind.decimals, unit=ind.unit, multipliers=ind.multipliers)

    return [
        IndicatorLine(
            name=ind.name,
            unit=ind.unit,
            target=_target_text(ind),
            last_year=show(data.previous.get(key, "")),
            this_value=show(data.value(key)),
            progress=show_percent(progress_of(pack, data, form, ind.code)) if ind.target else "",
        )
    ]


def _ratio_lines(
    pack: FormPack, data: SubmissionData, form: str, ind: RatioIndicator
) -> list[IndicatorLine]:
    def rate(of: SubmissionData) -> str:
        value = ratio_of(pack, of, form, ind.code)
        return "" if value is None else format_number(value, ind.decimals)

    lines = [
        IndicatorLine(
            name=ind.name,
            unit=ind.unit,
            target=_target_text(ind),
            last_year=rate(_last_year_data(data)) if data.previous else "",
            this_value=rate(data),
            progress=show_percent(progress_of(pack, data, form, ind.code)) if ind.target else "",
        )
    ]
    for part, spec in (("num", ind.numerator), ("den", ind.denominator)):
        key = f"{form}:{ind.code}.{part}"
        lines.append(
            IndicatorLine(
                name=tr("report", "其中：{name}", name=spec.name),
                unit=spec.unit,
                target="",
                last_year=show_number(
                    data.previous.get(key, ""), decimals=spec.decimals, unit=spec.unit
                ),
                this_value=show_number(data.value(key), decimals=spec.decimals, unit=spec.unit),
                progress="",
                part=True,
            )
        )
    return lines


def _provincial_lines(
    data: SubmissionData, form: str, ind: ProvincialIndicator
) -> list[IndicatorLine]:
    def show(part: str, values: dict[str, str]) -> str:
        return show_number(
            values.get(f"{form}:{ind.code}.{part}", ""), decimals=ind.decimals, unit=ind.unit
        )

    target_value = show("target", data.values)
    actual_value = show("actual", data.values)
    status = ""
    target, actual = (
        parse_number(data.value(f"{form}:{ind.code}.{p}"), unit=ind.unit)
        for p in ("target", "actual")
    )
    if target is not None and actual is not None:
        met = actual >= target if ind.better == "higher" else actual <= target
        status = tr("report", "已完成") if met else tr("report", "未完成")
    target_text = ind.plan_text
    if target_value:
        target_text = tr(
            "report", "{plan}（省下达：{value}）", plan=ind.plan_text, value=target_value
        )
    return [
        IndicatorLine(
            name=ind.name,
            unit=ind.unit,
            target=target_text,
            last_year=show("actual", data.previous),
            this_value=actual_value,
            progress=status,
        )
    ]


def _trend_lines(data: SubmissionData, form: str, ind: TrendIndicator) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    this = parse_number(data.value(key), unit=ind.unit)
    last = parse_number(data.previous.get(key, ""), unit=ind.unit)
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
            name=ind.name,
            unit=ind.unit,
            target=ind.plan_text,
            last_year=show_number(data.previous.get(key, ""), decimals=ind.decimals, unit=ind.unit),
            this_value=show_number(data.value(key), decimals=ind.decimals, unit=ind.unit),
            progress=change,
        )
    ]


def _grade_lines(data: SubmissionData, form: str, ind: GradeIndicator) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    value = data.value(key).strip()
    status = ""
    if ind.target and ind.target.grade and value in ind.grades:
        # Grades are listed best first: reaching the target means an index no greater than its.
        met = ind.grades.index(value) <= ind.grades.index(ind.target.grade)
        status = tr("report", "已达到") if met else tr("report", "未达到")
    return [
        IndicatorLine(
            name=ind.name,
            unit="",
            target=_target_text(ind),
            last_year=data.previous.get(key, "").strip(),
            this_value=value,
            progress=status,
        )
    ]


def _milestone_lines(
    data: SubmissionData, form: str, ind: MilestoneIndicator
) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    value = data.value(key).strip()
    status = ""
    if value:
        status = tr("report", "已完成") if value == ind.done_state else tr("report", "未完成")
    target = ind.target.plan_text
    if ind.target.deadline and ind.target.deadline not in target:
        target = tr("report", "{text}（{deadline}）", text=target, deadline=ind.target.deadline)
    return [
        IndicatorLine(
            name=ind.name,
            unit="",
            target=target,
            last_year=data.previous.get(key, "").strip(),
            this_value=value,
            progress=status,
        )
    ]


def _text_lines(data: SubmissionData, form: str, ind: TextIndicator) -> list[IndicatorLine]:
    key = f"{form}:{ind.code}"
    return [
        IndicatorLine(
            name=ind.name,
            unit="",
            target="",
            last_year=data.previous.get(key, "").strip(),
            this_value=data.value(key).strip(),
            progress="",
            free_text=True,
        )
    ]


def indicator_lines(pack: FormPack, data: SubmissionData, form: str) -> list[IndicatorLine]:
    """The printed rows of one form's indicators that apply to the reporting unit."""
    lines: list[IndicatorLine] = []
    for ind in pack.indicators(form, data.unit.division_code):
        if isinstance(ind, NumberIndicator):
            lines += _number_lines(pack, data, form, ind)
        elif isinstance(ind, RatioIndicator):
            lines += _ratio_lines(pack, data, form, ind)
        elif isinstance(ind, ProvincialIndicator):
            lines += _provincial_lines(data, form, ind)
        elif isinstance(ind, TrendIndicator):
            lines += _trend_lines(data, form, ind)
        elif isinstance(ind, GradeIndicator):
            lines += _grade_lines(data, form, ind)
        elif isinstance(ind, MilestoneIndicator):
            lines += _milestone_lines(data, form, ind)
        elif isinstance(ind, TextIndicator):
            lines += _text_lines(data, form, ind)
        else:  # a new kind in the schema must be taught to the printed sheet
            raise TypeError(f"unknown indicator kind: {type(ind).__name__}")
    return lines
