"""Read a signed workbook back: its records, signature block, submission data, and visible cells.

Reading does not decide trust: :func:`ecodesk.services.verify.verify_workbook` checks the
signature, the visible cells and the key registry. Import and consolidation call the verifier
and use the :class:`SignedWorkbook` it returns.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from sys import intern
from typing import Any

from ecodesk.forms.keys import AcceptedKey, cell_key_parts
from ecodesk.i18n import tr
from ecodesk.signing.canonical import (
    ACCEPTED_PARTS,
    ANSWER_PARTS,
    ATTACHMENT_PARTS,
    CELL_SECTIONS,
    Record,
    canonical_bytes,
)
from ecodesk.signing.signature import SignatureBlock, signature_matches
from ecodesk.submission import (
    AcceptedWarning,
    AttachedFile,
    BadPeriod,
    Period,
    QueryAnswer,
    SubmissionData,
    TableRow,
    UnitProfile,
)
from ecodesk.workbook.cells import cell_binding, value_binding
from ecodesk.workbook.datasheet import (
    DATA_SHEET,
    FIRST_RECORD_ROW,
    DataSheet,
    DataSheetError,
    data_rows_from_cells,
    parse_data_rows,
    read_data_sheet,
)
from ecodesk.workbook.safety import NotAWorkbook
from ecodesk.workbook.writer import DOC_KEYWORDS
from ecodesk.workbook.xlsx import LIMITS, OversizedWorkbook, XlsxContent

log = logging.getLogger(__name__)


class DataSheetDamaged(NotAWorkbook):
    """An EcoDesk workbook whose data sheet is gone or malformed: someone edited it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.args = (
            tr(
                "workbook",
                "文件 {name} 是 EcoDesk 工作簿，但其中的签名数据表被删除或改动（{reason}），无法证明内容未被修改。",
                name=Path(path).name,
                reason=reason,
            ),
        )


@dataclass(frozen=True)
class CellMismatch:
    """A visible cell that does not hold what was signed."""

    sheet: str
    cell: str  # A1 address, "" for a whole sheet
    expected: str | None
    found: str | None

    def describe(self) -> str:
        if not self.cell:
            if self.found is None:
                return tr("workbook", "工作表“{sheet}”被删除", sheet=self.sheet)
            return tr("workbook", "多出了工作表“{sheet}”", sheet=self.sheet)
        return tr(
            "workbook",
            "工作表“{sheet}”单元格 {cell}：签名时为“{expected}”，现在为“{found}”",
            sheet=self.sheet,
            cell=self.cell,
            expected=_short(self.expected),
            found=_short(self.found),
        )


@dataclass
class SignedWorkbook:
    path: Path
    block: SignatureBlock
    records: list[Record]
    canonical: bytes
    mismatches: list[CellMismatch]
    data: SubmissionData | None
    data_problem: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    application: str = ""
    # How the signed sheets look was changed after signing (ecodesk.workbook.display)
    display_changes: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return self.block.fingerprint

    @property
    def public_key(self) -> bytes:
        return self.block.public_key

    @property
    def signature(self) -> bytes:
        return self.block.signature

    @property
    def digest(self) -> str:
        return self.block.digest

    @property
    def exported_at(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.meta.get("exported_at", ""))
        except ValueError:
            return None

    @property
    def due(self) -> date | None:
        """The due date of the sender's calendar, as signed (``None``: none was written)."""
        try:
            return date.fromisoformat(self.meta.get("due", ""))
        except ValueError:
            return None

    @property
    def late_reason(self) -> str:
        return self.meta.get("late_reason", "")

    def signature_valid(self) -> bool:
        return signature_matches(self.block, self.canonical)


_DATA_ROWS = frozenset({DATA_SHEET})


def read_signed_workbook(path: Path, *, fast_path: bool = True) -> SignedWorkbook:
    """Read ``path`` in one streaming pass (:func:`ecodesk.workbook.xlsx.read_xlsx`, which also
    measures it against the limits); raises :class:`NotAWorkbook` / :class:`WorkbookDamaged`."""
    # Reading makes some 50,000 small tuples and strings, none in a reference cycle: the cyclic
    # collector would walk them over and over while they pile up (a fifth of the reading time).
    # Reference counting frees them as usual; the collector runs again once reading is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_signed_workbook(Path(path), fast_path)
    finally:
        if collecting:
            gc.enable()


