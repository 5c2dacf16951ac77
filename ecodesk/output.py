"""Every file the program writes for the user goes through :class:`OutputFile`.

One helper, so that every command and dialog behaves the same:

- the file is written to a temporary file beside the target (same folder, so the final rename
  stays on one file system) and moved into place only when it is complete: a failure, a full
  disk or a crash never leaves half a file, nor destroys the file that was there;
- an existing file is never replaced unless ``force`` (the command line's ``--force``; the
  window's save dialog has asked already). Without ``force`` the file is put in place with a
  hard link, which fails if the name exists, so even a file that appears meanwhile is kept;
- a folder given as the target gets ``default_name`` inside it, or a clear refusal;
- ``OSError`` (read-only medium, full disk, no permission, file open in Excel …) becomes a
  :class:`~ecodesk.storage.StorageError` naming the problem and the path, and the temporary file
  is removed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from pathlib import Path
from types import TracebackType

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.storage import Problem, StorageError, storage_error

log = logging.getLogger(__name__)

PART_SUFFIX = ".ecodesk-part"


class OutputExists(EcoDeskError):
    """The target exists and the user did not ask to replace it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            tr(
                "output",
                "文件“{path}”已经存在，没有覆盖它。请换一个文件名；确实要替换时加 --force。",
                path=path,
            )
        )


def resolve_output(path: Path | str, default_name: str | None = None) -> Path:
    """The file to write for ``path``: ``path`` itself, or ``default_name`` inside a folder.

    Raises :class:`StorageError` when ``path`` is a folder and there is no default name, or
    when the folder to write into does not exist.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        if not default_name:
            raise StorageError(path, Problem.IS_FOLDER)
        path = path / default_name
    if not path.parent.is_dir():
        raise StorageError(path, Problem.NO_FOLDER)
    return path


class OutputFile:
    """``with OutputFile(path, force=…) as out: write(out.tmp)`` — the file appears whole or not at all.

    The file is committed when the block ends without an exception; :meth:`commit` may be called
    earlier (the export commits only after the store froze the revision). ``private`` files
    (database copies) are readable by the owner only; others get the usual ``0666 & ~umask``.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        force: bool,
        default_name: str | None = None,
        private: bool = False,
    ) -> None:
        self.path = resolve_output(path, default_name)
        self.force = force
        self.private = private
        if self.path.is_dir():
            raise StorageError(self.path, Problem.IS_FOLDER)
        if not force and (self.path.exists() or self.path.is_symlink()):
            raise OutputExists(self.path)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=PART_SUFFIX, dir=self.path.parent
            )
        except OSError as exc:
            raise storage_error(exc, self.path) from None
        os.close(fd)
        self.tmp = Path(name)
        self.committed = False

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            if not self.committed:
                self.commit()
            return
        self.discard()
        if isinstance(exc, StorageError) and exc.path == self.tmp:
            # a writer that itself wrote atomically into our temporary file: name the target
            raise StorageError(self.path, exc.problem, exc.detail) from exc
        if isinstance(exc, OSError | sqlite3.OperationalError):
            raise storage_error(exc, self.path) from exc

    def commit(self) -> Path:
        """Move the finished temporary file into place (refusing to replace, unless forced)."""
        try:
            self._settle()
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                self._publish_without_replacing()
        except EcoDeskError:
            self.discard()
            raise
        except OSError as exc:
            self.discard()
            raise storage_error(exc, self.path) from None
        self.committed = True
        log.info("wrote %s", self.path)
        return self.path

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink(missing_ok=True)

    def _settle(self) -> None:
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if self.private:
            os.chmod(self.tmp, 0o600)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)

    def _publish_without_replacing(self) -> None:
        try:
            os.link(self.tmp, self.path)
        except FileExistsError:
            raise OutputExists(self.path) from None
        except OSError:
            # a file system without hard links (FAT on a USB stick): check, then rename
            if self.path.exists():
                raise OutputExists(self.path) from None
            os.replace(self.tmp, self.path)
            return
        self.tmp.unlink(missing_ok=True)
