"""Copies of the database file: on demand, daily (the last N kept), before upgrades and restores.

Copies are made with SQLite's online backup API, so they are consistent even while the
window has the database open and is writing to it. Nothing here goes through SQLAlchemy:
these functions must also work on a file too damaged or too old for the ORM.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ecodesk.i18n import tr
from ecodesk.store.errors import RestoreRefused, StoreDamaged

log = logging.getLogger(__name__)

BACKUP_DIRNAME = "backups"
DAILY_PREFIX = "daily-"
KEEP_DAILY = 14
SQLITE_MAGIC = b"SQLite format 3\x00"
EXPECTED_TABLES = {
    "alembic_version",
    "unit_profile",
    "periods",
    "submissions",
    "field_values",
    "audit_log",
}


def backups_dir(db_path: Path) -> Path:
    path = db_path.parent / BACKUP_DIRNAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)


def integrity_problem(path: Path) -> str | None:
    """``None`` when ``path`` is a sound SQLite database, otherwise what is wrong (Chinese)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return tr("store", "无法读取文件（{exc}）", exc=exc)
    if header != SQLITE_MAGIC:
        return tr("store", "不是数据库文件")
    try:
        conn = _connect_readonly(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return tr("store", "数据库结构损坏（{exc}）", exc=exc)
    if [r[0] for r in rows] != ["ok"]:
        return tr(
            "store", "完整性检查未通过（{detail}）", detail="；".join(str(r[0]) for r in rows[:3])
        )
    return None


def check_at_startup(path: Path) -> None:
    """Raise :class:`StoreDamaged` when the database file exists and is not sound."""
    if not path.exists() or path.stat().st_size == 0:
        return
    problem = integrity_problem(path)
    if problem:
        log.error("database %s failed its check: %s", path, problem)
        raise StoreDamaged(path, problem)


def copy_database(src: Path, dest: Path) -> Path:
    """A consistent, self-contained copy of ``src`` at ``dest`` (atomic: a temp file, then rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    source = _connect_readonly(src)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            # A copy in rollback-journal mode is one file: nothing can get separated from it.
            target.execute("PRAGMA journal_mode = DELETE")
            target.commit()
        finally:
            target.close()
    finally:
        source.close()
    os.replace(tmp, dest)
    log.info("database copied to %s", dest)
    return dest


def make_backup(db_path: Path, out: Path | None = None) -> Path:
    """``ecodesk backup``: a copy at ``out`` or a time-stamped one in the backups folder."""
    if not db_path.exists():
        raise RestoreRefused(db_path, tr("store", "还没有数据文件，无需备份"))
    out = out or backups_dir(db_path) / f"ecodesk-{_stamp()}.sqlite3"
    return copy_database(db_path, out)


def daily_backup(
    db_path: Path, *, keep: int = KEEP_DAILY, today: datetime | None = None
) -> Path | None:
    """One copy a day (the first start of the day), keeping the newest ``keep`` daily copies."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    folder = backups_dir(db_path)
    day = (today or datetime.now()).strftime("%Y-%m-%d")
    target = folder / f"{DAILY_PREFIX}{day}.sqlite3"
    made = None
    if not target.exists():
        made = copy_database(db_path, target)
    dailies = sorted(folder.glob(f"{DAILY_PREFIX}*.sqlite3"))
    for old in dailies[: max(0, len(dailies) - keep)]:
        old.unlink(missing_ok=True)
        log.info("old daily backup %s removed", old)
    return made


def backup_before_upgrade(db_path: Path, from_revision: str | None) -> Path | None:
    if not db_path.exists() or db_path.stat().st_size == 0 or from_revision is None:
        return None
    return copy_database(
        db_path, backups_dir(db_path) / f"before-upgrade-{from_revision}-{_stamp()}.sqlite3"
    )


def schema_revision_of(path: Path) -> str:
    """Check that ``path`` is a sound EcoDesk database; return its schema revision.

    Raises :class:`RestoreRefused` with the reason otherwise.
    """
    from ecodesk.store.migrate import KNOWN_REVISIONS

    problem = integrity_problem(path)
    if problem:
        raise RestoreRefused(path, problem)
    conn = _connect_readonly(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not EXPECTED_TABLES <= tables:
            raise RestoreRefused(path, tr("store", "这不是 EcoDesk 的数据文件"))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(path, tr("store", "无法读取（{exc}）", exc=exc)) from None
    finally:
        conn.close()
    if not row or row[0] not in KNOWN_REVISIONS:
        raise RestoreRefused(
            path,
            tr(
                "store",
                "数据结构版本（{rev}）不是本程序认识的版本",
                rev=row[0] if row else tr("store", "无"),
            ),
        )
    return str(row[0])


def restore_database(db_path: Path, source: Path) -> Path | None:
    """Replace the database at ``db_path`` with ``source`` after checking ``source``.

    The current database is first copied to the backups folder; that copy's path is returned
    (``None`` when there was no current database). Refusals change nothing.
    """
    source = source.resolve()
    if not source.is_file():
        raise RestoreRefused(source, tr("store", "文件不存在"))
    if db_path.exists() and source.samefile(db_path):
        raise RestoreRefused(source, tr("store", "这就是正在使用的数据文件"))
    schema_revision_of(source)
    # Take a checked copy of the source first: if anything below fails, nothing has changed.
    staged = db_path.with_name(db_path.name + ".restoring")
    copy_database(source, staged)
    kept = _keep_current(db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, db_path)
    log.info("database %s restored from %s (previous copy: %s)", db_path, source, kept)
    return kept


def _keep_current(db_path: Path) -> Path | None:
    if not db_path.exists():
        return None
    dest = backups_dir(db_path) / f"before-restore-{_stamp()}.sqlite3"
    if integrity_problem(db_path) is None:
        with contextlib.suppress(sqlite3.DatabaseError):
            # Fold the write-ahead log into the main file so that removing it loses nothing.
            conn = sqlite3.connect(db_path, timeout=15)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        return copy_database(db_path, dest)
    # A damaged file cannot be read page by page: keep its bytes (and its log) as they are.
    shutil.copy2(db_path, dest)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            shutil.copy2(side, Path(f"{dest}{suffix}"))
    return dest


def describe_database(path: Path) -> str:
    """A few lines saying whose data a (checked) database file holds, to confirm a restore."""
    conn = _connect_readonly(path)
    try:
        profile = conn.execute(
            "SELECT division_name, department, preparer FROM unit_profile WHERE id = 1"
        ).fetchone()
        periods = conn.execute(
            "SELECT p.code, MAX(s.revision), "
            "(SELECT status FROM submissions s2 WHERE s2.period_id = p.id ORDER BY revision DESC LIMIT 1) "
            "FROM periods p JOIN submissions s ON s.period_id = p.id GROUP BY p.id ORDER BY p.code"
        ).fetchall()
        last = conn.execute("SELECT MAX(at) FROM audit_log").fetchone()
    finally:
        conn.close()
    status_names = {
        "draft": tr("store", "草稿"),
        "checked": tr("store", "已检查"),
        "signed": tr("store", "已签名"),
    }
    lines = [
        tr(
            "store",
            "填报单位：{unit}",
            unit=f"{profile[0]}{profile[1]}（{profile[2]}）" if profile else tr("store", "未填写"),
        )
    ]
    for code, revision, status in periods:
        lines.append(
            tr(
                "store",
                "  {period}：第 {revision} 版，{status}",
                period=code,
                revision=revision,
                status=status_names.get(status, status),
            )
        )
    lines.append(
        tr("store", "最后修改时间（UTC）：{at}", at=(last[0] or "—")[:19].replace("T", " "))
    )
    return "\n".join(lines)
