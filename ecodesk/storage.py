"""What went wrong when a file could not be read or written, named for what it is.

A read-only USB stick, a full disk or a folder the user may not write to are not a damaged
database: telling a clerk "已损坏，请从备份恢复" would make them restore older data. Every
place that touches the disk (the store, backups, every output file) turns ``OSError`` and
SQLite's own I/O errors into :class:`StorageError` through :func:`storage_error`, which says
which of these it is, with the path, and what to do. Damage (SQLite's CORRUPT and NOTADB) is
the one case left to :class:`ecodesk.store.errors.StoreDamaged`.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from enum import Enum
from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


class Problem(Enum):
    READ_ONLY = "read-only"
    DISK_FULL = "disk-full"
    PERMISSION = "permission"
    NO_FOLDER = "no-folder"
    IS_FOLDER = "is-folder"
    IN_USE = "in-use"
    OTHER = "other"


# SQLite primary result codes (sqlite3.h) that are about the storage, not the data.
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 3, 8, 10, 13, 14
SQLITE_DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB

_ERRNO_PROBLEMS = {
    errno.EROFS: Problem.READ_ONLY,
    errno.ENOSPC: Problem.DISK_FULL,
    errno.EFBIG: Problem.DISK_FULL,  # over the file-size limit: no more room for this file
    errno.EACCES: Problem.PERMISSION,
    errno.EPERM: Problem.PERMISSION,
    errno.ENOENT: Problem.NO_FOLDER,
    errno.ENOTDIR: Problem.NO_FOLDER,
    errno.EISDIR: Problem.IS_FOLDER,
    errno.EBUSY: Problem.IN_USE,
    errno.ETXTBSY: Problem.IN_USE,
}
if hasattr(errno, "EDQUOT"):
    _ERRNO_PROBLEMS[errno.EDQUOT] = Problem.DISK_FULL
_WINDOWS_SHARING_VIOLATION = (32, 33)
LOW_SPACE = (
    2**20
)  # less free space than this on a failed write: the disk is full  # the file is open in Excel, WPS or a PDF reader


class StorageError(EcoDeskError):
    """A file or folder could not be read or written; ``problem`` says why."""

    def __init__(self, path: Path | str, problem: Problem, detail: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.detail = detail
        super().__init__(_sentence(self.path, problem, detail))


def _sentence(path: Path, problem: Problem, detail: str) -> str:
    if problem is Problem.READ_ONLY:
        return tr(
            "storage",
            "无法写入“{path}”：所在的磁盘或文件夹是只读的（例如写保护的 U 盘）。数据没有损坏；"
            "请换一个可以写入的位置，或解除写保护后重试。",
            path=path,
        )
    if problem is Problem.DISK_FULL:
        return tr(
            "storage",
            "无法写入“{path}”：磁盘空间已满。数据没有损坏；请删除不需要的文件腾出空间，"
            "或换一个磁盘后重试。",
            path=path,
        )
    if problem is Problem.PERMISSION:
        return tr(
            "storage",
            "无法访问“{path}”：没有权限。数据没有损坏；请换一个文件夹，或请管理员给当前用户读写权限。",
            path=path,
        )
    if problem is Problem.NO_FOLDER:
        return tr(
            "storage",
            "“{path}”所在的文件夹不存在（或路径中有一段不是文件夹），请先创建文件夹或另选位置。",
            path=path,
        )
    if problem is Problem.IS_FOLDER:
        return tr("storage", "“{path}”是一个文件夹，请给出文件名。", path=path)
    if problem is Problem.IN_USE:
        return tr(
            "storage",
            "无法写入“{path}”：文件正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开。请关闭它后重试。",
            path=path,
        )
    return tr(
        "storage",
        "无法读写“{path}”（{detail}）。请检查磁盘和保存位置后重试。",
        path=path,
        detail=detail or tr("storage", "原因不明"),
    )


def problem_of(exc: BaseException) -> Problem | None:
    """The storage problem behind ``exc`` (an OSError or a SQLite error), ``None`` if it is not one."""
    if isinstance(exc, OSError):
        if getattr(exc, "winerror", None) in _WINDOWS_SHARING_VIOLATION:
            return Problem.IN_USE
        return _ERRNO_PROBLEMS.get(exc.errno or -1, Problem.OTHER)
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or -1) & 0xFF
        text = str(exc).lower()
        if code == _SQLITE_FULL or "disk is full" in text:
            return Problem.DISK_FULL
        if code == _SQLITE_READONLY or "readonly" in text or "read-only" in text:
            return Problem.READ_ONLY
        if code == _SQLITE_PERM:
            return Problem.PERMISSION
        if code in (_SQLITE_CANTOPEN, _SQLITE_IOERR) or "unable to open" in text:
            return Problem.OTHER
    return None


def storage_error(exc: BaseException, path: Path | str) -> StorageError:
    """``exc`` (an OSError or SQLite I/O error on ``path``) as a :class:`StorageError`.

    SQLite cannot say *why* it could not open or write a file; the folder is then probed so that
    a read-only or full disk is still named as such.
    """
    path = Path(path)
    problem = problem_of(exc) or Problem.OTHER
    if problem is Problem.OTHER:
        problem = probe_folder(path.parent) or _free_space_problem(path.parent) or Problem.OTHER
    detail = getattr(exc, "strerror", None) or str(exc)
    log.warning("storage problem %s on %s: %s", problem.value, path, exc)
    return StorageError(path, problem, detail)


def probe_folder(folder: Path) -> Problem | None:
    """Try to create (and remove) a small file in ``folder``: what stops it, or ``None``."""
    import os
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=".ecodesk-probe-", dir=folder)
    except OSError as exc:
        return problem_of(exc)
    try:
        os.write(fd, b"\0" * 4096)
        os.fsync(fd)
    except OSError as exc:
        return problem_of(exc)
    finally:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
    return None


def _free_space_problem(folder: Path) -> Problem | None:
    import shutil

    try:
        return Problem.DISK_FULL if shutil.disk_usage(folder).free < LOW_SPACE else None
    except OSError:
        return None


def is_storage_problem(exc: BaseException) -> bool:
    """True for errors that come from the disk rather than from damaged data."""
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or -1) & 0xFF
        return code not in SQLITE_DAMAGE_CODES and problem_of(exc) is not None
    return False
