"""Numbers as county clerks type them, read exactly or refused with a sentence that helps.

Clerks type with a Chinese input method on: full-width digits and punctuation (``７６．５％``),
the ideographic full stop as a decimal point (``76。5``), Chinese commas as thousands
separators (``1，234``), the field's unit after the number (``12.5亿元``) and, where the
field allows it, ``万``/``亿`` to save zeros (``3.5亿`` into a 万元 field is 35000).

Whatever cannot be read exactly raises :class:`NumberParseError` with a Chinese message:
a value that is silently read as 0, or as a different number, would end up in a signed
workbook. Values are never converted through ``float``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 60

# Longest first, so that 万亿 is not read as 万 followed by 亿.
MULTIPLIERS: tuple[tuple[str, int], ...] = (
    ("万亿", 12),
    ("千亿", 11),
    ("百亿", 10),
    ("十亿", 9),
    ("亿", 8),
    ("千万", 7),
    ("百万", 6),
    ("十万", 5),
    ("万", 4),
)

# NFKC folds full-width forms (０-９ ． ， ％ ＋ －) to ASCII; these it leaves alone.
_EXTRA_FOLDS = str.maketrans(
    {
        "\u2212": "-",  # − minus sign
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash, typed for a minus by some input methods
        "\ufe63": "-",  # small hyphen-minus
        "\u3002": ".",  # 。 ideographic full stop: the "." key with a Chinese input method
        "\uff61": ".",  # ｡ halfwidth ideographic full stop
        "\u3001": ",",  # 、 would never be a decimal point; treat like a comma (then grouping decides)
        "\u066b": ".",  # Arabic decimal separator, left over from pasted text
    }
)

_SHAPE_RE = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<number>[0-9][0-9, ]*(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<suffix>.*)",
    re.ASCII | re.DOTALL,
)
_PLAIN_INT_RE = re.compile(r"[0-9]+", re.ASCII)
_GROUPED_INT_RE = re.compile(r"[0-9]{1,3}(?:(?P<sep>[, ])[0-9]{3})(?:(?P=sep)[0-9]{3})*", re.ASCII)
_VAGUE_RE = re.compile(r"约|大约|左右|余|多|以上|以下|不足|近|超过|上下")
_HANZI_NUMERAL_RE = re.compile(r"[零〇一二两三四五六七八九十百千]")


class NumberParseError(EcoDeskError, ValueError):
    """The text is not a number this field can take; ``str()`` says why and what to type."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(reason)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLDS).strip()


def split_unit(unit: str) -> tuple[int, str]:
    """Split a unit into its power of ten and its base: ``万千瓦`` → ``(4, "千瓦")``."""
    unit = _fold(unit)
    for prefix, exponent in MULTIPLIERS:
        if unit.startswith(prefix):
            return exponent, unit[len(prefix) :]
    return 0, unit


def _unit_hint(unit: str) -> str:
    return tr("numbers", "（单位：{unit}）", unit=unit) if unit else ""


def _junk(text: str, unit: str) -> NumberParseError:
    folded = _fold(text)
    if _VAGUE_RE.search(folded) and re.search(r"[0-9]", folded):
        reason = tr(
            "numbers",
            "“{text}”不是一个确切的数字：请只填写数字{hint}，不要写“约”“左右”“以上”等字样，说明可写在工作进展中。",
            text=text.strip(),
            hint=_unit_hint(unit),
        )
    elif _HANZI_NUMERAL_RE.search(folded) and not re.search(r"[0-9]", folded):
        reason = tr(
            "numbers",
            "“{text}”是汉字数字，请改用阿拉伯数字填写{hint}，例如 1234.5。",
            text=text.strip(),
            hint=_unit_hint(unit),
        )
    else:
        reason = tr(
            "numbers",
            "无法识别“{text}”：请只填写一个数字{hint}，例如 1234.5，可带小数点和千位分隔符。",
            text=text.strip(),
            hint=_unit_hint(unit),
        )
    return NumberParseError(text, reason)


