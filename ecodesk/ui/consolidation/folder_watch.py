"""Watch the folder of received workbooks and say, once things settle, that it changed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

log = logging.getLogger(__name__)

SETTLE_MS = 800  # a copy of many files, or one large file, fires many events: wait for quiet


class FolderWatcher(QObject):
    """A file arriving, changing or leaving the folder (or a sub-folder) emits ``changed`` once."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None, *, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._touched)
        self._watcher.fileChanged.connect(self._touched)  # a file rewritten in place
        self._settle = QTimer(self, singleShot=True, interval=settle_ms)
        self._settle.timeout.connect(self.changed)
        self.folder: Path | None = None

    def watch(self, folder: Path | None, files: Iterable[Path] = ()) -> None:
        """Watch ``folder``, its sub-folders and ``files`` (``None`` stops watching)."""
        self.stop()
        self.folder = folder
        if folder is None or not folder.is_dir():
            return
        folders = [
            folder,
            *(p for p in folder.rglob("*") if p.is_dir() and not p.name.startswith(".")),
        ]
        paths = [str(p) for p in (*folders, *files)]
        failed = self._watcher.addPaths(paths) if paths else []
        if failed:  # e.g. the system's limit on watches: new files may then wait for 重新核验
            log.warning("not watching %d of %d paths under %s", len(failed), len(paths), folder)

    def stop(self) -> None:
        self._settle.stop()
        watched = self._watcher.directories() + self._watcher.files()
        if watched:
            self._watcher.removePaths(watched)
        self.folder = None

    @property
    def active(self) -> bool:
        return self.folder is not None

    def _touched(self, _path: str) -> None:
        self._settle.start()  # restarts: only the last event of a burst counts
