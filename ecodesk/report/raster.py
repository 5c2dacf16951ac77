"""Pages of a printed PDF as pixels, for the print preview and for printing (pypdfium2).

Sizes are in PDF points (1/72 inch) as the page shows them, so a landscape page stays
landscape. Pixels come as rows of BGRx (4 bytes, the ``x`` byte always 255), which is the
memory layout of a 32-bit RGB image on the little-endian machines we ship for.

PDFium is not thread-safe, not even across documents, so every call into it holds one
lock: the preview (UI thread) and a print job (pool thread) may render at the same time.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

POINTS_PER_INCH = 72
BYTES_PER_PIXEL = 4
_PDFIUM = threading.RLock()


class PdfUnreadable(EcoDeskError):
    """The PDF to show is missing or damaged."""


@dataclass(frozen=True)
class PageSize:
    """A page as it is shown, in points."""

    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass(frozen=True)
class PageImage:
    """``height`` rows of ``width`` BGRx pixels, ``stride`` bytes apart."""

    width: int
    height: int
    stride: int
    pixels: memoryview


class PdfPages:
    """An open PDF whose pages are rendered on demand; close it (or use ``with``) when done."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with _PDFIUM:
            try:
                self._pdf = pdfium.PdfDocument(str(self.path))
            except (pdfium.PdfiumError, OSError) as exc:
                log.warning("cannot open %s: %s", self.path, exc)
                raise PdfUnreadable(
                    tr(
                        "printing",
                        "无法读取 PDF 文件“{path}”：文件不存在或已损坏。",
                        path=self.path,
                    )
                ) from exc
            # by index, without loading the pages: a long sheet opens at once
            self.sizes = [PageSize(*self._pdf.get_page_size(i)) for i in range(len(self._pdf))]

    def __len__(self) -> int:
        return len(self.sizes)

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with _PDFIUM:
            self._pdf.close()

    def pixel_size(self, index: int, dpi: float) -> tuple[int, int]:
        """Width and height in pixels of page ``index`` at ``dpi``."""
        size = self.sizes[index]
        return (
            max(1, round(size.width * dpi / POINTS_PER_INCH)),
            max(1, round(size.height * dpi / POINTS_PER_INCH)),
        )

    def render(
        self,
        index: int,
        width: int,
        height: int,
        *,
        top: int = 0,
        rows: int | None = None,
        for_printing: bool = False,
    ) -> PageImage:
        """Page ``index`` scaled to ``width`` × ``height`` pixels; only rows ``top`` … ``top+rows``.

        A band of rows lets a printer at 600 or 1200 dpi take a page piece by piece instead of
        holding a whole page of several hundred megabytes.
        """
        rows = height - top if rows is None else min(rows, height - top)
        if not 0 <= index < len(self.sizes) or width < 1 or rows < 1 or top < 0:
            raise ValueError(f"page {index}, {width}x{height}, rows {top}+{rows}")
        flags = pdfium_c.FPDF_ANNOT | (pdfium_c.FPDF_PRINTING if for_printing else 0)
        with _PDFIUM:
            page = self._pdf[index]
            try:
                bitmap = pdfium.PdfBitmap.new_native(width, rows, pdfium_c.FPDFBitmap_BGRx)
                bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, rows)
                pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, -top, width, height, 0, flags)
                image = PageImage(width, rows, bitmap.stride, memoryview(bitmap.buffer).cast("B"))
                bitmap.close()  # the shell only: a native bitmap's buffer stays ours
            finally:
                page.close()
        return image

    def render_at(self, index: int, dpi: float) -> PageImage:
        """The whole page ``index`` at ``dpi``."""
        return self.render(index, *self.pixel_size(index, dpi))