def _read_signed_workbook(path: Path, fast_path: bool) -> SignedWorkbook:
    from ecodesk.workbook.xlsx import read_xlsx

    content = read_xlsx(path, rows_of=_DATA_ROWS, fast_path=fast_path)
    data_sheet = content.sheet(DATA_SHEET)
    if data_sheet is None or data_sheet.kind != "worksheet":
        if DOC_KEYWORDS in content.keywords:
            raise DataSheetDamaged(path, tr("workbook", "签名数据表不存在"))
        raise NotAWorkbook(path, tr("workbook", "没有 EcoDesk 签名数据"))
    if data_sheet.max_row - FIRST_RECORD_ROW + 1 > LIMITS.records:
        raise OversizedWorkbook(
            path, tr("workbook", "签名数据超过 {n} 条", n=f"{LIMITS.records:,}")
        )
    try:
        sheet = parse_data_rows(
            data_rows_from_cells(
                [(c[0], c[1], c[3]) for c in data_sheet.cells], data_sheet.text_rows
            )
        )
    except DataSheetError as exc:
        log.info("data sheet of %s malformed: %s", path, exc)
        raise DataSheetDamaged(path, tr("workbook", "签名数据表格式不对")) from None
    if len(sheet.records) > LIMITS.records:
        raise OversizedWorkbook(
            path, tr("workbook", "签名数据超过 {n} 条", n=f"{LIMITS.records:,}")
        )
    expected = _expected_cells(sheet.records)
    mismatches = compare_read_cells(content, sheet.records, expected)
    signed = _signed(path, sheet, mismatches, content.application)
    signed.display_changes = _display_changes(content, sheet.records, expected)
    return signed


def _display_changes(
    content: XlsxContent,
    records: list[Record],
    expected: dict[str, dict[str, tuple[str, str]]] | None = None,
) -> list[str]:
    from ecodesk.workbook.display import display_changes

    signed_sheets = set(expected if expected is not None else _expected_cells(records))
    return display_changes(content, signed_sheets, DATA_SHEET)


def read_signed_workbook_openpyxl(path: Path) -> SignedWorkbook:
    """The reference reader through openpyxl's object model (slow; the differential tests compare
    :func:`read_signed_workbook` with it). The file passes the same gate first."""
    from ecodesk.workbook.safety import load_untrusted
    from ecodesk.workbook.xlsx import read_xlsx

    path = Path(path)
    content = read_xlsx(path)  # the gate; also what the display check reads (not compared)
    wb = load_untrusted(path)
    if DATA_SHEET not in wb.sheetnames:
        if DOC_KEYWORDS in (wb.properties.keywords or ""):
            raise DataSheetDamaged(path, tr("workbook", "签名数据表不存在"))
        raise NotAWorkbook(path, tr("workbook", "没有 EcoDesk 签名数据"))
    try:
        sheet = read_data_sheet(wb[DATA_SHEET])
    except DataSheetError as exc:
        log.info("data sheet of %s malformed: %s", path, exc)
        raise DataSheetDamaged(path, tr("workbook", "签名数据表格式不对")) from None
    signed = _signed(path, sheet, compare_visible_cells(wb, sheet.records), _application(path))
    signed.display_changes = _display_changes(content, sheet.records)
    return signed


def _signed(
    path: Path, sheet: DataSheet, mismatches: list[CellMismatch], application: str
) -> SignedWorkbook:
    records = sheet.records
    meta = {r.key: r.value for r in records if r.section == "meta"}
    try:
        data = submission_from_records(records)
        problem = None
    except ValueError as exc:
        data, problem = None, str(exc)
    return SignedWorkbook(
        path=path,
        block=sheet.block,
        records=records,
        canonical=canonical_bytes(records),
        mismatches=mismatches,
        data=data,
        data_problem=problem,
        meta=meta,
        application=application,
    )


def _expected_cells(records: list[Record]) -> dict[str, dict[str, tuple[str, str]]]:
    expected: dict[str, dict[str, tuple[str, str]]] = {}
    for r in records:
        if r.section in CELL_SECTIONS:
            sheet, _, cell = r.key.rpartition("!")
            expected.setdefault(sheet, {})[cell] = (r.section, r.value)
    return expected


