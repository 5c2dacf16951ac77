"""Copies of the database file: on demand, daily (the last N kept), before upgrades and restores.

Copies are made with SQLite's online backup API, so they are consistent even while the
window has the database open and is writing to it. Nothing here goes through SQLAlchemy:
these functions must also work on a file too damaged or too old for the ORM.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ecodesk.i18n import tr
from ecodesk.notices import notify
from ecodesk.output import OutputFile, resolve_output
from ecodesk.storage import StorageError, is_storage_problem, storage_error
from ecodesk.store.errors import RestoreRefused, StoreDamaged

log = logging.getLogger(__name__)

BACKUP_DIRNAME = "backups"
DAILY_PREFIX = "daily-"
KEEP_DAILY = 14
DAILY_NAME = re.compile(r"^daily-(?:(?P<number>\d{6})-)?(?P<day>\d{4}-\d{2}-\d{2})\.sqlite3$")
BACKUP_SPACE_MARGIN = 8 * 2**20  # room left for the database's own growth after a copy
SQLITE_MAGIC = b"SQLite format 3\x00"


def backups_dir(db_path: Path) -> Path:
    """The data folder's backups folder (created private to the user)."""
    path = db_path.parent / BACKUP_DIRNAME
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, path) from None
    return path


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)


def integrity_problem(path: Path) -> str | None:
    """``None`` when ``path`` is a sound SQLite database, otherwise what is wrong (Chinese).

    Raises :class:`~ecodesk.storage.StorageError` when the file cannot be read for a reason
    of the disk (read-only folder, no permission, full disk): that is not damage.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return tr("store", "文件不存在")
    except OSError as exc:
        raise storage_error(exc, path) from None
    if header != SQLITE_MAGIC:
        return tr("store", "不是数据库文件")
    try:
        conn = _connect_readonly(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_storage_problem(exc):  # a read-only or full disk is not damage: say what it is
            raise storage_error(exc, path) from None
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


def copy_database(
    src: Path, dest: Path, *, force: bool = True, attachments_from: Path | None = None
) -> Path:
    """A consistent, self-contained copy of ``src`` at ``dest``, readable by the owner only.

    Whole or not at all (see :class:`~ecodesk.output.OutputFile`); an existing ``dest`` is
    replaced only when ``force``. A full or read-only disk raises
    :class:`~ecodesk.storage.StorageError`, and nothing is left behind. With
    ``attachments_from`` (a data folder) the copy also carries the bytes of every attachment it
    refers to (:func:`ecodesk.attachments.backups.embed_attachments`).
    """
    try:
        source = _connect_readonly(src)
        try:
            image = sqlite3.connect(":memory:")
            try:
                source.backup(image)
                data = bytearray(image.serialize())
            finally:
                image.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        if is_storage_problem(exc):
            raise storage_error(exc, src) from None
        raise
    # The copy is written by us, not by SQLite, so a full or read-only disk is reported as
    # such (SQLite calls a file-size limit a mere "disk I/O error"). Header bytes 18-19 say
    # "rollback journal" (1), not WAL (2): a copy is one file, nothing can get separated from it.
    if len(data) > 19:
        data[18:20] = b"\x01\x01"
    with OutputFile(dest, force=force, private=True) as output:
        output.tmp.write_bytes(data)
        del data
        if attachments_from is not None:
            from ecodesk.attachments.backups import embed_attachments

            missing = embed_attachments(output.tmp, attachments_from)
            if missing:
                notify(
                    tr(
                        "store",
                        "备份中缺少 {n} 个附件的文件（本机数据文件夹中没有）：{names}",
                        n=len(missing),
                        names="、".join(missing[:5]),
                    )
                )
    log.info("database copied to %s", output.path)
    return output.path


def make_backup(db_path: Path, out: Path | None = None, *, force: bool = True) -> Path:
    """``ecodesk backup``: a copy at ``out`` (a file, or a folder to put it in) or a
    time-stamped one in the backups folder. An existing file is replaced only when ``force``.

    It carries the attachments' bytes too: a backup made on purpose must restore everything on
    another computer (see :mod:`ecodesk.attachments.backups`)."""
    if not db_path.exists():
        raise RestoreRefused(db_path, tr("store", "还没有数据文件，无需备份"))
    name = f"ecodesk-{_stamp()}.sqlite3"
    out = resolve_output(out, default_name=name) if out else backups_dir(db_path) / name
    return copy_database(db_path, out, force=force, attachments_from=db_path.parent)


def _dailies(folder: Path) -> list[tuple[int, str, Path]]:
    """The daily copies as (number, day, path), oldest made first.

    Copies are numbered in the order they are made; copies from before the numbering count as
    number 0 and are ordered by their date among themselves.
    """
    found = []
    for path in folder.glob(f"{DAILY_PREFIX}*.sqlite3"):
        match = DAILY_NAME.match(path.name)
        if match:
            found.append((int(match["number"] or 0), match["day"], path))
    return sorted(found)


def daily_backup(
    db_path: Path, *, keep: int = KEEP_DAILY, today: datetime | None = None
) -> Path | None:
    """One copy a day (the first start of the day), keeping the ``keep`` copies made last.

    Why numbers and not dates decide what is pruned: a clock set back (a flat CMOS battery, a
    wrong manual setting) would make today's copy look like the oldest, and it would be deleted
    the moment it was made. The number only grows, whatever the clock says.

    A backup must never stop the program from starting: on a disk too full for a copy (or a
    read-only one) the copy is skipped and the user is told (:func:`ecodesk.notices.notify`).
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    day = (today or datetime.now()).strftime("%Y-%m-%d")
    try:
        folder = backups_dir(db_path)
        existing = _dailies(folder)
        if any(d == day for _, d, _ in existing):
            return None
        needed = _database_size(db_path) + BACKUP_SPACE_MARGIN
        free = shutil.disk_usage(folder).free
        if free < needed:
            notify(
                tr(
                    "store",
                    "磁盘空间不足（剩余 {free} MB，备份需要约 {needed} MB）：今天的自动备份没有做，"
                    "程序照常使用。请尽快删除不需要的文件腾出空间，再用“备份数据”备份一次。",
                    free=free // 2**20,
                    needed=-(-needed // 2**20),
                )
            )
            return None
        number = max((n for n, _, _ in existing), default=0) + 1
        made = copy_database(db_path, folder / f"{DAILY_PREFIX}{number:06d}-{day}.sqlite3")
    except StorageError as exc:
        notify(tr("store", "今天的自动备份没有做，程序照常使用：{reason}", reason=exc))
        return None
    existing = _dailies(folder)
    for _, _, old in existing[: max(0, len(existing) - keep)]:
        if old != made:
            old.unlink(missing_ok=True)
            log.info("old daily backup %s removed", old)
    return made


def _database_size(db_path: Path) -> int:
    wal = Path(f"{db_path}-wal")
    return db_path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def backup_before_upgrade(db_path: Path, from_revision: str | None) -> Path | None:
    if not db_path.exists() or db_path.stat().st_size == 0 or from_revision is None:
        return None
    return copy_database(
        db_path, backups_dir(db_path) / f"before-upgrade-{from_revision}-{_stamp()}.sqlite3"
    )


def schema_revision_of(path: Path) -> str:
    """Check that ``path`` is a sound EcoDesk database; return its schema revision.

    The whole schema (tables, columns, indexes, triggers, views) must be what the migrations
    make for its revision (:mod:`ecodesk.store.schema`). Raises :class:`RestoreRefused` with
    the reason otherwise.
    """
    from ecodesk.store.migrate import KNOWN_REVISIONS
    from ecodesk.store.schema import expected_schema, read_schema, schema_differences

    problem = integrity_problem(path)
    if problem:
        raise RestoreRefused(path, problem)
    conn = _connect_readonly(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:  # the rest is compared in full below
            raise RestoreRefused(path, tr("store", "这不是 EcoDesk 的数据文件"))
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
        known = bool(row) and row[0] in KNOWN_REVISIONS
        # without a readable revision, the newest schema says best what is wrong with the file
        compared_with = str(row[0]) if known else KNOWN_REVISIONS[-1]
        differences = schema_differences(read_schema(conn), expected_schema(compared_with))
        if not known and not differences:
            raise RestoreRefused(
                path,
                tr(
                    "store",
                    "数据结构版本（{rev}）不是本程序认识的版本",
                    rev=row[0] if row else tr("store", "无"),
                ),
            )
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(path, tr("store", "无法读取（{exc}）", exc=exc)) from None
    finally:
        conn.close()
    if differences:
        log.warning("restore of %s refused, schema differs: %s", path, differences)
        raise RestoreRefused(
            path,
            tr(
                "store",
                "数据结构与 EcoDesk 的不一致：{what}",
                what="；".join(differences[:5]),
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
    stage_backup(source, staged, db_path.parent)
    kept = _keep_current(db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(staged, db_path)
    log.info("database %s restored from %s (previous copy: %s)", db_path, source, kept)
    report_missing_attachments(db_path, db_path.parent)
    return kept


def stage_backup(source: Path, staged: Path, data_dir: Path) -> None:
    """A working copy of the (checked) backup ``source`` at ``staged``; the attachments' bytes
    it carries go into ``data_dir``'s content folder first, and not into the copy."""
    from ecodesk.attachments.backups import extract_attachments, has_embedded, stage_copy

    try:
        if has_embedded(source):
            extract_attachments(source, data_dir)
            staged.unlink(missing_ok=True)
            stage_copy(source, staged)
            return
    except sqlite3.Error as exc:
        staged.unlink(missing_ok=True)
        if is_storage_problem(exc):
            raise storage_error(exc, staged) from None
        raise RestoreRefused(source, tr("store", "无法读取（{exc}）", exc=exc)) from None
    copy_database(source, staged)


def report_missing_attachments(db_file: Path, data_dir: Path) -> list[str]:
    """Tell the user which attachments a restored store names that this data folder lacks."""
    from ecodesk.attachments.backups import missing_attachments

    missing = missing_attachments(db_file, data_dir)
    if missing:
        notify(
            tr(
                "store",
                "已恢复，但有 {n} 个附件的文件不在这份备份和本机数据文件夹中：{names}。"
                "这些附件需要重新添加。",
                n=len(missing),
                names="、".join(missing[:5]) + ("……" if len(missing) > 5 else ""),
            )
        )
    return missing


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
