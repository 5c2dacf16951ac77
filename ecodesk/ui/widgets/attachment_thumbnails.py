"""Thumbnails of attachments: a PDF's first page, the image itself, an icon for a document.

Rendering reads a file that may be large (a scanned PDF of 40 MB, a 24-megapixel photo), so it
runs on a pool thread and comes back through :attr:`ThumbnailCache.ready`; the list shows the
kind's icon until then. Everything off the UI thread is a :class:`QImage` (a ``QPixmap`` may
only be made on the UI thread). Thumbnails are cached by the file's SHA-256 — the store keeps
one copy per content, so the same photo attached twice is rendered once — in a small LRU.

A file the renderer cannot read (a damaged PDF, an image Qt does not decode, one whose pixels
would exceed Qt's allocation limit) gets the kind's icon: a thumbnail is a convenience, never a
reason to refuse the file or to show an error.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPen

from ecodesk.errors import EcoDeskError
from ecodesk.ui import style

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 72  # pixels, the longer side
CACHE_ENTRIES = 256  # a submission rarely has more; each entry is at most 72×72×4 bytes

IMAGE_KINDS = frozenset({"jpeg", "png"})
_ICON_COLOURS = {  # the colour families people know these formats by
    "pdf": "#c0392b",
    "docx": "#2b579a",
    "doc": "#2b579a",
    "wps": "#2b579a",
    "xlsx": "#217346",
    "xls": "#217346",
    "et": "#217346",
    "ofd": "#b7472a",
    "jpeg": "#6d4c9f",
    "png": "#6d4c9f",
}


def kind_icon(kind: str, size: int = THUMBNAIL_SIZE) -> QImage:
    """A page with a folded corner and the kind's name (DOCX, PDF…): painted, any thread."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width, height = size * 0.64, size * 0.84
    left, top = (size - width) / 2, (size - height) / 2
    fold = width * 0.28
    painter.setPen(QPen(QColor("#98a2b3"), max(1.0, size / 48)))
    painter.setBrush(QColor("white"))
    painter.drawRect(QRectF(left, top, width, height))
    painter.setBrush(QColor("#e4e7ec"))
    painter.drawRect(QRectF(left + width - fold, top, fold, fold))
    colour = QColor(_ICON_COLOURS.get(kind, style.ACCENT))
    band = QRectF(left - size * 0.06, top + height * 0.52, width + size * 0.12, height * 0.26)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(band, 2, 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, round(size * (0.15 if len(kind) <= 3 else 0.13))))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    label = "JPG" if kind == "jpeg" else kind.upper()
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return image


def _fit(width: int, height: int, size: int) -> tuple[int, int]:
    scale = size / max(width, height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _pdf_first_page(path: Path, size: int) -> QImage:
    from ecodesk.report.raster import PdfPages

    with PdfPages(path) as pages:
        if not len(pages):
            return QImage()
        page = pages.sizes[0]
        width, height = _fit(round(page.width), round(page.height), size)
        pixels = pages.render(0, width, height)
    image = QImage(
        bytes(pixels.pixels), pixels.width, pixels.height, pixels.stride, QImage.Format.Format_RGB32
    )
    return image.copy()  # own the pixels: the buffer above is released with this function


def _image(path: Path, size: int) -> QImage:
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # a phone's photo stands the way it was taken
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(QSize(*_fit(full.width(), full.height(), size)))
    image = reader.read()
    if image.isNull():
        log.info("no thumbnail for %s: %s", path.name, reader.errorString())
        return image
    if max(image.width(), image.height()) > size:  # a reader that ignored the scaled size
        image = image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


def renders_from_content(kind: str) -> bool:
    """Whether a file of ``kind`` has a thumbnail of its own (a PDF's page, an image); other
    kinds show their type's icon without reading the file."""
    return kind == "pdf" or kind in IMAGE_KINDS


def render_thumbnail(path: Path, kind: str, size: int = THUMBNAIL_SIZE) -> QImage:
    """The thumbnail of the file at ``path`` of ``kind`` (the store's kind code); the kind's
    icon when it is not a PDF or an image, or cannot be read. Safe on any thread."""
    image = QImage()
    try:
        if kind == "pdf":
            image = _pdf_first_page(path, size)
        elif kind in IMAGE_KINDS:
            image = _image(path, size)
    except (EcoDeskError, OSError, ValueError) as exc:
        log.info("no thumbnail for %s: %s", path.name, exc)
        image = QImage()
    return image if not image.isNull() else kind_icon(kind, size)


class _Signals(QObject):
    done = Signal(str, QImage)


# the file to render, or how to get it (on a shared store: fetched from the database, which
# may take a while for a large scan, so it runs on the pool thread too)
Source = Path | Callable[[], Path]


class _Render(QRunnable):
    def __init__(self, digest: str, path: Source, kind: str, size: int, signals: _Signals) -> None:
        super().__init__()
        self.digest, self.path, self.kind, self.size, self.signals = (
            digest,
            path,
            kind,
            size,
            signals,
        )

    def run(self) -> None:
        try:
            path = self.path() if callable(self.path) else self.path
        except EcoDeskError as exc:  # not here, not in the shared store, or damaged there
            log.info("no thumbnail for %s: %s", self.digest[:12], exc)
            image = kind_icon(self.kind, self.size)
        except Exception:  # noqa: BLE001 — a pool thread: logged, never lost
            log.exception("fetching %s for its thumbnail failed", self.digest[:12])
            image = kind_icon(self.kind, self.size)
        else:
            image = render_thumbnail(path, self.kind, self.size)
        self.signals.done.emit(self.digest, image)


class ThumbnailCache(QObject):
    """Thumbnails by SHA-256, rendered on a pool thread on first request."""

    ready = Signal(str)  # the digest whose thumbnail is now in the cache

    def __init__(self, size: int = THUMBNAIL_SIZE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.size = size
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self.rendered = 0  # files rendered so far (the cache's proof, for tests and the log)

    def get(self, digest: str) -> QImage | None:
        image = self._images.get(digest)
        if image is not None:
            self._images.move_to_end(digest)
        return image

    def request(self, digest: str, path: Source, kind: str) -> QImage | None:
        """The cached thumbnail, or None after starting its rendering (``ready`` follows);
        ``path`` may be a function giving the file, called on the pool thread."""
        image = self.get(digest)
        if image is None and digest not in self._pending:
            self._pending.add(digest)
            # the runnable owns its signals: a cache deleted meanwhile only loses the connection
            signals = _Signals()
            signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
            QThreadPool.globalInstance().start(_Render(digest, path, kind, self.size, signals))
        return image

    def placeholder(self, kind: str) -> QImage:
        return kind_icon(kind, self.size)

    def _done(self, digest: str, image: QImage) -> None:
        self._pending.discard(digest)
        self.rendered += 1
        self._images[digest] = image
        while len(self._images) > CACHE_ENTRIES:
            self._images.popitem(last=False)
        self.ready.emit(digest)
