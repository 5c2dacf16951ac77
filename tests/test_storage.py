"""ecodesk/storage.py: an I/O failure is named for what it is (issue 20, point 4)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from ecodesk.output import OutputFile
from ecodesk.storage import Problem, StorageError, problem_of, storage_error


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_real_full_device_is_disk_full() -> None:
    with pytest.raises(OSError) as caught, open("/dev/full", "wb") as fh:  # noqa: PT012
        fh.write(b"x" * 10)
        fh.flush()
    error = storage_error(caught.value, Path("/dev/full"))
    assert error.problem is Problem.DISK_FULL
    assert "磁盘空间已满" in str(error) and "/dev/full" in str(error)


@pytest.mark.parametrize(
    ("code", "problem", "words"),
    [
        (errno.EROFS, Problem.READ_ONLY, "只读"),
        (errno.ENOSPC, Problem.DISK_FULL, "磁盘空间已满"),
        (errno.EFBIG, Problem.DISK_FULL, "磁盘空间已满"),
        (errno.EACCES, Problem.PERMISSION, "没有权限"),
        (errno.ENOTDIR, Problem.NO_FOLDER, "不存在"),
    ],
)
def test_errno_names_the_problem(tmp_path: Path, code: int, problem: Problem, words: str) -> None:
    error = storage_error(OSError(code, os.strerror(code)), tmp_path / "x.xlsx")
    assert error.problem is problem and words in str(error) and "已损坏" not in str(error)


def test_sqlite_full_and_read_only_are_not_damage() -> None:
    assert problem_of(sqlite3.OperationalError("database or disk is full")) is Problem.DISK_FULL
    assert (
        problem_of(sqlite3.OperationalError("attempt to write a readonly database"))
        is Problem.READ_ONLY
    )
    assert problem_of(sqlite3.DatabaseError("file is not a database")) is None


def test_a_path_under_a_regular_file_is_real_enotdir(tmp_path: Path) -> None:
    blocker = tmp_path / "报告.docx"
    blocker.write_bytes(b"a document")
    with pytest.raises(StorageError, match="不存在"):
        OutputFile(blocker / "x.xlsx", force=False)
    assert blocker.read_bytes() == b"a document"
