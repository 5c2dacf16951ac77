"""The completeness matrix shows every word whole, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.consolidation import test_window as base

inbox = base.inbox  # the received folder of test_window, as a fixture here too


def cut_cells(table: Any) -> list[str]:
    metrics = table.fontMetrics()
    cut = []
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is None or column == 0:  # the unit's name may be elided; its tooltip is whole
                continue
            if metrics.horizontalAdvance(item.text()) + 8 > table.columnWidth(column):
                cut.append(item.text())
    return cut


def test_no_cell_is_cut_in_chinese(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
) -> None:
    cw = base.open_consolidation(qtbot, open_window(store))
    table = cw.matrix.table
    assert {table.item(r, 3).text() for r in range(table.rowCount())} & {"已报", "未报"}
    assert cut_cells(table) == []


def test_no_cell_is_cut_in_english(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    english: None,
) -> None:
    window = open_window(store)
    window.open_consolidation()
    cw = window.consolidation
    with qtbot.waitSignal(cw.scanned, timeout=base.SCAN_TIMEOUT):
        pass
    base.settle(qtbot, cw)
    table = cw.matrix.table
    texts = {table.item(r, c).text() for r in range(table.rowCount()) for c in range(2, 6)}
    assert "Missing" in texts
    assert cut_cells(table) == []
