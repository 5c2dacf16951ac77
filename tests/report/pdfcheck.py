"""Read back what a printed PDF really holds: page text, page sizes and font resources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

# Fonts every PDF reader must supply; anything else has to travel inside the file.
STANDARD_14 = {
    "/Courier",
    "/Courier-Bold",
    "/Courier-Oblique",
    "/Courier-BoldOblique",
    "/Helvetica",
    "/Helvetica-Bold",
    "/Helvetica-Oblique",
    "/Helvetica-BoldOblique",
    "/Times-Roman",
    "/Times-Bold",
    "/Times-Italic",
    "/Times-BoldItalic",
    "/Symbol",
    "/ZapfDingbats",
}


@dataclass(frozen=True)
class FontInfo:
    base_font: str
    subtype: str
    embedded: bool  # a FontFile/FontFile2/FontFile3 stream is present

    @property
    def is_subset(self) -> bool:
        # PDF 32000 §9.6.4: a subset font's name starts with six capitals and "+".
        name = self.base_font.lstrip("/")
        return len(name) > 7 and name[6] == "+" and name[:6].isupper() and name[:6].isalpha()


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def page_sizes_mm(path: Path) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(str(path)).pages:
        box = page.mediabox
        sizes.append((round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)))
    return sizes


def fonts(path: Path) -> list[FontInfo]:
    found: dict[str, FontInfo] = {}
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            info = FontInfo(str(font["/BaseFont"]), str(font["/Subtype"]), embedded)
            found[info.base_font] = info
    return list(found.values())


def fontfile2_present(path: Path) -> bool:
    for page in PdfReader(str(path)).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            descriptor = ref.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                return True
    return False
