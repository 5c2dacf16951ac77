"""One EcoDesk at a time per data folder: an OS file lock that says who holds it.

Why: a ``restore`` run while a window was open replaced the database under it, and every
later edit went into the unlinked file; an edit from a second window during an export froze a
revision that differed from its signed workbook. The window holds this lock for its lifetime;
every command that writes the data folder (export, restore, import-previous, profile, demo,
keys create/rotate) holds it while it runs. Reading commands (backup, print, verify …) do not
need it: SQLite's WAL lets them read a consistent state beside a writer.

How: ``<data>/ecodesk.lock`` is locked with the operating system's own lock (``fcntl.flock``
on POSIX, ``msvcrt.locking`` on Windows). The OS releases it when the process ends, however it
ends (a crash, a kill, a power cut), so there is no stale lock to clear by hand. After taking
it the holder writes who it is (program, pid, host, user, since when) into the same file;
a refused second instance reads that to name the holder. On Windows the byte locked lies far
past the text, so the text stays readable.

Why not the ``filelock`` package: version 4 is a large library (soft locks, leases, SQLite
locks) and it truncates the lock file on every attempt, which would erase the holder's
description; the two system calls it wraps are all that is needed here.

Within one process the lock is re-entrant (the window's own export or restore runs under the
window's lock).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.storage import storage_error

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "ecodesk.lock"
_WINDOWS_LOCK_OFFSET = 2**30  # a byte no holder text reaches
_HOLDER_TEXT_LIMIT = 4096


@dataclass(frozen=True)
class Holder:
    """Who holds a data folder (as the holder wrote it; any field may be empty)."""

    program: str
    pid: int
    host: str
    user: str
    since: str

    def describe(self) -> str:
        return tr(
            "lock",
            "{program}（进程号 {pid}，计算机 {host}，用户 {user}，自 {since} 起）",
            program=self.program or tr("lock", "EcoDesk"),
            pid=self.pid or "?",
            host=self.host or "?",
            user=self.user or "?",
            since=self.since or "?",
        )


class DataFolderInUse(EcoDeskError):
    """Another EcoDesk (a window or a command) is working on this data folder."""

    def __init__(self, data_dir: Path, holder: Holder | None) -> None:
        self.data_dir = data_dir
        self.holder = holder
        who = holder.describe() if holder else tr("lock", "另一个 EcoDesk 程序（详情不明）")
        super().__init__(
            tr(
                "lock",
                "数据文件夹 {folder} 正在被另一个 EcoDesk 使用：{who}。为避免数据丢失，同一个数据文件夹"
                "同时只能由一个 EcoDesk 窗口或命令修改。请先关闭那个窗口或等命令结束后再试。",
                folder=data_dir,
                who=who,
            )
        )


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "")


def _lock_fd(fd: int) -> bool:
    """Take the OS lock on ``fd`` without waiting; ``False`` when someone else holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(data_dir: Path) -> Holder | None:
    """What the holder of ``data_dir`` wrote about itself (``None`` if unreadable)."""
    try:
        with open(Path(data_dir) / LOCK_FILE_NAME, "rb") as fh:
            doc = json.loads(fh.read(_HOLDER_TEXT_LIMIT).decode("utf-8"))
        return Holder(
            program=str(doc.get("program", "")),
            pid=int(doc.get("pid", 0)),
            host=str(doc.get("host", "")),
            user=str(doc.get("user", "")),
            since=str(doc.get("since", "")),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return None


# data folder (resolved) -> [fd, depth]: the lock this process holds, for re-entry
_held: dict[Path, list[int]] = {}


def acquire(data_dir: Path, program: str) -> None:
    """Take ``data_dir``'s lock or raise :class:`DataFolderInUse` naming the holder."""
    key = Path(data_dir).resolve()
    if key in _held:
        _held[key][1] += 1
        return
    path = key / LOCK_FILE_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as exc:
        raise storage_error(exc, path) from None
    try:
        if not _lock_fd(fd):
            raise DataFolderInUse(key, read_holder(key))
        holder = {
            "program": program,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "since": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        }
        text = json.dumps(holder, ensure_ascii=False).encode("utf-8")
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text)
        except OSError as exc:  # a full disk: the lock holds all the same, only unnamed
            log.warning("cannot write the lock holder into %s: %s", path, exc)
    except BaseException:
        os.close(fd)
        raise
    _held[key] = [fd, 1]
    log.info("data folder %s locked by %s (pid %d)", key, program, os.getpid())


def release(data_dir: Path) -> None:
    key = Path(data_dir).resolve()
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _held[key]
    fd = entry[0]
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    try:
        _unlock_fd(fd)
    finally:
        os.close(fd)
    log.info("data folder %s unlocked", key)


def holds(data_dir: Path) -> bool:
    """True when this process holds ``data_dir``'s lock."""
    return Path(data_dir).resolve() in _held


@contextmanager
def data_folder_lock(data_dir: Path, program: str) -> Iterator[None]:
    """Hold ``data_dir``'s lock for the block (see :func:`acquire`)."""
    acquire(data_dir, program)
    try:
        yield
    finally:
        release(data_dir)
