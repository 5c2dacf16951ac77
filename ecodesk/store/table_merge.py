"""Two people changing one repeatable table: merge what can be merged, name what cannot.

A table is saved whole (its rows, in order), so without care the second of two saves would
replace the first person's rows unseen. :func:`merge_rows` is a three-way merge: the rows the
person started from (``base``), the rows they want (``mine``) and the rows in the store now
(``theirs``, someone else's save in between). Rows carry no identity of their own, so each
side is lined up with ``base`` by content (:class:`difflib.SequenceMatcher`, the same
alignment ``diff`` makes): equal rows are the same row; a block of changed rows is the same
rows edited, pair by pair, with any surplus deleted or added.

* A cell changed on one side only takes that change; on both sides to the same text, that text.
* A cell changed on both sides to different texts is a :class:`Clash`.
* A row deleted on one side and changed (any cell) on the other is a clash of the whole row;
  deleted on one side and untouched on the other, it is deleted.
* Rows added on either side are kept (theirs first, where both added at the same place).

So two people on different cells (or different rows) never conflict, and nothing one of them
changed is dropped without the other seeing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ecodesk.submission import TableRow


@dataclass(frozen=True)
class Clash:
    """One place both people changed: a cell (``column``), or a whole row (``column`` None:
    deleted on one side, changed on the other; the deleted side's value is None)."""

    row: int  # 0-based, as the person saw the table when they started (``base``)
    column: str | None
    base: str | None
    mine: str | None
    theirs: str | None


@dataclass(frozen=True)
class TableMerge:
    """The merged rows with every clash decided for ``mine`` and for ``theirs``."""

    keep_mine: list[TableRow]
    keep_theirs: list[TableRow]
    clashes: list[Clash] = field(default_factory=list)


def same_rows(a: Sequence[TableRow], b: Sequence[TableRow]) -> bool:
    """Equal as the store keeps them (an absent cell and an empty one are the same)."""
    return len(a) == len(b) and all(_content(x) == _content(y) for x, y in zip(a, b, strict=True))


def _content(row: TableRow) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in row.items() if v != ""))


@dataclass
class _Side:
    """One side lined up with ``base``: each base row's fate, and rows added before base row i."""

    kept: list[TableRow | None]  # per base row: the row now (None: deleted)
    added: dict[int, list[TableRow]]  # base index (len(base): at the end) → rows added there


def _line_up(base: Sequence[TableRow], other: Sequence[TableRow]) -> _Side:
    side = _Side(kept=[None] * len(base), added={})
    matcher = SequenceMatcher(
        None, [_content(r) for r in base], [_content(r) for r in other], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        for k in range(paired):
            side.kept[i1 + k] = dict(other[j1 + k])
        if j2 - j1 > paired:  # rows added (or a changed block that grew)
            side.added.setdefault(i1 + paired, []).extend(dict(r) for r in other[j1 + paired : j2])
    return side


def _row_text(row: TableRow) -> str:
    return "，".join(v for v in row.values() if v)


def merge_rows(
    base: Sequence[TableRow], mine: Sequence[TableRow], theirs: Sequence[TableRow]
) -> TableMerge:
    """Merge two changes of ``base`` (see the module's description)."""
    my_side, their_side = _line_up(base, mine), _line_up(base, theirs)
    keep_mine: list[TableRow] = []
    keep_theirs: list[TableRow] = []
    clashes: list[Clash] = []

    def both(row: TableRow) -> None:
        keep_mine.append(row)
        keep_theirs.append(dict(row))

    for b in range(len(base) + 1):
        for row in their_side.added.get(b, []) + my_side.added.get(b, []):
            both(row)
        if b == len(base):
            break
        was, m, t = base[b], my_side.kept[b], their_side.kept[b]
        if m is None and t is None:
            continue
        if m is None or t is None:
            survivor = m if m is not None else t
            assert survivor is not None
            if _content(survivor) == _content(was):
                continue  # deleted by one, untouched by the other
            clashes.append(
                Clash(
                    b,
                    None,
                    _row_text(was),
                    None if m is None else _row_text(m),
                    None if t is None else _row_text(t),
                )
            )
            if m is not None:
                keep_mine.append(m)
            if t is not None:
                keep_theirs.append(t)
            continue
        mine_row: TableRow = {}
        theirs_row: TableRow = {}
        for column in dict.fromkeys([*t, *m, *was]):
            bv, mv, tv = was.get(column, ""), m.get(column, ""), t.get(column, "")
            if mv == bv or mv == tv:
                mine_row[column] = theirs_row[column] = tv
            elif tv == bv:
                mine_row[column] = theirs_row[column] = mv
            else:
                clashes.append(Clash(b, column, bv or None, mv or None, tv or None))
                mine_row[column], theirs_row[column] = mv, tv
        keep_mine.append(mine_row)
        keep_theirs.append(theirs_row)
    return TableMerge(keep_mine, keep_theirs, clashes)


def rows_without_change(
    base: Sequence[TableRow], changed: Sequence[TableRow], saved: Sequence[TableRow]
) -> list[TableRow]:
    """``saved`` with the change ``base`` → ``changed`` taken back (what undoing it saves):
    whatever else ``saved`` holds — someone else's changes merged in — stays."""
    return merge_rows(changed, base, saved).keep_mine
