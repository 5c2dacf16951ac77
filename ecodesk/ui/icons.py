"""Small icons painted in code (state dots, severity marks): crisp at any scaling, no files to lose."""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

from ecodesk.resources import resource_path
from ecodesk.ui import style

SEVERITY_COLOURS = {
    "error": style.ERROR,
    "warning": style.WARNING_ICON,
    "accepted": "#98a2b3",
    "query": style.QUERY,
    "ok": style.ACCENT,
}


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def _dot(colour: str, *, ring: bool = False, size: int = 32) -> QIcon:
    pixmap, painter = _canvas(size)
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


def _error_mark(size: int = 32) -> QIcon:
    """A red disc with a white ✖: an error, told apart from a warning by shape, not only hue."""
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(style.ERROR))
    painter.drawEllipse(QRectF(size * 0.1, size * 0.1, size * 0.8, size * 0.8))
    pen = QPen(QColor("white"), size * 0.11)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    a, b = size * 0.34, size * 0.66
    painter.drawLine(QPointF(a, a), QPointF(b, b))
    painter.drawLine(QPointF(a, b), QPointF(b, a))
    painter.end()
    return QIcon(pixmap)


def _warning_mark(colour: str, size: int = 32) -> QIcon:
    """An amber triangle with a white "!" (⚠): a doubt that may be accepted with a reason."""
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(size * 0.5, size * 0.08),
                QPointF(size * 0.95, size * 0.9),
                QPointF(size * 0.05, size * 0.9),
            ]
        )
    )
    pen = QPen(QColor("white"), size * 0.1)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(size * 0.5, size * 0.36), QPointF(size * 0.5, size * 0.6))
    painter.drawPoint(QPointF(size * 0.5, size * 0.76))
    painter.end()
    return QIcon(pixmap)


def _check_mark(colour: str, size: int = 32) -> QIcon:
    """A disc with a white ✓: fine, or a warning already explained."""
    pixmap, painter = _canvas(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(size * 0.1, size * 0.1, size * 0.8, size * 0.8))
    pen = QPen(QColor("white"), size * 0.1)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.drawPolyline(
        QPolygonF(
            [
                QPointF(size * 0.3, size * 0.52),
                QPointF(size * 0.44, size * 0.66),
                QPointF(size * 0.7, size * 0.36),
            ]
        )
    )
    painter.end()
    return QIcon(pixmap)


@functools.cache
def state_icon(state: str) -> QIcon:
    """A form's state in the tree and the overview: the same marks as its problems'."""
    if state == "errors":
        return _error_mark()
    if state == "warnings":
        return _warning_mark(style.STATE_COLOURS["warnings"])
    return _dot(style.STATE_COLOURS.get(state, "#98a2b3"), ring=state == "empty")


@functools.cache
def severity_icon(severity: str) -> QIcon:
    """error ✖ red · warning ⚠ amber · accepted ✓ grey · ok ✓ green."""
    if severity == "error":
        return _error_mark()
    if severity == "warning":
        return _warning_mark(SEVERITY_COLOURS["warning"])
    return _check_mark(SEVERITY_COLOURS.get(severity, "#98a2b3"))


@functools.cache
def paperclip_icon(size: int = 32) -> QIcon:
    """A paperclip: this row or indicator has 佐证材料."""
    pixmap, painter = _canvas(size)
    pen = QPen(QColor(style.ACCENT), size * 0.09)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    w = size * 0.22
    painter.drawRoundedRect(
        QRectF(size * 0.30, size * 0.10, w * 1.6, size * 0.78), w * 0.8, w * 0.8
    )
    painter.drawLine(QPointF(size * 0.48, size * 0.28), QPointF(size * 0.48, size * 0.70))
    painter.end()
    return QIcon(pixmap)


@functools.cache
def app_icon() -> QIcon:
    path = resource_path("icons", "ecodesk.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
