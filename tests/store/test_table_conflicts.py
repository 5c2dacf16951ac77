"""Two people changing the same repeatable table: different cells and rows merge, the same cell
(a text, a number or a drop-down choice) or a row deleted by one and changed by the other is a
conflict naming the other person and both values; nothing is overwritten unseen.

Runs on both engines: two ``Store`` objects on the same database are two PCs of an office, each
with its own person signed in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.store import Store
from ecodesk.store.errors import TableConflict
from ecodesk.store.people import FILLER, HEAD, add_person
from ecodesk.submission import Period, TableRow

P = Period(2026)
FORM, TABLE = "1.1", "projects"


def _row(
    name: str, industry: str = "化工", status: str = "在建", investment: str = "100"
) -> TableRow:
    return {
        "name": name,
        "company": f"{name}公司",
        "industry": industry,
        "total_investment": "",
        "investment": investment,
        "status": status,
    }


START = [_row("甲项目"), _row("乙项目", "钢铁"), _row("丙项目", "建材")]


@pytest.fixture
def two_pcs(data_dir: Path, pack, store: Store) -> Iterator[tuple[Store, Store]]:  # type: ignore[no-untyped-def]
    """This PC (刘志明 signed in) and another PC (王芳 signed in) on the same database."""
    add_person(store, "黄建华", [HEAD], "head-pass-1")
    store.sign_in("黄建华", "head-pass-1")
    add_person(store, "刘志明", [FILLER], "filler-pass")
    add_person(store, "王芳", [FILLER], "filler-pass-2")
    store.sign_in("刘志明", "filler-pass")
    store.set_table_rows(P, FORM, TABLE, START)
    with Store.open(data_dir, pack=pack) as other:
        other.sign_in("王芳", "filler-pass-2")
        yield store, other


def _rows(store: Store) -> list[TableRow]:
    return store.load(P).rows(FORM, TABLE)


def _with(rows: list[TableRow], row: int, **cells: str) -> list[TableRow]:
    changed = [dict(r) for r in rows]
    changed[row].update(cells)
    return changed


def test_the_same_cell_changed_by_both_is_a_conflict_naming_the_other_person(
    two_pcs: tuple[Store, Store],
) -> None:
    mine, other = two_pcs
    seen = _rows(mine)  # this PC shows the table
    other.set_table_rows(P, FORM, TABLE, _with(seen, 1, investment="250"), based_on=seen)
    with pytest.raises(TableConflict) as caught:
        mine.set_table_rows(P, FORM, TABLE, _with(seen, 1, investment="300"), based_on=seen)
    conflict = caught.value
    assert (conflict.based_on, conflict.mine, conflict.theirs) == ("100", "300", "250")
    assert conflict.by is not None and conflict.by[0] == "王芳" and conflict.at is not None
    assert "乙" not in conflict.place and "第 2 行“本年完成投资”" in conflict.place
    message = str(conflict)
    assert "王芳" in message and "“250”" in message and "“300”没有保存" in message
    assert _rows(mine) == _with(seen, 1, investment="250")  # nothing overwritten
    table_saves = [e for e in mine.audit_log(P) if e.action == "set_table"]
    assert len(table_saves) == 2  # the first filling and 王芳's: the refused save left no trace


def test_a_drop_down_choice_changed_by_both_is_a_conflict(two_pcs: tuple[Store, Store]) -> None:
    mine, other = two_pcs
    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 0, status="已完工"), based_on=seen)
    with pytest.raises(TableConflict) as caught:
        mine.set_table_rows(P, FORM, TABLE, _with(seen, 0, status="谋划"), based_on=seen)
    assert (caught.value.mine, caught.value.theirs) == ("谋划", "已完工")
    assert "第 1 行“进展”" in caught.value.place
    assert _rows(other)[0]["status"] == "已完工"


def test_different_cells_and_rows_never_conflict_and_both_changes_are_kept(
    two_pcs: tuple[Store, Store],
) -> None:
    mine, other = two_pcs
    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 0, investment="111"), based_on=seen)
    saved = mine.set_table_rows(P, FORM, TABLE, _with(seen, 0, status="已完工"), based_on=seen).rows
    expected = _with(seen, 0, investment="111", status="已完工")
    assert saved == expected and _rows(other) == expected
    # another row, a row added and a row deleted at the same time: all kept
    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 2, industry="有色"), based_on=seen)
    mine.set_table_rows(P, FORM, TABLE, [*seen, _row("丁项目")], based_on=seen)
    seen_there = _rows(other)
    other.set_table_rows(P, FORM, TABLE, [seen_there[0], *seen_there[2:]], based_on=seen_there)
    assert [r["name"] for r in _rows(mine)] == ["甲项目", "丙项目", "丁项目"]
    assert _rows(mine)[1]["industry"] == "有色"


def test_a_row_deleted_while_someone_changes_it_is_a_conflict_both_ways(
    two_pcs: tuple[Store, Store],
) -> None:
    mine, other = two_pcs
    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 1, company="新公司"), based_on=seen)
    with pytest.raises(TableConflict) as caught:  # I delete the row 王芳 just changed
        mine.set_table_rows(P, FORM, TABLE, [seen[0], seen[2]], based_on=seen)
    conflict = caught.value
    assert conflict.mine == "（删除了这一行）" and "新公司" in (conflict.theirs or "")
    assert conflict.by is not None and conflict.by[0] == "王芳"
    assert len(_rows(mine)) == 3

    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, [seen[0], seen[2]], based_on=seen)  # 王芳 deletes it
    with pytest.raises(TableConflict) as caught:  # while I change it
        mine.set_table_rows(P, FORM, TABLE, _with(seen, 1, investment="9"), based_on=seen)
    assert caught.value.theirs == "（删除了这一行）" and "9" in (caught.value.mine or "")
    assert [r["name"] for r in _rows(mine)] == ["甲项目", "丙项目"]


def test_choosing_keeps_every_change_that_did_not_clash(two_pcs: tuple[Store, Store]) -> None:
    mine, other = two_pcs
    seen = _rows(mine)
    other.set_table_rows(
        P, FORM, TABLE, _with(seen, 0, investment="7", company="王芳改的"), based_on=seen
    )
    my_rows = _with(seen, 0, investment="8", status="已完工")  # one clash, one change of mine
    with pytest.raises(TableConflict) as caught:
        mine.set_table_rows(P, FORM, TABLE, my_rows, based_on=seen)
    conflict = caught.value
    take_theirs = conflict.resolution(keep_mine=False)
    assert take_theirs is not None  # my 进展 is still mine to save
    rows, base = take_theirs
    mine.set_table_rows(P, FORM, TABLE, rows, based_on=base)
    assert _rows(other)[0] == _with(seen, 0, investment="7", company="王芳改的", status="已完工")[0]

    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 2, investment="70"), based_on=seen)
    with pytest.raises(TableConflict) as caught:
        mine.set_table_rows(P, FORM, TABLE, _with(seen, 2, investment="80"), based_on=seen)
    assert caught.value.resolution(keep_mine=False) is None  # nothing of mine left to save
    keep_mine = caught.value.resolution(keep_mine=True)
    assert keep_mine is not None
    mine.set_table_rows(P, FORM, TABLE, keep_mine[0], based_on=keep_mine[1])
    assert _rows(other)[2]["investment"] == "80"
    logged = [(e.old, e.new) for e in mine.audit_log(P, limit=50) if e.action == "set_table"]
    assert '"80"' in (logged[0][1] or "") and '"70"' in (logged[0][0] or "")


def test_without_based_on_or_unchanged_the_save_goes_through(two_pcs: tuple[Store, Store]) -> None:
    mine, other = two_pcs
    seen = _rows(mine)
    other.set_table_rows(P, FORM, TABLE, _with(seen, 0, investment="5"), based_on=seen)
    mine.set_table_rows(P, FORM, TABLE, _with(seen, 0, investment="5"), based_on=seen)  # same
    mine.set_table_rows(P, FORM, TABLE, START)  # a bulk write replaces
    assert _rows(other) == START


def test_two_pcs_editing_one_table_at_once_lose_nothing(two_pcs: tuple[Store, Store]) -> None:
    """Each PC changes its own cell over and over, at the same time: every change merges."""
    pcs, rounds, start = two_pcs, 15, threading.Barrier(2)
    errors: list[BaseException] = []

    def pc(number: int, s: Store) -> None:
        try:
            start.wait()
            for i in range(rounds):
                seen = _rows(s)
                s.set_table_rows(
                    P, FORM, TABLE, _with(seen, number, investment=str(i)), based_on=seen
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=pc, args=(n, s)) for n, s in enumerate(pcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = _rows(pcs[0])
    assert [r["investment"] for r in final] == [str(rounds - 1), str(rounds - 1), "100"]
