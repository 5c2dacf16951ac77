"""What the plan's targets mean and how they read — the one place for both.

* **Meaning.** :func:`meets` says whether a figure fulfils a numeric target, :func:`behind`
  whether it is behind the straight-line path to it, :func:`provincial_met` whether an actual
  value fulfils the provincial target the county filled, :func:`grade_reached` whether a grade
  is the target's or better. "左右" (``about``) tolerates :data:`ABOUT_TOLERANCE` shortfall,
  in the county's checks and in the city's totals alike.
* **Wording.** :func:`goal_text` is the target in the plan's words (``≥76%``, ``突破700万千瓦``,
  ``2000家左右``), :func:`target_text` adds its deadline (the sheets' 目标 column),
  :func:`describe_target` also who is held to it (the catalog). :func:`trend_words` names a
  trend indicator's direction. These words are the plan's own and appear on the official
  documents, so they use the ``catalog`` context, which stays Chinese in every window (the
  trend words, also part of messages to the clerk, are translated; see :func:`trend_words`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ecodesk.forms.figures import plain
from ecodesk.forms.schema import Comparator, Target, numeric_target

__all__ = [
    "ABOUT_TOLERANCE",
    "behind",
    "describe_target",
    "goal_of",
    "goal_text",
    "grade_reached",
    "meets",
    "numeric_target",
    "provincial_met",
    "target_text",
    "trend_words",
]
from ecodesk.i18n import tr

ABOUT_TOLERANCE = Decimal("0.10")  # "2000家左右": up to 10% short still counts as on track
LOWER_IS_BETTER = frozenset({"le", "zero"})

Direction = Literal["up", "down", "stable_or_up"]
Better = Literal["higher", "lower"]


# --------------------------------------------------------------------------- meaning


def goal_of(target: Target) -> Decimal:
    """The number a numeric target aims at (0 for 清零)."""
    if target.comparator == "zero" or target.value is None:
        return Decimal(0)
    return target.value


def meets(target: Target, value: Decimal) -> bool:
    """Whether ``value`` fulfils a numeric target of the plan."""
    goal = goal_of(target)
    comparator = target.comparator
    if comparator == "ge":
        return value >= goal
    if comparator == "gt":
        return value > goal
    if comparator == "le":
        return value <= goal
    if comparator == "eq":
        return value == goal
    if comparator == "about":
        return value >= goal * (1 - ABOUT_TOLERANCE)
    if comparator == "zero":
        return value == 0
    raise ValueError(f"comparator {comparator} has no numeric reading")


def behind(
    comparator: Comparator, value: Decimal, expected: Decimal, goal: Decimal, *, final: bool
) -> bool:
    """Whether ``value`` is behind ``expected`` (a point on the path to ``goal``, or the goal
    itself when ``final``)."""
    if comparator in LOWER_IS_BETTER:
        return value > expected
    if comparator == "gt" and final:
        return value <= goal
    if comparator in ("about", "eq"):
        return value < expected - abs(expected) * ABOUT_TOLERANCE
    return value < expected


def provincial_met(better: Better, provincial_target: Decimal, actual: Decimal) -> bool:
    """完成省下达指标: higher is better (≥ the target) or lower is better (≤ the target)."""
    return actual >= provincial_target if better == "higher" else actual <= provincial_target


def grade_reached(grades: list[str], value: str, target_grade: str) -> bool:
    """Grades are listed best first: the target's grade or a better one reaches it."""
    return grades.index(value) <= grades.index(target_grade)


# --------------------------------------------------------------------------- wording


def goal_text(target: Target, unit: str = "", *, done_state: str = "") -> str:
    """The target in the plan's words: ``≥76%``, ``突破700万千瓦``, ``2000家左右``, ``清零``."""
    value = f"{plain(target.value)}{unit}" if target.value is not None else ""
    comparator = target.comparator
    if comparator == "ge":
        return tr("catalog", "≥{value}", value=value)
    if comparator == "gt":
        return tr("catalog", "突破{value}", value=value)
    if comparator == "le":
        return tr("catalog", "≤{value}", value=value)
    if comparator == "eq":
        return tr("catalog", "={value}", value=value)
    if comparator == "about":
        return tr("catalog", "{value}左右", value=value)
    if comparator == "zero":
        return tr("catalog", "清零")
    if comparator == "grade_at_least":
        return tr("catalog", "达到或好于{grade}", grade=target.grade)
    return tr("catalog", "达到“{state}”", state=done_state) if done_state else tr("catalog", "完成")


def target_text(target: Target | None, unit: str = "", *, done_state: str = "") -> str:
    """The target and its deadline: ``≥76%（2026年）`` ("" without a target)."""
    if target is None:
        return ""
    goal = goal_text(target, unit, done_state=done_state)
    return tr("catalog", "{goal}（{deadline}）", goal=goal, deadline=target.deadline)


def describe_target(
    target: Target, unit: str = "", *, done_state: str = "", local: bool = False
) -> str:
    """The target, its deadline and who is held to it: ``≥50%（2026年，各地均须达到）``.

    ``local`` is for a section shown to named places only, where "every county" would mislead.
    """
    goal = goal_text(target, unit, done_state=done_state)
    if target.level == "city":
        level = tr("catalog", "全市")
    elif local:
        level = tr("catalog", "本地")
    else:
        level = tr("catalog", "各地均须达到")
    return tr(
        "catalog", "{goal}（{deadline}，{level}）", goal=goal, deadline=target.deadline, level=level
    )


def trend_words(direction: Direction) -> str:
    """A trend indicator's direction in the plan's words. They are also part of messages to
    the clerk, so they are translated (``rules`` context): documents ask for them within
    :func:`ecodesk.i18n.source_language`."""
    return {
        "up": tr("rules", "稳步提升"),
        "down": tr("rules", "持续下降"),
        "stable_or_up": tr("rules", "稳中向好"),
    }[direction]
