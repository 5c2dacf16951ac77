"""Open a workbook someone else made, refusing anything that could hang, exhaust or fool the program.

The zip-level limits are the ones the signed-workbook reader uses
(:mod:`ecodesk.workbook.safety`), checked on the zip directory BEFORE anything is unpacked.
On top of that, import tells the clerk *which* problem it is (an .xls, a password, a broken
file, a bomb), because each needs a different fix, and refuses XML that declares a DTD:
no part of a real .xlsx has one, and entity expansion is how an XML bomb works.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from ecodesk.i18n import tr
from ecodesk.importing.errors import (
    ImportFileDamaged,
    ImportFileMissing,
    NotAnExcelFile,
    OldExcelFormat,
    PasswordProtected,
    SuspiciousFile,
)
from ecodesk.workbook import safety as wb_safety

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE compound file holding these streams (MS-OFFCRYPTO).
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_PROLOG_BYTES = 4096
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


@dataclass
class OpenedWorkbook:
    """The same file twice: with cached formula results, and with the formulas themselves."""

    path: Path
    values: Any  # openpyxl Workbook, data_only=True
    formulas: Any  # openpyxl Workbook, data_only=False


def check_import_file(path: Path) -> None:
    """Raise a specific :class:`ImportRefused` unless ``path`` is a plausible, bounded .xlsx."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileMissing(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ImportFileDamaged(
            path, tr("import", "无法打开：{e}", e=exc.strerror or exc)
        ) from None
    if size > wb_safety.MAX_FILE_BYTES:
        raise SuspiciousFile(path, tr("import", "文件过大：{mb} MB", mb=size // (1024 * 1024)))
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise PasswordProtected(path)
        raise OldExcelFormat(path)
    if not head.startswith(b"PK"):
        raise NotAnExcelFile(path)
    try:
        wb_safety.check_archive(path)  # the zip directory's limits, shared with the verifier
    except wb_safety.NotAWorkbook:
        raise NotAnExcelFile(path) from None
    except wb_safety.SuspiciousArchive as exc:
        raise SuspiciousFile(path, exc.reason) from None
    except wb_safety.WorkbookDamaged as exc:
        raise ImportFileDamaged(path, exc.reason) from None
    _refuse_dtds(path)
    # The same streaming gate as the verifier and the consolidation: rows, cells, merged areas,
    # styles, shared strings and records measured before openpyxl models anything.
    from ecodesk.workbook.xlsx import measure_xlsx

    try:
        measure_xlsx(path)
    except wb_safety.SuspiciousArchive as exc:
        raise SuspiciousFile(path, exc.reason) from None
    except wb_safety.NotAWorkbook:
        raise NotAnExcelFile(path) from None
    except wb_safety.WorkbookDamaged as exc:
        raise ImportFileDamaged(path, exc.reason) from None


def _is_encrypted_ole(path: Path) -> bool:
    # Bounded by MAX_FILE_BYTES, checked before this is called.
    data = path.read_bytes()
    return any(stream in data for stream in _ENCRYPTION_STREAMS)


def _refuse_dtds(path: Path) -> None:
    """Read only the start of every part (the XML prolog, where a DTD must be) and refuse DTDs."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                with zf.open(info) as member:
                    prolog = member.read(_PROLOG_BYTES)
                if any(mark in prolog for mark in _DTD_MARKS):
                    log.warning("refusing %s: %s declares a DTD", path, info.filename)
                    raise SuspiciousFile(
                        path,
                        tr(
                            "import",
                            "部件 {part} 含有 XML 实体声明，疑似“XML 炸弹”",
                            part=info.filename,
                        ),
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        log.info("broken member in %s: %s", path, exc)
        raise ImportFileDamaged(path, tr("import", "压缩内容损坏")) from None


def open_for_import(path: Path) -> OpenedWorkbook:
    """Check ``path`` and load it twice (cached values and formulas); errors name the problem in Chinese."""
    path = Path(path)
    check_import_file(path)
    return OpenedWorkbook(
        path=path, values=_load(path, data_only=True), formulas=_load(path, data_only=False)
    )


def _load(path: Path, *, data_only: bool) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        from defusedxml import DefusedXmlException
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        DefusedXmlException = ValueError  # noqa: N806

    try:
        return load_workbook(path, data_only=data_only, keep_links=False, keep_vba=False)
    except DefusedXmlException:
        # Second line behind _refuse_dtds: openpyxl parses through defusedxml.
        raise SuspiciousFile(path, tr("import", "含有 XML 实体声明，疑似“XML 炸弹”")) from None
    except (InvalidFileException, KeyError) as exc:
        log.info("no workbook in %s: %r", path, exc)
        raise NotAnExcelFile(path) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ParseError,
        ValueError,
        TypeError,
        IndexError,
        AttributeError,
    ) as exc:
        # openpyxl wraps what its parser raised in a ValueError: look inside for defusedxml's refusal.
        if _caused_by(exc, DefusedXmlException):
            raise SuspiciousFile(path, tr("import", "含有 XML 实体声明，疑似“XML 炸弹”")) from None
        log.info("damaged workbook %s: %r", path, exc)
        raise ImportFileDamaged(path, tr("import", "内容无法解析")) from None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
