"""Attach, list, detach and restore evidence files of a submission (the store's side).

Each function is one short transaction of the store (like :mod:`ecodesk.store.feedback`); the
bytes are copied into the data folder's content-addressed folder first (:mod:`.blobs`), checked
there (:func:`.kinds.sniff` reads the copy, not the clerk's file, which could change meanwhile),
and only then recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecodesk.attachments.blobs import BlobStore, TooLarge, copy_hashing
from ecodesk.attachments.errors import (
    AttachmentFrozen,
    AttachmentNotFound,
    AttachmentRefused,
)
from ecodesk.attachments.kinds import FileKind, kind_of, sniff
from ecodesk.attachments.places import resolve_place
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.storage import storage_error
from ecodesk.store import settings
from ecodesk.store.models import AttachmentRow, PeriodRow, SubmissionRow
from ecodesk.store.table_rows import ORPHAN_ROW
from ecodesk.submission import Period

if TYPE_CHECKING:
    from ecodesk.store.store import Store

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_NAME_CHARS = 120
MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class Attachment:
    """One evidence file of a revision, as the store records it."""

    id: int
    period: Period
    revision: int
    key: str  # "1.1", "1.1:tech_invest" or "1.1:projects#3"
    form: str
    name: str  # the file's name, as attached
    kind: str  # a code of ecodesk.attachments.kinds.KINDS ("pdf", "jpeg" …)
    media_type: str
    size: int  # bytes
    sha256: str  # hex; also the stored file's name
    note: str  # the clerk's description (说明), required
    added_at: datetime
    added_by: str
    removed_at: datetime | None = None  # detached from a draft (restore() undoes it)

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    @property
    def file_kind(self) -> FileKind:
        return kind_of(self.kind)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _limit(store: Store, setting: settings.Setting) -> int:
    """A limit in bytes from its setting (MB); a setting nobody can read falls back to its default."""
    text = store.settings_get(setting) or setting.default or "0"
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = float(setting.default or 0)
    return int(megabytes * MB)


def file_limit(store: Store) -> int:
    return _limit(store, settings.ATTACHMENT_FILE_LIMIT_MB)


def submission_limit(store: Store) -> int:
    return _limit(store, settings.ATTACHMENT_SUBMISSION_LIMIT_MB)


def blob_store(store: Store) -> BlobStore:
    data_dir = getattr(store, "data_dir", None)
    if data_dir is None:
        raise EcoDeskError(tr("attachments", "无法确定数据文件夹，不能保存附件。"))
    return BlobStore(Path(data_dir))


def _display_name(path: Path, name: str | None) -> str:
    """The name a person sees: the file's own name without folders or control characters."""
    text = (name or path.name).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    if len(text) > MAX_NAME_CHARS:
        stem, suffix = Path(text).stem, Path(text).suffix[:16]
        text = stem[: MAX_NAME_CHARS - len(suffix)] + suffix
    return text


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def attach(
    store: Store,
    period: Period,
    key: str,
    path: Path | str,
    note: str,
    *,
    name: str | None = None,
) -> Attachment:
    """Attach the file at ``path`` to ``key`` of the period's draft, with the description ``note``.

    Raises :class:`AttachmentRefused` (a Chinese sentence) for an empty description, a bad key,
    a missing, empty or too large file, an executable, an archive, an unknown type or a name
    whose extension does not match the bytes; :class:`~ecodesk.store.errors.SubmissionFrozen`
    when the period's latest revision is signed. Nothing is recorded on a refusal.
    """
    path = Path(path)
    shown = _display_name(path, name)
    note = " ".join(note.split())
    if not note:
        raise AttachmentRefused(
            shown, tr("attachments", "请写一句说明（如“项目验收报告”“现场照片”）")
        )
    if len(note) > MAX_NOTE_CHARS:
        raise AttachmentRefused(
            shown, tr("attachments", "说明太长（最多 {n} 个字）", n=MAX_NOTE_CHARS)
        )
    if not shown or not Path(shown).stem:
        raise AttachmentRefused(shown or str(path), tr("attachments", "文件名不能为空"))
    data = store.load(period)
    if data.status == "signed":
        from ecodesk.store.errors import SubmissionFrozen

        raise SubmissionFrozen(period.label, data.revision)
    rows = {table: len(r) for table, r in data.tables.items()}
    place = resolve_place(store.pack, key, forms=data.forms, rows=rows, name=shown)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise AttachmentRefused(shown, tr("attachments", "找不到文件 {path}", path=path)) from None
    except OSError as exc:
        raise storage_error(exc, path) from None
    if not path.is_file():
        raise AttachmentRefused(shown, tr("attachments", "这不是一个文件"))
    if st.st_size == 0:
        raise AttachmentRefused(shown, tr("attachments", "文件是空的（0 字节）"))
    per_file = file_limit(store)
    if st.st_size > per_file:
        raise _too_large(shown, st.st_size, per_file)
    blobs = blob_store(store)
    with blobs.staging() as (tmp, out):
        try:
            with path.open("rb") as src:
                sha, size = copy_hashing(src, out, limit=per_file)
        except TooLarge:
            raise _too_large(shown, per_file + 1, per_file) from None
        except OSError as exc:
            raise storage_error(exc, path) from None
        out.close()
        if size == 0:
            raise AttachmentRefused(shown, tr("attachments", "文件是空的（0 字节）"))
        kind = sniff(tmp, shown)
        stored = blobs.publish(tmp, sha)
    from ecodesk.attachments.shared import share

    share(store, sha, size, stored)  # a shared store: every PC of the office can open it
    with store._write() as s:
        sub = store._editable(s, period)
        _check_total(s, sub, size, submission_limit(store), shown)
        same = s.scalar(
            select(AttachmentRow).where(
                AttachmentRow.submission_id == sub.id,
                AttachmentRow.key == place.key,
                AttachmentRow.sha256 == sha,
                AttachmentRow.removed_at.is_(None),
            )
        )
        if same is not None:
            raise AttachmentRefused(
                shown,
                tr(
                    "attachments",
                    "同一份文件已经作为“{other}”添加在 {place} 上（编号 {id}）",
                    other=same.name,
                    place=place.label,
                    id=same.id,
                ),
            )
        row = AttachmentRow(
            submission_id=sub.id,
            key=place.key,
            form=place.form,
            name=shown,
            kind=kind.code,
            media_type=kind.media_type,
            size=size,
            sha256=sha,
            note=note,
            added_at=_now(),
            added_by=store._os_user[:64],
        )
        s.add(row)
        s.flush()
        store._changed(sub)
        store._audit(
            s,
            "attach",
            period=period,
            revision=sub.revision,
            form=place.form,
            field=place.key,
            old=None,
            new=f"{shown} {sha}",
        )
        result = _attachment_of(row, period, sub.revision)
    log.info("attached %s (%s, %d bytes) to %s %s", shown, sha, size, period, place.key)
    return result


