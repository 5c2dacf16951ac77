"""Small icons painted in code (state dots, severity marks): crisp at any scaling, no files to lose."""

from __future__ import annotations

import functools

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from ecodesk.resources import resource_path
from ecodesk.ui import style

SEVERITY_COLOURS = {
    "error": style.ERROR,
    "warning": "#e08a00",
    "accepted": "#98a2b3",
    "query": style.QUERY,
    "ok": style.ACCENT,
}


def _dot(colour: str, *, ring: bool = False, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6)
    if ring:
        painter.setPen(QPen(QColor(colour), size * 0.1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


@functools.cache
def state_icon(state: str) -> QIcon:
    return _dot(style.STATE_COLOURS.get(state, "#98a2b3"), ring=state == "empty")


@functools.cache
def severity_icon(severity: str) -> QIcon:
    return _dot(SEVERITY_COLOURS.get(severity, "#98a2b3"))


@functools.cache
def app_icon() -> QIcon:
    path = resource_path("icons", "ecodesk.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
