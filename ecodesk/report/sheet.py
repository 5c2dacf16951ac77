"""The printed submission sheet: the paper a unit head signs and stamps.

A4 portrait with landscape pages for wide tables; every page carries the unit, the
signature fingerprint (or an unmistakable 草稿 when unsigned), "第 N 页 共 M 页" and a QR code
with unit, period, revision and data digest so the city can match paper to file.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus.flowables import Flowable

from ecodesk.forms.lines import indicator_lines
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.report import sections
from ecodesk.report.output import atomic_pdf, build_story
from ecodesk.report.page import (
    DRAFT_RED,
    LANDSCAPE,
    MUTED,
    PORTRAIT,
    RULE,
    PageGeometry,
    Styles,
    draw_fitted,
    group_hex,
    make_styles,
    page_counting_canvas,
)
from ecodesk.report.qr import qr_drawing, qr_payload
from ecodesk.report.sections import SheetIdentity, chinese_number
from ecodesk.submission import Signoff, SubmissionData

log = logging.getLogger(__name__)

QR_SIZE = 22 * mm
QR_FORM = "ecodesk-sheet-qr"


def sheet_qr_payload(data: SubmissionData, digest: str | None) -> str:
    """What the QR code on every page carries (``digest=draft`` when unsigned)."""
    return qr_payload(
        "sheet",
        {
            "unit": data.unit.division_code,
            "dept": data.unit.department,
            "period": str(data.period),
            "rev": str(data.revision),
            "digest": digest or "draft",
        },
    )


class _Orientation:
    """Adds page-template switches to the story only when the orientation really changes."""

    def __init__(self, story: list[Flowable]) -> None:
        self.story = story
        self.current = "portrait"

    def switch(self, name: str) -> None:
        if name != self.current:
            self.story += [NextPageTemplate(name), PageBreak()]
            self.current = name


def _form_story(
    pack: FormPack,
    data: SubmissionData,
    form: str,
    number: int,
    styles: Styles,
    orientation: _Orientation,
) -> None:
    story = orientation.story
    definition = pack.form(form)
    division = data.unit.division_code
    label = tr("report", "（表 {code}）", code=form) if definition.task else ""
    orientation.switch("portrait")
    story.append(sections._p(f"{chinese_number(number)}、{definition.title}{label}", styles.h1))

    sub = 0

    def heading(text: str) -> None:
        nonlocal sub
        sub += 1
        story.append(sections._p(f"（{chinese_number(sub)}）{text}", styles.h2))

    lines = indicator_lines(pack, data, form)
    if lines:
        heading(tr("report", "主要指标"))
        story.append(sections.indicator_table(lines, styles, PORTRAIT))
    accepted = sections.warnings_block(data, form, styles)
    if accepted:
        heading(tr("report", "已说明的提示"))
        story += accepted
    for narrative in pack.narratives:
        heading(narrative.name)
        story += sections.narrative_block(data.narrative(form, narrative.code), styles)
    for spec in pack.tables(form, division):
        wide = sections.needs_landscape(spec, PORTRAIT)
        orientation.switch("landscape" if wide else "portrait")
        heading(spec.name)
        story.append(
            sections.data_table(
                spec, data.rows(form, spec.code), styles, LANDSCAPE if wide else PORTRAIT
            )
        )
    orientation.switch("portrait")


def build_sheet_story(
    pack: FormPack, data: SubmissionData, ident: SheetIdentity, styles: Styles
) -> list[Flowable]:
    story: list[Flowable] = []
    story += sections.title_block(data, ident, styles)
    story.append(sections.info_table(pack, data, ident, styles, PORTRAIT))
    story += sections.answers_block(data, styles)
    orientation = _Orientation(story)
    for number, form in enumerate(data.forms, start=1):
        _form_story(pack, data, form, number, styles, orientation)
    story += sections.attachments_block(data, styles, PORTRAIT)
    story.append(Spacer(1, 4 * mm))
    story.append(sections.signoff_block(data, styles, PORTRAIT, ident.signoff))
    return story


class _Furniture:
    """What every page carries around the content: header, footer, QR code, draft watermark."""

    def __init__(self, data: SubmissionData, ident: SheetIdentity, styles: Styles) -> None:
        self.data = data
        self.ident = ident
        self.font = styles.font
        self.qr = qr_drawing(sheet_qr_payload(data, ident.digest), QR_SIZE)
        self.header = tr(
            "report",
            "{unit} · {period}报送单 · 第 {rev} 版",
            unit=data.unit.display_name,
            period=data.period.document_label,
            rev=data.revision,
        )

    def on_page(self, geometry: PageGeometry) -> Any:
        def paint(canv: Canvas, doc: Any) -> None:
            canv.saveState()
            if not self.ident.signed:
                self._watermark(canv, geometry)
            self._header(canv, geometry)
            self._footer(canv, geometry)
            canv.restoreState()

        return paint

    def _watermark(self, canv: Canvas, g: PageGeometry) -> None:
        canv.saveState()
        canv.setFillColor(DRAFT_RED, alpha=0.10)
        canv.setFont(self.font, 150)
        canv.translate(g.width / 2, g.height / 2)
        canv.rotate(35)
        canv.drawCentredString(0, -50, tr("report", "草稿"))
        canv.restoreState()

    def _header(self, canv: Canvas, g: PageGeometry) -> None:
        y = g.height - g.top + 7 * mm
        canv.setFillColor(MUTED)
        draw_fitted(canv, g.left, y, self.header, g.frame_width * 0.75, 8.5)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(g.left, y - 2 * mm, g.width - g.right, y - 2 * mm)

    def _footer(self, canv: Canvas, g: PageGeometry) -> None:
        line_y = g.bottom - 4 * mm
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(g.left, line_y, g.width - g.right, line_y)
        text_width = g.frame_width - QR_SIZE - 4 * mm
        if self.ident.signed:
            canv.setFillColor("#000000")
            draw_fitted(
                canv,
                g.left,
                line_y - 6 * mm,
                tr("report", "签名指纹：{fp}", fp=group_hex(self.ident.fingerprint or "")),
                text_width,
                8,
            )
            canv.setFillColor(MUTED)
            draw_fitted(
                canv,
                g.left,
                line_y - 10.5 * mm,
                tr("report", "数据摘要：{digest}", digest=self.ident.digest or ""),
                text_width,
                7,
            )
        else:
            canv.setFillColor(DRAFT_RED)
            draw_fitted(
                canv,
                g.left,
                line_y - 6 * mm,
                tr("report", "未签名（草稿）——不能作为正式报送材料"),
                text_width,
                9,
            )
        self._draw_qr(canv, g.width - g.right - QR_SIZE, line_y - 1.5 * mm - QR_SIZE)

    def _draw_qr(self, canv: Canvas, x: float, y: float) -> None:
        # Drawn once as a form XObject and placed on every page: encoding and drawing the
        # thousands of modules again for each page cost a third of a second a page.
        if not canv.hasForm(QR_FORM):
            canv.beginForm(QR_FORM, lowerx=0, lowery=0, upperx=QR_SIZE, uppery=QR_SIZE)
            renderPDF.draw(self.qr, canv, 0, 0)
            canv.endForm()
        canv.saveState()
        canv.translate(x, y)
        canv.doForm(QR_FORM)
        canv.restoreState()


def _page_number_painter(font: str) -> Any:
    def paint(canv: Canvas, number: int, total: int) -> None:
        width = canv._pagesize[0]
        geometry = PORTRAIT if width < canv._pagesize[1] else LANDSCAPE
        canv.saveState()
        canv.setFillColor("#000000")
        draw_fitted(
            canv,
            geometry.left + (geometry.frame_width - QR_SIZE) / 2,
            9 * mm,
            tr("report", "第 {n} 页 共 {m} 页", n=number, m=total),
            geometry.frame_width / 2,
            9,
            align="center",
        )
        canv.restoreState()

    return paint


def _page_template(name: str, geometry: PageGeometry, furniture: _Furniture) -> PageTemplate:
    frame = Frame(
        geometry.left,
        geometry.bottom,
        geometry.frame_width,
        geometry.frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=name,
    )
    return PageTemplate(
        id=name, frames=[frame], pagesize=geometry.size, onPage=furniture.on_page(geometry)
    )


def write_submission_sheet(
    pack: FormPack,
    data: SubmissionData,
    out_path: Path,
    *,
    fingerprint: str | None,
    digest: str | None,
    force: bool = True,
    signoff: Signoff | None = None,
    due: date | None = None,
    late_reason: str = "",
) -> Path:
    """Write the printable submission sheet of ``data``; returns ``out_path``.

    A signed sheet shows the ``due`` date its export carried and, when late, the ``late_reason``.

    ``fingerprint``/``digest`` come from the signed workbook; without them the sheet is a
    draft and says so on every page. ``signoff`` (when the office uses people and roles): who
    filled, reviewed and signed, with times, printed instead of the profile's names.
    """
    out_path = Path(out_path)
    styles = make_styles()
    ident = SheetIdentity(
        plan_title=pack.catalog.plan.title,
        fingerprint=fingerprint,
        digest=digest,
        signoff=signoff,
        due=due,
        late_reason=late_reason,
    )
    story = build_sheet_story(pack, data, ident, styles)
    furniture = _Furniture(data, ident, styles)
    title = tr(
        "report",
        "{unit}{period}报送单",
        unit=data.unit.display_name,
        period=data.period.document_label,
    )
    with atomic_pdf(out_path, force=force) as tmp:
        doc = BaseDocTemplate(
            str(tmp),
            pagesize=PORTRAIT.size,
            pageTemplates=[
                _page_template("portrait", PORTRAIT, furniture),
                _page_template("landscape", LANDSCAPE, furniture),
            ],
            title=title,
            author=data.unit.display_name,
            subject=tr("report", "《{plan}》报送单", plan=ident.plan_title),
            creator="EcoDesk",
            initialFontName=styles.font,
        )
        build_story(doc, story, canvasmaker=page_counting_canvas(_page_number_painter(styles.font)))
    log.info(
        "submission sheet for %s %s r%s written to %s",
        data.unit.division_code,
        data.period,
        data.revision,
        out_path,
    )
    return out_path
