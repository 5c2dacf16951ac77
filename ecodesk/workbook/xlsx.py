"""One streaming pass over an untrusted .xlsx: the gate that measures it and the fast reader.

Every .xlsx EcoDesk opens — a workbook to verify, one to consolidate, last year's workbook or
baseline template to import — goes through :func:`read_xlsx` before anything else looks at it
(openpyxl included). The pass

1. checks the zip directory (:func:`ecodesk.workbook.safety.check_archive`: declared sizes,
   member count, compression ratio);
2. refuses any XML part with a DTD (entity declarations: the "billion laughs") before the parser
   sees it, and parses the rest with the C expat parser as a stream of 64 KiB chunks, clearing
   every row once read, so memory stays bounded by the limits below, never by the file;
3. measures while reading and refuses, as soon as a limit is crossed, with a Chinese message
   naming what is too large: sheets, rows, cells, the area the cells and the ``<dimension>``
   span, merged ranges by their *area* (one ``<mergeCell ref="A2:XFD1048576"/>`` is 17 billion
   cells to a reader that models merges), XML elements per part, cell formats and fonts,
   shared strings (count and total length) and the signed data sheet's records.

What it keeps is what the verifier needs (sheet names and states, every non-empty cell's
value, kind and effective number format, and what changes how a sheet *looks* — see
:class:`SheetDisplay`), so verifying never builds openpyxl's object model.

The limits are generous multiples of what EcoDesk itself writes. A full county workbook of
the demo (22 forms, ``ecodesk demo``) has 24 sheets, a data sheet of 5,489 rows × 3 columns
(16,463 cells, 5,482 records), visible sheets of at most 79 rows × 7 columns with at most 15
merged ranges (≈ 100 merged cells), 20 cell formats and 9 fonts. Excel, WPS or LibreOffice
re-saving it turn its inline text into about 16,000 shared strings (≈ 1.2 MB of text).
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError, XMLPullParser

from ecodesk.i18n import tr
from ecodesk.workbook.safety import (
    NotAWorkbook,
    SuspiciousArchive,
    WorkbookDamaged,
    check_archive,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one workbook, each a generous multiple of a full county's (see above)."""

    # Signed records: 5,482 in a full county; 9× leaves room for a city-wide unit with long
    # tables. The data sheet's rows, cells and size follow from this number.
    records: int = 50_000
    # Rows of any one sheet: the data sheet's records + 8 header rows (visible sheets: ≤ 79).
    rows: int = 50_010
    # Cells: a sheet may hold 3 per record row; the whole file 500,000 (a county: ≈ 21,300).
    cells_per_sheet: int = 160_000
    cells: int = 500_000
    # Columns: EcoDesk writes at most 7 (tables up to about 12); Excel's own limit is 16,384.
    columns: int = 256
    # The rectangle from A1 to the farthest cell, and the <dimension> a sheet declares:
    # 5,489 × 3 for the data sheet. A reader that iterates rows walks this whole area.
    area: int = 1_000_000
    # Merged ranges: ≤ 15 per sheet covering ≈ 100 cells in a county workbook.
    merges: int = 2_000
    merged_area: int = 100_000
    # Sheets: 24 in a full county (cover, 22 forms, data sheet).
    sheets: int = 256
    # Cell formats (<xf>) and fonts/fills/borders/number formats: 20 and 9 from EcoDesk; a
    # re-save or a clerk's formatting adds a few dozen. A styles bomb has hundreds of thousands.
    cell_formats: int = 4_000
    style_entries: int = 4_000
    # Shared strings (Excel/WPS/LibreOffice move all text there on re-save): ≈ 16,000 strings of
    # ≈ 1.2 MB in a county workbook.
    shared_strings: int = 160_000
    shared_text_chars: int = 16_000_000
    # XML elements in one part and in the whole file (a county's data sheet: ≈ 55,000, the
    # file ≈ 90,000): bounds the time of a part padded with elements nothing reads.
    elements_per_part: int = 600_000
    elements: int = 1_200_000
    # Unpacked size of the parts the reader parses (read from the zip directory, refused before
    # a byte is inflated): a county's data sheet is 1.26 MB, its styles 7.6 KB.
    sheet_part_bytes: int = 16 * 1024 * 1024
    shared_strings_bytes: int = 16 * 1024 * 1024
    styles_bytes: int = 2 * 1024 * 1024
    other_part_bytes: int = 1024 * 1024


LIMITS = Limits()

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_OFFICE_DOCUMENT = "/officeDocument"

_CHUNK = 64 * 1024
_MAX_PROLOG = 64 * 1024

