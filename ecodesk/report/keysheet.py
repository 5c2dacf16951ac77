"""The key registration sheet: one A4 page that a unit signs, stamps and sends with its public key.

The level above compares the fingerprint printed here (and carried by the QR code) with the
public key file before it trusts workbooks signed by this unit.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ecodesk.forms.loader import bundled_pack
from ecodesk.i18n import tr
from ecodesk.report.output import atomic_pdf, build_story
from ecodesk.report.page import PORTRAIT, Styles, draw_fitted, grid_style, group_hex, make_styles
from ecodesk.report.qr import qr_drawing, qr_payload
from ecodesk.report.signoff import seal_box, signature_line

log = logging.getLogger(__name__)

KEY_ALGORITHM = "Ed25519"


def _date_text(created: date | datetime | str) -> str:
    if isinstance(created, datetime):
        created = created.date()
    if isinstance(created, date):
        return tr("report", "{y}年{m}月{d}日", y=created.year, m=created.month, d=created.day)
    return str(created)


def key_registration_payload(
    *,
    unit_code: str,
    unit_name: str,
    department: str,
    fingerprint: str,
    public_key_b64: str,
    created: str,
) -> str:
    """What the sheet's QR code carries: enough for the city to register the key from paper."""
    return qr_payload(
        "key",
        {
            "unit": unit_code,
            "name": unit_name,
            "dept": department,
            "alg": KEY_ALGORITHM,
            "fingerprint": fingerprint,
            "key": public_key_b64,
            "created": created,
        },
    )


def _fingerprint_block(fingerprint: str, styles: Styles) -> Table:
    groups = group_hex(fingerprint).split()
    # Four groups a line: 16 hex digits a line read aloud without losing the place.
    lines = [" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)] or [fingerprint]
    big = Paragraph(
        "<br/>".join(escape(line) for line in lines),
        styles.title.clone("fingerprint", fontSize=19, leading=25, spaceAfter=0),
    )
    table = Table([[big]], colWidths=[PORTRAIT.frame_width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, "#000000"),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    return table


def write_key_sheet(
    out_path: Path,
    *,
    unit_code: str,
    unit_name: str,
    department: str,
    fingerprint: str,
    public_key_b64: str,
    created: date | datetime | str,
    force: bool = True,
) -> Path:
    """Write the one-page registration sheet of a unit's signing key; returns ``out_path``."""
    out_path = Path(out_path)
    styles = make_styles()
    created_text = _date_text(created)
    payload = key_registration_payload(
        unit_code=unit_code,
        unit_name=unit_name,
        department=department,
        fingerprint=fingerprint,
        public_key_b64=public_key_b64,
        created=created.isoformat() if isinstance(created, (date, datetime)) else str(created),
    )

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), styles.cell)

    info = Table(
        [
            [
                cell(tr("report", "报送单位")),
                cell(unit_name),
                cell(tr("report", "行政区划代码")),
                cell(unit_code),
            ],
            [
                cell(tr("report", "部门")),
                cell(department),
                cell(tr("report", "生成日期")),
                cell(created_text),
            ],
        ],
        colWidths=[24 * mm, 62 * mm, 28 * mm, PORTRAIT.frame_width - 114 * mm],
    )
    info.setStyle(TableStyle(grid_style(header_rows=0)))

    key_par = Paragraph(
        escape(public_key_b64), styles.cell.clone("key", fontSize=8.5, leading=11, wordWrap="CJK")
    )
    qr = qr_drawing(payload, 34 * mm)
    key_table = Table(
        [
            [
                [
                    Paragraph(
                        tr("report", "公钥（{alg}，Base64 编码）", alg=KEY_ALGORITHM), styles.h2
                    ),
                    key_par,
                    Spacer(1, 3 * mm),
                    Paragraph(
                        tr(
                            "report",
                            "右侧二维码含单位、部门、公钥指纹、公钥和生成日期，供接收单位录入核对。",
                        ),
                        styles.note,
                    ),
                ],
                qr,
            ]
        ],
        colWidths=[PORTRAIT.frame_width - 36 * mm, 36 * mm],
    )
    key_table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    )

    half = PORTRAIT.frame_width / 2
    sender = [
        Paragraph(tr("report", "报送单位"), styles.h2),
        signature_line(tr("report", "单位负责人（签字）"), styles, half - 6 * mm),
        signature_line(tr("report", "日期"), styles, half - 6 * mm, date_line=True),
        Spacer(1, 3 * mm),
        seal_box(tr("report", "单位盖章"), styles, 34 * mm),
    ]
    receiver = [
        Paragraph(tr("report", "接收单位（市生态文明办）"), styles.h2),
        signature_line(tr("report", "经办人（签字）"), styles, half - 6 * mm),
        signature_line(tr("report", "登记日期"), styles, half - 6 * mm, date_line=True),
        Spacer(1, 3 * mm),
        seal_box(tr("report", "接收单位盖章"), styles, 34 * mm),
    ]
    signoff = Table([[sender, receiver]], colWidths=[half, half])
    signoff.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBEFORE", (1, 0), (1, 0), 0.5, "#888888"),
                ("LEFTPADDING", (1, 0), (1, 0), 5 * mm),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )

    story: list[Flowable] = [
        Paragraph(tr("report", "签名公钥登记表"), styles.title),
        Paragraph(
            tr("report", "《{plan}》报送程序 EcoDesk", plan=bundled_pack().catalog.plan.title),
            styles.subtitle,
        ),
        info,
        Spacer(1, 5 * mm),
        Paragraph(tr("report", "公钥指纹"), styles.h2),
        _fingerprint_block(fingerprint, styles),
        Spacer(1, 3 * mm),
        key_table,
        Spacer(1, 3 * mm),
        Paragraph(
            tr(
                "report",
                "说明：本单位用上述密钥对报送的工作簿签名。接收单位登记前，请当面或电话与本单位核对公钥指纹；"
                "指纹一致方可登记。密钥更换或遗失时，须重新填报本表。",
            ),
            styles.note,
        ),
        Spacer(1, 5 * mm),
        signoff,
    ]

    def footer(canv, doc) -> None:  # type: ignore[no-untyped-def]
        canv.saveState()
        canv.setFillColor("#555555")
        draw_fitted(
            canv,
            PORTRAIT.left,
            20 * mm,
            tr(
                "report",
                "{unit} · 公钥指纹 {fp}",
                unit=f"{unit_name}{department}",
                fp=group_hex(fingerprint),
            ),
            PORTRAIT.frame_width,
            8,
        )
        canv.restoreState()

    with atomic_pdf(out_path, force=force) as tmp:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=PORTRAIT.size,
            topMargin=PORTRAIT.top,
            bottomMargin=PORTRAIT.bottom,
            leftMargin=PORTRAIT.left,
            rightMargin=PORTRAIT.right,
            title=tr("report", "签名公钥登记表 {unit}", unit=unit_name),
            author="EcoDesk",
            subject=fingerprint,
            initialFontName=styles.font,
        )
        build_story(doc, story, onFirstPage=footer, onLaterPages=footer)
    log.info("key registration sheet written to %s", out_path)
    return out_path
