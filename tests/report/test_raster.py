"""Pages of a real submission sheet rendered to pixels: right shape, real content, bands that join."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.forms.loader import FormPack
from ecodesk.report.raster import PdfPages, PdfUnreadable
from ecodesk.report.sheet import write_submission_sheet
from ecodesk.submission import SubmissionData
from tests.report.pdfcheck import page_sizes_mm


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory, kinds_pack: FormPack) -> Path:
    """A sheet with portrait pages and the landscape page of a wide table."""
    from tests.report.conftest import make_submission

    data: SubmissionData = make_submission(kinds_pack)
    out = tmp_path_factory.mktemp("raster") / "sheet.pdf"
    return write_submission_sheet(kinds_pack, data, out, fingerprint=None, digest=None)


def ink(pixels: bytes) -> float:
    """Share of pixels that are not white."""
    blue = pixels[0::4]
    return sum(1 for b in blue if b < 200) / len(blue)


def test_sizes_in_points_follow_each_pages_orientation(sheet: Path) -> None:
    with PdfPages(sheet) as pages:
        mm = [(round(s.width / 72 * 25.4), round(s.height / 72 * 25.4)) for s in pages.sizes]
        landscape = [s.landscape for s in pages.sizes]
    assert mm == page_sizes_mm(sheet)  # pypdf reads the same pages
    assert landscape.count(True) >= 1 and landscape[0] is False


def test_portrait_and_landscape_pages_render_with_their_own_aspect(sheet: Path) -> None:
    with PdfPages(sheet) as pages:
        wide = next(i for i, s in enumerate(pages.sizes) if s.landscape)
        portrait = pages.render_at(0, 50)
        landscape = pages.render_at(wide, 50)
    assert (portrait.width, portrait.height) == (413, 585)  # A4, 8.27 × 11.69 in at 50 dpi
    assert (landscape.width, landscape.height) == (585, 413)
    for image in (portrait, landscape):
        assert image.stride >= 4 * image.width
        assert len(image.pixels) == image.stride * image.height
        assert bytes(image.pixels[3::4]) == b"\xff" * (len(image.pixels) // 4)  # opaque RGB32
        assert 0.01 < ink(bytes(image.pixels)) < 0.5  # text and rules on white paper


def test_bands_join_into_the_whole_page(sheet: Path) -> None:
    with PdfPages(sheet) as pages:
        width, height = pages.pixel_size(0, 72)
        whole = bytes(pages.render(0, width, height).pixels)
        bands = b"".join(
            bytes(pages.render(0, width, height, top=top, rows=100).pixels)
            for top in range(0, height, 100)
        )
    assert len(bands) == len(whole)
    # the same pixels, but for anti-aliasing rounded one level apart at a band's edge
    assert max(abs(a - b) for a, b in zip(bands, whole, strict=True)) <= 1


def test_a_damaged_file_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "坏的.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\0" * 100)
    with pytest.raises(PdfUnreadable, match="无法读取 PDF 文件"):
        PdfPages(broken)
    with pytest.raises(PdfUnreadable):
        PdfPages(tmp_path / "没有这个文件.pdf")
