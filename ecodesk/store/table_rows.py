"""Which row of a table a rewritten row continues, so that evidence attached to a row stays on it.

An attachment names a table row by its number (``1.1:projects#3``, an interface of the command
line and of the signed records). A table is saved whole (:meth:`Store.set_table_rows`), so when
a clerk deletes row 1, the old rows 2 and 3 become rows 1 and 2: their attachments must be
renumbered in the same transaction, and the attachments of the deleted row taken off with it.

``origin`` says, for each new row, the (0-based) index of the old row it continues, or ``None``
for a new row. The window knows it exactly (it deleted, added or pasted rows); a bulk write
(an import, the demo, a consolidation) lets :func:`infer_origin` match the rows by content.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.submission import TableRow

# The row number of an attachment whose row was deleted: no real row (rows count from 1), so
# nothing but the undo of that delete can put it back on a row.
ORPHAN_ROW = 0


def _signature(row: TableRow) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in row.items()))


def infer_origin(old: Sequence[TableRow], new: Sequence[TableRow]) -> list[int | None]:
    """Match ``new`` rows to ``old`` ones: unchanged rows by content (so a deleted or inserted
    row moves the ones after it), changed rows in a block of the same place by position (a
    cell edited)."""
    origin: list[int | None] = [None] * len(new)
    matcher = difflib.SequenceMatcher(
        None, [_signature(r) for r in old], [_signature(r) for r in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for k in range(min(i2 - i1, j2 - j1)):
                origin[j1 + k] = i1 + k
    return origin


def identity(count: int) -> list[int | None]:
    return list(range(count))


def check_origin(origin: Sequence[int | None], old_count: int, new_count: int) -> list[int | None]:
    """``origin`` checked: one entry per new row, each an old row at most once."""
    result = list(origin)
    seen: set[int] = set()
    bad = len(result) != new_count
    for entry in result:
        if entry is None:
            continue
        if not isinstance(entry, int) or not 0 <= entry < old_count or entry in seen:
            bad = True
            break
        seen.add(entry)
    if bad:
        raise EcoDeskError(
            tr("store", "表格行的对应关系不对（程序错误），没有保存。请重新打开表单再试。")
        )
    return result


def row_of(key: str, prefix: str) -> int | None:
    """The row number (from 1; :data:`ORPHAN_ROW` for a deleted row) of an attachment key of
    the table ``prefix`` (``"1.1:projects#"``); ``None`` for another key."""
    if not key.startswith(prefix):
        return None
    number = key[len(prefix) :]
    return int(number) if number.isdigit() else None