def compare_read_cells(
    content: XlsxContent,
    records: list[Record],
    expected: dict[str, dict[str, tuple[str, str]]] | None = None,
) -> list[CellMismatch]:
    """:func:`compare_visible_cells` for a workbook read by the streaming reader."""
    if expected is None:
        expected = _expected_cells(records)
    found_sheets = [s for s in content.sheets if s.kind == "worksheet" and s.name != DATA_SHEET]
    names = {s.name for s in found_sheets}
    mismatches: list[CellMismatch] = []
    for name in expected:
        if name not in names:
            mismatches.append(CellMismatch(name, "", "", None))
    formats = content.formats
    n_formats = len(formats)
    for sheet in found_sheets:
        bound_cells: dict[str, tuple[str, str]] = {}
        for _row, _column, coordinate, value, formula, style in sheet.cells:
            fmt = formats[style].number_format if style < n_formats else "General"
            bound = value_binding(value, formula, fmt)
            if bound is None:
                bound_cells.pop(coordinate, None)
            else:
                bound_cells[coordinate] = bound
        want = expected.get(sheet.name)
        if want is None:
            # A sheet nobody signed: harmless when empty (some programs add one), a change otherwise.
            if bound_cells:
                mismatches.append(CellMismatch(sheet.name, "", None, ""))
            continue
        for coordinate, bound in bound_cells.items():
            if want.get(coordinate) != bound:
                mismatches.append(
                    CellMismatch(
                        sheet.name, coordinate, _shown(want.get(coordinate)), _shown(bound)
                    )
                )
        for coordinate in sorted(set(want) - set(bound_cells)):
            mismatches.append(CellMismatch(sheet.name, coordinate, _shown(want[coordinate]), None))
    return mismatches


def compare_visible_cells(wb: Any, records: list[Record]) -> list[CellMismatch]:
    """Every difference between the workbook's visible sheets and the signed cell records."""
    expected = _expected_cells(records)
    found_sheets = [ws for ws in wb.worksheets if ws.title != DATA_SHEET]
    mismatches: list[CellMismatch] = []
    for name in expected:
        if name not in {ws.title for ws in found_sheets}:
            mismatches.append(CellMismatch(name, "", "", None))
    for ws in found_sheets:
        want = expected.get(ws.title)
        if want is None:
            # A sheet nobody signed: harmless when empty (some programs add one), a change otherwise.
            if any(cell_binding(c) is not None for row in ws.iter_rows() for c in row):
                mismatches.append(CellMismatch(ws.title, "", None, ""))
            continue
        seen: set[str] = set()
        for row in ws.iter_rows():
            for cell in row:
                bound = cell_binding(cell)
                if bound is None:
                    continue
                seen.add(cell.coordinate)
                if want.get(cell.coordinate) != bound:
                    mismatches.append(
                        CellMismatch(
                            ws.title,
                            cell.coordinate,
                            _shown(want.get(cell.coordinate)),
                            _shown(bound),
                        )
                    )
        for coordinate in sorted(set(want) - seen):
            mismatches.append(CellMismatch(ws.title, coordinate, _shown(want[coordinate]), None))
    return mismatches


def submission_from_records(records: list[Record]) -> SubmissionData:
    """Rebuild the submission the records describe; ``ValueError`` when they don't make one."""
    if len(set(map(itemgetter(0, 1), records))) != len(records):
        seen: set[tuple[str, str]] = set()
        for r in records:
            if (r.section, r.key) in seen:
                raise ValueError(f"duplicate record {r.section} {r.key}")
            seen.add((r.section, r.key))
    meta = {key: value for section, key, value in records if section == "meta"}
    try:
        unit = UnitProfile(
            division_code=meta["unit.division_code"],
            division_name=meta["unit.division_name"],
            department=meta["unit.department"],
            preparer=meta.get("unit.preparer", ""),
            reviewer=meta.get("unit.reviewer", ""),
            phone=meta.get("unit.phone", ""),
            head=meta.get("unit.head", ""),
        )
        period = Period.parse(meta["period"])
        revision = int(meta["revision"])
        supersedes = int(meta["supersedes"]) if meta.get("supersedes") else None
    except (KeyError, BadPeriod) as exc:
        raise ValueError(f"metadata incomplete: {exc}") from None
    data = SubmissionData(
        unit=unit,
        period=period,
        revision=revision,
        pack_version=meta.get("pack_version", ""),
        forms=[f for f in meta.get("forms", "").split(",") if f],
        status="signed",
        supersedes=supersedes,
        supersedes_digest=meta.get("supersedes_digest", ""),
        answers_feedback=meta.get("answers_feedback", ""),
        pack_digest=meta.get("pack_digest", ""),
    )
    tables: dict[str, dict[int, TableRow]] = {}
    accepted: dict[int, dict[str, str]] = {}
    answers: dict[int, dict[str, str]] = {}
    attached: dict[int, dict[str, str]] = {}
    values, narratives, previous = data.values, data.narratives, data.previous
    for section, key, value in records:
        if section == "text_cell" or section == "number_cell":
            continue  # the visible cells: checked against the sheets, not part of the data
        if section == "table":
            # a BadKey is a ValueError: the data sheet is damaged
            table_key, index, column = cell_key_parts(key)
            table = tables.get(table_key)
            if table is None:
                table = tables[table_key] = {}
            row = table.get(index)
            if row is None:
                row = table[index] = {}
            # one string per column name, not one per cell: a consolidation holds thousands of
            # rows per workbook, and the pickled result from a worker then names it once
            row[intern(column)] = value
        elif section == "value":
            values[key] = value
        elif section == "narrative":
            narratives[key] = value
        elif section == "baseline":
            previous[key] = value
        elif section == "accepted":
            part = AcceptedKey.parse(key)
            if part.part not in ACCEPTED_PARTS:
                raise ValueError(f"bad accepted key {key}")
            accepted.setdefault(part.number, {})[part.part] = value
        elif section == "answer":
            part = AcceptedKey.parse(key)
            if part.part not in ANSWER_PARTS:
                raise ValueError(f"bad answer key {key}")
            answers.setdefault(part.number, {})[part.part] = value
        elif section == "attachment":
            part = AcceptedKey.parse(key)
            if part.part not in ATTACHMENT_PARTS:
                raise ValueError(f"bad attachment key {key}")
            attached.setdefault(part.number, {})[part.part] = value
    for key, rows in tables.items():
        if sorted(rows) != list(range(len(rows))):
            raise ValueError(f"table {key} has gaps in its rows")
        data.tables[key] = [rows[n] for n in sorted(rows)]
    for n in sorted(accepted):
        parts = accepted[n]
        data.accepted.append(
            AcceptedWarning(
                problem_id=parts.get("problem_id", ""),
                form=parts.get("form", ""),
                message=parts.get("message", ""),
                explanation=parts.get("explanation", ""),
                field=parts.get("field") or None,
            )
        )
    data.answers = [
        QueryAnswer(
            n=n,
            key=answers[n].get("key", ""),
            question=answers[n].get("question", ""),
            answer=answers[n].get("answer", ""),
        )
        for n in sorted(answers)
    ]
    data.attachments = _attached_files(attached)
    return data


