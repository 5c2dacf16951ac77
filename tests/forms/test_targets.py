"""What a target means and how it reads: one answer, whoever asks (county check, city totals, sheets)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodesk.forms.schema import Target
from ecodesk.forms.targets import (
    ABOUT_TOLERANCE,
    behind,
    describe_target,
    goal_text,
    grade_reached,
    meets,
    numeric_target,
    provincial_met,
    target_text,
    trend_words,
)


def target(comparator: str, value: str | None = None, **extra: object) -> Target:
    return Target.model_validate(
        {
            "comparator": comparator,
            "value": value,
            "deadline": "2026年",
            "plan_text": "方案原文",
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("comparator", "goal", "value", "met"),
    [
        ("ge", "76", "76", True),
        ("ge", "76", "75.99", False),
        ("gt", "700", "700", False),
        ("gt", "700", "700.1", True),
        ("le", "100", "100", True),
        ("le", "100", "100.5", False),
        ("eq", "5", "5", True),
        ("eq", "5", "5.1", False),
        ("about", "2000", "1800", True),  # 10 % short of 左右 still counts
        ("about", "2000", "1799", False),
        ("zero", None, "0", True),
        ("zero", None, "1", False),
    ],
)
def test_meets(comparator: str, goal: str | None, value: str, met: bool) -> None:
    assert meets(target(comparator, goal), Decimal(value)) is met


def test_grades_and_milestones_have_no_numeric_reading() -> None:
    with pytest.raises(ValueError):
        meets(target("grade_at_least", grade="Ⅲ类"), Decimal(1))
    assert numeric_target(target("grade_at_least", grade="Ⅲ类")) is None
    assert numeric_target(target("done")) is None
    assert numeric_target(None) is None
    assert numeric_target(target("zero")) is not None


def test_behind_the_path() -> None:
    goal, expected = Decimal(100), Decimal(50)
    assert behind("ge", Decimal(49), expected, goal, final=False)
    assert not behind("ge", Decimal(50), expected, goal, final=False)
    assert behind("le", Decimal(51), expected, goal, final=False)  # lower is better
    assert not behind("zero", Decimal(40), expected, goal, final=False)
    assert behind("gt", Decimal(100), goal, goal, final=True)  # 突破 means beyond, at the end
    tolerance = expected * ABOUT_TOLERANCE
    assert not behind("about", expected - tolerance, expected, goal, final=False)
    assert behind("about", expected - tolerance - Decimal("0.01"), expected, goal, final=False)


def test_provincial_and_grades() -> None:
    assert provincial_met("higher", Decimal(3), Decimal("3.2"))
    assert not provincial_met("higher", Decimal(3), Decimal("2.5"))
    assert provincial_met("lower", Decimal(30), Decimal(28))
    assert not provincial_met("lower", Decimal(30), Decimal(31))
    grades = ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类"]
    assert grade_reached(grades, "Ⅱ类", "Ⅲ类") and grade_reached(grades, "Ⅲ类", "Ⅲ类")
    assert not grade_reached(grades, "Ⅳ类", "Ⅲ类")


def test_how_a_target_reads() -> None:
    assert goal_text(target("ge", "76.0"), "%") == "≥76%"
    assert goal_text(target("gt", "700"), "万千瓦") == "突破700万千瓦"
    assert goal_text(target("about", "2000"), "家") == "2000家左右"
    assert goal_text(target("zero")) == "清零"
    assert goal_text(target("grade_at_least", grade="Ⅲ类")) == "达到或好于Ⅲ类"
    assert goal_text(target("done"), done_state="已建成") == "达到“已建成”"
    assert target_text(target("ge", "76"), "%") == "≥76%（2026年）"
    assert target_text(None) == ""
    assert (
        describe_target(target("ge", "76", level="county"), "%") == "≥76%（2026年，各地均须达到）"
    )


def test_trend_words() -> None:
    assert [trend_words(d) for d in ("up", "down", "stable_or_up")] == [
        "稳步提升",
        "持续下降",
        "稳中向好",
    ]
