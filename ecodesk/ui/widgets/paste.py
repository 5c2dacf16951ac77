"""Turn what Excel or WPS puts on the clipboard into table rows (no Qt here)."""

from __future__ import annotations

import csv
import io

from ecodesk.submission import TableRow


def parse_tab_separated(text: str) -> list[list[str]]:
    """Rows of cells from tab-separated text; quoted cells may hold line breaks, as Excel writes them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return []
    grid = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter="\t")]
    return [row for row in grid if any(row)]


def paste_grid(
    rows: list[TableRow],
    columns: list[str],
    grid: list[list[str]],
    start_row: int,
    start_column: int,
) -> list[TableRow]:
    """``rows`` with ``grid`` written from (start_row, start_column) on, adding rows as needed.

    Cells beyond the last column are dropped: the table's columns are fixed by the form.
    """
    result = [dict(r) for r in rows]
    for offset, cells in enumerate(grid):
        target = start_row + offset
        while len(result) <= target:
            result.append({c: "" for c in columns})
        for j, cell in enumerate(cells):
            column = start_column + j
            if column < len(columns):
                result[target][columns[column]] = cell
    return result
