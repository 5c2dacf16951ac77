"""Real evidence files for the tests: a PDF (reportlab), photos (Pillow), Office and OFD documents,
and the hostile ones (executables, archives) a clerk might pick by mistake."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path


def make_pdf(path: Path, text: str = "验收报告", pages: int = 1) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(pages):
        c.drawString(72, 720, f"Acceptance report {text.encode('unicode_escape').decode()} {n + 1}")
        c.showPage()
    c.save()
    return path


def make_drawing_pdf(path: Path, seed: int, strokes: int = 20_000) -> Path:
    """A one-page drawing of ``strokes`` random lines (a site plan): slow to render, about
    0.05–0.1 s for a thumbnail, so its rendering is still under way when a test acts."""
    import random

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    rng = random.Random(seed)
    width, height = A4
    for _ in range(strokes):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        c.line(x, y, x + rng.uniform(-30, 30), y + rng.uniform(-30, 30))
    c.showPage()
    c.save()
    return path


def make_jpeg(
    path: Path, colour: tuple[int, int, int] = (40, 120, 60), size: int = 64, noisy: bool = False
) -> Path:
    """A photo; ``noisy`` pixels compress badly, so ``size`` then sets the file's size."""
    import os

    from PIL import Image

    if noisy:
        image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    else:
        image = Image.new("RGB", (size, size), colour)
    image.save(path, "JPEG")
    return path


def make_png(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> Path:
    from PIL import Image

    Image.new("RGB", (48, 32), colour).save(path, "PNG")
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def make_docx(path: Path, text: str = "会议纪要") -> Path:
    """A minimal Word document (the parts Word needs to open it)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return path


def make_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "监测数据"
    wb.save(path)
    return path


def make_ofd(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD/>')
        zf.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return path


def make_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("照片/1.jpg", b"\xff\xd8\xff" + b"0" * 100)
    return path


def make_exe(path: Path) -> Path:
    """A Windows executable's first bytes (MZ header pointing at a PE signature)."""
    head = bytearray(b"MZ" + b"\0" * 62)
    struct.pack_into("<I", head, 0x3C, 64)
    path.write_bytes(bytes(head) + b"PE\0\0" + b"\0" * 200)
    return path


def make_elf(path: Path) -> Path:
    path.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 200)
    return path


def make_msi(path: Path) -> Path:
    """An OLE compound file whose root storage has the Windows Installer CLSID."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, 0)  # first directory sector
    entry = bytearray(128)
    entry[0x50:0x60] = bytes.fromhex("84100c000000000000c0000000000046")
    path.write_bytes(bytes(header) + bytes(entry) + b"\0" * 384)
    return path


def make_ole_doc(path: Path) -> Path:
    """An OLE compound file with an ordinary (Word) root CLSID: how doc/xls/wps/et begin."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 0x1E, 9)
    struct.pack_into("<I", header, 0x30, 0)
    entry = bytearray(128)
    entry[0x50:0x60] = bytes.fromhex("0609020000000000c000000000000046")
    path.write_bytes(bytes(header) + bytes(entry) + b"\0" * 384)
    return path


def gz_bytes() -> bytes:
    import gzip

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        gz.write(b"data")
    return buf.getvalue()
