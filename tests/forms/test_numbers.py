"""Numbers as clerks type them: read exactly, or refused with a Chinese sentence."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecodesk.errors import EcoDeskError
from ecodesk.forms.numbers import NumberParseError, format_decimal, parse_clerk_number

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("76.5", "%", "76.5"),
        ("７６．５％", "%", "76.5"),  # full-width digits, point and percent sign
        ("76.5%", "%", "76.5"),
        ("76。5", "%", "76.5"),  # the "." key with a Chinese input method on
        ("  42 ", "家", "42"),
        ("\u3000４２\u3000", "家", "42"),  # ideographic spaces around
        ("42家", "家", "42"),
        ("42 家", "家", "42"),
        ("1,234", "", "1234"),
        ("1，234", "", "1234"),  # Chinese comma as thousands separator
        ("1,234,567.25", "万元", "1234567.25"),
        ("1 234 567", "", "1234567"),
        ("12.50", "亿元", "12.50"),
        ("12.5亿元", "亿元", "12.5"),
        ("-3.2", "%", "-3.2"),
        ("−3.2", "%", "-3.2"),  # U+2212 minus sign
        ("－3.2", "%", "-3.2"),  # full-width hyphen-minus
        ("+5", "", "5"),
        (".5", "", "0.5"),
        ("5.", "", "5"),
        ("0", "个", "0"),
        ("-0", "", "0"),
        ("2024年", "年", "2024"),
        ("12万", "万元", "12"),  # the unit's own 万 is not a conversion
        ("35kw", "kW", "35"),  # units compare without case
    ],
)
def test_reads_what_clerks_type(text: str, unit: str, expected: str) -> None:
    value = parse_clerk_number(text, unit=unit)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("3.5亿", "万元", "35000"),
        ("3.5亿元", "万元", "35000"),
        ("3500万", "亿元", "0.35"),
        ("3500万元", "亿元", "0.35"),
        ("35000元", "万元", "3.5"),
        ("12万", "", "120000"),
        ("1.2万亿", "亿元", "12000"),
        ("２万", "千瓦", "20000"),
        ("70万千瓦", "万千瓦", "70"),
        ("0.07亿千瓦", "万千瓦", "700"),
        ("-3万", "元", "-30000"),
    ],
)
def test_wan_and_yi_relative_to_the_unit_when_allowed(text: str, unit: str, expected: str) -> None:
    assert parse_clerk_number(text, unit=unit, multipliers=True) == Decimal(expected)


def test_multiplied_results_print_without_exponent() -> None:
    assert str(parse_clerk_number("3.5亿", unit="万元", multipliers=True)) == "35000"


@pytest.mark.parametrize(
    ("text", "unit", "multipliers", "words"),
    [
        ("", "家", False, "未填写"),
        ("   ", "", False, "未填写"),
        ("abc", "", False, "无法识别"),
        ("约2000", "家", False, "约"),
        ("2000左右", "家", False, "左右"),
        ("2000余", "家", False, "约"),
        ("三千", "", False, "阿拉伯数字"),
        ("1,23", "", False, "千位分隔符"),
        ("12 34", "", False, "千位分隔符"),
        ("1,2345", "", False, "千位分隔符"),
        ("1.2.3", "", False, "无法识别"),
        ("1e5", "", False, "无法识别"),
        ("NaN", "", False, "无法识别"),
        ("Infinity", "", False, "无法识别"),
        ("12-15", "", False, "无法识别"),
        ("5%", "亿元", False, "不是百分比"),
        ("5%", "", False, "不是百分比"),
        ("3亿", "万元", False, "万"),
        ("12吨", "万元", False, "万元"),
        ("12平方米", "公顷", False, "公顷"),
        ("--5", "", False, "无法识别"),
        ("٣", "", False, "无法识别"),  # a digit of another script is not silently accepted
        ("1" * 80, "", False, "太长"),
        ("0x1F", "", False, "无法识别"),
        ("(12)", "", False, "无法识别"),
    ],
)
def test_junk_is_refused_with_a_chinese_reason(
    text: str, unit: str, multipliers: bool, words: str
) -> None:
    with pytest.raises(NumberParseError) as caught:
        parse_clerk_number(text, unit=unit, multipliers=multipliers)
    message = str(caught.value)
    assert isinstance(caught.value, EcoDeskError)
    assert words in message
    assert CJK.search(message)
    assert "Traceback" not in message and "Decimal" not in message


def test_refusal_names_the_unit_so_the_clerk_knows_what_to_type() -> None:
    with pytest.raises(NumberParseError, match="万元"):
        parse_clerk_number("3亿", unit="万元")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("2.345", 2, "2.35"),  # half up, as 四舍五入
        ("2.344", 2, "2.34"),
        ("-2.345", 2, "-2.35"),
        ("-0.001", 2, "0.00"),
        ("1E+5", 0, "100000"),
        ("76.5", 0, "77"),
        ("0.5", 0, "1"),
        ("1234567890123456789012345678901.5", 1, "1234567890123456789012345678901.5"),
        ("12", 3, "12.000"),
    ],
)
def test_format_decimal_is_plain(value: str, decimals: int, expected: str) -> None:
    assert format_decimal(Decimal(value), decimals) == expected


def test_format_decimal_refuses_nan() -> None:
    with pytest.raises(ValueError):
        format_decimal(Decimal("NaN"), 2)


# --------------------------------------------------------------------------- properties

decimals_typed = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=0, max_value=6),
)

FULL_WIDTH = str.maketrans("0123456789.,%+-", "０１２３４５６７８９．，％＋－")


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _grouped(value: Decimal, sep: str) -> str:
    text = _plain(abs(value))
    integer, dot, fraction = text.partition(".")
    grouped = f"{int(integer):,}".replace(",", sep)
    return ("-" if value < 0 else "") + grouped + (dot + fraction if fraction else "")


STYLES = {
    "plain": lambda v: _plain(v),
    "spaces": lambda v: f"  {_plain(v)}\u3000",
    "grouped": lambda v: _grouped(v, ","),
    "grouped_chinese_comma": lambda v: _grouped(v, "，"),
    "grouped_space": lambda v: _grouped(v, " "),
    "full_width": lambda v: _grouped(v, ",").translate(FULL_WIDTH),
    "unit": lambda v: _plain(v) + "万元",
    "unit_spaced": lambda v: _grouped(v, ",") + " 万元",
    "plus": lambda v: ("+" + _plain(v)) if v >= 0 else _plain(v),
    "minus_sign": lambda v: _plain(v).replace("-", "\u2212"),
    "ideographic_point": lambda v: _plain(v).replace(".", "。"),
    "as_yi": lambda v: _plain(v.scaleb(-4)) + "亿",  # 万元 field, typed in 亿
    "as_yuan": lambda v: _plain(v.scaleb(4)) + "元",
}


@settings(max_examples=60, deadline=None)
@given(value=decimals_typed, style=st.sampled_from(sorted(STYLES)))
@example(value=Decimal("0.000001"), style="as_yi")
@example(value=Decimal("-1000"), style="grouped_chinese_comma")
def test_any_decimal_typed_in_any_clerk_style_reads_back_exactly(
    value: Decimal, style: str
) -> None:
    typed = STYLES[style](value)
    assert parse_clerk_number(typed, unit="万元", multipliers=True) == value


@settings(max_examples=60, deadline=None)
@given(value=decimals_typed)
def test_percent_typed_with_sign_reads_back(value: Decimal) -> None:
    typed = (_plain(value) + "%").translate(FULL_WIDTH)
    assert parse_clerk_number(typed, unit="%") == value


@settings(max_examples=60, deadline=None)
@given(value=decimals_typed, decimals=st.integers(min_value=0, max_value=6))
def test_formatted_values_read_back_to_the_rounded_value(value: Decimal, decimals: int) -> None:
    text = format_decimal(value, decimals)
    assert "E" not in text and "e" not in text
    parsed = parse_clerk_number(text)
    assert abs(parsed - value) <= Decimal(1).scaleb(-decimals) / 2


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=20))
def test_junk_never_becomes_a_number_silently(text: str) -> None:
    folded = unicodedata.normalize("NFKC", text)
    try:
        value = parse_clerk_number(text, unit="万元", multipliers=True)
    except NumberParseError as exc:
        assert str(exc) and CJK.search(str(exc))
        return
    # Anything accepted had ASCII digits to read (never a made-up 0 from nothing).
    assert re.search(r"[0-9]", folded), (text, value)
    assert value.is_finite()


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=15))
def test_text_without_digits_is_always_refused(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_clerk_number(text, unit="", multipliers=True)