def _attached_files(parts_by_n: dict[int, dict[str, str]]) -> list[AttachedFile]:
    """The signed evidence files; ``ValueError`` when their records are incomplete or malformed."""
    import re

    if sorted(parts_by_n) != list(range(1, len(parts_by_n) + 1)):
        raise ValueError("attachment records are not numbered 1…n")
    files = []
    for n in sorted(parts_by_n):
        parts = parts_by_n[n]
        if set(parts) != set(ATTACHMENT_PARTS):
            raise ValueError(f"attachment {n} incomplete")
        if not re.fullmatch(r"[0-9a-f]{64}", parts["sha256"]) or not re.fullmatch(
            r"[0-9]{1,12}", parts["size"]
        ):
            raise ValueError(f"attachment {n}: bad size or SHA-256")
        files.append(
            AttachedFile(
                n=n,
                key=parts["key"],
                label=parts["label"],
                name=parts["name"],
                kind=parts["type"],
                size=int(parts["size"]),
                sha256=parts["sha256"],
                note=parts["note"],
            )
        )
    return files


def _application(path: Path) -> str:
    """The program that last saved the file (docProps/app.xml), for the verifier's details."""
    import zipfile

    from defusedxml.ElementTree import fromstring

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/app.xml")
        root = fromstring(xml)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, SyntaxError):
        return ""
    for el in root:
        if el.tag.endswith("}Application"):
            return (el.text or "").strip()
    return ""


def _shown(bound: tuple[str, str] | None) -> str | None:
    if bound is None:
        return None
    kind, text = bound
    if kind == "number_cell":
        number, _, fmt = text.partition("|")
        return tr("workbook", "{number}（{fmt}）", number=number, fmt=format_in_words(fmt))
    if kind == "formula":
        return tr("workbook", "公式 {text}", text=text)
    return text


def format_in_words(fmt: str) -> str:
    """An Excel number format as a clerk would say it: ``#,##0.00`` → 数字，千位分隔，2 位小数."""
    if not fmt or fmt == "General":
        return tr("workbook", "常规格式")
    if fmt == "@":
        return tr("workbook", "文本格式")
    shown = fmt.split(";")[0]
    parts = [tr("workbook", "百分比") if "%" in shown else tr("workbook", "数字")]
    if "," in shown:
        parts.append(tr("workbook", "千位分隔"))
    integer, dot, fraction = shown.partition(".")
    decimals = sum(1 for ch in fraction if ch in "0#") if dot else 0
    parts.append(
        tr("workbook", "{n} 位小数", n=decimals) if decimals else tr("workbook", "不显示小数")
    )
    return tr("workbook", "，").join(parts)


def _short(text: str | None, limit: int = 40) -> str:
    if text is None:
        return tr("workbook", "（空）")
    return text if len(text) <= limit else text[: limit - 1] + "…"
