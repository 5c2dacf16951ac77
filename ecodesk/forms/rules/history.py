"""Checks against earlier periods and the plan's targets: a cumulative total never falls, a large
change from last year needs a reason, behind the straight-line path to the target."""

from __future__ import annotations

import logging
from decimal import Decimal

from ecodesk.forms.figures import plain, rate_of, with_unit
from ecodesk.forms.keys import (
    form_of,
)
from ecodesk.forms.loader import InputField
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.problems import Problem, problem, warn_tail
from ecodesk.forms.schema import (
    RatioIndicator,
    Target,
)
from ecodesk.forms.targets import behind
from ecodesk.i18n import tr
from ecodesk.submission import Period

log = logging.getLogger(__name__)


def check_cumulative(ctx: CheckContext, field: InputField, value: Decimal) -> list[Problem]:
    """A running total since the plan began never falls below an earlier period's."""
    earlier = [(t, v, p) for t, v, p in ctx.past_values(field) if p.year >= ctx.plan_start]
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
        start=ctx.plan_start,
        period=last_period.label,
        last=with_unit(last_value, field.unit),
        value=with_unit(value, field.unit),
    )
    return [problem("cumulative", "error", field.form, field.key, message)]


def check_cumulative_yoy(
    ctx: CheckContext, field: InputField, value: Decimal, threshold: Decimal
) -> list[Problem]:
    """Compare this year's increment with last year's (the total itself grows fast early on)."""
    last_year = ctx.data.period.previous_year()
    year_before = last_year.previous_year()
    if last_year.year < ctx.plan_start:
        return []
    last_total = ctx.value_in(field, last_year)
    before_total = (
        Decimal(0) if year_before.year < ctx.plan_start else ctx.value_in(field, year_before)
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
            this=with_unit(this_increment, field.unit),
            value=plain(value),
            last=plain(last_total),
            previous=with_unit(last_increment, field.unit),
            direction=_direction(change),
            pct=plain(abs(change), 0),
            threshold=plain(threshold),
        )
        + warn_tail()
    )
    return [problem("yoy", "warning", field.form, field.key, message)]


def check_yoy(
    ctx: CheckContext,
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
            last=tr("rules", "上年同期") if ctx.data.period.quarter else tr("rules", "上年"),
            label=label,
            value=with_unit(value, unit, 2),
            previous=with_unit(previous, unit, 2),
            direction=_direction(change),
            pct=plain(abs(change), 0),
            threshold=plain(threshold),
        )
        + warn_tail()
    )
    return [Problem(id=f"yoy:{anchor}", severity="warning", form=form, field=key, message=message)]


def check_target(
    ctx: CheckContext,
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
    if not ctx.target_applies(target):
        return []
    goal = Decimal(0) if target.comparator == "zero" else target.value
    assert goal is not None
    deadline = Decimal(target.year)
    base = None if scope == "growth" else trajectory_base(ctx, field, ratio, scope)
    if scope == "growth" or ctx.now >= deadline:
        expected, on_line = goal, False
    elif base is None or base[0] >= ctx.now:
        return []
    else:
        base_time, base_value, _ = base
        expected = base_value + (goal - base_value) * (ctx.now - base_time) / (deadline - base_time)
        # Starting beyond the target, the line runs back to it; being beyond the target is never "behind".
        lower_is_better = target.comparator in ("le", "zero")
        expected = max(expected, goal) if lower_is_better else min(expected, goal)
        on_line = True
    if not behind(target.comparator, value, expected, goal, final=not on_line):
        return []
    if on_line:
        assert base is not None
        message = tr(
            "rules",
            "“{label}”为 {value}，按从{base_when}的 {base} 到{year}年目标 {goal} 的均衡进度，"
            "本期应达到 {expected}左右，进度落后（{plan}）。",
            label=label,
            value=with_unit(value, unit, 2),
            base_when=base[2],
            base=with_unit(base[1], unit, 2),
            year=target.year,
            goal=with_unit(goal, unit),
            expected=with_unit(expected, unit, 2),
            plan=target.plan_text,
        )
    else:
        message = tr(
            "rules",
            "“{label}”为 {value}，未达到目标：{plan}。",
            label=label,
            value=with_unit(value, unit, 2),
            plan=target.plan_text,
        )
    return [
        Problem(
            id=f"target:{anchor}",
            severity="warning",
            form=form_of(anchor),
            field=key,
            message=message + warn_tail(),
        )
    ]


def trajectory_base(
    ctx: CheckContext,
    field: InputField | None,
    ratio: tuple[RatioIndicator, InputField, InputField] | None,
    scope: str,
) -> tuple[Decimal, Decimal, str] | None:
    """(time, value, year label) the straight line starts from."""
    start = ctx.plan_start - 1
    if scope == "cumulative":
        return Decimal(start), Decimal(0), tr("rules", "{year}年底", year=start)
    points: list[tuple[Decimal, Decimal, Period]] = []
    if field is not None:
        points = ctx.past_values(field)
    elif ratio is not None:
        ind, num_field, den_field = ratio
        nums = {p: v for _, v, p in ctx.past_values(num_field)}
        for t, den, p in ctx.past_values(den_field):
            past = rate_of(nums[p], den, ind.scale) if p in nums else None
            if past is not None:
                points.append((t, past, p))
    points = [(t, v, p) for t, v, p in points if t >= start]
    if not points:
        return None
    t, v, p = points[0]
    return t, v, (tr("rules", "{year}年", year=p.year) if p.quarter is None else p.label)


def _change_pct(value: Decimal, previous: Decimal) -> Decimal | None:
    if previous == 0:
        return None
    return (value - previous) / abs(previous) * 100


def _direction(change: Decimal) -> str:
    return tr("rules", "增长") if change > 0 else tr("rules", "下降")