def _too_large(name: str, size: int, limit: int) -> AttachmentRefused:
    return AttachmentRefused(
        name,
        tr(
            "attachments",
            "文件太大（{size} MB），单个附件最大 {limit} MB。请压缩图片或只扫描需要的页后再添加",
            size=_mb(size),
            limit=_mb(limit),
        ),
    )


def _check_total(s: Session, sub: SubmissionRow, adding: int, limit: int, name: str) -> None:
    total = int(
        s.scalar(
            select(func.coalesce(func.sum(AttachmentRow.size), 0)).where(
                AttachmentRow.submission_id == sub.id, AttachmentRow.removed_at.is_(None)
            )
        )
        or 0
    )
    if total + adding > limit:
        raise AttachmentRefused(
            name,
            tr(
                "attachments",
                "本次报送的附件合计将达 {total} MB，超过上限 {limit} MB。请删去不必要的附件，"
                "或压缩后再添加",
                total=_mb(total + adding),
                limit=_mb(limit),
            ),
        )


def _attachment_of(row: AttachmentRow, period: Period, revision: int) -> Attachment:
    return Attachment(
        id=row.id,
        period=period,
        revision=revision,
        key=row.key,
        form=row.form,
        name=row.name,
        kind=row.kind,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        note=row.note,
        added_at=datetime.fromisoformat(row.added_at),
        added_by=row.added_by,
        removed_at=datetime.fromisoformat(row.removed_at) if row.removed_at else None,
    )


def list_attachments(
    store: Store,
    period: Period,
    revision: int | None = None,
    *,
    include_removed: bool = False,
) -> list[Attachment]:
    """The attachments of the period's latest revision (or ``revision``), in the order added.

    ``include_removed`` adds the ones detached from a draft (``removed_at`` set), which
    :func:`restore` can bring back.
    """
    with store._read() as s:
        sub = store._submission(s, period, revision)
        if sub is None:
            return []
        query = select(AttachmentRow).where(AttachmentRow.submission_id == sub.id)
        if not include_removed:
            query = query.where(AttachmentRow.removed_at.is_(None))
        rows = s.scalars(query.order_by(AttachmentRow.id)).all()
        return [_attachment_of(r, period, sub.revision) for r in rows]


