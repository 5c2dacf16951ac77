"""One input at a time: reading a typed value (number or choice), required, length, integer and range."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from ecodesk.errors import EcoDeskError
from ecodesk.forms.figures import plain, with_unit
from ecodesk.forms.loader import InputField
from ecodesk.forms.numbers import parse_clerk_number
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.problems import Problem, problem, quoted
from ecodesk.forms.schema import (
    Indicator,
    NumberIndicator,
    TrendIndicator,
)
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


PERCENT = "%"


class InvalidChoice(EcoDeskError, ValueError):
    """A value that is not one of the field's choices."""


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


def check_input(
    ctx: CheckContext, field: InputField, ind: Indicator
) -> tuple[list[Problem], Decimal | str | None]:
    """Required, readable, type and range of one input; returns its value when it is sound."""
    text = ctx.data.value(field.key)
    form, key = field.form, field.key
    try:
        value = typed_value(field, text)
    except InvalidChoice as exc:
        return [problem("invalid", "error", form, key, str(exc))], None
    except EcoDeskError as exc:
        message = tr("rules", "“{label}”：{reason}", label=field.label, reason=exc)
        return [problem("invalid", "error", form, key, message)], None
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
            return [problem("required", "error", form, key, message)], None
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
            return [problem("length", "error", form, key, message)], None
        return [], value
    problems = check_number(
        ctx,
        form,
        key,
        quoted(field.label),
        value,
        field.unit,
        field.integer,
        field.min,
        implicit_max(ctx, field, ind),
    )
    return problems, (None if problems else value)


def implicit_max(ctx: CheckContext, field: InputField, ind: Indicator) -> Decimal | None:
    if field.max is not None:
        return field.max
    if field.unit == PERCENT and isinstance(ind, TrendIndicator):
        return Decimal(100)
    if field.unit == PERCENT and isinstance(ind, NumberIndicator) and ind.scope != "growth":
        return Decimal(100)
    return None


def check_number(
    ctx: CheckContext,
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
            value=plain(value),
        )
        return [problem("integer", "error", form, key, message)]
    if high is not None and value > high:
        if unit == PERCENT and high == 100 and (low is None or low == 0):
            message = tr(
                "rules",
                "{subject}为 {value}%，百分比应在 0 到 100 之间，请核对是否多输了一位。",
                subject=subject,
                value=plain(value),
            )
        elif low is not None:
            message = tr(
                "rules",
                "{subject}为 {value}，应在 {low} 到 {high} 之间{unit}，请核对是否多输了一位。",
                subject=subject,
                value=with_unit(value, unit),
                low=plain(low),
                high=plain(high),
                unit=tr("rules", "（单位：{unit}）", unit=unit) if unit else "",
            )
        else:
            message = tr(
                "rules",
                "{subject}为 {value}，不能大于 {high}，请核对是否多输了一位。",
                subject=subject,
                value=with_unit(value, unit),
                high=with_unit(high, unit),
            )
        return [problem("range", "error", form, key, message)]
    if low is not None and value < low:
        if low == 0:
            message = tr(
                "rules",
                "{subject}不能为负数（填的是 {value}），请核对。",
                subject=subject,
                value=plain(value),
            )
        else:
            message = tr(
                "rules",
                "{subject}为 {value}，不能小于 {low}，请核对。",
                subject=subject,
                value=with_unit(value, unit),
                low=with_unit(low, unit),
            )
        return [problem("range", "error", form, key, message)]
    return []
