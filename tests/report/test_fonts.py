from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.report import fonts


@pytest.fixture
def fresh_registration() -> Iterator[None]:
    fonts.register_cjk_font.cache_clear()
    yield
    fonts.register_cjk_font.cache_clear()


def test_bundled_font_registers_with_truetype_outlines(fresh_registration: None) -> None:
    from reportlab.pdfbase import pdfmetrics

    name = fonts.register_cjk_font()
    font = pdfmetrics.getFont(name)
    assert font.stringWidth("赣州", 10) == pytest.approx(20, abs=1)  # real CJK glyphs, one em each


def test_missing_font_is_a_sentence_for_the_clerk(
    fresh_registration: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "cjk_font_path", lambda: tmp_path / "gone.ttc")
    with pytest.raises(fonts.FontMissing, match="重新安装"):
        fonts.register_cjk_font()