def get_attachment(store: Store, attachment_id: int) -> Attachment:
    with store._read() as s:
        found = _row(s, attachment_id)
        row, sub, period = found
        return _attachment_of(row, period, sub.revision)


def _row(s: Session, attachment_id: int) -> tuple[AttachmentRow, SubmissionRow, Period]:
    row = s.get(AttachmentRow, attachment_id)
    if row is None:
        raise AttachmentNotFound(attachment_id)
    sub = s.get(SubmissionRow, row.submission_id)
    assert sub is not None  # a foreign key
    code = s.scalar(select(PeriodRow.code).where(PeriodRow.id == sub.period_id))
    return row, sub, Period.parse(str(code))


def detach(store: Store, attachment_id: int) -> Attachment:
    """Take an attachment off its draft (undo with :func:`restore`); refused for a signed revision.

    The stored bytes stay in the data folder (they are never deleted: see :mod:`.blobs`).
    """
    with store._write() as s:
        row, sub, period = _row(s, attachment_id)
        if sub.status == "signed":
            raise AttachmentFrozen(row.name, period.label, sub.revision)
        if row.removed_at is None:
            row.removed_at = _now()
            store._changed(sub)
            store._audit(
                s,
                "detach",
                period=period,
                revision=sub.revision,
                form=row.form,
                field=row.key,
                old=f"{row.name} {row.sha256}",
                new=None,
            )
        return _attachment_of(row, period, sub.revision)


def restore(store: Store, attachment_id: int) -> Attachment:
    """Undo :func:`detach`: the attachment is on its draft again (limits checked again)."""
    with store._write() as s:
        row, sub, period = _row(s, attachment_id)
        if sub.status == "signed":
            raise AttachmentFrozen(row.name, period.label, sub.revision)
        if row.removed_at is not None:
            if row.key.endswith(f"#{ORPHAN_ROW}"):
                raise AttachmentRefused(
                    row.name,
                    tr(
                        "attachments",
                        "它所在的表格行已经删除，不能单独放回。撤销删除该行（Ctrl+Z）会把行和附件一起恢复",
                    ),
                )
            _check_total(s, sub, row.size, submission_limit(store), row.name)
            row.removed_at = None
            store._changed(sub)
            store._audit(
                s,
                "restore_attachment",
                period=period,
                revision=sub.revision,
                form=row.form,
                field=row.key,
                old=None,
                new=f"{row.name} {row.sha256}",
            )
        return _attachment_of(row, period, sub.revision)


def content_path(store: Store, attachment: Attachment) -> Path:
    """The stored file of ``attachment`` (read it, never write it: it is shared by content).

    On a shared (PostgreSQL) store a file attached on another PC is fetched from the database
    into this data folder first (:mod:`.shared`). Raises :class:`AttachmentContentMissing` when
    neither holds it, :class:`~.errors.AttachmentContentDamaged` when the database's copy is
    damaged.
    """
    from ecodesk.attachments.shared import local_copy

    return local_copy(store, attachment.sha256, attachment.size, attachment.name)


VIEW_CACHE = ("cache", "attachments")


def viewable_copy(store: Store, attachment: Attachment) -> Path:
    """A copy of ``attachment`` under its own name (with its extension, so the system viewer
    knows it), in the data folder's cache: ``cache/attachments/<hash>/<name>``. Opening it never
    touches the stored file, which other records share."""
    import shutil

    from ecodesk.attachments.package import safe_component

    source = content_path(store, attachment)
    data_dir = Path(store.data_dir) if store.data_dir is not None else source.parents[2]
    folder = data_dir.joinpath(*VIEW_CACHE, attachment.sha256[:16])
    target = folder / safe_component(attachment.name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{target.name}.part"
        shutil.copyfile(source, tmp)
        tmp.replace(target)  # fresh each time: a viewer may have changed the last copy
    except OSError as exc:
        if target.is_file():  # still open in a viewer (Windows will not replace it): reuse
            log.info("viewable copy %s kept: %s", target, exc)
            return target
        raise storage_error(exc, target) from None
    return target
