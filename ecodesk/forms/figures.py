"""Figures: a clerk's text as a number (or none), the rates and progress computed from them, and
how a figure is shown — one home for each.

:func:`ecodesk.forms.numbers.parse_clerk_number` is the only parser; it refuses what it cannot
read exactly, with a sentence. Everything that only *reads* stored or received text (totals,
print, history, the signed data) wants "the number, or none" instead: :func:`number_or_none`.
Text that is not a number (possible in a draft) is shown exactly as typed, never as 0.
"""

from __future__ import annotations

import logging
from decimal import Context, Decimal
from typing import TYPE_CHECKING

from ecodesk.forms.numbers import NumberParseError, format_decimal, parse_clerk_number
from ecodesk.forms.schema import NumberIndicator, RatioIndicator, Target

if TYPE_CHECKING:
    from ecodesk.forms.loader import FormPack, InputField
    from ecodesk.submission import SubmissionData

log = logging.getLogger(__name__)

_NUMERIC_COMPARATORS = frozenset({"ge", "gt", "le", "eq", "about"})


# --------------------------------------------------------------------------- reading


def read_number(
    text: str | None, *, unit: str = "", multipliers: bool = False
) -> tuple[Decimal | None, str | None]:
    """(number, None); (None, why) when the text is not a number; (None, None) when blank."""
    if not text or not text.strip():
        return None, None
    try:
        return parse_clerk_number(text, unit=unit, multipliers=multipliers), None
    except NumberParseError as exc:
        return None, str(exc)


def number_or_none(
    text: str | None, *, unit: str = "", multipliers: bool = False
) -> Decimal | None:
    """The number a clerk's text means, or ``None`` when it is blank or not a number."""
    return read_number(text, unit=unit, multipliers=multipliers)[0]


def field_number(field: InputField, text: str | None) -> Decimal | None:
    """The number in a stored value of ``field`` (last year, history, a received workbook);
    ``None`` for a blank, a choice or text field, or unreadable old data (skipped, not blamed)."""
    if field.type != "number":
        return None
    value, why = read_number(text, unit=field.unit, multipliers=field.multipliers)
    if why is not None:
        log.debug("unreadable stored value %r for %s ignored", text, field.key)
    return value


# --------------------------------------------------------------------------- computing


def rate_of(num: Decimal | None, den: Decimal | None, scale: Decimal) -> Decimal | None:
    """num ÷ den × scale; ``None`` while either is missing or the denominator is not positive."""
    if num is None or den is None or den <= 0:
        return None
    return num * scale / den


def ratio_value(
    pack: FormPack, data: SubmissionData, form: str, indicator_code: str
) -> Decimal | None:
    """The rate a ratio indicator computes (num / den × scale); None while it cannot be computed."""
    from ecodesk.forms.loader import input_fields_of
    from ecodesk.i18n import tr

    ind = pack.indicator(form, indicator_code)
    if not isinstance(ind, RatioIndicator):
        raise KeyError(tr("rules", "{form}:{code} 不是比率指标", form=form, code=indicator_code))
    num_field, den_field = input_fields_of(form, ind)
    num = field_number(num_field, data.value(num_field.key))
    den = field_number(den_field, data.value(den_field.key))
    return rate_of(num, den, ind.scale)


def progress_toward(target: Target | None, value: Decimal | None) -> Decimal | None:
    """Percent of a numeric target ``value`` reaches, unrounded; ``None`` without a value or a
    numeric target, for 清零 and for a goal of 0. Within a ceiling (``le``) is 100."""
    if value is None or target is None or target.value is None:
        return None
    if target.comparator not in _NUMERIC_COMPARATORS:
        return None
    if target.comparator == "le":
        if value <= target.value:
            return Decimal(100)
        return target.value * 100 / value if value else None
    if target.value == 0:
        return None
    return value * 100 / target.value


def progress(
    pack: FormPack, data: SubmissionData, form: str, indicator_code: str
) -> Decimal | None:
    """Percent of the numeric target this unit's value reaches (None without a value or a numeric target).

    For a ``level: city`` target a county's percentage is its contribution to the city's figure.
    For a ceiling (``le``) a value within the ceiling is 100. Rounded to 0.1.
    """
    from ecodesk.forms.loader import input_fields_of

    ind = pack.indicator(form, indicator_code)
    if isinstance(ind, RatioIndicator):
        value = ratio_value(pack, data, form, indicator_code)
    elif isinstance(ind, NumberIndicator):
        field = input_fields_of(form, ind)[0]
        value = field_number(field, data.value(field.key))
    else:
        return None
    reached = progress_toward(ind.target, value)
    return None if reached is None else Decimal(format_decimal(reached, 1))


# --------------------------------------------------------------------------- showing


def plain(value: Decimal, decimals: int | None = None) -> str:
    """As few digits as say ``value`` exactly (or rounded to ``decimals`` first), no exponent:
    ``Decimal('83.40')`` → ``83.4``, ``Decimal('2E+3')`` → ``2000``, ``-0`` → ``0``."""
    if decimals is not None:
        value = Decimal(format_decimal(value, decimals))
    if value.is_zero():
        return "0"
    exact = Context(prec=max(28, len(value.as_tuple().digits)))
    return format(value.normalize(exact), "f")


def with_unit(value: Decimal, unit: str, decimals: int | None = None) -> str:
    return f"{plain(value, decimals)}{unit}"


def fixed(value: Decimal | None, decimals: int) -> str:
    """``value`` rounded half up to exactly ``decimals`` places; "" for none."""
    return "" if value is None else format_decimal(value, decimals)


def show_typed(text: str, *, decimals: int, unit: str = "", multipliers: bool = False) -> str:
    """A typed value as printed: tidy when it is a number, as typed when it is not."""
    value = number_or_none(text, unit=unit, multipliers=multipliers)
    return text.strip() if value is None else format_decimal(value, decimals)


def percent_text(value: Decimal | None) -> str:
    """A progress figure: ``83.4%``; "" for none."""
    return "" if value is None else f"{format_decimal(value, 1)}%"
