"""Write the signed workbook: cover, one sheet per form, and the very hidden data sheet.

Order of work: lay out the visible sheets; read back every non-empty visible cell as a
``cell`` record; put those after the submission's data records; sign the canonical bytes of
all records; write records and signature into the data sheet; save atomically.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.signing.canonical import ExportMeta, Record, canonical_bytes, data_records
from ecodesk.signing.keys import SigningKey
from ecodesk.signing.signature import SignatureBlock, sign_canonical
from ecodesk.submission import SubmissionData
from ecodesk.workbook.cells import cell_binding

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, what) for a progress bar

DOC_KEYWORDS = "EcoDesk signed workbook"


class WorkbookWriteError(EcoDeskError):
    pass


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


def write_signed_workbook(
    pack: FormPack,
    data: SubmissionData,
    out_path: Path,
    *,
    key: SigningKey,
    meta: ExportMeta,
    progress: Progress | None = None,
) -> WrittenWorkbook:
    from openpyxl import Workbook

    from ecodesk.workbook.cover import write_cover
    from ecodesk.workbook.datasheet import write_data_sheet
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
    write_data_sheet(wb.create_sheet(), block, records)
    wb.active = 0

    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, out_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        log.error("cannot write %s: %s", out_path, exc)
        raise WorkbookWriteError(
            tr(
                "workbook",
                "无法写入文件 {path}：{reason}。请检查文件夹是否存在、是否有写入权限，"
                "以及该文件是否正在 Excel/WPS 中打开（请先关闭）。",
                path=out_path,
                reason=exc.strerror or exc,
            )
        ) from None
    report(total, total, tr("workbook", "完成"))
    log.info(
        "wrote signed workbook %s (%d records, digest %s)", out_path, len(records), block.digest
    )
    return WrittenWorkbook(out_path, block, records)
