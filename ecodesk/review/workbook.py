"""The signed feedback workbook: one readable sheet for people, the very hidden data sheet for machines.

Made with the submission's machinery: :func:`ecodesk.workbook.writer.visible_cell_records`
binds every visible cell, :func:`ecodesk.signing.signature.sign_canonical` signs the canonical
bytes, :func:`ecodesk.workbook.datasheet.write_data_sheet` writes them. It is therefore read and
verified by :func:`ecodesk.services.verify.verify_workbook` like any signed workbook; the
records' ``meta.format`` tells the two kinds apart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ecodesk.i18n import tr
from ecodesk.output import OutputFile
from ecodesk.review.model import Feedback, decision_label, feedback_records
from ecodesk.signing.canonical import canonical_bytes
from ecodesk.signing.keys import ALGORITHM, SigningKey, group_fingerprint
from ecodesk.signing.signature import sign_canonical
from ecodesk.workbook import styles as st
from ecodesk.workbook.cells import put_text
from ecodesk.workbook.datasheet import write_data_sheet
from ecodesk.workbook.writer import DOC_KEYWORDS, WrittenWorkbook, visible_cell_records

log = logging.getLogger(__name__)

FEEDBACK_KEYWORDS = f"{DOC_KEYWORDS}; feedback"
WIDTHS = [7, 10, 30, 24, 48]  # 序号 表单 位置 报送值 查询内容


def feedback_sheet_title() -> str:
    return tr("workbook-sheet", "审核意见书")


def _labelled(ws: Any, r: int, label: str, value: str, *, mono: bool = False) -> int:
    put_text(ws, r, 1, label)
    st.style(ws.cell(r, 1), font=st.BODY_BOLD, align=st.CENTER, fill=st.LABEL_FILL)
    st.box_merged(ws, r, 1, 2)
    if value:
        put_text(ws, r, 3, value)
    st.style(ws.cell(r, 3), font=st.MONO if mono else st.BODY, align=st.LEFT)
    st.box_merged(ws, r, 3, 5)
    ws.row_dimensions[r].height = max(22, st.wrapped_height(value, sum(WIDTHS[2:])))
    return r + 1


def write_feedback_sheet(ws: Any, fb: Feedback, fingerprint: str, plan_title: str) -> None:
    ws.title = feedback_sheet_title()
    for letter, width in zip("ABCDE", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    put_text(ws, 1, 1, plan_title)
    st.style(ws.cell(1, 1), font=st.SUBTITLE, align=st.CENTER, border=False)
    ws.merge_cells("A1:E1")
    put_text(ws, 2, 1, feedback_sheet_title())
    st.style(ws.cell(2, 1), font=st.TITLE, align=st.CENTER, border=False)
    ws.merge_cells("A2:E2")
    ws.row_dimensions[2].height = 40
    about = fb.about
    issued = fb.issued_at
    r = 4
    for label, value, mono in [
        (tr("workbook-sheet", "报送单位"), about.unit.display_name, False),
        (tr("workbook-sheet", "行政区划代码"), about.unit.division_code, False),
        (tr("workbook-sheet", "报送期"), about.period.document_label, False),
        (
            tr("workbook-sheet", "审核的版次"),
            tr("workbook-sheet", "第{n}版", n=about.revision),
            False,
        ),
        (tr("workbook-sheet", "报送数据摘要"), about.digest, True),
        (tr("workbook-sheet", "审核结论"), decision_label(fb.decision), False),
        (tr("workbook-sheet", "退回原因"), fb.reason if fb.decision == "return" else "", False),
        (tr("workbook-sheet", "查询"), tr("workbook-sheet", "{n} 条", n=len(fb.queries)), False),
        (tr("workbook-sheet", "审核单位"), fb.reviewer.display_name, False),
        (tr("workbook-sheet", "审核人"), fb.reviewer.preparer, False),
        (
            tr("workbook-sheet", "审核日期"),
            issued.strftime("%Y-%m-%d %H:%M") if issued else "",
            False,
        ),
        (tr("workbook-sheet", "签名算法"), ALGORITHM, False),
        (tr("workbook-sheet", "签名密钥指纹"), group_fingerprint(fingerprint), True),
    ]:
        r = _labelled(ws, r, label, value, mono=mono)
    r += 1
    if fb.queries:
        for hcol, heading in enumerate(
            (
                tr("workbook-sheet", "序号"),
                tr("workbook-sheet", "表单"),
                tr("workbook-sheet", "位置（指标、表格、章节）"),
                tr("workbook-sheet", "报送值"),
                tr("workbook-sheet", "查询内容"),
            ),
            start=1,
        ):
            put_text(ws, r, hcol, heading)
            st.style(ws.cell(r, hcol), font=st.HEADER, align=st.CENTER, fill=st.HEADER_FILL)
        r += 1
        for n, q in enumerate(fb.queries, start=1):
            for qcol, text in enumerate(
                (str(n), q.form or "—", f"{q.label}\n{q.key}", q.value, q.question), start=1
            ):
                if text:
                    put_text(ws, r, qcol, text)
                st.style(
                    ws.cell(r, qcol),
                    align=st.CENTER if qcol <= 2 else st.LEFT_TOP,
                )
            ws.row_dimensions[r].height = max(
                st.wrapped_height(f"{q.label}\n{q.key}", WIDTHS[2]),
                st.wrapped_height(q.question, WIDTHS[4]),
                st.wrapped_height(q.value, WIDTHS[3]),
            )
            r += 1
        r += 1
    note = tr(
        "workbook-sheet",
        "本审核意见书由 EcoDesk 生成并以审核单位的密钥签名，任何改动都会使验证失败。"
        "报送单位请在 EcoDesk 中“导入审核意见”（或 ecodesk feedback import），逐条答复查询；"
        "被退回的报送会自动新建修订版，改正并答复后重新签名报送。",
    )
    put_text(ws, r, 1, note)
    st.style(ws.cell(r, 1), font=st.NOTE, align=st.LEFT_TOP, border=False)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    ws.row_dimensions[r].height = st.wrapped_height(note, sum(WIDTHS))
    st.a4_page(
        ws,
        landscape=False,
        header=plan_title,
        footer_left=fb.reviewer.display_name,
        title_rows=None,
    )


def write_feedback_workbook(
    fb: Feedback, out_path: Path, *, key: SigningKey, plan_title: str, force: bool = False
) -> WrittenWorkbook:
    """Lay out, sign and save the feedback whole or not at all (:class:`OutputFile`; an existing
    file is replaced only with ``force``); returns the signature block and records."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "EcoDesk"
    wb.properties.title = (
        f"{fb.about.unit.display_name} {fb.about.period.document_label} 审核意见书"
    )
    wb.properties.keywords = FEEDBACK_KEYWORDS
    write_feedback_sheet(wb.active, fb, key.fingerprint, plan_title)
    records = feedback_records(fb) + visible_cell_records(wb)
    block = sign_canonical(key, canonical_bytes(records))
    write_data_sheet(wb.create_sheet(), block, records)
    wb.active = 0
    with OutputFile(out_path, force=force) as output:
        wb.save(output.tmp)
    out_path = output.path
    log.info("wrote feedback %s (digest %s)", out_path, block.digest)
    return WrittenWorkbook(out_path, block, records)
