"""On start, a due date within seven days is mentioned once per period per day (remembered in
the data folder's settings); nothing for a signed period, a far due date or an overdue one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ecodesk.services.deadlines import deadline_notice, due_soon
from ecodesk.store import Store
from ecodesk.submission import Period, UnitProfile

PROFILE = UnitProfile("360730", "宁都县", "县林业局", preparer="张敏")


@pytest.fixture
def store(data_dir: Path, pack):  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(PROFILE)
        store.set_responsible_forms(["G", "1.1"])
        store.set_current_period(Period(2026))
        yield store


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (date(2027, 1, 12), None),  # eight days before: not yet
        (date(2027, 1, 13), "距截止还有 7 天"),
        (date(2027, 1, 20), "今天截止"),
        (date(2027, 1, 21), None),  # overdue: the tree says so; start-up does not nag
    ],
)
def test_within_seven_days(store, today: date, said: str | None) -> None:  # type: ignore[no-untyped-def]
    message = deadline_notice(store, today)
    if said is None:
        assert message is None
    else:
        assert (
            message == f"2026年度的报送截止日期是 2027-01-20，{said}。请抓紧填报、检查并签名导出。"
        )


def test_once_per_period_per_day(store, data_dir: Path, pack) -> None:  # type: ignore[no-untyped-def]
    assert deadline_notice(store, date(2027, 1, 15)) is not None
    assert deadline_notice(store, date(2027, 1, 15)) is None
    store.close()
    with Store.open(data_dir, pack=pack) as again:  # the window opened again the same day
        assert deadline_notice(again, date(2027, 1, 15)) is None
        assert "距截止还有 4 天" in (deadline_notice(again, date(2027, 1, 16)) or "")


def test_a_signed_period_is_not_mentioned(store) -> None:  # type: ignore[no-untyped-def]
    assert [p for p, _ in due_soon(store, date(2027, 1, 15))] == [Period(2026)]
    store.load(Period(2026))
    store.mark_signed(Period(2026), 1, fingerprint="ab" * 16, digest="cd" * 32, workbook_path=None)
    assert due_soon(store, date(2027, 1, 15)) == []
    assert deadline_notice(store, date(2027, 1, 15)) is None