# Excel's built-in number formats (ECMA-376 §18.8.30), as openpyxl names them.
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
_STRIP_RE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_RE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA_RE = re.compile(
    r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE
)
_COORD_RE = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_PLAIN_COORD_RE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
# Rows and cells as EcoDesk (openpyxl), Excel and LibreOffice write them: a row with any
# attributes, a cell with r/s/t and a plain <v> or a single-run inline string. Text holds no
# "<", no "\r" (the XML parser turns it into "\n"), no control character XML forbids, and
# only the predefined entities; anything else makes the fast path give the sheet to the stream.
_CHARS = r"[^<&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*"
_TEXT = _CHARS + r"(?:&(?:amp|lt|gt|quot|apos);" + _CHARS + ")*"
# A whole row of two or three plain inline-text cells in columns A–C, with nothing else: how
# EcoDesk writes each record of the data sheet. Matched as one token (a fifth of the matches,
# and a quarter of the time, of taking its row and cells one by one).
_T_OPEN = r'<t(?: xml:space="preserve")?>('
_TEXT_ROW = (
    r'<row r="([1-9][0-9]{0,6})">'
    r'<c r="A\1" t="inlineStr"><is>' + _T_OPEN + _TEXT + r")</t></is></c>"
    r'<c r="B\1" t="inlineStr"><is>' + _T_OPEN + _TEXT + r")</t></is></c>"
    r'(?:<c r="C\1" t="inlineStr"><is>' + _T_OPEN + _TEXT + r")</t></is></c>)?"
    r"</row>"
)
_TOKEN_RE = re.compile(
    _TEXT_ROW + r"|"
    r'<row r="([1-9][0-9]{0,6})"((?: [A-Za-z][A-Za-z0-9:]*="[^"<&\r\n\t]*")*) ?(/?)>'
    r"|(</row>)"
    r'|<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: s="([0-9]{1,6})")?(?: t="([A-Za-z]{1,9})")?'
    r"(?: ?/>|>(?:<v>("
    + _TEXT
    + r")</v>|<is><t(?: xml:space=\"preserve\")?>("
    + _TEXT
    + r")</t></is>)?</c>)"
)
_HIDDEN_RE = re.compile(r' hidden="(?:1|true)"')
_HEIGHT_RE = re.compile(r' ht="([^"]*)"')
# Smaller than this, a row or column shows nothing (points / character widths); EcoDesk's
# smallest row is 18 pt, its narrowest column 6 characters.
_MIN_ROW_HEIGHT = 3.0
_MIN_COLUMN_WIDTH = 0.5
_FAST_PATH_BYTES = 8 * 1024 * 1024
_WINDOWS_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)


class OversizedWorkbook(SuspiciousArchive):
    """A workbook far beyond anything EcoDesk writes: refused before it is modelled."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.args = (
            tr(
                "workbook",
                "文件 {name} 的内容规模远超正常的 EcoDesk 工作簿（{reason}），"
                "可能是恶意构造的文件，已拒绝读取。请向报送单位索取原文件。",
                name=Path(path).name,
                reason=reason,
            ),
        )


@dataclass
class SheetDisplay:
    """What changes how a sheet looks without changing any cell's value."""

    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)
    # rows and columns so small a reader cannot see what is in them
    flat_rows: list[int] = field(default_factory=list)
    narrow_columns: list[tuple[int, int]] = field(default_factory=list)
    conditional_formats: int = 0
    hyperlinks: int = 0
    drawings: int = 0  # <drawing>, <legacyDrawing> (comments' shapes), <picture>, OLE objects
    comments: int = 0  # comments parts related to the sheet
    data_validations: int = 0


@dataclass
class Sheet:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str
    kind: str  # "worksheet", or the relationship type's last word for chartsheets and others
    # (row, column, coordinate, value, formula?, style) of every non-empty cell, in file order
    cells: list[tuple[int, int, str, Any, bool, int]] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0
    display: SheetDisplay = field(default_factory=SheetDisplay)
    # Only for the sheets read_xlsx was asked to keep as rows (``rows_of``): each row holding
    # nothing but plain unstyled inline text in A and B (and C), as (row, A, B, C or None), kept
    # whole instead of as three cells. Rows then ascend and every other cell is in ``cells``,
    # in its own row, so no coordinate is in both.
    text_rows: list[tuple[int, str, str, str | None]] = field(default_factory=list)


@dataclass
class CellFormat:
    number_format: str
    font: int
    is_date: bool
    is_timedelta: bool
    fill: int = 0


@dataclass
class XlsxContent:
    """What :func:`read_xlsx` measured and read."""

    path: Path
    sheets: list[Sheet]
    formats: list[CellFormat]
    fonts: list[dict[str, str]]  # per font: "color" (ARGB or theme:N / indexed:N), "size"
    fills: list[str | None] = field(default_factory=list)  # a solid fill's colour, else None
    keywords: str = ""
    application: str = ""
    parts: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def number_format(self, style: int) -> str:
        return self.formats[style].number_format if style < len(self.formats) else "General"


def read_xlsx(
    path: Path,
    *,
    limits: Limits = LIMITS,
    cells_of: set[str] | None = None,
    rows_of: frozenset[str] = frozenset(),
    fast_path: bool = True,
) -> XlsxContent:
    """Measure ``path`` and read it; raise before modelling anything that would exceed ``limits``.

    ``cells_of``: names of the sheets whose cells to keep (all when ``None``); every sheet is
    measured whatever is kept. ``rows_of``: names of sheets whose rows of plain text in A–C
    to keep as :attr:`Sheet.text_rows` (the data sheet: its records). ``fast_path=False``
    reads every sheet through the element stream (the differential tests compare both). Raises :class:`NotAWorkbook`, :class:`WorkbookDamaged` or
    :class:`OversizedWorkbook` (a :class:`SuspiciousArchive`), each with a Chinese message.
    """
    path = Path(path)
    check_archive(path)
    try:
        with zipfile.ZipFile(path) as zf:
            return _Reader(path, zf, limits, cells_of, fast_path, rows_of).read()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        log.info("broken member in %s: %r", path, exc)
        raise WorkbookDamaged(path, tr("workbook", "压缩内容损坏")) from None
    except (ParseError, ValueError, IndexError, KeyError) as exc:
        # Malformed XML, a number that is not one, a style or shared string out of range.
        log.info("malformed content in %s: %r", path, exc)
        raise WorkbookDamaged(path, tr("workbook", "内容无法解析")) from None


