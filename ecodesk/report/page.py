"""Page geometry, type styles and page furniture shared by every printed document.

Margins follow GB/T 9704 (党政机关公文格式: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm)
with the top margin reduced to 30 mm: a form carries its own running header there, and the
bottom margin holds the signature fingerprint, the page number and the QR code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ecodesk.report.fonts import register_cjk_font


@dataclass(frozen=True)
class PageGeometry:
    size: tuple[float, float]
    top: float
    bottom: float
    left: float
    right: float

    @property
    def width(self) -> float:
        return self.size[0]

    @property
    def height(self) -> float:
        return self.size[1]

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom


PORTRAIT = PageGeometry(size=A4, top=30 * mm, bottom=35 * mm, left=28 * mm, right=26 * mm)
# Wide tables: the binding edge (left) keeps its margin, top and bottom give a little.
LANDSCAPE = PageGeometry(
    size=landscape(A4), top=24 * mm, bottom=33 * mm, left=28 * mm, right=26 * mm
)

INK = colors.black
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#888888")
GRID = colors.HexColor("#666666")
HEADER_FILL = colors.HexColor("#E8E8E8")
DRAFT_RED = colors.HexColor("#B00000")


@dataclass(frozen=True)
class Styles:
    font: str
    plan_title: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    indented: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_small: ParagraphStyle


def make_styles() -> Styles:
    """Sizes after Chinese official documents: 二号 title (22 pt), 三号/四号 headings, 五号 body."""
    font = register_cjk_font()

    def style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        # CJK text has no spaces: wordWrap="CJK" lets a line break between any two characters.
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw
        )

    cell = style("cell", 9, 12, alignment=TA_LEFT)
    return Styles(
        font=font,
        plan_title=style("plan_title", 14, 20, alignment=TA_CENTER, spaceAfter=2 * mm),
        title=style("title", 22, 30, alignment=TA_CENTER, spaceAfter=6 * mm),
        subtitle=style("subtitle", 11, 16, alignment=TA_CENTER, textColor=MUTED, spaceAfter=4 * mm),
        h1=style("h1", 15, 21, spaceBefore=6 * mm, spaceAfter=3 * mm, keepWithNext=1),
        h2=style("h2", 12, 17, spaceBefore=3.5 * mm, spaceAfter=2 * mm, keepWithNext=1),
        body=style("body", 10.5, 17, alignment=TA_LEFT),
        indented=style("indented", 10.5, 17, firstLineIndent=21, spaceAfter=1 * mm),
        note=style("note", 9, 13, textColor=MUTED),
        cell=cell,
        cell_center=style("cell_center", 9, 12, alignment=TA_CENTER),
        cell_right=style("cell_right", 9, 12, alignment=TA_RIGHT),
        cell_head=style("cell_head", 9, 12, alignment=TA_CENTER),
        cell_small=style("cell_small", 8, 10.5, textColor=MUTED),
    )


def grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    """The table look of a printed form: thin full grid, shaded header, top-aligned cells."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    return commands


def group_hex(text: str, group: int = 4) -> str:
    """``a1b2c3d4…`` → ``A1B2 C3D4 …``: easier to compare aloud over the phone."""
    clean = "".join(ch for ch in text if ch.isalnum()).upper()
    return " ".join(clean[i : i + group] for i in range(0, len(clean), group))


def draw_fitted(
    canv: Canvas,
    x: float,
    y: float,
    text: str,
    max_width: float,
    size: float,
    *,
    align: str = "left",
) -> None:
    """Draw one line, shrinking the type (not below 5 pt) so it never runs into the margin."""
    font = register_cjk_font()
    width = stringWidth(text, font, size)
    if width > max_width:
        size = max(5.0, size * max_width / width)
        width = stringWidth(text, font, size)
    canv.setFont(font, size)
    if align == "center":
        canv.drawString(x - width / 2, y, text)
    elif align == "right":
        canv.drawString(x - width, y, text)
    else:
        canv.drawString(x, y, text)


PageNumberPainter = Callable[[Canvas, int, int], None]


def page_counting_canvas(paint: PageNumberPainter) -> type[Canvas]:
    """A canvas class that knows the page count when it finishes each page.

    reportlab lays out page by page and cannot know "共 M 页" in advance; this canvas keeps
    every finished page's state and paints the numbers on all of them at the end.
    """

    class PageCountingCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._finished_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._finished_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._finished_pages)
            for number, state in enumerate(self._finished_pages, start=1):
                self.__dict__.update(state)
                paint(self, number, total)
                super().showPage()
            super().save()

    return PageCountingCanvas
