"""The attachments' bytes in the data folder, named by their SHA-256 (content-addressed).

``<data folder>/attachments/ab/ab12…ef`` holds the bytes whose SHA-256 is ``ab12…ef``. The same
file attached twice (to two keys, to two revisions, by two clerks) is stored once; a stored file
never changes (its name is its content), so records of any revision, backup or restore can share
it. Files are written through a temporary file in the same folder, flushed to disk (``fsync``)
and renamed into place: a crash leaves either the whole file or none. A stored file is never
deleted by the program: detaching from a draft is undoable, and an older backup restored later
may name it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ecodesk.paths import make_private
from ecodesk.storage import storage_error

log = logging.getLogger(__name__)

BLOB_DIRNAME = "attachments"
CHUNK = 1024 * 1024
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_PART_SUFFIX = ".part"


class TooLarge(Exception):
    """The stream went past ``limit`` bytes (raised by :func:`copy_hashing`)."""


def is_sha256(text: str) -> bool:
    return bool(_SHA_RE.match(text))


def copy_hashing(src: BinaryIO, dest: BinaryIO, *, limit: int | None = None) -> tuple[str, int]:
    """Copy ``src`` to ``dest`` in chunks; (SHA-256 hex, size). Memory stays one chunk."""
    digest = hashlib.sha256()
    size = 0
    while chunk := src.read(CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLarge(size)
        digest.update(chunk)
        dest.write(chunk)
    return digest.hexdigest(), size


def hash_file(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of the file at ``path``, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return digest.hexdigest(), size


class BlobStore:
    """The content-addressed folder of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / BLOB_DIRNAME

    def path_of(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        if not is_sha256(sha256):  # a record from an untrusted backup: never a path
            return False
        try:
            st = self.path_of(sha256).stat()
        except OSError:
            return False
        return size is None or st.st_size == size

    def _folder(self, path: Path) -> Path:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            make_private(self.root)
            path.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path) from None
        return path

    @contextlib.contextmanager
    def staging(self) -> Iterator[tuple[Path, BinaryIO]]:
        """A temporary file inside the blob folder (same file system as the final place);
        removed if the block fails or nothing :meth:`publish`\\ es it."""
        folder = self._folder(self.root)
        try:
            fd, name = tempfile.mkstemp(prefix=".incoming-", suffix=_PART_SUFFIX, dir=folder)
        except OSError as exc:
            raise storage_error(exc, folder) from None
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield tmp, fh
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def publish(self, tmp: Path, sha256: str) -> Path:
        """Put the finished temporary file ``tmp`` (its bytes hash to ``sha256``) in its place.

        Already there (the same bytes attached before): the temporary file is dropped.
        """
        dest = self.path_of(sha256)
        self._folder(dest.parent)
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            if dest.exists():
                tmp.unlink()
                return dest
            os.replace(tmp, dest)
            _fsync_folder(dest.parent)
        except OSError as exc:
            raise storage_error(exc, dest) from None
        log.info("attachment content %s stored", sha256)
        return dest

    def put_stream(
        self, src: BinaryIO, *, expected: str | None = None, limit: int | None = None
    ) -> tuple[str, int]:
        """Store the bytes read from ``src``; (SHA-256, size). With ``expected``, bytes hashing
        to anything else are dropped and ``ValueError`` raised (a backup's damaged copy)."""
        with self.staging() as (tmp, fh):
            try:
                sha, size = copy_hashing(src, fh, limit=limit)
            except OSError as exc:
                raise storage_error(exc, tmp) from None
            fh.flush()
            if expected is not None and sha != expected:
                raise ValueError(f"content hashes to {sha}, expected {expected}")
            fh.close()
            self.publish(tmp, sha)
        return sha, size


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