def measure_xlsx(path: Path, *, limits: Limits = LIMITS) -> None:
    """The gate alone: refuse ``path`` unless it is within ``limits`` (keeps no cells)."""
    read_xlsx(path, limits=limits, cells_of=set())


class _Reader:
    def __init__(
        self,
        path: Path,
        zf: zipfile.ZipFile,
        limits: Limits,
        keep: set[str] | None,
        fast: bool = True,
        rows_of: frozenset[str] = frozenset(),
    ):
        self.path, self.zf, self.limits, self.keep = path, zf, limits, keep
        self.rows_of = rows_of
        self.names = {i.filename for i in zf.infolist()}
        self.total_cells = 0
        self.elements = 0
        self.fast = fast

    # -- refusing -----------------------------------------------------------------------------

    def refuse(self, reason: str) -> OversizedWorkbook:
        log.warning("refusing %s: %s", self.path, reason)
        return OversizedWorkbook(self.path, reason)

    def damaged(self, reason: str) -> WorkbookDamaged:
        return WorkbookDamaged(self.path, reason)

    # -- streaming one part -------------------------------------------------------------------

    def check_size(self, part: str, max_bytes: int) -> None:
        size = self.zf.getinfo(part).file_size
        if size > max_bytes:
            raise self.refuse(
                tr(
                    "workbook",
                    "部件 {part} 解压后 {mb} MB，超过 {limit} MB",
                    part=part,
                    mb=f"{size / 1048576:.1f}",
                    limit=max_bytes // 1048576,
                )
            )

    def batches(
        self,
        part: str,
        limit: int | None = None,
        source: IO[bytes] | None = None,
        max_bytes: int | None = None,
    ) -> Iterator[Iterable[tuple[str, Any]]]:
        """The part's ``(event, element)`` pairs, a chunk's worth at a time, each element once it
        ends; a DTD is refused before the parser sees it, the element count is bounded."""
        limit = limit or self.limits.elements_per_part
        if source is None:
            self.check_size(part, max_bytes or self.limits.other_part_bytes)
        parser: Any = XMLPullParser(events=("end",))
        # The pull parser's own queue, read without its per-event generator (a third of the
        # parse time); read_events() where an interpreter has no such queue.
        queue = getattr(parser, "_events_queue", None)
        count = 0
        with source or self.zf.open(part) as fh:
            head = b""
            prolog_done = False
            while True:
                chunk = fh.read(_CHUNK)
                if not prolog_done:
                    head += chunk
                    state = _prolog_state(head)
                    if state == "dtd":
                        raise self.refuse(
                            tr(
                                "workbook",
                                "部件 {part} 含有 XML 实体声明，疑似“XML 炸弹”",
                                part=part,
                            )
                        )
                    if state == "bad":
                        raise self.damaged(tr("workbook", "部件 {part} 不是 UTF-8 XML", part=part))
                    if state == "more" and chunk and len(head) <= _MAX_PROLOG:
                        continue
                    if state == "more":
                        raise self.damaged(tr("workbook", "部件 {part} 没有内容", part=part))
                    prolog_done = True
                    chunk, head = head, b""
                if not chunk:
                    break
                parser.feed(chunk)
                if queue is None:
                    events = list(parser.read_events())
                    count += len(events)
                else:
                    count += len(queue)
                    events = queue
                if count > limit:
                    raise self.refuse(
                        tr(
                            "workbook",
                            "部件 {part} 含有超过 {n} 个 XML 元素",
                            part=part,
                            n=f"{limit:,}",
                        )
                    )
                self.elements += len(events)
                if self.elements > self.limits.elements:
                    raise self.refuse(
                        tr("workbook", "XML 元素总数超过 {n} 个", n=f"{self.limits.elements:,}")
                    )
                yield events
                if queue is not None:
                    queue.clear()
        parser.close()
        yield list(parser.read_events())

    def events(
        self, part: str, limit: int | None = None, max_bytes: int | None = None
    ) -> Iterator[tuple[str, Any]]:
        """``(tag, element)`` for each element's end, in document order."""
        for batch in self.batches(part, limit, max_bytes=max_bytes):
            for _event, el in batch:
                yield el.tag, el

    # -- the workbook -------------------------------------------------------------------------

    def read(self) -> XlsxContent:
        workbook_part = self.workbook_part()
        rels = self.relationships(workbook_part)
        sheets_meta: list[tuple[str, str, str]] = []
        date1904 = False
        for tag, el in self.events(workbook_part):
            if tag == NS_MAIN + "sheet":
                sheets_meta.append(
                    (el.get("name") or "", el.get("state") or "visible", el.get(NS_R + "id") or "")
                )
                if len(sheets_meta) > self.limits.sheets:
                    raise self.refuse(tr("workbook", "工作表超过 {n} 张", n=self.limits.sheets))
            elif tag == NS_MAIN + "workbookPr":
                date1904 = el.get("date1904", "").lower() in ("1", "true")
        if not sheets_meta:
            raise NotAWorkbook(self.path, tr("workbook", "压缩包里没有可读的工作簿"))
        shared_part = next((t for t, kind in rels.values() if kind == "sharedStrings"), None)
        styles_part = next((t for t, kind in rels.values() if kind == "styles"), None)
        formats, fonts, fills = self.styles(styles_part)
        shared = self.shared_strings(shared_part)
        epoch = _MAC_EPOCH if date1904 else _WINDOWS_EPOCH
        sheets: list[Sheet] = []
        for name, state, rid in sheets_meta:
            target = rels.get(rid)
            if target is None or target[0] not in self.names:
                raise NotAWorkbook(self.path, tr("workbook", "压缩包里没有可读的工作簿"))
            sheet = Sheet(name, state, target[0], target[1])
            if sheet.kind == "worksheet":
                keep = self.keep is None or name in self.keep
                self.worksheet(sheet, shared, formats, epoch, keep)
            sheets.append(sheet)
        keywords, application = self.properties()
        return XlsxContent(
            self.path, sheets, formats, fonts, fills, keywords, application, sorted(self.names)
        )

    def workbook_part(self) -> str:
        for target, kind in self.relationships("").values():
            if kind == "officeDocument":
                return target
        if "xl/workbook.xml" in self.names:
            return "xl/workbook.xml"
        raise NotAWorkbook(self.path, tr("workbook", "压缩包里没有 Excel 工作簿"))

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """``Id → (part path, type's last word)`` from the part's ``_rels`` file."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.names:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for tag, el in self.events(rels_part, 20_000):
            if tag == NS_PKG + "Relationship":
                target = el.get("Target") or ""
                if el.get("TargetMode") == "External":
                    resolved = target
                elif target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
                out[el.get("Id") or ""] = (resolved, (el.get("Type") or "").rsplit("/", 1)[-1])
        return out

    def styles(
        self, part: str | None
    ) -> tuple[list[CellFormat], list[dict[str, str]], list[str | None]]:
        if part is None or part not in self.names:
            return [CellFormat("General", 0, False, False)], [{}], [None]
        custom: dict[int, str] = {}
        xfs: list[tuple[int, int, int]] = []
        fonts: list[dict[str, str]] = []
        fills: list[str | None] = []
        in_cell_xfs = False
        entries = 0
        limit = self.limits.style_entries
        for tag, el in self.events(part, 200_000, self.limits.styles_bytes):
            if tag == NS_MAIN + "numFmt":
                custom[_int(el.get("numFmtId"))] = el.get("formatCode") or ""
                entries += 1
            elif tag == NS_MAIN + "xf":
                xfs.append(
                    (_int(el.get("numFmtId")), _int(el.get("fontId")), _int(el.get("fillId")))
                )
                if len(xfs) > self.limits.cell_formats * 2:
                    raise self.refuse(
                        tr("workbook", "单元格格式超过 {n} 种", n=f"{self.limits.cell_formats:,}")
                    )
            elif tag == NS_MAIN + "cellStyleXfs":
                xfs.clear()  # only cellXfs matter to cells
                el.clear()
            elif tag == NS_MAIN + "cellXfs":
                in_cell_xfs = True
                cell_xfs = list(xfs)
                xfs.clear()
                el.clear()
            elif tag == NS_MAIN + "font":
                fonts.append(_font(el))
                entries += 1
            elif tag == NS_MAIN + "fill":
                fills.append(_fill(el))
                entries += 1
            elif tag in (NS_MAIN + "border", NS_MAIN + "dxf"):
                entries += 1
                el.clear()
            if entries > limit:
                raise self.refuse(
                    tr("workbook", "字体、填充、边框或数字格式超过 {n} 种", n=f"{limit:,}")
                )
        if not in_cell_xfs:
            cell_xfs = []
        if len(cell_xfs) > self.limits.cell_formats:
            raise self.refuse(
                tr("workbook", "单元格格式超过 {n} 种", n=f"{self.limits.cell_formats:,}")
            )
        formats: list[CellFormat] = []
        for num_fmt_id, font, fill in cell_xfs:
            if num_fmt_id in custom:
                fmt = custom[num_fmt_id]
            else:
                fmt = BUILTIN_FORMATS.get(num_fmt_id, "General")
            formats.append(CellFormat(fmt, font, _is_date_format(fmt), _is_timedelta(fmt), fill))
        return formats or [CellFormat("General", 0, False, False)], fonts or [{}], fills or [None]

    def shared_strings(self, part: str | None) -> list[str]:
        if part is None or part not in self.names:
            return []
        strings: list[str] = []
        chars = 0
        si, t, r, rph = NS_MAIN + "si", NS_MAIN + "t", NS_MAIN + "r", NS_MAIN + "rPh"
        limit = self.limits.shared_strings
        for tag, el in self.events(part, None, self.limits.shared_strings_bytes):
            if tag != si:
                continue
            text = _rich_text(el, t, r, rph).replace("x005F_", "")
            el.clear()
            strings.append(text)
            chars += len(text)
            if len(strings) > limit:
                raise self.refuse(tr("workbook", "共享字符串超过 {n} 个", n=f"{limit:,}"))
            if chars > self.limits.shared_text_chars:
                raise self.refuse(
                    tr(
                        "workbook",
                        "共享字符串总长超过 {n} 个字符",
                        n=f"{self.limits.shared_text_chars:,}",
                    )
                )
        return strings

    def properties(self) -> tuple[str, str]:
        keywords = application = ""
        if "docProps/core.xml" in self.names:
            for tag, el in self.events("docProps/core.xml", 1_000):
                if tag.endswith("}keywords"):
                    keywords = el.text or ""
        if "docProps/app.xml" in self.names:
            for tag, el in self.events("docProps/app.xml", 10_000):
                if tag.endswith("}Application"):
                    application = (el.text or "").strip()
        return keywords, application

    # -- one worksheet ------------------------------------------------------------------------

    def worksheet(
        self,
        sheet: Sheet,
        shared: list[str],
        formats: list[CellFormat],
        epoch: datetime,
        keep: bool,
    ) -> None:
        """Measure (and keep the cells of) one worksheet: the fast path for rows written the way
        EcoDesk, Excel and LibreOffice write them, the element stream for anything else."""
        self.check_size(sheet.part, self.limits.sheet_part_bytes)
        if (
            self.fast
            and keep
            and self.zf.getinfo(sheet.part).file_size <= _FAST_PATH_BYTES
            and self.fast_worksheet(sheet, shared, formats, epoch)
        ):
            return
        sheet.cells.clear()
        sheet.text_rows.clear()
        sheet.display = SheetDisplay()
        self.stream_worksheet(sheet, shared, formats, epoch, keep, self.zf.open(sheet.part))

    def fast_worksheet(
        self, sheet: Sheet, shared: list[str], formats: list[CellFormat], epoch: datetime
    ) -> bool:
        """Read ``<sheetData>`` with one regular expression when every row and cell in it has the
        plain form (no formulas, no rich text, no entities beyond the five predefined ones); the
        rest of the part goes through the element stream. ``False``: use the stream instead."""
        data = self.zf.read(sheet.part)
        if _prolog_state(data[:_MAX_PROLOG]) != "ok":
            return False  # the stream refuses or reports it
        start = data.find(b"<sheetData>")
        end = data.rfind(b"</sheetData>")
        if start < 0 or end < start:
            return False
        try:
            middle = data[start + 11 : end].decode("utf-8")
        except UnicodeDecodeError:
            return False
        limits = self.limits
        cells: list[tuple[int, int, str, Any, bool, int]] = []
        hidden_rows: list[int] = []
        flat_rows: list[int] = []
        text_rows: list[tuple[int, str, str, str | None]] = []
        keep_rows = sheet.name in self.rows_of
        rows = n_cells = max_row = max_col = covered = elements = row_number = last_row = 0
        in_row = False
        ordered = True  # rows ascend, each cell in its own row
        numbers = _NUMBERS
        n_formats = len(formats)
        for m in _TOKEN_RE.finditer(middle):
            covered += m.end() - m.start()
            text_row = m[1]
            if text_row is not None:  # a whole row of plain text in A, B (and C)
                if in_row:
                    return False
                rows += 1
                row_number = int(text_row)
                if row_number <= last_row:
                    ordered = False
                last_row = row_number
                a, b, c = m[2], m[3], m[4]
                if "&" in a:
                    a = _unescape(a)
                if "&" in b:
                    b = _unescape(b)
                if c is not None and "&" in c:
                    c = _unescape(c)
                width = 2 if c is None else 3
                n_cells += width
                elements += 3 * width
                if width > max_col:
                    max_col = width
                if row_number > max_row:
                    max_row = row_number
                if keep_rows:
                    text_rows.append((row_number, a, b, c))
                else:
                    cells.append((row_number, 1, "A" + text_row, a, False, 0))
                    cells.append((row_number, 2, "B" + text_row, b, False, 0))
                    if c is not None:
                        cells.append((row_number, 3, "C" + text_row, c, False, 0))
                if rows > limits.rows or n_cells > limits.cells_per_sheet:
                    break  # the stream below measures and refuses it
                continue
            letters = m[9]
            if letters is not None:  # a cell
                if not in_row:
                    return False
                n_cells += 1
                elements += 1 if m[13] is not None else 3 if m[14] is not None else 0
                column = numbers.get(letters) or _column_number(letters)
                cell_row = int(m[10])
                if cell_row != row_number:
                    ordered = False
                if column > max_col:
                    max_col = column
                if cell_row > max_row:
                    max_row = cell_row
                s_attr = m[11]
                style = int(s_attr) if s_attr else 0
                if style >= n_formats and style:
                    raise ValueError(f"style {style} out of range")
                kind = m[12] or "n"
                inline = m[14]
                if inline is not None:
                    if kind != "inlineStr":
                        continue  # openpyxl reads <is> only for inline strings
                    if "&" in inline:
                        inline = _unescape(inline)
                    cells.append((cell_row, column, letters + m[10], inline, False, style))
                    continue
                value = _typed_value(kind, m[13] or None, style, shared, formats, epoch)
                if value is not None:
                    cells.append((cell_row, column, letters + m[10], value, False, style))
            elif m[8] is not None:  # </row>
                if not in_row:
                    return False
                in_row = False
            else:  # <row …> or <row …/>
                if in_row:
                    return False
                rows += 1
                row_number = int(m[5])
                if row_number <= last_row:
                    ordered = False
                last_row = row_number
                if m[6]:
                    if _HIDDEN_RE.search(m[6]):
                        hidden_rows.append(row_number)
                    ht = _HEIGHT_RE.search(m[6])
                    if ht is not None and _float(ht[1]) < _MIN_ROW_HEIGHT:
                        flat_rows.append(row_number)
                in_row = not m[7]
            if rows > limits.rows or n_cells > limits.cells_per_sheet:
                break  # the stream below measures and refuses it
        if in_row or covered != len(middle) or rows > limits.rows:
            return False
        if text_rows and not ordered:
            return False  # rows kept whole could not be told apart from the cells: stream it
        if n_cells > limits.cells_per_sheet or max_col > limits.columns:
            return False
        if max_row * max_col > limits.area:
            return False
        elements += rows + n_cells
        if elements >= limits.elements_per_part or self.elements + elements > limits.elements:
            return False
        self.elements += elements
        outer = io.BytesIO(data[:start] + b"<sheetData/>" + data[end + 12 :])
        self.stream_worksheet(
            sheet, shared, formats, epoch, True, outer, limits.elements_per_part - elements
        )
        sheet.cells.extend(cells)
        sheet.text_rows.extend(text_rows)
        sheet.display.hidden_rows.extend(hidden_rows)
        sheet.display.flat_rows.extend(flat_rows)
        sheet.max_row, sheet.max_column = max_row, max_col
        self.total_cells += n_cells
        if self.total_cells > limits.cells:
            raise self.refuse(tr("workbook", "单元格总数超过 {n} 个", n=f"{limits.cells:,}"))
        return True

    def stream_worksheet(
        self,
        sheet: Sheet,
        shared: list[str],
        formats: list[CellFormat],
        epoch: datetime,
        keep: bool,
        source: IO[bytes],
        element_limit: int | None = None,
    ) -> None:
        limits = self.limits
        row_tag, c_tag = NS_MAIN + "row", NS_MAIN + "c"
        v_tag, f_tag, is_tag = NS_MAIN + "v", NS_MAIN + "f", NS_MAIN + "is"
        t_tag, r_tag, rph_tag = NS_MAIN + "t", NS_MAIN + "r", NS_MAIN + "rPh"
        display = sheet.display
        cells = sheet.cells
        rows = 0
        row_number = 0
        n_cells = 0
        max_row = max_col = 0
        merges = merged_area = 0
        n_formats = len(formats)
        coord_match = _PLAIN_COORD_RE.fullmatch
        numbers = _NUMBERS
        other = _SHEET_TAGS
        for batch in self.batches(sheet.part, element_limit, source=source):
            for _event, el in batch:
                tag = el.tag
                if tag == row_tag:
                    rows += 1
                    if rows > limits.rows:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”超过 {n} 行",
                                sheet=sheet.name,
                                n=f"{limits.rows:,}",
                            )
                        )
                    r_attr = el.get("r")
                    row_number = int(r_attr) if r_attr else row_number + 1
                    if row_number < 1 or row_number > 1_048_576:
                        raise self.damaged(tr("workbook", "行号无效"))
                    if el.get("hidden") in ("1", "true"):
                        display.hidden_rows.append(row_number)
                    ht = el.get("ht")
                    if ht is not None and _float(ht) < _MIN_ROW_HEIGHT:
                        display.flat_rows.append(row_number)
                    column = 0
                    for c in el:
                        if c.tag != c_tag:
                            continue
                        n_cells += 1
                        ref = c.get("r")
                        if ref:
                            m = coord_match(ref)
                            if m is None:
                                m = coord_match(ref.upper().replace("$", ""))
                                if m is None:
                                    raise self.damaged(
                                        tr("workbook", "单元格地址无效：{ref}", ref=ref[:20])
                                    )
                            letters = m[1]
                            column = numbers.get(letters) or _column_number(letters)
                            cell_row = int(m[2])
                            coordinate = m[0]
                        else:
                            column += 1
                            cell_row = row_number
                            coordinate = f"{_column_letters(column)}{cell_row}"
                        if column > max_col:
                            max_col = column
                        if cell_row > max_row:
                            max_row = cell_row
                        if not keep:
                            continue
                        kind = c.get("t")
                        s_attr = c.get("s")
                        style = int(s_attr) if s_attr else 0
                        if kind == "inlineStr" and len(c) == 1 and style < n_formats:
                            child = c[0]
                            if child.tag == is_tag:  # the common case, written by EcoDesk
                                if len(child) == 1 and child[0].tag == t_tag:
                                    value = child[0].text or ""
                                else:
                                    value = _rich_text(child, t_tag, r_tag, rph_tag)
                                cells.append((cell_row, column, coordinate, value, False, style))
                                continue
                        value, formula, style = _cell_value(
                            c,
                            shared,
                            formats,
                            n_formats,
                            epoch,
                            v_tag,
                            f_tag,
                            is_tag,
                            t_tag,
                            r_tag,
                            rph_tag,
                        )
                        if value is not None:
                            cells.append((cell_row, column, coordinate, value, formula, style))
                    el.clear()
                    if n_cells > limits.cells_per_sheet:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”超过 {n} 个单元格",
                                sheet=sheet.name,
                                n=f"{limits.cells_per_sheet:,}",
                            )
                        )
                    if max_col > limits.columns:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”超过 {n} 列",
                                sheet=sheet.name,
                                n=limits.columns,
                            )
                        )
                    if max_row * max_col > limits.area:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”的单元格范围超过 {n} 个单元格",
                                sheet=sheet.name,
                                n=f"{limits.area:,}",
                            )
                        )
                elif tag not in other:
                    continue
                elif tag == NS_MAIN + "mergeCell":
                    merges += 1
                    merged_area += _range_area(el.get("ref") or "")
                    if merges > limits.merges or merged_area > limits.merged_area:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”的合并单元格范围过大（超过 {n} 个单元格或 {m} 处）",
                                sheet=sheet.name,
                                n=f"{limits.merged_area:,}",
                                m=f"{limits.merges:,}",
                            )
                        )
                elif tag == NS_MAIN + "dimension":
                    if _range_area(el.get("ref") or "") > limits.area:
                        raise self.refuse(
                            tr(
                                "workbook",
                                "工作表“{sheet}”声明的范围超过 {n} 个单元格",
                                sheet=sheet.name,
                                n=f"{limits.area:,}",
                            )
                        )
                elif tag == NS_MAIN + "col":
                    span = (_int(el.get("min")), _int(el.get("max")))
                    if el.get("hidden") in ("1", "true"):
                        display.hidden_columns.append(span)
                    width = el.get("width")
                    if width is not None and _float(width) < _MIN_COLUMN_WIDTH:
                        display.narrow_columns.append(span)
                elif tag == NS_MAIN + "conditionalFormatting":
                    display.conditional_formats += 1
                    el.clear()
                elif tag == NS_MAIN + "hyperlink":
                    display.hyperlinks += 1
                elif tag == NS_MAIN + "dataValidation":
                    display.data_validations += 1
                    el.clear()
                elif tag in (
                    NS_MAIN + "drawing",
                    NS_MAIN + "legacyDrawing",
                    NS_MAIN + "legacyDrawingHF",
                    NS_MAIN + "picture",
                    NS_MAIN + "oleObject",
                    NS_MAIN + "control",
                ):
                    display.drawings += 1
                elif tag == NS_MAIN + "sheetData":
                    el.clear()
        self.total_cells += n_cells
        if self.total_cells > limits.cells:
            raise self.refuse(tr("workbook", "单元格总数超过 {n} 个", n=f"{limits.cells:,}"))
        sheet.max_row, sheet.max_column = max_row, max_col
        rels = self.relationships(sheet.part)
        display.comments = sum(1 for _t, kind in rels.values() if kind == "comments")


def _cell_value(  # noqa: PLR0913 - the tags are passed in to keep this hot loop free of lookups
    c: Any,
    shared: list[str],
    formats: list[CellFormat],
    n_formats: int,
    epoch: datetime,
    v_tag: str,
    f_tag: str,
    is_tag: str,
    t_tag: str,
    r_tag: str,
    rph_tag: str,
) -> tuple[Any, bool, int]:
    """The cell's value as openpyxl (``data_only=False``) gives it, whether it is a formula, style."""
    kind = c.get("t", "n")
    s = c.get("s")
    style = int(s) if s else 0
    if style >= n_formats and style:
        raise ValueError(f"style {style} out of range")
    f = c.find(f_tag)
    if f is not None:
        return "=" + (f.text or ""), True, style
    if kind == "inlineStr":
        child = c.find(is_tag)
        if child is None:
            return None, False, style
        return _rich_text(child, t_tag, r_tag, rph_tag), False, style
    return (
        _typed_value(kind, c.findtext(v_tag) or None, style, shared, formats, epoch),
        False,
        style,
    )


