"""The three-way merge of a table's rows (no database: the rules on their own)."""

from __future__ import annotations

import pytest

from ecodesk.store.table_merge import merge_rows, same_rows
from ecodesk.submission import TableRow

pytestmark = pytest.mark.sqlite_only  # no database involved: once is enough


def r(*cells: str) -> TableRow:
    return {f"c{i}": v for i, v in enumerate(cells)}


BASE = [r("a", "1"), r("b", "2"), r("c", "3")]


def test_a_paste_over_existing_rows_and_past_the_end_merges_with_an_edit_elsewhere() -> None:
    mine = [r("a", "1"), r("B", "20"), r("x", "7"), r("y", "8")]  # pasted from row 2 on
    theirs = [r("a", "one"), r("b", "2"), r("c", "3")]
    merged = merge_rows(BASE, mine, theirs)
    assert merged.clashes == []
    assert merged.keep_mine == [r("a", "one"), r("B", "20"), r("x", "7"), r("y", "8")]


def test_rows_added_by_both_are_all_kept_theirs_first() -> None:
    merged = merge_rows(BASE, [*BASE, r("mine", "")], [*BASE, r("theirs", "")])
    assert merged.clashes == [] and [x["c0"] for x in merged.keep_mine][-2:] == ["theirs", "mine"]


def test_a_row_deleted_by_both_or_by_one_while_untouched_is_gone() -> None:
    assert merge_rows(BASE, [BASE[0], BASE[2]], [BASE[0], BASE[2]]).keep_mine == [BASE[0], BASE[2]]
    merged = merge_rows(BASE, [BASE[1], BASE[2]], [BASE[0], r("b", "22"), BASE[2]])
    assert merged.clashes == [] and merged.keep_mine == [r("b", "22"), BASE[2]]


def test_clashes_give_each_choice_and_the_place_as_the_person_saw_it() -> None:
    merged = merge_rows(BASE, [BASE[0], r("b", "mine"), BASE[2]], [BASE[0], r("b", "theirs")])
    (clash,) = merged.clashes
    assert (clash.row, clash.column, clash.base, clash.mine, clash.theirs) == (
        1,
        "c1",
        "2",
        "mine",
        "theirs",
    )
    assert merged.keep_mine == [BASE[0], r("b", "mine")]  # row 3: deleted by them, untouched by me
    assert merged.keep_theirs == [BASE[0], r("b", "theirs")]
    merged = merge_rows(BASE, [BASE[0], BASE[1], r("c", "33")], [BASE[0], BASE[1]])
    (deleted,) = merged.clashes
    assert (deleted.row, deleted.column, deleted.mine, deleted.theirs) == (2, None, "c，33", None)
    assert merged.keep_mine == [BASE[0], BASE[1], r("c", "33")]
    assert merged.keep_theirs == [BASE[0], BASE[1]]


def test_an_absent_cell_and_an_empty_one_are_the_same() -> None:
    assert same_rows([{"a": "1", "b": ""}], [{"a": "1"}])
    assert not same_rows([{"a": "1"}], [{"a": "2"}])
