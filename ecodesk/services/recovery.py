"""Recovery from the window: the backups a clerk can choose from, and restoring one of them.

The store makes the copies (daily at start-up, before upgrades, before restores, on demand)
and checks a file before restoring it; this module lists them for a person (date, kind,
whose data) and restores into a data folder without opening the damaged database.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ecodesk.i18n import tr
from ecodesk.store.backup import BACKUP_DIRNAME, DAILY_PREFIX
from ecodesk.store.engine import default_url
from ecodesk.store.transfer import restore_store

log = logging.getLogger(__name__)

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_STAMP = re.compile(r"(\d{8})T(\d{6})")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made: datetime  # local time
    kind: str  # 每日自动备份 / 升级前 / 恢复前 / 手动备份

    @property
    def label(self) -> str:
        return f"{self.made:%Y-%m-%d %H:%M}  {self.kind}"


def _made(path: Path) -> datetime:
    if m := _STAMP.search(path.name):
        return (
            datetime.strptime("".join(m.groups()), "%Y%m%d%H%M%S")
            .replace(tzinfo=UTC)
            .astimezone()
            .replace(tzinfo=None)
        )
    return datetime.fromtimestamp(path.stat().st_mtime)


def _kind(name: str) -> str:
    if name.startswith(DAILY_PREFIX):
        return tr("recovery", "每日自动备份")
    if name.startswith("before-restore"):
        return tr("recovery", "恢复前保存的数据")
    if "upgrade" in name:
        return tr("recovery", "升级前自动备份")
    return tr("recovery", "备份")


def list_backups(data_dir: Path) -> list[BackupFile]:
    """The copies in the data folder's backups folder, newest first."""
    folder = Path(data_dir) / BACKUP_DIRNAME
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.sqlite3"):
        if not path.is_file() or path.stat().st_size == 0:
            continue
        made = _made(path)
        if path.name.startswith(DAILY_PREFIX) and (m := _DAY.search(path.name)):
            day = datetime(int(m[1]), int(m[2]), int(m[3]))
            made = made if made.date() == day.date() else day
        found.append(BackupFile(path, made, _kind(path.name)))
    return sorted(found, key=lambda b: b.made, reverse=True)


def restore_backup(data_dir: Path, source: Path, url: str | None = None) -> Path | None:
    """Replace the unit's database (``url``; the data folder's SQLite file by default) with
    ``source`` (checked first; the current data is kept in the backups folder, whose path is
    returned). Raises ``RestoreRefused``."""
    target = url or default_url(Path(data_dir))
    kept = restore_store(Path(data_dir), target, Path(source))
    log.info("restored %s from %s", data_dir, source)
    return kept
