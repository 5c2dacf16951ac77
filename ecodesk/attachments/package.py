"""One file for the upload portal: the signed workbook and its evidence files in a zip (报送包).

Layout::

    宁都县林业局-2026年度-第1版.xlsx          the signed workbook, at the root
    附件/1.1 推动传统产业改造升级 - 验收报告.pdf   each evidence file: "<place> - <name>"
    附件/1.1 工业技术改造投资额 - 现场照片.jpg

The names inside ``附件/`` are made from the signed records alone (:func:`member_names`), so the
receiver knows which name to look for, and a person opening the zip finds each file by its form
and indicator. The workbook's records hold every file's size and SHA-256: :func:`check_package`
reports each one as ``ok``, ``missing``, ``altered`` (bytes differ from what was signed) or
``refused`` (an executable where a document was signed), and names every ``extra`` file.

A package is untrusted input. :func:`open_package` measures before it models: the zip's end
record gives the number of entries and the directory's size before :mod:`zipfile` reads the
directory; then every name is checked — no absolute path, no ``..``, no symbolic link, no two
names alike (Windows does not tell case apart), no encryption, only stored or deflated data, and
declared sizes and compression ratios within :class:`PackageLimits` (a zip bomb is refused from
its directory; :mod:`zipfile` itself stops a member that inflates past its declared size).
Nothing is ever extracted under a name taken from the zip: the workbook goes to a temporary file
of our naming, attachments are hashed as they stream, and :func:`extract_attachment` writes a
checked file under the name the signed records give.

Writing streams too: each file is copied in 1 MiB chunks, hashed on the way (a stored file that
no longer matches its name is refused, never packed), and stored without compression (PDFs,
photos and Office files are compressed already; deflating them again costs time and saves little).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

from ecodesk.attachments.blobs import CHUNK
from ecodesk.attachments.kinds import HEAD_BYTES, KINDS
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.submission import AttachedFile
from ecodesk.workbook.safety import SuspiciousArchive

log = logging.getLogger(__name__)

FOLDER = "附件"
PACKAGE_SUFFIX = ".zip"
MAX_COMPONENT_CHARS = 150
_UNSAFE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)
_S_IFMT, _S_IFLNK = 0o170000, 0o120000

CheckStatus = Literal["ok", "missing", "altered", "refused"]


@dataclass(frozen=True)
class PackageLimits:
    """Bounds for a received package: generous multiples of the unit's own limits (50 MB a file,
    500 MB a submission by default; a unit may raise them, so the receiver allows more)."""

    entries: int = 2_000
    directory_bytes: int = 4 * 1024 * 1024  # the zip's central directory (≈ 100 bytes an entry)
    member_bytes: int = 1024 * 1024 * 1024
    total_bytes: int = 4 * 1024 * 1024 * 1024
    workbook_bytes: int = 64 * 1024 * 1024  # as ecodesk.workbook.safety.MAX_FILE_BYTES
    ratio: int = 200  # deflate reaches ~10:1 on text; bombs reach 1000:1
    ratio_floor: int = 1024 * 1024  # small members may compress well without suspicion


LIMITS = PackageLimits()


class PackageRefused(SuspiciousArchive):
    """A package whose structure is unsafe or unreadable: refused as a whole, nothing written."""


class AttachmentDamaged(EcoDeskError):
    """A stored file no longer hashes to its name (disk damage): it is never packed or opened."""

    def __init__(self, name: str) -> None:
        super().__init__(
            tr(
                "attachments",
                "附件“{name}”在本机保存的文件已损坏（内容与登记的 SHA-256 不符），没有导出。"
                "请删除该附件后用原文件重新添加，或从备份恢复。",
                name=name,
            )
        )


# --------------------------------------------------------------------------- names


def safe_component(text: str) -> str:
    """``text`` as one file name that every file system takes (no separators, no control or
    reserved characters, no trailing dot or space, not too long, never a Windows device name)."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_CHARS.sub("_", text).strip().rstrip(". ")
    if len(text) > MAX_COMPONENT_CHARS:
        stem, suffix = os.path.splitext(text)
        suffix = suffix if len(suffix) <= 16 else ""
        text = stem[: MAX_COMPONENT_CHARS - len(suffix)].rstrip(". ") + suffix
    if not text or text in (".", "..") or _WINDOWS_RESERVED.match(text):
        text = "_" + text
    return text


def member_names(files: Sequence[AttachedFile]) -> list[str]:
    """The name of each file inside the package, in the order of ``files`` (unique, safe)."""
    names: list[str] = []
    seen: set[str] = set()
    for f in files:
        base = safe_component(f"{f.label} - {f.name}")
        stem, suffix = os.path.splitext(base)
        candidate, n = base, 2
        while candidate.casefold() in seen:
            candidate, n = f"{stem} ({n}){suffix}", n + 1
        seen.add(candidate.casefold())
        names.append(f"{FOLDER}/{candidate}")
    return names


