"""What kind of file an attachment is, told from its bytes (never from its name alone).

A clerk attaches approval documents, certificates, photos, monitoring reports: PDF, JPEG, PNG,
Word/Excel (docx, xlsx; the older doc, xls), WPS (wps, et) and OFD (the national standard for
electronic documents). Each :class:`FileKind` says its magic bytes and the extensions its name may
have; :func:`sniff` reads the first bytes (and, for a zip-based format, the zip's list of names —
nothing is unpacked) and refuses

- an executable (Windows MZ/PE, ELF, Mach-O, a script starting with ``#!``, a Windows installer
  whose compound file says MSI) — even when its name says ``.pdf``;
- an archive (zip, rar, 7z, gzip, bzip2, xz, zstd, cab, tar): files inside it could not be checked;
- anything else unknown, and a name whose extension does not match the bytes.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ecodesk.attachments.errors import AttachmentRefused
from ecodesk.i18n import tr

HEAD_BYTES = 4096
MAX_ZIP_NAMES = 10_000  # an Office or OFD file lists tens to a few hundred parts


@dataclass(frozen=True)
class FileKind:
    """A kind of file EcoDesk accepts as evidence."""

    code: str  # stored with the attachment and in the signed records
    media_type: str
    extensions: tuple[str, ...]  # lower case, with the dot; the first is the usual one

    @property
    def label(self) -> str:
        return {
            "pdf": tr("attachments", "PDF 文档"),
            "jpeg": tr("attachments", "JPEG 图片"),
            "png": tr("attachments", "PNG 图片"),
            "docx": tr("attachments", "Word 文档"),
            "xlsx": tr("attachments", "Excel 表格"),
            "doc": tr("attachments", "Word 97-2003 文档"),
            "xls": tr("attachments", "Excel 97-2003 表格"),
            "wps": tr("attachments", "WPS 文字文档"),
            "et": tr("attachments", "WPS 表格"),
            "ofd": tr("attachments", "OFD 版式文档"),
        }[self.code]

    @property
    def is_image(self) -> bool:
        return self.code in ("jpeg", "png")


PDF = FileKind("pdf", "application/pdf", (".pdf",))
JPEG = FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("png", "image/png", (".png",))
DOCX = FileKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
DOC = FileKind("doc", "application/msword", (".doc",))
XLS = FileKind("xls", "application/vnd.ms-excel", (".xls",))
WPS = FileKind("wps", "application/vnd.ms-works", (".wps",))
ET = FileKind("et", "application/vnd.ms-excel", (".et",))
OFD = FileKind("ofd", "application/ofd", (".ofd",))

KINDS: dict[str, FileKind] = {
    k.code: k for k in (PDF, JPEG, PNG, DOCX, XLSX, DOC, XLS, WPS, ET, OFD)
}
# An OLE compound file is told apart only by its name: the same container holds all four.
_OLE_KINDS = (DOC, XLS, WPS, ET)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows .exe/.dll/.scr (PE)
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal (also Java class files)
    b"#!",  # a script
    b"\x00asm",  # WebAssembly
)
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",  # only when it is no Office/OFD file, see _zip_kind
    b"PK\x05\x06",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cab
)
# Root storage CLSIDs of Windows installer files (.msi, .msp, .mst) in an OLE compound file.
_MSI_CLSID_PREFIXES = (b"\x84\x10\x0c\x00", b"\x86\x10\x0c\x00", b"\x82\x10\x0c\x00")


def accepted_extensions() -> list[str]:
    return sorted({e for k in KINDS.values() for e in k.extensions})


def kind_of(code: str) -> FileKind:
    """The kind stored under ``code`` (``KeyError`` for an unknown one)."""
    return KINDS[code]


def sniff(path: Path, name: str) -> FileKind:
    """The kind of the file at ``path`` whose user-facing name is ``name``; refuses (see above)."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    ext = Path(name).suffix.lower()
    if _is_executable(head, path):
        raise AttachmentRefused(
            name,
            tr(
                "attachments",
                "这是可执行程序（文件内容是程序，不是文档或图片），不能作为佐证材料",
            ),
        )
    kind = _kind_of_bytes(head, path, ext)
    if kind is None:
        if any(head.startswith(m) for m in _ARCHIVE_MAGIC) or head[257:262] == b"ustar":
            raise AttachmentRefused(
                name,
                tr(
                    "attachments",
                    "这是压缩包，里面的文件无法核对。请解压后逐个添加其中的文件",
                ),
            )
        raise AttachmentRefused(name, _unknown_reason())
    if ext not in kind.extensions:
        raise AttachmentRefused(
            name,
            tr(
                "attachments",
                "文件名的扩展名是“{ext}”，但内容是{kind}（{expected}）。请确认选对了文件，"
                "或把扩展名改正后再添加",
                ext=ext or tr("attachments", "无"),
                kind=kind.label,
                expected="、".join(kind.extensions),
            ),
        )
    return kind


def _unknown_reason() -> str:
    return tr(
        "attachments",
        "无法识别的文件类型。可以添加的是 PDF、JPEG/PNG 图片、Word/Excel（docx、xlsx、doc、xls）、"
        "WPS（wps、et）和 OFD 文件",
    )


def _is_executable(head: bytes, path: Path) -> bool:
    if any(head.startswith(m) for m in EXECUTABLE_MAGIC):
        return True
    if head.startswith(OLE_MAGIC):
        return _ole_root_clsid(path)[:4] in _MSI_CLSID_PREFIXES
    return False


def _kind_of_bytes(head: bytes, path: Path, ext: str) -> FileKind | None:
    if b"%PDF-" in head[:1024]:  # readers accept up to 1 KiB of junk before the header
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(OLE_MAGIC):
        # doc, xls, wps and et share the container: the name decides, among these four only
        return next((k for k in _OLE_KINDS if ext in k.extensions), DOC)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return None


def _zip_kind(path: Path) -> FileKind | None:
    """docx, xlsx or OFD by the names in the zip's directory (nothing is unpacked)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_NAMES:
                return None
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def _ole_root_clsid(path: Path) -> bytes:
    """The CLSID of an OLE compound file's root storage ([MS-CFB] 2.2 and 2.6); b"" if unreadable."""
    try:
        with path.open("rb") as fh:
            header = fh.read(512)
            if len(header) < 512:
                return b""
            sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
            first_dir = struct.unpack_from("<I", header, 0x30)[0]
            if sector_shift not in (9, 12) or first_dir >= 0xFFFFFFFA:
                return b""
            fh.seek((first_dir + 1) << sector_shift)
            entry = fh.read(128)
    except OSError:
        return b""
    return entry[0x50:0x60] if len(entry) == 128 else b""
