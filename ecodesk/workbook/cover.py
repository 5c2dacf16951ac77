"""The cover sheet: who reports, for which period, which revision, and the signing key's fingerprint."""

from __future__ import annotations

from datetime import date

from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.signing.canonical import ExportMeta
from ecodesk.signing.keys import ALGORITHM, group_fingerprint
from ecodesk.submission import SubmissionData
from ecodesk.workbook import styles as st
from ecodesk.workbook.cells import put_text, put_value
from ecodesk.workbook.form_sheet import sheet_title

WIDTHS = [22, 62]


def _attachment_list(ws: Worksheet, data: SubmissionData, r: int) -> int:
    """附件清单 on the cover (signed like every visible cell): each evidence file's number and
    place, then its name, description, size and SHA-256; the files travel in the package."""
    if not data.attachments:
        return r
    r += 1
    put_text(ws, r, 1, tr("workbook-sheet", "附件清单（文件在报送包的“附件”文件夹中）"))
    st.style(ws.cell(r, 1), font=st.SECTION, align=st.LEFT, fill=st.SECTION_FILL)
    st.box_merged(ws, r, 1, 2)
    r += 1
    for f in data.attachments:
        put_text(ws, r, 1, f"{f.n}. {f.label}")
        st.style(ws.cell(r, 1), align=st.LEFT)
        text = tr(
            "workbook-sheet",
            "{name}\n说明：{note}\n大小：{size} 字节  SHA-256：{sha}",
            name=f.name,
            note=f.note,
            size=f"{f.size:,}",
            sha=f.sha256,
        )
        put_text(ws, r, 2, text)
        st.style(ws.cell(r, 2), align=st.LEFT)
        ws.row_dimensions[r].height = max(48, st.wrapped_height(text, WIDTHS[1]))
        r += 1
    return r


def _chinese_date(day: date) -> str:
    return tr("workbook-sheet", "{y}年{m}月{d}日", y=day.year, m=day.month, d=day.day)


def write_cover(
    ws: Worksheet, pack: FormPack, data: SubmissionData, meta: ExportMeta, fingerprint: str
) -> None:
    ws.title = tr("workbook-sheet", "封面")
    for col, width in zip("AB", WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    put_text(ws, 1, 1, pack.catalog.plan.title)
    st.style(ws.cell(1, 1), font=st.SUBTITLE, align=st.CENTER, border=False)
    ws.merge_cells("A1:B1")
    put_text(ws, 2, 1, tr("workbook-sheet", "推进情况报送表"))
    st.style(ws.cell(2, 1), font=st.TITLE, align=st.CENTER, border=False)
    ws.merge_cells("A2:B2")
    ws.row_dimensions[1].height = 24
    ws.row_dimensions[2].height = 40

    unit = data.unit
    revision = tr("workbook-sheet", "第{n}版", n=data.revision)
    if data.supersedes:
        revision += tr("workbook-sheet", "（更正，替代第{old}版）", old=data.supersedes)
    exported = meta.exported_at
    rows: list[tuple[str, str]] = [
        (tr("workbook-sheet", "填报单位"), unit.display_name),
        (tr("workbook-sheet", "行政区划代码"), unit.division_code),
        (tr("workbook-sheet", "报送期"), data.period.document_label),
        (tr("workbook-sheet", "版次"), revision),
    ]
    if meta.supersede_reason:
        rows.append((tr("workbook-sheet", "更正原因"), meta.supersede_reason))
    if meta.due is not None:
        rows.append((tr("workbook-sheet", "截止日期"), _chinese_date(meta.due)))
    if meta.late_reason and meta.due is not None:
        days = max(0, (exported.date() - meta.due).days)
        rows.append(
            (
                tr("workbook-sheet", "迟报原因"),
                tr("workbook-sheet", "逾期 {n} 天报送。{reason}", n=days, reason=meta.late_reason),
            )
        )
    if data.supersedes_digest:
        rows.append((tr("workbook-sheet", "替代版本数据摘要"), data.supersedes_digest))
    if data.answers_feedback:
        rows.append((tr("workbook-sheet", "答复的审核意见书"), data.answers_feedback))
    for answer in data.answers:
        rows.append(
            (
                tr("workbook-sheet", "查询{n}及答复", n=answer.n),
                tr(
                    "workbook-sheet",
                    "（{key}）{question}\n答复：{answer}",
                    key=answer.key,
                    question=answer.question,
                    answer=answer.answer,
                ),
            )
        )
    rows += [
        (tr("workbook-sheet", "填报人"), unit.preparer),
        (tr("workbook-sheet", "审核人"), unit.reviewer),
        (tr("workbook-sheet", "单位负责人"), unit.head),
        (tr("workbook-sheet", "联系电话"), unit.phone),
        (
            tr("workbook-sheet", "导出日期"),
            tr(
                "workbook-sheet",
                "{y}年{m}月{d}日 {t}",
                y=exported.year,
                m=exported.month,
                d=exported.day,
                t=exported.strftime("%H:%M"),
            ),
        ),
        (tr("workbook-sheet", "表单版本"), data.pack_version),
        (tr("workbook-sheet", "程序版本"), f"EcoDesk {meta.program_version}"),
        (tr("workbook-sheet", "签名算法"), ALGORITHM),
        (tr("workbook-sheet", "签名密钥指纹"), group_fingerprint(fingerprint)),
    ]
    r = 4
    for label, value in rows:
        put_text(ws, r, 1, label)
        st.style(ws.cell(r, 1), font=st.BODY_BOLD, align=st.CENTER, fill=st.LABEL_FILL)
        put_value(ws, r, 2, value or None)
        st.style(ws.cell(r, 2), font=st.MONO if label.endswith("指纹") else st.BODY, align=st.LEFT)
        ws.row_dimensions[r].height = max(24, st.wrapped_height(value, WIDTHS[1]))
        r += 1

    r += 1
    put_text(ws, r, 1, tr("workbook-sheet", "本报送包含的表"))
    st.style(ws.cell(r, 1), font=st.SECTION, align=st.LEFT, fill=st.SECTION_FILL)
    st.box_merged(ws, r, 1, 2)
    r += 1
    for code in data.forms:
        if code not in pack.forms:
            continue
        put_text(ws, r, 1, code)
        st.style(ws.cell(r, 1), align=st.CENTER)
        put_text(ws, r, 2, sheet_title(pack.form(code)).partition(" ")[2] or pack.form(code).title)
        st.style(ws.cell(r, 2))
        r += 1
    r = _attachment_list(ws, data, r)

    r += 1
    note = tr(
        "workbook-sheet",
        "本工作簿由 EcoDesk 导出并以填报单位的密钥签名。任何单元格被修改、工作表被删除或增加，"
        "验证都会失败。接收单位请用 EcoDesk 的“验证”功能（或 ecodesk verify）核对签名和单位密钥登记，"
        "并与单位报送的密钥登记表核对上面的指纹。",
    )
    put_text(ws, r, 1, note)
    st.style(ws.cell(r, 1), font=st.NOTE, align=st.LEFT_TOP, border=False)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    ws.row_dimensions[r].height = st.wrapped_height(note, sum(WIDTHS))
    st.a4_page(
        ws,
        landscape=False,
        header=pack.catalog.plan.title,
        footer_left=unit.display_name,
        title_rows=None,
    )
