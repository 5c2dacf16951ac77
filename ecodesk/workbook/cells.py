"""Writing one cell safely and reading any cell back as the text the signature binds.

The writer and the verifier both go through :func:`cell_text`, so "what the signature says a
visible cell holds" and "what the cell holds now" are computed the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ecodesk.signing.canonical import canonical_decimal, canonical_text

# Up to 15 significant digits survive the float an xlsx number cell is; more would be rounded
# by Excel, so such numbers are written as text (the signed data keeps them exactly anyway).
_MAX_EXACT_DIGITS = 15


def excel_number(value: Decimal) -> int | float | str:
    """The cell value for ``value``: an exact int/float, or its canonical text when a float can't hold it."""
    if value.is_zero():
        return 0
    digits = len(value.normalize().as_tuple().digits)
    if digits > _MAX_EXACT_DIGITS:
        return canonical_decimal(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return canonical_decimal(value)


def put_text(ws: Any, row: int, column: int, text: str) -> Any:
    """Write ``text`` as a string cell, never a formula (``=1+1``, ``@SUM(A1)`` stay text)."""
    cell = ws.cell(row=row, column=column)
    cell.value = canonical_text(text)
    # openpyxl guesses a formula from a leading "="; forcing the type keeps it a plain string
    # (a quotePrefix style alone does not: see DESIGN.md).
    cell.data_type = "s"
    return cell


def put_value(ws: Any, row: int, column: int, value: str | Decimal | int | None) -> Any:
    if value is None or value == "":
        return ws.cell(row=row, column=column)
    if isinstance(value, str):
        return put_text(ws, row, column, value)
    number = excel_number(Decimal(value))
    if isinstance(number, str):
        return put_text(ws, row, column, number)
    cell = ws.cell(row=row, column=column)
    cell.value = number
    return cell


TEXT_CELL = "text_cell"
NUMBER_CELL = "number_cell"
FORMULA = "formula"


def cell_kind(cell: Any) -> str:
    """``text_cell``, ``number_cell`` or ``formula``: a visible cell's kind is bound too, so text
    cannot become a formula (``=1+1`` showing 2) or a number silently."""
    if cell.data_type == "f":
        return FORMULA
    if isinstance(cell.value, (int, float, Decimal)) and not isinstance(cell.value, bool):
        return NUMBER_CELL
    return TEXT_CELL


def cell_binding(cell: Any) -> tuple[str, str] | None:
    """``(kind, text)`` as the signature binds a visible cell; ``None`` for an empty cell.

    A number cell's text carries its number format after a ``|`` (``1234.5|#,##0.00``): the
    format decides what a reader sees, so changing it to show another figure is a change too.
    """
    text = cell_text(cell.value)
    if text is None:
        return None
    kind = cell_kind(cell)
    if kind == NUMBER_CELL:
        text = f"{text}|{canonical_number_format(cell.number_format)}"
    return kind, text


def value_binding(value: Any, formula: bool, number_format: str) -> tuple[str, str] | None:
    """:func:`cell_binding` for a cell read without openpyxl (``ecodesk.workbook.xlsx``)."""
    text = cell_text(value)
    if text is None:
        return None
    if formula:
        return FORMULA, text
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return NUMBER_CELL, f"{text}|{canonical_number_format(number_format)}"
    return TEXT_CELL, text


def canonical_number_format(fmt: str) -> str:
    """Spell literal text in a number format one way: ``0.0"%"`` and ``0.0\\%`` mean the same.

    LibreOffice rewrites quoted literals as backslash escapes when it saves; both show the
    same figure, so both must bind the same.
    """
    out: list[str] = []
    quoted = escaped = False
    for ch in fmt or "General":
        if escaped:
            out.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif quoted:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def cell_text(value: Any) -> str | None:
    """What a cell holds, as bound by the signature; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return canonical_decimal(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = canonical_text(str(value))
    return text or None
