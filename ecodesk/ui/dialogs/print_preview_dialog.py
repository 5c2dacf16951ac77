"""Print preview of the submission sheet: look at the pages, then print, save as PDF or open elsewhere.

The pages are the reportlab PDF rasterized by PDFium (``ecodesk.report.raster``), only when
they scroll into view and at the size shown, so a 50-page sheet opens at once. Printing
renders each page again at the printer's own resolution, in bands, with the page's own
orientation; "save as PDF" copies the vector file itself.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMarginsF, QPoint, QRect, QSize, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QImage,
    QIntValidator,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.report.output import copy_pdf
from ecodesk.report.raster import POINTS_PER_INCH, PageImage, PageSize, PdfPages
from ecodesk.ui.workers import BackgroundTask, Job, run_in_background

log = logging.getLogger(__name__)

ZOOM_STEPS = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0]
DESK = "#8a919b"  # the grey the pages lie on
PAGE_EDGE = "#5f6670"
PAGE_GAP = 16  # logical pixels between pages and around them
CACHED_PAGES = 12  # rendered pages kept; a screenful needs two or three
BAND_BYTES = 16 * 1024 * 1024  # one band of a printed page; 600 dpi A4 would be 140 MB whole


class PrinterUnavailable(Exception):
    """The printer refused to start or to take another page."""


def as_qimage(image: PageImage) -> QImage:
    """A QImage over the BGRx rows (Qt's 32-bit RGB in memory); valid while ``image`` lives."""
    return QImage(image.pixels, image.width, image.height, image.stride, QImage.Format.Format_RGB32)


def page_layout(size: PageSize) -> QPageLayout:
    """The paper for one PDF page: its size (A4 matched by name) and its own orientation."""
    portrait = QSizeF(min(size.width, size.height), max(size.width, size.height))
    paper = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (
        QPageLayout.Orientation.Landscape if size.landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(
        paper, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point, QMarginsF(0, 0, 0, 0)
    )


def pages_to_print(printer: QPrinter, count: int, current: int) -> list[int]:
    """Page indexes in print order from what the print dialog left in ``printer``."""
    if printer.printRange() == QPrinter.PrintRange.CurrentPage:
        chosen = [current]
    elif (
        printer.printRange() == QPrinter.PrintRange.PageRange and not printer.pageRanges().isEmpty()
    ):
        ranges = printer.pageRanges()
        chosen = [i for i in range(count) if ranges.contains(i + 1)]
    elif printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        chosen = list(range(printer.fromPage() - 1, min(printer.toPage(), count)))
    else:
        chosen = list(range(count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.collateCopies():
        return chosen * copies
    return [i for i in chosen for _ in range(copies)]


def print_pages(
    pdf: Path,
    printer: QPrinter,
    indexes: list[int],
    progress: Callable[..., None] = lambda *a: None,
) -> int:
    """Paint ``indexes`` of ``pdf`` on ``printer`` at its resolution; return the pages printed.

    Safe on a pool thread (Qt paints on a QPrinter from any thread). ``progress(done, total)``
    may raise to stop: the job is then aborted, and a half-written output file removed.
    """
    if not indexes:
        return 0
    printer.setFullPage(True)  # the PDF carries its own margins
    painter = QPainter()
    with PdfPages(pdf) as pages:
        try:
            for done, index in enumerate(indexes):
                progress(done, len(indexes))
                printer.setPageLayout(page_layout(pages.sizes[index]))  # applies to the next page
                if done == 0:
                    if not painter.begin(printer):
                        raise PrinterUnavailable
                elif not printer.newPage():
                    raise PrinterUnavailable
                _paint_page(painter, printer, pages, index)
        except BaseException:
            if painter.isActive():
                printer.abort()
                painter.end()
            if (
                printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                and printer.outputFileName()
            ):
                Path(printer.outputFileName()).unlink(missing_ok=True)
            raise
        painter.end()
    return len(indexes)


def _paint_page(painter: QPainter, printer: QPrinter, pages: PdfPages, index: int) -> None:
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    width, height = round(paper.width()), round(paper.height())
    band = max(1, BAND_BYTES // (4 * width))
    for top in range(0, height, band):
        image = pages.render(index, width, height, top=top, rows=band, for_printing=True)
        painter.drawImage(QPoint(0, top), as_qimage(image))


class PageCache:
    """The last few pages rendered, by page and pixel size: scrolling back costs nothing."""

    def __init__(self, pages: PdfPages, limit: int = CACHED_PAGES) -> None:
        self.pages = pages
        self.limit = limit
        self.images: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.rendered = 0  # pages rasterized so far (for tests and the log)

    def image(self, index: int, size: QSize) -> QImage:
        key = (index, size.width(), size.height())
        if key in self.images:
            self.images.move_to_end(key)
            return self.images[key]
        image = as_qimage(self.pages.render(index, size.width(), size.height())).copy()
        self.rendered += 1
        self.images[key] = image
        while len(self.images) > self.limit:
            self.images.popitem(last=False)
        return image


class PageWidget(QWidget):
    """One sheet of paper in the preview; rasterized only when it is painted, i.e. visible."""

    def __init__(self, cache: PageCache, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cache, self.index = cache, index
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        ratio = self.devicePixelRatioF()
        image = self.cache.image(
            self.index, QSize(round(self.width() * ratio), round(self.height() * ratio))
        )
        painter = QPainter(self)
        painter.drawImage(self.rect(), image)
        painter.end()


class PageNumberValidator(QIntValidator):
    """Digits only; a number past the end, confirmed with Enter, means the last page."""

    def fixup(self, text: str) -> str:
        digits = "".join(c for c in text if c.isdigit())
        return str(min(max(int(digits), self.bottom()), self.top())) if digits else text


class Desk(QWidget):
    """The grey the pages lie on; at least as large as the view, whatever the zoom."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt's name
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(DESK))
        for page in self.children():  # a hairline edge around each sheet, outside it
            if isinstance(page, PageWidget):
                painter.fillRect(page.geometry().adjusted(-1, -1, 1, 1), QColor(PAGE_EDGE))
        painter.end()


class PrintPreviewDialog(QDialog):
    """Pages of ``pdf`` with zoom and paging; print, save as PDF (under ``suggested``), open elsewhere."""

    saved = Signal(str)  # the path a copy was saved to

    def __init__(self, pdf: Path, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf, self.suggested = Path(pdf), Path(suggested)
        self.pages = PdfPages(self.pdf)
        self.cache = PageCache(self.pages)
        self.printer: QPrinter | None = None
        self.task: BackgroundTask | None = None
        self._tops: list[int] = []  # y of each page on the canvas
        self._pinned: int | None = None  # the page last gone to, until the clerk scrolls
        self.setWindowTitle(self.tr("打印预览 — {name}").format(name=self.suggested.stem))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.resize(980, 760)
        self._build()
        self._shortcuts()
        self._relayout()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("上一页"), objectName="previousPage")
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.page_field = QLineEdit(objectName="pageNumber")
        self.page_field.setValidator(PageNumberValidator(1, len(self.pages), self.page_field))
        self.page_field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_field.setFixedWidth(self.fontMetrics().horizontalAdvance("0000") + 20)
        self.page_field.editingFinished.connect(
            lambda: self.go_to_page(int(self.page_field.text()) - 1)
        )
        self.page_count = QLabel(
            self.tr("页，共 {m} 页").format(m=len(self.pages)), objectName="pageCount"
        )
        self.next_button = QPushButton(self.tr("下一页"), objectName="nextPage")
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.zoom = QComboBox(objectName="zoom")
        self.zoom.addItem(self.tr("适合宽度"), "width")
        self.zoom.addItem(self.tr("适合页面"), "page")
        for step in ZOOM_STEPS:
            self.zoom.addItem(f"{step:.0%}", step)
        self.zoom.currentIndexChanged.connect(lambda _: self._relayout())
        for button in (self.previous_button, self.next_button):
            button.setAutoDefault(False)
        bar.addWidget(self.previous_button)
        bar.addSpacing(8)
        for widget in (QLabel(self.tr("第")), self.page_field, self.page_count):
            bar.addWidget(widget)
        bar.addSpacing(8)
        bar.addWidget(self.next_button)
        bar.addSpacing(24)
        bar.addWidget(QLabel(self.tr("缩放：")))
        bar.addWidget(self.zoom)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.pages_area = QScrollArea(objectName="previewPages")
        self.pages_area.setWidgetResizable(False)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.canvas = Desk()
        self.page_widgets = [PageWidget(self.cache, i, self.canvas) for i in range(len(self.pages))]
        self.pages_area.setWidget(self.canvas)
        self.pages_area.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.pages_area.viewport().installEventFilter(self)
        layout.addWidget(self.pages_area, 1)

        buttons = QHBoxLayout()
        self.status = QLabel(objectName="previewStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons.addWidget(self.status, 1)
        # the accent colour, but not the default button: Enter in the page field must not print
        self.print_button = QPushButton(self.tr("打印…"), objectName="primary")
        self.print_button.clicked.connect(self.print_)
        self.save_button = QPushButton(self.tr("另存为 PDF…"), objectName="saveButton")
        self.save_button.clicked.connect(self.save_as)
        self.open_button = QPushButton(self.tr("用其他程序打开"), objectName="openButton")
        self.open_button.clicked.connect(self.open_externally)
        close = QPushButton(self.tr("关闭"), objectName="closeButton")
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button, self.open_button, close):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def _shortcuts(self) -> None:
        keys: list[tuple[Any, Callable[[], Any]]] = [
            (QKeySequence.StandardKey.Print, self.print_),
            (Qt.Key.Key_PageDown, lambda: self.go_to_page(self.current_page() + 1)),
            (Qt.Key.Key_PageUp, lambda: self.go_to_page(self.current_page() - 1)),
            (QKeySequence.StandardKey.ZoomIn, lambda: self.zoom_by(+1)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.zoom_by(-1)),
        ]
        for key, slot in keys:
            QShortcut(QKeySequence(key), self, activated=slot)

    # ------------------------------------------------------------------ zoom and paging

    def scale(self) -> float:
        """Logical pixels per point at the chosen zoom."""
        choice = self.zoom.currentData()
        viewport = self.pages_area.viewport().size()
        room_w = max(50, viewport.width() - 2 * PAGE_GAP)
        room_h = max(50, viewport.height() - 2 * PAGE_GAP)
        if choice == "width":
            return room_w / max(s.width for s in self.pages.sizes)
        if choice == "page":
            return min(min(room_w / s.width, room_h / s.height) for s in self.pages.sizes)
        return float(choice) * self.logicalDpiX() / POINTS_PER_INCH

    def zoom_by(self, steps: int) -> None:
        """Next or previous percentage from the zoom now shown (a fit mode counts as its percentage)."""
        percent = self.scale() * POINTS_PER_INCH / self.logicalDpiX()
        if steps > 0:
            target = next((z for z in ZOOM_STEPS if z > percent + 0.01), ZOOM_STEPS[-1])
        else:
            target = next((z for z in reversed(ZOOM_STEPS) if z < percent - 0.01), ZOOM_STEPS[0])
        self.zoom.setCurrentIndex(self.zoom.findData(target))

    def _relayout(self) -> None:
        page = self.current_page()
        scale = self.scale()
        sizes = [QSize(round(s.width * scale), round(s.height * scale)) for s in self.pages.sizes]
        viewport = self.pages_area.viewport().size()
        width = max(viewport.width(), max(s.width() for s in sizes) + 2 * PAGE_GAP)
        y = PAGE_GAP
        self._tops = []
        for widget, size in zip(self.page_widgets, sizes, strict=True):
            widget.setGeometry(QRect(QPoint((width - size.width()) // 2, y), size))
            self._tops.append(y)
            y += size.height() + PAGE_GAP
        self.canvas.resize(width, max(y, viewport.height()))
        self.go_to_page(page)

    def current_page(self) -> int:
        """The page gone to, or else the one filling the upper part of the view (0-based).

        The last pages of a sheet cannot scroll to the top of the view, hence the pin.
        """
        if self._pinned is not None:
            return self._pinned
        probe = (
            self.pages_area.verticalScrollBar().value() + self.pages_area.viewport().height() // 3
        )
        return max(0, sum(1 for top in self._tops if top <= probe) - 1)

    def go_to_page(self, index: int) -> None:
        index = max(0, min(index, len(self.pages) - 1))
        self.pages_area.verticalScrollBar().setValue(self._tops[index] - PAGE_GAP // 2)
        self._pinned = index
        self._show_current_page()

    def _scrolled(self) -> None:
        self._pinned = None
        self._show_current_page()

    def _show_current_page(self) -> None:
        page = self.current_page()
        self.page_field.setText(str(page + 1))
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < len(self.pages) - 1)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 — Qt's name
        if watched is self.pages_area.viewport():
            if event.type() == QEvent.Type.Resize and self.zoom.currentData() in ("width", "page"):
                self._relayout()
            elif (
                isinstance(event, QWheelEvent)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                self.zoom_by(1 if event.angleDelta().y() > 0 else -1)
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ the three ways out

    def print_(self) -> None:
        """Ask the system print dialog; print only if the clerk confirms it."""
        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印报送单"))
        dialog.setMinMax(1, len(self.pages))
        dialog.setFromTo(1, len(self.pages))
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(
            option.PrintPageRange
            | option.PrintCurrentPage
            | option.PrintCollateCopies
            | option.PrintToFile
            | option.PrintShowPageSize
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_with(printer)

    def _printer(self) -> QPrinter:
        if self.printer is None:  # kept, so a second print starts from the first one's choices
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self.printer.setDocName(self.suggested.stem)
            self.printer.setPageLayout(page_layout(self.pages.sizes[0]))
        return self.printer

    def print_with(self, printer: QPrinter) -> BackgroundTask:
        """Print on an already configured ``printer`` off the UI thread (the seam tests use)."""
        indexes = pages_to_print(printer, len(self.pages), self.current_page())
        pdf, title = self.pdf, self.tr("正在打印报送单…")

        refused = self.tr("打印机无法开始打印。请检查打印机是否已连接、已开机，然后重试。")
        page_text = self.tr("正在打印第 {n} 页（共 {m} 页）…")

        def work(job: Job) -> int:
            def progress(done: int, total: int) -> None:
                job.progress(done, total, page_text.format(n=done + 1, m=total))

            try:
                return print_pages(pdf, printer, indexes, progress)
            except PrinterUnavailable as exc:
                raise EcoDeskError(refused) from exc

        def done(count: int) -> None:
            self.status.setText(self.tr("已送往打印机：{n} 页。").format(n=count))

        def failed(message: str, expected: bool) -> None:
            self.status.setText(self.tr("打印没有完成。"))
            QMessageBox.warning(
                self,
                self.tr("打印报送单"),
                message
                if expected and message
                else self.tr(
                    "打印没有完成，原因未知。详细情况已记入日志。可以改用“另存为 PDF”，再用其他程序打印。"
                ),
            )

        self.task = run_in_background(self, title, work, done, failed, cancellable=True)
        return self.task

    def save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("另存为 PDF"), str(self.suggested), self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, target: Path) -> bool:
        """Copy the vector PDF to ``target``; a refusal is told in Chinese and changes nothing."""
        if target.suffix.lower() != ".pdf":
            target = Path(f"{target}.pdf")
        try:
            copy_pdf(self.pdf, target)
        except EcoDeskError as exc:
            QMessageBox.warning(self, self.tr("另存为 PDF"), str(exc))
            return False
        self.status.setText(self.tr("已保存：{path}").format(path=target))
        self.saved.emit(str(target))
        return True

    def open_externally(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf))):
            QMessageBox.warning(
                self,
                self.tr("用其他程序打开"),
                self.tr(
                    "本机没有可以打开 PDF 文件的程序。请用“另存为 PDF”保存后，用其他电脑打开或打印。"
                ),
            )

    def done(self, result: int) -> None:
        if self.task is not None and not self.task.finished:
            return  # the print job still reads the pages; its progress dialog offers Cancel
        super().done(result)
        self.pages.close()
