"""Open an untrusted .xlsx without letting it exhaust memory or crash the program.

openpyxl parses XML through defusedxml (installed), but sets no limit on how much a zip
member unpacks to: a 1 MB file unpacked to 1 GiB and loaded with 1 GB of memory when tried. So the zip directory is
checked first; :mod:`zipfile` itself refuses a member that inflates beyond its declared
size (the CRC/length check), so the declared sizes are a real bound.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely exceeds ~100:1 on real sheets; bombs reach 1000:1
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookDamaged(EcoDeskError):
    """The file is a zip/xlsx that cannot be read (truncated, corrupt, or oversized)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            tr(
                "workbook",
                "文件 {name} 已损坏或不完整，无法读取（{reason}）。请向报送单位索取原文件重新发送。",
                name=Path(path).name,
                reason=reason,
            )
        )


class NotAWorkbook(EcoDeskError):
    """The file is not an xlsx at all (or not one EcoDesk wrote)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            tr(
                "workbook",
                "文件 {name} 不是 EcoDesk 导出的签名报表（{reason}）。",
                name=Path(path).name,
                reason=reason,
            )
        )


class WorkbookMissing(WorkbookDamaged):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "")
        self.args = (tr("workbook", "找不到文件 {path}，请检查文件名和所在文件夹。", path=path),)


class SuspiciousArchive(WorkbookDamaged):
    """A zip whose directory alone shows it would unpack to far too much: a bomb, or junk."""


def read_directory(path: Path) -> list[zipfile.ZipInfo]:
    """The zip directory of ``path``, refused when its declared sizes, member count or compression
    ratio are beyond any real workbook. Nothing is unpacked: a zip bomb is caught from its directory."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        log.info("bad zip %s: %s", path, exc)
        raise WorkbookDamaged(
            path, tr("workbook", "压缩结构损坏，文件可能没有下载或复制完整")
        ) from None
    if len(infos) > MAX_MEMBERS:
        raise SuspiciousArchive(
            path, tr("workbook", "包含 {n} 个部件，远超正常工作簿", n=len(infos))
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
            log.warning(
                "refusing %s: %s declares %d bytes unpacked", path, info.filename, info.file_size
            )
            raise SuspiciousArchive(
                path,
                tr(
                    "workbook",
                    "解压后体积异常，将超过 {mb} MB（可能是恶意构造的文件）",
                    mb=total // (1024 * 1024),
                ),
            )
        if ratio > MAX_RATIO and info.file_size > 1024 * 1024:
            log.warning("refusing %s: %s compressed %d:1", path, info.filename, int(ratio))
            raise SuspiciousArchive(
                path,
                tr(
                    "workbook", "解压后体积异常，压缩比 {ratio}:1，疑似“压缩炸弹”", ratio=int(ratio)
                ),
            )
    return infos


def check_archive(path: Path) -> None:
    """Refuse files that are not xlsx zips or that would unpack to too much."""
    path = Path(path)
    if not path.is_file():
        raise WorkbookMissing(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookDamaged(
            path, tr("workbook", "无法打开：{e}", e=exc.strerror or exc)
        ) from None
    if size > MAX_FILE_BYTES:
        raise WorkbookDamaged(path, tr("workbook", "文件过大（{mb} MB）", mb=size // (1024 * 1024)))
    if head.startswith(_OLE_MAGIC):
        raise NotAWorkbook(path, tr("workbook", "这是旧版 .xls 或加密的文件，不是 .xlsx"))
    if not head.startswith(b"PK"):
        raise NotAWorkbook(path, tr("workbook", "不是 Excel .xlsx 文件"))
    infos = read_directory(path)
    if "[Content_Types].xml" not in {i.filename for i in infos}:
        raise NotAWorkbook(path, tr("workbook", "压缩包里没有 Excel 工作簿"))


def load_untrusted(path: Path) -> Any:
    """openpyxl's workbook for ``path`` after :func:`check_archive`; errors become Chinese messages."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        DefusedXmlException = ValueError  # noqa: N806

    check_archive(path)
    try:
        return load_workbook(path, data_only=False, keep_links=False)
    except (InvalidFileException, KeyError) as exc:
        log.info("not a workbook %s: %r", path, exc)
        raise NotAWorkbook(path, tr("workbook", "压缩包里没有可读的工作簿")) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ParseError,
        DefusedXmlException,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
    ) as exc:
        # openpyxl reports malformed parts with whatever its parser raised: all mean "damaged".
        log.info("damaged workbook %s: %r", path, exc)
        raise WorkbookDamaged(path, tr("workbook", "内容无法解析")) from None
