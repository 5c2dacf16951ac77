"""Numbers for print: the clerk's typed text shown tidily, and progress towards the plan's target.

The parsing and the arithmetic belong to :mod:`ecodesk.forms.numbers` and
:mod:`ecodesk.forms.rules`; this module only decides how their answers look on paper. Text
that is not a number (possible in a draft) is printed exactly as typed, never as 0.
"""

from __future__ import annotations

from decimal import Decimal

from ecodesk.forms.loader import FormPack
from ecodesk.forms.numbers import NumberParseError, format_decimal, parse_clerk_number
from ecodesk.forms.rules import progress, ratio_value
from ecodesk.submission import SubmissionData


def parse_number(text: str, *, unit: str = "", multipliers: bool = False) -> Decimal | None:
    """The typed text as a number, or ``None`` when it is blank or not a number."""
    if not text.strip():
        return None
    try:
        return parse_clerk_number(text, unit=unit, multipliers=multipliers)
    except NumberParseError:
        return None


def format_number(value: Decimal, decimals: int) -> str:
    return format_decimal(value, decimals)


def show_number(text: str, *, decimals: int, unit: str = "", multipliers: bool = False) -> str:
    """The typed value as printed: tidy when it is a number, as typed when it is not."""
    value = parse_number(text, unit=unit, multipliers=multipliers)
    if value is None:
        return text.strip()
    return format_number(value, decimals)


def show_percent(value: Decimal | None) -> str:
    return "" if value is None else f"{format_number(value, 1)}%"


def ratio_of(pack: FormPack, data: SubmissionData, form: str, code: str) -> Decimal | None:
    """The rate computed from its numerator and denominator (``None`` if not computable)."""
    return ratio_value(pack, data, form, code)


def progress_of(pack: FormPack, data: SubmissionData, form: str, code: str) -> Decimal | None:
    """Percent of the plan's numeric target reached (``None`` when there is none)."""
    return progress(pack, data, form, code)
