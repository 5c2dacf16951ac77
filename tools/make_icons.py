#!/usr/bin/env python3
"""Draw the program icon files from ``resources/icons/ecodesk.svg``.

    python tools/make_icons.py

Writes ``ecodesk.png`` (256 px, Linux bundle and window icon fallback) and ``ecodesk.ico``
(16–256 px, the Windows .exe and the installer) next to the SVG. Run it after changing the
SVG and commit the results: the Windows build machine then needs neither Qt's SVG module nor
this script. Qt renders the SVG; Pillow (already installed with reportlab) writes the .ico.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256]


def render(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs it)
    svg = ICONS / "ecodesk.svg"
    largest = render(svg, 256)
    (ICONS / "ecodesk.png").write_bytes(largest)
    images = [Image.open(io.BytesIO(render(svg, size))) for size in SIZES]
    images[-1].save(
        ICONS / "ecodesk.ico",
        format="ICO",
        sizes=[(s, s) for s in SIZES],
        append_images=images[:-1],
    )
    print(f"wrote {ICONS / 'ecodesk.png'} and {ICONS / 'ecodesk.ico'} ({len(SIZES)} sizes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
