"""The look of the visible sheets: fonts for Chinese, borders, fills, number formats, A4 page setup."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from copy import copy
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

# 宋体 for body text and 黑体 for titles: what Chinese government forms use, present on every
# Chinese Windows (Excel, WPS); other systems substitute their own CJK font.
BODY_FONT = "宋体"
TITLE_FONT = "黑体"

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)

TITLE = Font(name=TITLE_FONT, size=16, bold=True)
SUBTITLE = Font(name=BODY_FONT, size=10, color="404040")
HEADER = Font(name=TITLE_FONT, size=10, bold=True)
SECTION = Font(name=TITLE_FONT, size=12, bold=True)
BODY = Font(name=BODY_FONT, size=10)
BODY_BOLD = Font(name=BODY_FONT, size=10, bold=True)
NOTE = Font(name=BODY_FONT, size=9, italic=True, color="606060")
MONO = Font(name="Consolas", size=10)

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
SECTION_FILL = PatternFill("solid", fgColor="EEF3E6")
LABEL_FILL = PatternFill("solid", fgColor="F3F3F3")

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

LINE_HEIGHT_PT = 14.0
MAX_ROW_HEIGHT_PT = 409.0  # Excel's limit


def number_format(decimals: int) -> str:
    """Thousands separators and exactly the field's decimals: 1,234 / 1,234.50."""
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def display_width(text: str) -> int:
    """Width in Excel character units: a CJK character (east Asian width W or F) takes two."""
    if text.isascii():
        return len(text)
    return len(text) + _wide_re().subn("", text)[1]


@functools.cache
def _wide_re() -> re.Pattern[str]:
    """A character class of every code point Unicode calls wide or full-width (built once)."""
    ranges: list[str] = []
    start = None
    for cp in range(0x3FFFF + 2):
        wide = cp <= 0x3FFFF and unicodedata.east_asian_width(chr(cp)) in "WF"
        if wide and start is None:
            start = cp
        elif not wide and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(cp - 1))}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


def wrapped_height(text: str, width_chars: float, *, minimum: float = 18.0) -> float:
    """Row height that shows ``text`` wrapped into a column ``width_chars`` wide."""
    usable = max(4.0, width_chars - 1.5)
    lines = sum(
        max(1, math.ceil(display_width(part) / usable)) for part in (text or "").split("\n")
    )
    return min(MAX_ROW_HEIGHT_PT, max(minimum, lines * LINE_HEIGHT_PT + 4))


def style(
    cell: Any,
    *,
    font: Font = BODY,
    align: Alignment = LEFT,
    border: bool = True,
    fill: PatternFill | None = None,
    number: str | None = None,
) -> Any:
    changes: list[tuple[str, Any]] = [("font", font), ("alignment", align)]
    if border:
        changes.append(("border", BORDER))
    if fill is not None:
        changes.append(("fill", fill))
    if number is not None:
        changes.append(("number_format", number))
    return apply(cell, tuple(changes))


def apply(cell: Any, changes: tuple[tuple[str, Any], ...]) -> Any:
    """Set style attributes on ``cell`` (``(("font", BODY), ("border", BORDER))``), as
    ``setattr`` would, but work out each combination once per workbook.

    openpyxl finds a font, border or fill in the workbook's list by hashing and comparing the
    whole object on every assignment — three quarters of an export's time. The outcome is only a
    row of indices (the cell's style array), so for the same starting style and the same changes
    it is copied instead of worked out again.
    """
    cache: dict[Any, Any] = cell.parent.parent.__dict__.setdefault("_ecodesk_style_cache", {})
    if cell._style is None:  # a new cell: openpyxl makes its style array on first use
        cell._style = StyleArray()
    key = (
        tuple(cell._style),
        tuple((name, value if isinstance(value, str) else id(value)) for name, value in changes),
    )
    hit = cache.get(key)
    if hit is None:
        for name, value in changes:
            setattr(cell, name, value)
        # the changes are kept with the result so the objects whose id() is in the key live on
        cache[key] = (copy(cell._style), changes)
    else:
        cell._style = copy(hit[0])
    return cell


def box_merged(ws: Worksheet, row: int, first_col: int, last_col: int) -> None:
    """Merge a row span and border every cell in it (Excel draws a merged border from each cell).

    The range is added to the sheet's merged ranges directly: every cell in it gets its border
    here, so openpyxl's own merging (which turns the cells into MergedCells and works out their
    edge borders one by one, a third of an export) would add nothing.
    """
    if last_col > first_col:
        ws.merged_cells.add(
            MergedCellRange(
                ws, f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}"
            )
        )
    for col in range(first_col, last_col + 1):
        apply(ws.cell(row=row, column=col), (("border", BORDER),))


def a4_page(
    ws: Worksheet, *, landscape: bool, header: str, footer_left: str, title_rows: str | None
) -> None:
    """A4, fit to one page wide, header and footer, repeated header rows on every printed page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    # Header/footer codes: &P page, &N pages; "&" in user text must be doubled.
    ws.oddHeader.center.text = header.replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.left.text = footer_left.replace("&", "&&")
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 9
    if title_rows:
        ws.print_title_rows = title_rows