def package_path_for(path: Path) -> Path:
    """The package that goes with a workbook name: ``X.xlsx`` → ``X.zip``."""
    return path.with_suffix(PACKAGE_SUFFIX)


# --------------------------------------------------------------------------- writing


def write_package(
    out: IO[bytes] | Path,
    workbook: Path,
    workbook_name: str,
    files: Sequence[tuple[AttachedFile, Path]],
) -> None:
    """Write the package to ``out`` (a path or a binary file opened for writing): the workbook at
    ``workbook_name`` and each ``(file, stored path)`` under its :func:`member_names` name.

    Memory stays one chunk whatever the sizes; a stored file that does not hash to its signed
    SHA-256 raises :class:`AttachmentDamaged` (the caller's temporary output is then discarded).
    """
    names = member_names([f for f, _ in files])
    stamp = datetime.now().timetuple()[:6]
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        info = zipfile.ZipInfo(safe_component(workbook_name), date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with workbook.open("rb") as src, zf.open(info, "w") as dest:
            shutil.copyfileobj(src, dest, CHUNK)
        for (f, stored), name in zip(files, names, strict=True):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.file_size = f.size
            digest = hashlib.sha256()
            size = 0
            with stored.open("rb") as src, zf.open(info, "w", force_zip64=f.size >= 2**31) as dest:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dest.write(chunk)
            if digest.hexdigest() != f.sha256 or size != f.size:
                log.error("stored attachment %s does not hash to %s", stored, f.sha256)
                raise AttachmentDamaged(f.name)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class AttachmentCheck:
    """One signed evidence file, as found in a package (or not)."""

    file: AttachedFile
    member: str  # its name in the package
    status: CheckStatus
    detail: str = ""  # a Chinese sentence for anything but ok

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class PackageReport:
    """Every signed file checked, and the files the package has beyond them."""

    checks: list[AttachmentCheck] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    package: Path | None = None  # None: the workbook came alone

    @property
    def ok(self) -> bool:
        return not self.extras and all(c.ok for c in self.checks)

    def problems(self) -> list[str]:
        """One sentence for each file that is not as signed."""
        lines = [c.detail for c in self.checks if not c.ok]
        lines += [
            tr(
                "attachments",
                "多出的文件“{name}”：签名记录中没有它，不是报送单位签名时附上的",
                name=name,
            )
            for name in self.extras
        ]
        return lines


def _refuse(path: Path, reason: str) -> PackageRefused:
    return PackageRefused(path, reason)


def _declared_directory(path: Path) -> tuple[int, int]:
    """(entries, directory bytes) from the zip's end record(s), read before zipfile parses it."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise _refuse(path, tr("attachments", "文件是空的（0 字节）"))
        with path.open("rb") as fh:
            tail_len = min(size, 22 + 65535)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
            at = tail.rfind(b"PK\x05\x06")
            if at < 0 or len(tail) - at < 22:
                raise _refuse(path, tr("attachments", "压缩结构损坏，文件可能没有下载或复制完整"))
            entries, directory = struct.unpack_from("<HI", tail, at + 10)
            if entries == 0xFFFF or directory == 0xFFFFFFFF:
                locator = tail.rfind(b"PK\x06\x07", 0, at)
                if locator < 0:
                    raise _refuse(path, tr("attachments", "压缩结构损坏"))
                (offset,) = struct.unpack_from("<Q", tail, locator + 8)
                fh.seek(offset)
                record = fh.read(56)
                if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
                    raise _refuse(path, tr("attachments", "压缩结构损坏"))
                entries, directory = struct.unpack_from("<QQ", record, 32)
    except OSError as exc:
        raise _refuse(path, tr("attachments", "无法读取：{e}", e=exc.strerror or exc)) from None
    return int(entries), int(directory)


@dataclass
class OpenedPackage:
    """A package whose directory passed every check (use :func:`open_package`)."""

    path: Path
    zf: zipfile.ZipFile
    workbook: zipfile.ZipInfo
    members: dict[str, zipfile.ZipInfo]  # every file but the workbook, by name

    def close(self) -> None:
        self.zf.close()


def is_package(path: Path) -> bool:
    """A ``.zip`` is read as a package (an .xlsx is a zip too, with ``[Content_Types].xml`` at
    its root; a package has the workbook itself there); whatever its bytes, the package reader
    then says what is wrong with it."""
    return Path(path).suffix.lower() == PACKAGE_SUFFIX


@contextlib.contextmanager
def open_package(path: Path, *, limits: PackageLimits = LIMITS) -> Iterator[OpenedPackage]:
    """The package at ``path`` with its directory checked (see the module's docstring);
    :class:`PackageRefused` with the reason otherwise."""
    path = Path(path)
    entries, directory = _declared_directory(path)
    if entries > limits.entries or directory > limits.directory_bytes:
        raise _refuse(
            path, tr("attachments", "包含 {n} 个文件，远超正常的报送包", n=f"{entries:,}")
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        log.info("bad package %s: %s", path, exc)
        raise _refuse(path, tr("attachments", "压缩结构损坏，文件可能没有下载或复制完整")) from None
    try:
        yield _checked(path, zf, limits)
    finally:
        zf.close()


def _checked(path: Path, zf: zipfile.ZipFile, limits: PackageLimits) -> OpenedPackage:
    infos = zf.infolist()
    if len(infos) > limits.entries:
        raise _refuse(path, tr("attachments", "包含 {n} 个文件，远超正常的报送包", n=len(infos)))
    seen: dict[str, str] = {}
    total = 0
    workbooks: list[zipfile.ZipInfo] = []
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = member_name(info)
        _check_name(path, name)
        if (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
            raise _refuse(
                path, tr("attachments", "“{name}”是符号链接（可能指向包外的文件）", name=name)
            )
        if info.flag_bits & 0x1:
            raise _refuse(path, tr("attachments", "“{name}”是加密的，无法核对", name=name))
        if info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(path, tr("attachments", "“{name}”的压缩方式不支持", name=name))
        folded = unicodedata.normalize("NFC", name.replace("\\", "/")).casefold()
        if folded in seen:
            raise _refuse(
                path,
                tr(
                    "attachments",
                    "有两个同名的文件“{a}”和“{b}”（解压时一个会覆盖另一个）",
                    a=seen[folded],
                    b=name,
                ),
            )
        seen[folded] = name
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.member_bytes or total > limits.total_bytes:
            raise _refuse(
                path,
                tr(
                    "attachments",
                    "解压后体积异常，将超过 {mb} MB（可能是恶意构造的文件）",
                    mb=total // (1024 * 1024),
                ),
            )
        if ratio > limits.ratio and info.file_size > limits.ratio_floor:
            raise _refuse(
                path,
                tr(
                    "attachments",
                    "“{name}”解压后体积异常，压缩比 {ratio}:1，疑似“压缩炸弹”",
                    name=name,
                    ratio=int(ratio),
                ),
            )
        if "/" not in name and name.lower().endswith(".xlsx"):
            workbooks.append(info)
        else:
            members[unicodedata.normalize("NFC", name)] = info
    if not workbooks:
        raise _refuse(path, tr("attachments", "包中没有签名报表（.xlsx 应在包的最外层）"))
    if len(workbooks) > 1:
        raise _refuse(
            path,
            tr(
                "attachments",
                "包中有 {n} 个报表（{names}），一个报送包只应有一个",
                n=len(workbooks),
                names="、".join(member_name(w) for w in workbooks),
            ),
        )
    if workbooks[0].file_size > limits.workbook_bytes:
        raise _refuse(
            path,
            tr("attachments", "报表过大（{mb} MB）", mb=workbooks[0].file_size // (1024 * 1024)),
        )
    return OpenedPackage(path, zf, workbooks[0], members)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker meant it. Without the zip's UTF-8 flag, :mod:`zipfile`
    decodes names as CP437; Windows' own "compressed folder" and older zip tools on Chinese
    systems write GBK there, and Info-ZIP on Linux writes UTF-8 without the flag: both are
    recovered, so a package re-zipped by hand still finds its files."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _check_name(path: Path, name: str) -> None:
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text) or text.startswith("//"):
        raise _refuse(path, tr("attachments", "文件名“{name}”是绝对路径（指向包外）", name=name))
    if any(part == ".." for part in text.split("/")):
        raise _refuse(
            path, tr("attachments", "文件名“{name}”含“..”（指向包外的文件夹）", name=name)
        )
    if any(ord(ch) < 32 for ch in text) or not text.strip("/"):
        raise _refuse(path, tr("attachments", "文件名“{name}”含控制字符或为空", name=repr(name)))


@contextlib.contextmanager
def extracted_workbook(package: OpenedPackage) -> Iterator[Path]:
    """The package's workbook as a temporary file (our name, our folder), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ecodesk-package-") as folder:
        target = Path(folder) / safe_component(member_name(package.workbook))
        try:
            with package.zf.open(package.workbook) as src, target.open("wb") as dest:
                _copy_bounded(src, dest, package.workbook.file_size)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
            log.info("workbook of %s unreadable: %s", package.path, exc)
            raise _refuse(
                package.path, tr("attachments", "包中的报表无法解压（文件损坏）")
            ) from None
        yield target


def _copy_bounded(src: IO[bytes], dest: IO[bytes], limit: int) -> None:
    copied = 0
    while chunk := src.read(CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise ValueError("member larger than declared")
        dest.write(chunk)


def check_package(package: OpenedPackage, files: Sequence[AttachedFile]) -> PackageReport:
    """Compare the package's files with the signed ``files``: each ok / missing / altered /
    refused, and every extra file named."""
    names = member_names(files)
    checks = [_check_member(package, f, name) for f, name in zip(files, names, strict=True)]
    expected = set(names)
    extras = sorted(n for n in package.members if n not in expected and not n.endswith("/"))
    return PackageReport(checks=checks, extras=extras, package=package.path)


def missing_report(files: Sequence[AttachedFile]) -> PackageReport:
    """A workbook that came alone: every signed file is missing."""
    return PackageReport(
        checks=[
            AttachmentCheck(f, name, "missing", _missing_sentence(f))
            for f, name in zip(files, member_names(files), strict=True)
        ]
    )


def _missing_sentence(f: AttachedFile) -> str:
    return tr(
        "attachments",
        "缺少附件“{name}”（{label}，{note}）：签名记录中有它，报送包中没有。请向报送单位索取完整的报送包",
        name=f.name,
        label=f.label,
        note=f.note,
    )


def _check_member(package: OpenedPackage, f: AttachedFile, name: str) -> AttachmentCheck:
    info = package.members.get(name)
    if info is None:
        return AttachmentCheck(f, name, "missing", _missing_sentence(f))
    try:
        sha, size, head = _hash_member(package.zf, info)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        return AttachmentCheck(
            f, name, "altered", tr("attachments", "附件“{name}”无法解压（文件损坏）", name=f.name)
        )
    if sha != f.sha256 or size != f.size:
        return AttachmentCheck(
            f,
            name,
            "altered",
            tr(
                "attachments",
                "附件“{name}”（{label}）与签名时不同：被替换或改动过（签名时 {size} 字节、"
                "SHA-256 {want}…，现在 {now} 字节、{got}…）",
                name=f.name,
                label=f.label,
                size=f"{f.size:,}",
                want=f.sha256[:12],
                now=f"{size:,}",
                got=sha[:12],
            ),
        )
    problem = _content_problem(head, f)
    if problem:
        return AttachmentCheck(f, name, "refused", problem)
    return AttachmentCheck(f, name, "ok")


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int, bytes]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with zf.open(info) as src:
        while chunk := src.read(CHUNK):
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            size += len(chunk)
            if size > info.file_size:
                raise ValueError("member larger than declared")
            digest.update(chunk)
    return digest.hexdigest(), size, head


def _content_problem(head: bytes, f: AttachedFile) -> str:
    """Even a signed file is not handed on when it is a program or not the type signed."""
    from ecodesk.attachments.kinds import EXECUTABLE_MAGIC

    if any(head.startswith(m) for m in EXECUTABLE_MAGIC):
        return tr(
            "attachments",
            "附件“{name}”的内容是可执行程序，不是文档或图片，已拒收，请勿打开",
            name=f.name,
        )
    if f.kind not in KINDS:
        return tr(
            "attachments", "附件“{name}”的类型“{kind}”不是可接受的类型", name=f.name, kind=f.kind
        )
    return ""


def extract_attachment(package_path: Path, f: AttachedFile, folder: Path) -> Path:
    """Copy the checked file ``f`` out of the package into ``folder`` under its package name's
    last part (our naming, never the zip's); refuses anything that does not hash as signed."""
    from ecodesk.attachments.errors import AttachmentContentMissing
    from ecodesk.output import OutputFile

    with open_package(package_path) as package:
        name = member_names_for(package, f)
        check = _check_member(package, f, name)
        if not check.ok:
            if check.status == "missing":
                raise AttachmentContentMissing(f.name, f.sha256)
            raise EcoDeskError(check.detail)
        target = Path(folder) / name.rsplit("/", 1)[-1]
        with OutputFile(target, force=True) as out, package.zf.open(package.members[name]) as src:
            with out.tmp.open("wb") as dest:
                _copy_bounded(src, dest, f.size)
    return out.path


def member_names_for(package: OpenedPackage, f: AttachedFile) -> str:
    """The package name of ``f`` among the package's signed files (read from its workbook)."""
    from ecodesk.workbook.reader import read_signed_workbook

    with extracted_workbook(package) as workbook:
        wb = read_signed_workbook(workbook)
    files = wb.data.attachments if wb.data else []
    names = member_names(files)
    for other, name in zip(files, names, strict=True):
        if other.n == f.n and other.sha256 == f.sha256:
            return name
    raise EcoDeskError(tr("attachments", "报送包的签名记录中没有附件“{name}”", name=f.name))
