"""The checks each kind of indicator adds to its inputs' own (ratio parts, provincial target,
trend, grade, milestone; numbers against history and targets)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ecodesk.forms.figures import rate_of, with_unit
from ecodesk.forms.loader import InputField, input_fields_of
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.history import (
    check_cumulative,
    check_cumulative_yoy,
    check_target,
    check_yoy,
)
from ecodesk.forms.rules.inputs import PERCENT, check_input
from ecodesk.forms.rules.problems import Problem, problem, warn_tail
from ecodesk.forms.schema import (
    GradeIndicator,
    Indicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    TrendIndicator,
)
from ecodesk.forms.targets import grade_reached, provincial_met, trend_words
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


def check_indicator(ctx: CheckContext, form: str, ind: Indicator) -> list[Problem]:
    if not ctx.applies(ind.only_for):
        return []
    fields = {f.part: f for f in input_fields_of(form, ind)}
    problems: list[Problem] = []
    values: dict[str, Decimal | str | None] = {}
    for part, field in fields.items():
        found, value = check_input(ctx, field, ind)
        problems += found
        values[part] = value
    problems += CHECKS_OF_KIND[ind.kind](ctx, form, ind, fields, values)
    return problems


def check_number_indicator(
    ctx: CheckContext,
    form: str,
    ind: NumberIndicator,
    field: InputField,
    value: Decimal | str | None,
) -> list[Problem]:
    if not isinstance(value, Decimal):
        return []
    problems: list[Problem] = []
    if ind.scope == "cumulative":
        problems += check_cumulative(ctx, field, value)
        if not problems and ind.yoy_warn_pct is not None:
            problems += check_cumulative_yoy(ctx, field, value, ind.yoy_warn_pct)
    elif ind.yoy_warn_pct is not None:
        previous = ctx.value_in(field, ctx.data.period.previous_year())
        problems += check_yoy(
            ctx,
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
        problems += check_target(
            ctx, field.key, field.key, field.label, field, value, ind.target, ind.scope, field.unit
        )
    return problems


def check_ratio(
    ctx: CheckContext,
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
            n=with_unit(num, num_field.unit),
            den=den_field.label,
            d=with_unit(den, den_field.unit),
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
    this_rate = rate_of(num, den, ind.scale)
    assert this_rate is not None
    if ind.yoy_warn_pct is not None:
        last = ctx.data.period.previous_year()
        previous_num, previous_den = (
            ctx.value_in(num_field, last),
            ctx.value_in(den_field, last),
        )
        previous_rate = rate_of(previous_num, previous_den, ind.scale)
        problems += check_yoy(
            ctx,
            form,
            anchor,
            num_field.key,
            ind.name,
            this_rate,
            previous_rate,
            ind.yoy_warn_pct,
            ind.unit,
        )
    if ind.target is not None:
        problems += check_target(
            ctx,
            anchor,
            num_field.key,
            ind.name,
            None,
            this_rate,
            ind.target,
            ind.scope,
            ind.unit,
            ratio=(ind, num_field, den_field),
        )
    return problems


def check_provincial(
    ctx: CheckContext,
    ind: ProvincialIndicator,
    fields: dict[str, InputField],
    values: dict[str, Decimal | str | None],
) -> list[Problem]:
    target, actual = values["target"], values["actual"]
    if not (isinstance(target, Decimal) and isinstance(actual, Decimal)):
        return []
    if provincial_met(ind.better, target, actual):
        return []
    field = fields["actual"]
    message = (
        tr(
            "rules",
            "未完成省下达指标：“{name}”实际完成 {actual}，省下达目标为 {target}（{rule}）。",
            name=ind.name,
            actual=with_unit(actual, ind.unit),
            target=with_unit(target, ind.unit),
            rule=tr("rules", "不低于目标为完成")
            if ind.better == "higher"
            else tr("rules", "不高于目标为完成"),
        )
        + warn_tail()
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
    ctx: CheckContext, ind: TrendIndicator, field: InputField, value: Decimal | str | None
) -> list[Problem]:
    if not isinstance(value, Decimal):
        return []
    previous = ctx.value_in(field, ctx.data.period.previous_year())
    if previous is None:
        return []
    wrong = value > previous if ind.direction == "down" else value < previous
    if not wrong:
        return []
    wanted = trend_words(ind.direction)
    message = (
        tr(
            "rules",
            "“{name}”为 {value}，上年为 {previous}，{moved}，与行动方案“{wanted}”的要求相反（{plan}）。",
            name=ind.name,
            value=with_unit(value, ind.unit),
            previous=with_unit(previous, ind.unit),
            moved=tr("rules", "比上年上升") if value > previous else tr("rules", "比上年下降"),
            wanted=wanted,
            plan=ind.plan_text,
        )
        + warn_tail()
    )
    return [problem("trend", "warning", field.form, field.key, message)]


def check_grade(
    ctx: CheckContext, ind: GradeIndicator, field: InputField, value: Decimal | str | None
) -> list[Problem]:
    if not isinstance(value, str) or ind.target is None or ind.target.grade is None:
        return []
    if grade_reached(ind.grades, value, ind.target.grade):
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
        + warn_tail()
    )
    return [problem("grade", "warning", field.form, field.key, message)]


def check_milestone(
    ctx: CheckContext, ind: MilestoneIndicator, field: InputField, value: Decimal | str | None
) -> list[Problem]:
    if not isinstance(value, str) or value == ind.done_state:
        return []
    # The deadline is the end of the target year; a report for that year (or its Q4) is made after it.
    if ctx.now < Decimal(ind.target.year):
        return []
    message = tr(
        "rules",
        "“{name}”要求{deadline}完成（{plan}），本期填报为“{value}”，已超过期限。"
        "如确未完成，请接受此警告并说明原因和预计完成时间；如已完成，请改为“{done}”。",
        name=ind.name,
        deadline=ind.target.deadline,
        plan=ind.target.plan_text,
        value=value,
        done=ind.done_state,
    )
    return [problem("milestone", "warning", field.form, field.key, message)]


Values = dict[str, Decimal | str | None]
KindCheck = Callable[[CheckContext, str, Any, dict[str, InputField], Values], list[Problem]]

# What each kind checks beyond its inputs, by the kind's tag (a kind added to the schema without
# an entry here fails the rule tests: tests/forms/test_kinds.py checks the table).
CHECKS_OF_KIND: dict[str, KindCheck] = {
    "number": lambda ctx, form, ind, fields, values: check_number_indicator(
        ctx, form, ind, fields[""], values[""]
    ),
    "ratio": check_ratio,
    "provincial": lambda ctx, form, ind, fields, values: check_provincial(ctx, ind, fields, values),
    "trend": lambda ctx, form, ind, fields, values: check_trend(ctx, ind, fields[""], values[""]),
    "grade": lambda ctx, form, ind, fields, values: check_grade(ctx, ind, fields[""], values[""]),
    "milestone": lambda ctx, form, ind, fields, values: check_milestone(
        ctx, ind, fields[""], values[""]
    ),
    "text": lambda ctx, form, ind, fields, values: [],  # its length is checked as an input
}