def _typed_value(
    kind: str,
    text: str | None,
    style: int,
    shared: list[str],
    formats: list[CellFormat],
    epoch: datetime,
) -> Any:
    """The value of a ``<v>`` as openpyxl gives it, by the cell's type ``t``."""
    if text is None:
        return None
    if kind == "n":
        number: int | float = (
            float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        )
        fmt = formats[style] if style < len(formats) else None
        if fmt is not None and fmt.is_date:
            return _from_excel(number, epoch, fmt.is_timedelta)
        return number
    if kind == "s":
        return shared[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return datetime.fromisoformat(text.rstrip("Z"))
    if kind == "inlineStr":
        return None  # its text is in <is>, never in <v>
    return text  # "str", "e" and anything else: the text as it stands


def _rich_text(el: Any, t_tag: str, r_tag: str, rph_tag: str) -> str:
    """Plain text of an ``<is>``/``<si>``: its ``<t>`` and each run's ``<t>``, not phonetics."""
    parts: list[str] = []
    for child in el:
        tag = child.tag
        if tag == t_tag:
            parts.append(child.text or "")
        elif tag == r_tag:
            for t in child:
                if t.tag == t_tag:
                    parts.append(t.text or "")
    return "".join(parts)


def _fill(el: Any) -> str | None:
    """A solid fill's colour (``FFRRGGBB``, ``theme:N``, ``indexed:N``); ``None`` for no fill."""
    colour = None
    for pattern in el:
        if pattern.tag == NS_MAIN + "patternFill" and pattern.get("patternType") == "solid":
            colour = "indexed:64"  # no fgColor: the automatic foreground colour, black
            for child in pattern:
                if child.tag == NS_MAIN + "fgColor":
                    colour = _colour(child) or colour
    el.clear()
    return colour


def _colour(el: Any) -> str | None:
    if el.get("rgb"):
        return str(el.get("rgb")).upper()
    if el.get("theme") is not None:
        return f"theme:{el.get('theme')}"
    if el.get("indexed") is not None:
        return f"indexed:{el.get('indexed')}"
    return None


def _font(el: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in el:
        if child.tag == NS_MAIN + "sz" and child.get("val"):
            out["size"] = child.get("val", "")
        if child.tag == NS_MAIN + "color":
            if child.get("rgb"):
                out["color"] = child.get("rgb", "").upper()
            elif child.get("theme") is not None:
                out["color"] = f"theme:{child.get('theme')}"
            elif child.get("indexed") is not None:
                out["color"] = f"indexed:{child.get('indexed')}"
    el.clear()
    return out


def _prolog_state(head: bytes) -> str:
    """``ok`` once the root element starts, ``dtd`` on a DTD, ``bad`` for non-UTF-8, ``more``."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        return "bad"
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    n = len(head)
    while i < n:
        ch = head[i : i + 1]
        if ch in b" \t\r\n":
            i += 1
            continue
        if ch != b"<":
            return "ok"  # not XML: let the parser say so
        if head.startswith(b"<?", i):
            end = head.find(b"?>", i)
            if end < 0:
                return "more"
            i = end + 2
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            if end < 0:
                return "more"
            i = end + 3
        elif head.startswith(b"<!", i):
            return "dtd"
        elif i + 1 < n:
            return "ok"
        else:
            return "more"
    return "more"


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _is_date_format(fmt: str) -> bool:
    first = _STRIP_RE.sub("", fmt.split(";")[0])
    return _DATE_RE.search(first) is not None


def _is_timedelta(fmt: str) -> bool:
    return _TIMEDELTA_RE.search(fmt.split(";")[0]) is not None


def _from_excel(value: float, epoch: datetime, as_timedelta: bool) -> Any:
    """openpyxl's ``from_excel``: a serial number shown with a date format is a date to readers."""
    try:
        if as_timedelta:
            td = timedelta(days=value)
            if td.microseconds:
                td = timedelta(
                    seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3)
                )
            return td
        day, fraction = divmod(value, 1)
        diff = timedelta(milliseconds=round(fraction * 86400 * 1000))
        if 0 <= value < 1 and diff.days == 0:
            seconds = diff.seconds
            return (
                datetime.min + timedelta(seconds=seconds, microseconds=diff.microseconds)
            ).time()
        if 0 < value < 60 and epoch == _WINDOWS_EPOCH:
            day += 1
        return epoch + timedelta(days=day) + diff
    except (OverflowError, ValueError):
        return "#VALUE!"


_SHEET_TAGS = frozenset(
    NS_MAIN + t
    for t in (
        "mergeCell",
        "dimension",
        "col",
        "conditionalFormatting",
        "hyperlink",
        "dataValidation",
        "drawing",
        "legacyDrawing",
        "legacyDrawingHF",
        "picture",
        "oleObject",
        "control",
        "sheetData",
    )
)
_LETTERS: dict[int, str] = {}
_NUMBERS: dict[str, int] = {}


def _column_letters(n: int) -> str:
    letters = _LETTERS.get(n)
    if letters is None:
        out = ""
        m = n
        while m:
            m, rem = divmod(m - 1, 26)
            out = chr(65 + rem) + out
        _LETTERS[n] = letters = out
    return letters


def _column_number(letters: str) -> int:
    n = _NUMBERS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        _NUMBERS[letters] = n
    return n


def _range_area(ref: str) -> int:
    """Cells in ``A1:C3`` (9), ``B2`` (1); an unreadable reference counts as Excel's whole sheet."""
    total = 0
    for piece in ref.upper().split():
        first, _, last = piece.partition(":")
        a = _COORD_RE.fullmatch(first)
        b = _COORD_RE.fullmatch(last or first)
        if a is None or b is None:
            return 16_384 * 1_048_576
        rows = abs(int(b[2]) - int(a[2])) + 1
        cols = abs(_column_number(b[1]) - _column_number(a[1])) + 1
        total += rows * cols
    return total


def _float(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        try:
            return int(float(text or 0))
        except ValueError:
            return 0
