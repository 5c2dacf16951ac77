"""Give Qt a Chinese font: the bundled WenQuanYi Micro Hei, unless the system has a better UI font.

On a fresh Linux machine no Chinese font is installed and Qt draws every Chinese character as
an empty box, so the bundled font (the same one the printed sheet embeds) is always registered.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ecodesk.resources import cjk_font_path

log = logging.getLogger(__name__)

# System fonts designed for Chinese user interfaces, preferred over the bundled one when present.
PREFERRED_SYSTEM_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
)
BASE_POINT_SIZE = 10.5


def load_bundled_font() -> str | None:
    """Register the bundled CJK font with Qt and return its family name (None if it cannot load)."""
    path = cjk_font_path()
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("could not load the bundled CJK font %s", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def choose_ui_family(bundled: str | None) -> str | None:
    available = set(QFontDatabase.families())
    for family in PREFERRED_SYSTEM_FAMILIES:
        if family in available:
            return family
    return bundled


def install_fonts(app: QApplication) -> str | None:
    """Load the bundled font and make the chosen Chinese family the application font."""
    family = choose_ui_family(load_bundled_font())
    if family:
        font = QFont(family)
        font.setPointSizeF(BASE_POINT_SIZE)
        app.setFont(font)
        log.info("UI font: %s", family)
    return family
