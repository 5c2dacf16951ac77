"""The very hidden sheet for machines: the signature block and every signed record.

Layout (all cells are text)::

    A1  ecodesk-signed-workbook/1
    A2:C6   signature | algorithm / public_key / fingerprint / digest / signature | value
    A7:C7   section | key | value              (column headings)
    A8…     one record a row, in signed order (see :mod:`ecodesk.signing.canonical`)

``veryHidden`` keeps it out of Excel's and WPS's "Unhide" menu; its content is protected by
the signature, not by hiding.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ecodesk.signing.canonical import Record, canonical_text
from ecodesk.signing.signature import SignatureBlock
from ecodesk.workbook.cells import put_text

DATA_SHEET = "ecodesk_data"
MARKER = "ecodesk-signed-workbook/1"
SIGNATURE_FIELDS = ("algorithm", "public_key", "fingerprint", "digest", "signature")
FIRST_RECORD_ROW = 2 + len(SIGNATURE_FIELDS) + 1
HEADINGS = ("section", "key", "value")


class DataSheetError(ValueError):
    """The data sheet is not laid out as written: the message says where (for the details)."""


@dataclass(frozen=True)
class DataSheet:
    block: SignatureBlock
    records: list[Record]


def write_data_sheet(ws: Any, block: SignatureBlock, records: list[Record]) -> None:
    ws.title = DATA_SHEET
    ws.sheet_state = "veryHidden"
    put_text(ws, 1, 1, MARKER)
    values = {
        "algorithm": block.algorithm,
        "public_key": block.public_key_b64,
        "fingerprint": block.fingerprint,
        "digest": block.digest,
        "signature": block.signature_b64,
    }
    for i, name in enumerate(SIGNATURE_FIELDS, start=2):
        put_text(ws, i, 1, "signature")
        put_text(ws, i, 2, name)
        put_text(ws, i, 3, values[name])
    for col, heading in enumerate(HEADINGS, start=1):
        put_text(ws, FIRST_RECORD_ROW - 1, col, heading)
    for row, record in enumerate(records, start=FIRST_RECORD_ROW):
        put_text(ws, row, 1, record.section)
        put_text(ws, row, 2, record.key)
        if record.value != "":
            put_text(ws, row, 3, record.value)


_SHEET_HEAD = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetPr><outlinePr summaryBelow="1" summaryRight="1" /><pageSetUpPr /></sheetPr>'
    '<dimension ref="A1:C{last}" /><sheetViews><sheetView workbookViewId="0">'
    '<selection activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
    '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" /><sheetData>'
)
_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
    'footer="0.5" /></worksheet>'
)


def data_sheet_xml(block: SignatureBlock, records: Sequence[Record]) -> bytes:
    """The data sheet's part, byte for byte what openpyxl writes for :func:`write_data_sheet`'s
    cells (a test holds the two together), made by joining strings: the sheet is two thirds of
    a county workbook's cells, and openpyxl's writer builds an element object for each."""
    values = {
        "algorithm": block.algorithm,
        "public_key": block.public_key_b64,
        "fingerprint": block.fingerprint,
        "digest": block.digest,
        "signature": block.signature_b64,
    }
    rows: list[Sequence[str]] = [(MARKER,)]
    rows.extend(("signature", name, values[name]) for name in SIGNATURE_FIELDS)
    rows.append(HEADINGS)
    rows.extend(records)
    out = [_SHEET_HEAD.format(last=len(rows))]
    append = out.append
    for n, row in enumerate(rows, start=1):
        append(f'<row r="{n}">')
        for letter, text in zip("ABC", row, strict=False):
            if letter == "C" and text == "":
                continue  # as write_data_sheet: an empty value has no cell
            append(_inline_cell(f"{letter}{n}", text))
        append("</row>")
    append(_SHEET_TAIL)
    return "".join(out).encode("utf-8")


def _inline_cell(ref: str, text: str) -> str:
    """One cell as openpyxl writes a string :func:`put_text` stored (``xml:space`` when the text
    starts or ends with white space, only ``&``, ``<`` and ``>`` escaped)."""
    text = canonical_text(text)[:32767]
    if not text:
        return f'<c r="{ref}" t="inlineStr" />'
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    stripped = text.strip()
    if stripped and stripped != text:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _text(value: Any) -> str:
    """A data-sheet cell as text: the writer only writes strings, anything else was edited."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise DataSheetError(f"non-text cell value {value!r}")


