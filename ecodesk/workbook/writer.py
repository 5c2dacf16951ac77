"""Write the signed workbook: cover, one sheet per form, and the very hidden data sheet.

Order of work: lay out the visible sheets; read back every non-empty visible cell as a
``cell`` record; put those after the submission's data records; sign the canonical bytes of
all records; write records and signature into the data sheet; save atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.output import OutputFile
from ecodesk.signing.canonical import ExportMeta, Record, canonical_bytes, data_records
from ecodesk.signing.keys import SigningKey
from ecodesk.signing.signature import SignatureBlock, sign_canonical
from ecodesk.submission import SubmissionData
from ecodesk.workbook.cells import cell_binding

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, what) for a progress bar

DOC_KEYWORDS = "EcoDesk signed workbook"


@dataclass(frozen=True)
class WrittenWorkbook:
    path: Path
    block: SignatureBlock
    records: list[Record]

    @property
    def fingerprint(self) -> str:
        return self.block.fingerprint

    @property
    def digest(self) -> str:
        return self.block.digest


def visible_cell_records(wb: object) -> list[Record]:
    """A record for every non-empty cell of every visible sheet, in sheet/row/column order."""
    records: list[Record] = []
    for ws in wb.worksheets:  # type: ignore[attr-defined]
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                bound = cell_binding(cell)
                if bound is not None:
                    records.append(Record(bound[0], f"{ws.title}!{cell.coordinate}", bound[1]))
    return records


@dataclass(frozen=True)
class BuiltWorkbook:
    """A signed workbook in memory, not saved yet: save it with :meth:`save` (the workbook's
    data sheet is an empty placeholder; its part is ``data_sheet``, written as it is saved)."""

    workbook: Any
    block: SignatureBlock
    records: list[Record]
    finish: Callable[[], None]  # reports the last step of the progress once it is saved
    data_sheet: bytes = b""

    def save(self, path: Path) -> None:
        save_with_data_sheet(self.workbook, path, self.data_sheet)


def save_with_data_sheet(wb: Any, path: Path, data_sheet: bytes) -> None:
    """``wb.save(path)``, with the data sheet's part written from ``data_sheet`` (see
    :func:`ecodesk.workbook.datasheet.data_sheet_xml`) instead of from its cells.

    openpyxl's writer is asked for everything else (the other sheets, styles, relationships,
    content types, properties); only its step for that one sheet is replaced, the way its own
    write-only mode hands it a finished part. Pinned to openpyxl 3.1 (pyproject), whose
    ``ExcelWriter.write_worksheet`` this follows.
    """
    import datetime
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import RelationshipList
    from openpyxl.writer.excel import ExcelWriter

    from ecodesk.workbook.datasheet import DATA_SHEET

    class Writer(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:
            if ws.title != DATA_SHEET or not data_sheet:
                super().write_worksheet(ws)
                return
            ws._drawing = SpreadsheetDrawing()  # none: the loop after this checks for one
            ws._rels = RelationshipList()
            self._archive.writestr(ws.path[1:], data_sheet)
            self.manifest.append(ws)

    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        # as openpyxl's save_workbook
        wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        Writer(wb, archive).write_data()


def build_signed_workbook(
    pack: FormPack,
    data: SubmissionData,
    *,
    key: SigningKey,
    meta: ExportMeta,
    progress: Progress | None = None,
) -> BuiltWorkbook:
    """Lay out and sign the workbook of ``data``; the caller saves it (see the export's order)."""
    from openpyxl import Workbook

    from ecodesk.workbook.cover import write_cover
    from ecodesk.workbook.datasheet import DATA_SHEET, data_sheet_xml
    from ecodesk.workbook.form_sheet import FormSheetWriter, sheet_title

    forms = [code for code in data.forms if code in pack.forms]
    total = len(forms) + 2
    report = progress or (lambda done, total, what: None)

    wb = Workbook()
    wb.properties.creator = "EcoDesk"
    wb.properties.title = f"{data.unit.display_name} {data.period.document_label}"
    wb.properties.keywords = DOC_KEYWORDS
    report(0, total, tr("workbook", "封面"))
    write_cover(wb.active, pack, data, meta, key.fingerprint)
    for i, code in enumerate(forms, start=1):
        form = pack.form(code)
        report(i, total, tr("workbook", "表{code} {title}", code=code, title=form.title))
        FormSheetWriter(wb.create_sheet(sheet_title(form)), pack, data, form).write()

    report(total - 1, total, tr("workbook", "签名"))
    records = data_records(pack, data, meta) + visible_cell_records(wb)
    block = sign_canonical(key, canonical_bytes(records))
    placeholder = wb.create_sheet(DATA_SHEET)  # its part is written by BuiltWorkbook.save
    placeholder.sheet_state = "veryHidden"
    wb.active = 0
    return BuiltWorkbook(
        wb,
        block,
        records,
        lambda: report(total, total, tr("workbook", "完成")),
        data_sheet_xml(block, records),
    )


def write_signed_workbook(
    pack: FormPack,
    data: SubmissionData,
    out_path: Path,
    *,
    key: SigningKey,
    meta: ExportMeta,
    progress: Progress | None = None,
    force: bool = True,
) -> WrittenWorkbook:
    """Write the signed workbook to ``out_path`` (whole or not at all, see :class:`OutputFile`).

    ``force=False`` refuses to replace an existing file. Raises
    :class:`~ecodesk.storage.StorageError` when the file cannot be written.
    """
    built = build_signed_workbook(pack, data, key=key, meta=meta, progress=progress)
    with OutputFile(out_path, force=force) as output:
        built.save(output.tmp)
    built.finish()
    log.info(
        "wrote signed workbook %s (%d records, digest %s)",
        output.path,
        len(built.records),
        built.block.digest,
    )
    return WrittenWorkbook(output.path, built.block, built.records)
