"""The one CJK font of every printed page, registered with reportlab once.

reportlab embeds a TrueType font as a subset of the glyphs actually used, so the PDF shows
Chinese on a machine with no Chinese font at all. The bundled WenQuanYi Micro Hei has
TrueType outlines (reportlab refuses CFF outlines such as Noto CJK) and one weight only:
headings differ by size, never by a faked bold.
"""

from __future__ import annotations

import functools
import logging

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.resources import cjk_font_path

log = logging.getLogger(__name__)

CJK_FONT_NAME = "EcoDeskCJK"


class FontMissing(EcoDeskError):
    """The bundled font cannot be read: the installation is incomplete."""


@functools.cache
def register_cjk_font() -> str:
    """Register the bundled CJK font with reportlab (once) and return its font name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = cjk_font_path()
    try:
        font = TTFont(CJK_FONT_NAME, str(path), subfontIndex=0)
    except (OSError, TTFError) as exc:
        log.error("cannot load the CJK font %s: %s", path, exc)
        raise FontMissing(
            tr(
                "printing",
                "找不到打印用的中文字体（{path}），无法生成 PDF。请重新安装本程序。",
                path=path,
            )
        ) from exc
    pdfmetrics.registerFont(font)
    # One weight only: map bold/italic to the same face so <b> in a paragraph never fails.
    from reportlab.lib.fonts import addMapping

    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CJK_FONT_NAME, bold, italic, CJK_FONT_NAME)
    log.debug("registered CJK font %s from %s", CJK_FONT_NAME, path)
    return CJK_FONT_NAME
