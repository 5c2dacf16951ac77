"""Newest revision per unit and period; the same revision twice is a duplicate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecodesk.consolidation.selection import newest_revisions


def _split(items: list[tuple[str, int, str]]):  # type: ignore[no-untyped-def]
    return newest_revisions(items, key=lambda i: i[0], revision=lambda i: i[1])


def test_the_highest_revision_is_kept_whatever_the_order() -> None:
    items = [("宁都", 2, "b"), ("于都", 1, "c"), ("宁都", 1, "a"), ("宁都", 3, "d")]
    kept, superseded, duplicates = _split(items)
    assert kept == [("于都", 1, "c"), ("宁都", 3, "d")]
    assert sorted(superseded) == [("宁都", 1, "a"), ("宁都", 2, "b")]
    assert duplicates == []


def test_a_copy_of_the_kept_revision_is_a_duplicate_a_copy_of_an_older_one_is_superseded() -> None:
    items = [("宁都", 1, "a"), ("宁都", 1, "a-copy"), ("宁都", 2, "b"), ("宁都", 2, "b-copy")]
    kept, superseded, duplicates = _split(items)
    assert kept == [("宁都", 2, "b")]
    assert duplicates == [("宁都", 2, "b-copy")]
    assert sorted(superseded) == [("宁都", 1, "a"), ("宁都", 1, "a-copy")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(1, 4), st.integers()), max_size=12))
def test_every_item_lands_in_exactly_one_place(items: list[tuple[str, int, int]]) -> None:
    kept, superseded, duplicates = newest_revisions(
        items, key=lambda i: i[0], revision=lambda i: i[1]
    )
    assert sorted(map(id, kept + superseded + duplicates)) == sorted(map(id, items))
    assert len({k[0] for k in kept}) == len(kept) == len({i[0] for i in items})
    for k in kept:
        assert k[1] == max(i[1] for i in items if i[0] == k[0])