def _digits_of(number: str, text: str, unit: str) -> tuple[str, str]:
    """Check the digit groups and return (integer digits, fraction digits)."""
    number = number.strip()
    integer, dot, fraction = number.partition(".")
    integer = integer.strip()
    if integer and not _PLAIN_INT_RE.fullmatch(integer):
        if not _GROUPED_INT_RE.fullmatch(integer):
            raise NumberParseError(
                text,
                tr(
                    "numbers",
                    "“{text}”中的千位分隔符位置不对（应每三位一个，如 1,234,567）：请核对，或去掉分隔符只填数字{hint}。",
                    text=text.strip(),
                    hint=_unit_hint(unit),
                ),
            )
        integer = re.sub(r"[, ]", "", integer)
    if not integer and not fraction:
        raise _junk(text, unit)
    return integer or "0", fraction


def _scale(value: Decimal, exponent_shift: int) -> Decimal:
    """Multiply by a power of ten exactly (no context rounding)."""
    if exponent_shift == 0:
        return value
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    exponent += exponent_shift
    if exponent > 0:  # spell the zeros out, so str() shows 35000 rather than 3.5E+4
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def _suffix_shift(suffix: str, text: str, unit: str, multipliers: bool) -> int:
    """How many powers of ten the typed suffix moves the number, relative to the field's unit."""
    if not suffix:
        return 0
    folded_unit = _fold(unit)
    if suffix.casefold() == folded_unit.casefold():
        return 0
    if suffix == "%":
        reason = (
            tr(
                "numbers",
                "“{text}”带了 %，但本项单位是{unit}，不是百分比：请去掉 % 后按{unit}填写。",
                text=text.strip(),
                unit=folded_unit,
            )
            if folded_unit
            else tr(
                "numbers",
                "“{text}”带了 %，但本项不是百分比：请去掉 % 只填数字。",
                text=text.strip(),
            )
        )
        raise NumberParseError(text, reason)
    typed_exp, typed_base = split_unit(suffix)
    unit_exp, unit_base = split_unit(folded_unit)
    if typed_base and typed_base.casefold() != unit_base.casefold():
        raise NumberParseError(
            text,
            tr(
                "numbers",
                "无法识别“{text}”中的“{suffix}”：本项单位是{unit}，请只填写数字。",
                text=text.strip(),
                suffix=suffix,
                unit=folded_unit or tr("numbers", "（无单位）"),
            ),
        )
    if typed_exp != unit_exp and not multipliers:
        raise NumberParseError(
            text,
            tr(
                "numbers",
                "“{text}”用了“万”“亿”等换算，本项不接受：请按{unit}直接填写数字。",
                text=text.strip(),
                unit=folded_unit or tr("numbers", "个数"),
            ),
        )
    return typed_exp - unit_exp


def parse_clerk_number(text: str, *, unit: str = "", multipliers: bool = False) -> Decimal:
    """Read ``text`` as a clerk typed it into a field measured in ``unit``.

    ``multipliers`` allows 万/亿 (and 十万…万亿) relative to the unit: ``"3.5亿"`` into a
    ``万元`` field is ``Decimal("35000")``. Raises :class:`NumberParseError` for anything that
    is not exactly one number; never returns a made-up 0.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_clerk_number expects str, got {type(text).__name__}")
    folded = _fold(text)
    if not folded:
        raise NumberParseError(
            text, tr("numbers", "未填写数字：请填写数字{hint}。", hint=_unit_hint(unit))
        )
    if len(folded) > MAX_INPUT_CHARS:
        raise NumberParseError(
            text,
            tr(
                "numbers",
                "填写的内容太长，不是一个数字：请只填写一个数字{hint}。",
                hint=_unit_hint(unit),
            ),
        )
    match = _SHAPE_RE.fullmatch(folded)
    if not match:
        raise _junk(text, unit)
    integer, fraction = _digits_of(match["number"], text, unit)
    suffix = match["suffix"].strip()
    if _VAGUE_RE.search(suffix) or (suffix and re.search(r"[0-9]", suffix)):
        raise _junk(text, unit)
    shift = _suffix_shift(suffix, text, unit, multipliers)
    value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    value = _scale(value, shift)
    if match["sign"] == "-" and value:
        value = value.copy_negate()
    return value


def format_decimal(value: Decimal, decimals: int) -> str:
    """``value`` rounded half up (四舍五入) to ``decimals`` places, plain digits, no exponent."""
    if not value.is_finite():
        raise ValueError(f"cannot format {value}")
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + decimals + 3)
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = rounded.copy_abs()  # never show "-0.00"
    return format(rounded, "f")
