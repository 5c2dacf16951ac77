"""Every top-level window fits the screen's available area (QScreen.availableGeometry), at any
scale: at 1920×1080 with 150 % a logical screen is 1280×720, and at 1366×768 a Windows
taskbar takes another 40 pixels — a size chosen for a 1080p screen put the status bar and the
print preview's buttons below the edge.

One application-wide event filter applies it to every window as it is shown, so no dialog can
forget; a window restored from a saved geometry (another, larger monitor) is fitted too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

# Title bar and borders a window manager adds, assumed until the real frame is known (a
# Windows 10/11 title bar is about 31 logical pixels, its borders 8).
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)
_FITTED_KINDS = (Qt.WindowType.Window, Qt.WindowType.Dialog)


def available_area(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(window: QWidget) -> QMargins:
    """The frame around ``window``: measured once it is on screen, else the allowance."""
    frame, inner = window.frameGeometry(), window.geometry()
    if window.isVisible() and frame != inner:
        return QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )
    return FRAME_ALLOWANCE


def fit_to_screen(window: QWidget) -> None:
    """Shrink ``window`` (its minimum size too) and move it so its frame lies in the screen's
    available area; a window that fits and lies inside is left alone."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    area = available_area(window)
    margins = frame_margins(window)
    room = QSize(
        area.width() - margins.left() - margins.right(),
        area.height() - margins.top() - margins.bottom(),
    )
    minimum = window.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        window.setMinimumSize(minimum.boundedTo(room))
    size = window.size().boundedTo(room)
    if size != window.size():
        window.resize(size)
    frame_width = size.width() + margins.left() + margins.right()
    frame_height = size.height() + margins.top() + margins.bottom()
    # pos() of a top-level window is its frame's top-left corner
    x = max(area.left(), min(window.x(), area.left() + area.width() - frame_width))
    y = max(area.top(), min(window.y(), area.top() + area.height() - frame_height))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


class ScreenFitter(QObject):
    """Fits every top-level window to its screen when it is shown, and once more when the
    window manager has given it its real frame."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.windowType() in _FITTED_KINDS
        ):
            fit_to_screen(watched)
            QTimer.singleShot(0, watched, lambda: fit_to_screen(watched))
        return False


def install_screen_fitter(app: QApplication) -> ScreenFitter:
    """Fit every window the application shows from now on (idempotent)."""
    existing = app.findChild(ScreenFitter)
    if existing is not None:
        return existing
    fitter = ScreenFitter(app)
    app.installEventFilter(fitter)
    return fitter