def read_data_sheet(ws: Any) -> DataSheet:
    """The data sheet from openpyxl's worksheet (the reference reader)."""
    return parse_data_rows(list(ws.iter_rows(min_row=1, values_only=True)))


def data_rows_from_cells(
    cells: Iterable[tuple[int, int, Any]],
    text_rows: Iterable[tuple[int, str, str, str | None]] = (),
) -> list[tuple[Any, ...]]:
    """``(row, column, value)`` cells as openpyxl's ``iter_rows(values_only=True)`` rows (rows 1…
    up to the last one holding a cell, missing cells ``None``, a later duplicate wins), cut to
    columns A–C; :class:`DataSheetError` when anything sits beyond column C. ``text_rows``:
    rows read whole, ``(row, A, B, C)`` (:attr:`ecodesk.workbook.xlsx.Sheet.text_rows`), which
    share no coordinate with ``cells``."""
    grid: dict[int, list[Any]] = {row: [a, b, c] for row, a, b, c in text_rows}
    beyond: dict[tuple[int, int], Any] = {}
    for row, column, value in cells:
        if column > 3:
            beyond[row, column] = value
            continue
        got = grid.get(row)
        if got is None:
            got = grid[row] = [None, None, None]
        got[column - 1] = value
    for row, _column in sorted(k for k, v in beyond.items() if v not in (None, "")):
        raise DataSheetError(f"row {row}: content beyond column C")
    if not grid:
        return []
    empty = (None, None, None)
    get = grid.get
    return [tuple(get(n, empty)) for n in range(1, max(grid) + 1)]


def parse_data_rows(raw: Sequence[Sequence[Any]]) -> DataSheet:
    """Signature block and records from the data sheet's rows of values (``None`` = empty)."""
    # Nothing may sit outside the three columns: every cell of this sheet is accounted for.
    for n, row in enumerate(raw, start=1):
        if len(row) > 3 and any(v not in (None, "") for v in row[3:]):
            raise DataSheetError(f"row {n}: content beyond column C")
    rows = [
        row if len(row) == 3 and row.__class__ is tuple else tuple(_cell(row, i) for i in range(3))
        for row in raw
    ]
    if not rows or _text(rows[0][0]) != MARKER or any(rows[0][1:]):
        raise DataSheetError("row 1: marker missing or altered")
    if (
        len(rows) < FIRST_RECORD_ROW - 1
        or tuple(_text(v) for v in rows[FIRST_RECORD_ROW - 2]) != HEADINGS
    ):
        raise DataSheetError("column headings altered")
    values: dict[str, str] = {}
    for offset, name in enumerate(SIGNATURE_FIELDS, start=1):
        if offset >= len(rows):
            raise DataSheetError(f"signature row {name} missing")
        section, key, value = (_text(v) for v in rows[offset])
        if section != "signature" or key != name:
            raise DataSheetError(f"row {offset + 1}: expected signature {name}")
        values[name] = value
    try:
        block = SignatureBlock(
            algorithm=values["algorithm"],
            public_key=base64.b64decode(values["public_key"], validate=True),
            fingerprint=values["fingerprint"],
            digest=values["digest"],
            signature=base64.b64decode(values["signature"], validate=True),
        )
    except (binascii.Error, ValueError) as exc:
        raise DataSheetError(f"signature block not base64: {exc}") from None
    records: list[Record] = []
    append, make = records.append, Record._make
    for row in rows[FIRST_RECORD_ROW - 1 :]:
        section, key, value = row
        if section.__class__ is not str or key.__class__ is not str or value.__class__ is not str:
            section, key, value = row = _text(section), _text(key), _text(value)
        if not section and not key and not value:
            continue  # another program may leave formatted but empty rows behind
        append(make(row))
    return DataSheet(block, records)


def _cell(row: Sequence[Any], i: int) -> Any:
    return row[i] if i < len(row) else None
