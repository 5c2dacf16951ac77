"""Two people changing the same value: the second save sees the conflict, nothing is overwritten.

Runs on both engines: two ``Store`` objects on the same database are two PCs of an office.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ecodesk.store import Store
from ecodesk.store.errors import ProfileConflict, ValueConflict
from ecodesk.submission import AcceptedWarning, Period

P = Period(2026)
KEY = "1.1:upgraded_firms"


@pytest.fixture
def other_pc(data_dir: Path, pack) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as opened:
        yield opened


def _logged(store: Store) -> list[tuple[str | None, str | None]]:
    return [
        (e.old, e.new)
        for e in reversed(store.audit_log(P, limit=10_000))
        if e.field == "upgraded_firms"
    ]


def test_the_second_save_sees_the_other_value_and_who_saved_it(
    store: Store, other_pc: Store, profile
) -> None:  # type: ignore[no-untyped-def]
    store.save_profile(profile)
    seen = store.load(P).value(KEY)  # this PC opens the form: the field is empty
    other_pc.set_value(P, KEY, "2", based_on=None)  # the other PC saves first
    with pytest.raises(ValueConflict) as caught:
        store.set_value(P, KEY, "3", based_on=seen)
    conflict = caught.value
    assert (conflict.based_on, conflict.mine, conflict.theirs) == (None, "3", "2")
    assert conflict.by is not None and conflict.by[0] == profile.preparer and conflict.at
    message = str(conflict)
    assert "“2”" in message and "“3”没有保存" in message and profile.preparer in message
    assert (
        store.load(P).value(KEY) == "2"
    )  # nothing overwritten, nothing logged for the refused save
    assert _logged(store) == [(None, "2")]

    store.set_value(P, KEY, "3", based_on="2")  # having seen it, the person keeps their value
    assert other_pc.load(P).value(KEY) == "3"
    assert _logged(store) == [(None, "2"), ("2", "3")]


def test_the_same_change_by_both_or_an_unchanged_field_is_no_conflict(
    store: Store, other_pc: Store
) -> None:
    store.set_value(P, KEY, "1")
    other_pc.set_value(P, KEY, "5", based_on="1")
    store.set_value(P, KEY, "5", based_on="1")  # both typed the same: nothing to decide
    store.set_value(P, KEY, "6", based_on="5")
    assert _logged(store) == [(None, "1"), ("1", "5"), ("5", "6")]


def test_clearing_a_field_someone_else_changed_is_a_conflict_too(
    store: Store, other_pc: Store
) -> None:
    store.set_value(P, KEY, "3")
    other_pc.set_value(P, KEY, "4", based_on="3")
    with pytest.raises(ValueConflict) as caught:
        store.set_value(P, KEY, "", based_on="3")
    assert (caught.value.mine, caught.value.theirs) == (None, "4")
    assert store.load(P).value(KEY) == "4"


def test_without_based_on_the_save_replaces_what_is_there(store: Store, other_pc: Store) -> None:
    other_pc.set_value(P, KEY, "2")
    store.set_value(P, KEY, "3")  # e.g. the single clerk of a SQLite install, or a bulk write
    assert other_pc.load(P).value(KEY) == "3"


def test_two_pcs_saving_the_same_field_at_once_never_overwrite_unseen(
    store: Store, other_pc: Store
) -> None:
    rounds, start = 25, threading.Barrier(2)
    saved: list[tuple[str | None, str]] = []
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def pc(number: int, s: Store) -> None:
        try:
            start.wait()
            for i in range(rounds):
                seen = s.load(P).values.get(KEY)
                text = f"{number}-{i}"
                try:
                    s.set_value(P, KEY, text, based_on=seen)
                except ValueConflict:
                    conflicts.append(number)
                else:
                    saved.append((seen, text))
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=pc, args=(n, s)) for n, s in enumerate((store, other_pc))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    logged = _logged(store)
    # Every acknowledged save is in the log with exactly the value its person had seen as "old":
    # no save replaced a value its person had not seen.
    assert sorted(logged, key=str) == sorted(saved, key=str)
    assert [old for old, _ in logged] == [None] + [new for _, new in logged[:-1]]
    assert len(saved) + len(conflicts) == 2 * rounds


def _warning(explanation: str) -> AcceptedWarning:
    return AcceptedWarning(
        problem_id="yoy:1.1:upgraded_firms",
        form="1.1",
        message="与上年相比增加 300%，请说明原因。",
        explanation=explanation,
        field=KEY,
    )


def test_a_warning_accepted_by_both_with_different_explanations_is_a_conflict(
    store: Store, other_pc: Store
) -> None:
    other_pc.accept_warning(P, _warning("新增三家园区企业"), based_on=None)
    with pytest.raises(ValueConflict) as caught:  # this PC had not seen it accepted
        store.accept_warning(P, _warning("统计口径调整"), based_on=None)
    conflict = caught.value
    assert (conflict.based_on, conflict.mine, conflict.theirs) == (
        None,
        "统计口径调整",
        "新增三家园区企业",
    )
    assert conflict.by is not None and conflict.at is not None
    assert [a.explanation for a in store.load(P).accepted] == ["新增三家园区企业"]
    # the same explanation, or having seen theirs: no conflict
    store.accept_warning(P, _warning("新增三家园区企业"), based_on=None)
    store.accept_warning(P, _warning("统计口径调整"), based_on="新增三家园区企业")
    assert [a.explanation for a in other_pc.load(P).accepted] == ["统计口径调整"]


def test_withdrawing_an_explanation_someone_else_changed_is_a_conflict_both_ways(
    store: Store, other_pc: Store
) -> None:
    store.accept_warning(P, _warning("初稿说明"))
    other_pc.accept_warning(P, _warning("王芳改的说明"), based_on="初稿说明")
    with pytest.raises(ValueConflict) as caught:
        store.withdraw_warning(P, "yoy:1.1:upgraded_firms", based_on="初稿说明")
    assert (caught.value.mine, caught.value.theirs) == (None, "王芳改的说明")
    assert [a.explanation for a in store.load(P).accepted] == ["王芳改的说明"]
    other_pc.withdraw_warning(P, "yoy:1.1:upgraded_firms", based_on="王芳改的说明")
    with pytest.raises(ValueConflict) as caught:  # withdrawn meanwhile: asked, not re-accepted
        store.accept_warning(P, _warning("我的说明"), based_on="王芳改的说明")
    assert (caught.value.mine, caught.value.theirs) == ("我的说明", None)
    assert store.load(P).accepted == []
    store.withdraw_warning(P, "yoy:1.1:upgraded_firms", based_on="王芳改的说明")  # both withdrew


def test_the_unit_profile_merges_different_entries_and_asks_about_the_same_one(
    store: Store, other_pc: Store, profile
) -> None:  # type: ignore[no-untyped-def]
    store.save_profile(profile)
    seen = store.profile()
    assert seen is not None
    other_pc.save_profile(replace(seen, phone="0797-1111111", head="王局长"), based_on=seen)
    store.save_profile(replace(seen, reviewer="赵审核"), based_on=seen)  # another entry: merged
    merged = other_pc.profile()
    assert merged is not None
    assert (merged.phone, merged.head, merged.reviewer) == ("0797-1111111", "王局长", "赵审核")

    with pytest.raises(ProfileConflict) as caught:  # the same entry: asked
        store.save_profile(replace(seen, phone="0797-2222222", department="林业局"), based_on=seen)
    conflict = caught.value
    assert (conflict.based_on, conflict.mine, conflict.theirs) == (
        profile.phone,
        "0797-2222222",
        "0797-1111111",
    )
    assert conflict.place is not None and "联系电话" in conflict.place and conflict.by is not None
    assert other_pc.profile() == merged  # nothing saved
    take_theirs = conflict.resolution(keep_mine=False)
    assert take_theirs is not None  # the department is still mine to save
    store.save_profile(take_theirs[0], based_on=take_theirs[1])
    after = other_pc.profile()
    assert after is not None and (after.phone, after.department) == ("0797-1111111", "林业局")


def test_the_forms_the_unit_fills_merge_two_peoples_choices(store: Store, other_pc: Store) -> None:
    store.set_responsible_forms(["G", "1.1", "2.1"])
    seen = store.responsible_forms()
    other_pc.set_responsible_forms(["G", "1.1", "2.1", "3.1"], based_on=seen)  # adds 3.1
    store.set_responsible_forms(["G", "1.1"], based_on=seen)  # removes 2.1, unaware of 3.1
    assert other_pc.responsible_forms() == ["G", "1.1", "3.1"]
    store.set_responsible_forms(["1.1"])  # without based_on: exactly this list
    assert other_pc.responsible_forms() == ["1.1"]
