"""Figures: a clerk's text as a number or none, rates and progress, and how a figure is shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodesk.forms.fields import InputField
from ecodesk.forms.figures import (
    field_number,
    fixed,
    number_or_none,
    percent_text,
    plain,
    progress_toward,
    rate_of,
    read_number,
    show_typed,
    with_unit,
)
from ecodesk.forms.schema import Target


def test_number_or_none_reads_what_the_form_reads() -> None:
    assert number_or_none("１,２００") == Decimal(1200)
    assert number_or_none("3.5亿", unit="万元", multipliers=True) == Decimal(35000)
    assert number_or_none("76%", unit="%") == Decimal(76)
    assert (
        number_or_none("") is None and number_or_none("  ") is None and number_or_none(None) is None
    )
    assert number_or_none("约三亿") is None


def test_read_number_says_why_not() -> None:
    assert read_number("12") == (Decimal(12), None)
    assert read_number("") == (None, None)
    value, why = read_number("约三亿")
    assert value is None and why and "约" in why


def test_field_number_skips_choices_and_unreadable_old_data() -> None:
    number = InputField(form="1.1", indicator="x", part="", label="x", type="number", unit="家")
    choice = InputField(form="1.1", indicator="g", part="", label="g", type="choice")
    assert field_number(number, "12家") == Decimal(12)
    assert field_number(number, "很多") is None
    assert field_number(choice, "12") is None


def test_rates() -> None:
    assert rate_of(Decimal(380), Decimal(500), Decimal(100)) == Decimal(76)
    assert rate_of(Decimal(1), Decimal(0), Decimal(100)) is None
    assert rate_of(None, Decimal(5), Decimal(100)) is None


def _target(comparator: str, value: str | None) -> Target:
    return Target.model_validate(
        {"comparator": comparator, "value": value, "deadline": "2026年", "plan_text": "…"}
    )


@pytest.mark.parametrize(
    ("comparator", "goal", "value", "expected"),
    [
        ("ge", "300", "150", Decimal(50)),
        ("about", "2000", "2000", Decimal(100)),
        ("le", "100", "80", Decimal(100)),  # within a ceiling: done
        ("le", "100", "200", Decimal(50)),
        ("ge", "0", "5", None),
        ("zero", None, "3", None),
        ("grade_at_least", None, "3", None),
    ],
)
def test_progress_toward(comparator: str, goal: str | None, value: str, expected: object) -> None:
    if comparator == "grade_at_least":
        target = Target.model_validate(
            {"comparator": comparator, "grade": "Ⅲ类", "deadline": "2026年", "plan_text": "…"}
        )
    else:
        target = _target(comparator, goal)
    assert progress_toward(target, Decimal(value)) == expected
    assert progress_toward(target, None) is None
    assert progress_toward(None, Decimal(1)) is None


def test_showing_figures() -> None:
    assert plain(Decimal("83.40")) == "83.4"
    assert plain(Decimal("2E+3")) == "2000"
    assert plain(Decimal("-0.00")) == "0"
    assert plain(Decimal("2.456"), 2) == "2.46"
    assert with_unit(Decimal("76.0"), "%") == "76%"
    assert fixed(Decimal("2.5"), 2) == "2.50" and fixed(None, 2) == ""
    assert show_typed("1,200", decimals=0) == "1200"
    assert show_typed("约三亿 ", decimals=2) == "约三亿"  # not a number: as typed, never 0
    assert percent_text(Decimal("25")) == "25.0%" and percent_text(None) == ""
