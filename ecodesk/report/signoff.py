"""Places for ink: signature lines with dates, and the box where the unit's seal goes."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ecodesk.i18n import tr
from ecodesk.report.page import INK, MUTED, Styles


def signature_line(
    label: str, styles: Styles, width: float, *, date_line: bool = False, printed_name: str = ""
) -> Table:
    """``label ________`` with room for a handwritten signature (or ``年 月 日`` for a date)."""
    label_width = min(width * 0.45, (len(label) + 1) * styles.body.fontSize)
    if date_line:
        content = Paragraph(
            tr("report", "{gap}年{gap2}月{gap2}日", gap="&nbsp;" * 14, gap2="&nbsp;" * 7),
            styles.body,
        )
    else:
        content = Paragraph(escape(printed_name), styles.cell_small) if printed_name else ""
    table = Table(
        [[Paragraph(escape(label), styles.body), content]],
        colWidths=[label_width, width - label_width],
        rowHeights=[11 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.7, INK),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


class SealBox(Flowable):
    """A dashed square for the unit's round seal, its purpose written inside at the bottom."""

    def __init__(self, label: str, font: str, side: float = 42 * mm) -> None:
        super().__init__()
        self.label = label
        self.font = font
        self.side = side
        self.width = side
        self.height = side

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(MUTED)
        canv.setLineWidth(0.7)
        canv.setDash(3, 2)
        canv.rect(0, 0, self.side, self.side)
        canv.setFillColor(MUTED)
        canv.setFont(self.font, 10)
        canv.drawCentredString(self.side / 2, 4 * mm, self.label)
        canv.restoreState()


def seal_box(label: str, styles: Styles, side: float = 42 * mm) -> SealBox:
    return SealBox(label, styles.font, side)
