"""The values that cross module boundaries: periods are ordered one way, bad ones refused in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodesk.errors import EcoDeskError
from ecodesk.submission import BadPeriod, Period


def test_periods_are_totally_ordered_by_when_they_end() -> None:
    periods = [Period(2026), Period(2025, 1), Period(2025), Period(2025, 4), Period(2024, 3)]
    assert sorted(periods) == [
        Period(2024, 3),
        Period(2025, 1),
        Period(2025, 4),
        Period(2025),
        Period(2026),
    ]
    assert Period(2025) < Period(2026, 1)
    assert Period(2025, 1) < Period(2025)
    assert not Period(2025) < Period(2025, 1)
    assert Period(2025) >= Period(2025, 4)
    assert max(Period(2025, 2), Period(2024)) == Period(2025, 2)


def test_period_end_is_the_time_axis_of_the_trajectory() -> None:
    assert Period(2025).end == Decimal(2025)
    assert Period(2025, 1).end == Decimal("2024.25")
    assert Period(2025, 4).end == Period(2025).end


def test_bad_period_is_an_error_for_people() -> None:
    with pytest.raises(BadPeriod, match="格式不对") as raised:
        Period.parse("20X6")
    assert isinstance(raised.value, EcoDeskError)
    assert isinstance(raised.value, ValueError)
