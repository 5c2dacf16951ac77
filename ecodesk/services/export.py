"""Sign and export a period's submission: check, unlock (or create) the key, write, freeze.

The steps, in an order that never leaves a half-done state the user can't see:

1. load the latest revision; refuse if it is already signed (a correction is a new revision);
2. run the checks: any error refuses the export and lists what to fix;
3. unlock the key with the passphrase (the first signing creates it);
4. note in the store's journal (setting ``export_in_progress``) that a workbook is being
   written, and to which temporary file;
5. write the signed workbook to that temporary file beside the target;
6. in ONE store transaction: freeze the revision (fingerprint, digest) and mark the journal
   "frozen";
7. move the temporary file into place (one rename or hard link), then clear the journal.

Why this order (issue 20): the old order wrote the workbook first and froze afterwards; a crash
in between left a signed workbook for a submission the store still called a draft, which could
then be changed and signed again — two different signed files for one revision. Now a crash
(a kill, a power cut) leaves one of three states, and :func:`reconcile_export`, run under the
data-folder lock before the next export and when the window opens, finishes or undoes it:

- journal "writing": nothing was frozen; the temporary file (if any) is deleted;
- journal "frozen", the temporary file still there: the rename is done now;
- journal "frozen", neither file there: the freeze is undone (the revision is a draft again).

No signed workbook is ever visible under the user's file name for a revision the store does
not call signed. The caller holds the data folder's lock (:mod:`ecodesk.store.lock`), so no
second instance edits the revision between the checks and the freeze.
"""

from __future__ import annotations

import glob
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ecodesk import __version__, clock
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.notices import notify
from ecodesk.output import PART_SUFFIX, OutputFile
from ecodesk.storage import storage_error
from ecodesk.store.settings import EXPORT_IN_PROGRESS as EXPORT_JOURNAL
from ecodesk.store.settings import LATE_EXPORT
from ecodesk.submission import Period, ProfileMissing

log = logging.getLogger(__name__)

MAX_LISTED_PROBLEMS = 15


class ExportRefused(EcoDeskError):
    """The submission still has errors; ``problems`` lists them for the window."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        lines = [
            f"  {i}. [{p.form}] {p.message}"
            for i, p in enumerate(problems[:MAX_LISTED_PROBLEMS], start=1)
        ]
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(tr("export", "  ……另有 {n} 个问题", n=len(problems) - MAX_LISTED_PROBLEMS))
        super().__init__(
            tr("export", "还有 {n} 个错误需要改正，暂不能签名导出：", n=len(problems))
            + "\n"
            + "\n".join(lines)
        )


class AlreadySigned(EcoDeskError):
    def __init__(self, period: Period, revision: int) -> None:
        super().__init__(
            tr(
                "export",
                "{period}第{revision}版已经签名导出，数据已冻结。如需更正，请先新建修订版（写明更正原因），再签名导出。",
                period=period.label,
                revision=revision,
            )
        )


class QueriesUnanswered(EcoDeskError):
    """The receiver's queries on this period are not all answered; ``queries`` lists them."""

    def __init__(self, queries: list[Any]) -> None:
        self.queries = queries
        lines = [
            tr(
                "export",
                "  {i}. 〔查询 {id}〕{label}：{question}",
                i=i,
                id=q.id,
                label=f"{q.form} {q.label}".strip(),
                question=q.question,
            )
            for i, q in enumerate(queries[:MAX_LISTED_PROBLEMS], start=1)
        ]
        if len(queries) > MAX_LISTED_PROBLEMS:
            lines.append(tr("export", "  ……另有 {n} 条", n=len(queries) - MAX_LISTED_PROBLEMS))
        super().__init__(
            tr("export", "还有 {n} 条审核查询没有答复，暂不能签名导出：", n=len(queries))
            + "\n"
            + "\n".join(lines)
            + "\n"
            + tr(
                "export",
                "请逐条答复（窗口中“答复”，或 ecodesk feedback answer 编号 答复内容）后再导出。",
            )
        )


class LateReasonRequired(EcoDeskError):
    """The submission is exported after its due date and no late reason (迟报原因) was given."""

    def __init__(self, period: Period, due: date, days_late: int) -> None:
        self.period = period
        self.due = due
        self.days_late = days_late
        super().__init__(
            tr(
                "export",
                "{period}的截止日期是 {due}，现在导出已逾期 {n} 天，需要写明迟报原因："
                "请在导出对话框中填写，或在命令行加 --late-reason 原因。",
                period=period.label,
                due=due.isoformat(),
                n=days_late,
            )
        )


@dataclass(frozen=True)
class Lateness:
    """How an export at a given time stands against the submission's due date."""

    due: date
    days_late: int  # 0: on time
    correction: bool = False  # a correction revision: the first revision was the submission

    @property
    def needs_reason(self) -> bool:
        """Late, and not a correction (the timeliness of a period is its first revision's)."""
        return self.days_late > 0 and not self.correction


def export_lateness(store: Any, period: Period, when: datetime | date) -> Lateness | None:
    """The due date of ``period``'s submission (the earliest of its forms' due dates in the
    pack's calendar) and how late an export at ``when`` would be; ``None`` without a calendar."""
    data = store.load(period)
    deadline = store.pack.calendar.submission_deadline(period, data.forms)
    if deadline is None:
        return None
    return Lateness(deadline.due, deadline.days_late(when), data.supersedes is not None)


def _now() -> datetime:
    return clock.now()


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    digest: str
    revision: int
    created_key: bool = False
    attachments: int = 0  # evidence files in the package (path is then the .zip)
    # the .xlsx name asked for when the submission had evidence and a package was written instead
    asked_for: Path | None = None

    @property
    def is_package(self) -> bool:
        return self.path.suffix.lower() == ".zip"


def output_target(out_path: Path, has_attachments: bool) -> tuple[Path, Path | None]:
    """Where the export goes: with evidence files a package (``.zip``) — an ``.xlsx`` name asked
    for becomes the package next to it (``X.xlsx`` → ``X.zip``, returned as the second value so
    the caller can say so); without, the workbook (or a package, when a ``.zip`` is asked for)."""
    out_path = Path(out_path)
    if has_attachments and not out_path.is_dir() and out_path.suffix.lower() != ".zip":
        from ecodesk.attachments.package import package_path_for

        return package_path_for(out_path), out_path
    return out_path, None


def _blob_paths(store: Any, data: Any) -> list[tuple[Any, Path]]:
    """Each signed evidence file with its stored copy; refused before anything is written when
    one is not in this data folder (nor, on a shared store, in the database)."""
    from ecodesk.attachments.shared import local_copy

    # (on a shared store, a file attached on another PC is fetched from the database first)
    return [(f, local_copy(store, f.sha256, f.size, f.name)) for f in data.attachments]


def _save(built: Any, output: OutputFile, files: list[tuple[Any, Path]]) -> None:
    """Save the built workbook to ``output.tmp``; as a package with ``files`` when the output is
    a .zip (the workbook then goes through a temporary file beside it, removed afterwards)."""
    if output.path.suffix.lower() != ".zip":
        built.save(output.tmp)
        return
    import tempfile

    from ecodesk.attachments.package import write_package

    fd, name = tempfile.mkstemp(
        prefix=f".{output.path.name}.", suffix=PART_SUFFIX, dir=output.path.parent
    )
    os.close(fd)
    workbook = Path(name)
    try:
        built.save(workbook)
        write_package(output.tmp, workbook, f"{output.path.stem}.xlsx", files)
    finally:
        workbook.unlink(missing_ok=True)


def export_submission(
    store: Any,
    period: Period,
    out_path: Path,
    *,
    passphrase: str,
    progress: Any = None,
    data_dir: Path | None = None,
    force: bool = True,
    late_reason: str = "",
    now: datetime | None = None,
) -> ExportResult:
    """Sign ``period``'s latest revision into ``out_path`` and freeze it in ``store``.

    ``now`` is the export time (the clock when ``None``). Exported after the due date of the
    pack's calendar, the submission needs a ``late_reason`` (:class:`LateReasonRequired`); the
    due date and the reason are signed with the data. A correction revision needs none: the
    period was submitted with its first revision, and timeliness is judged on that one.

    ``data_dir`` is where the signing key lives (by default the folder of the store's
    database). ``out_path`` may be a folder (the file is named after the unit and period); an
    existing file is replaced only when ``force``. Raises :class:`ExportRefused`,
    :class:`AlreadySigned`, :class:`ProfileMissing`, :class:`~ecodesk.output.OutputExists`,
    :class:`~ecodesk.storage.StorageError` or a key error (wrong or too short passphrase), each
    with a Chinese message.
    """
    reconcile_export(store)
    from ecodesk.forms.rules import check_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.workbook.writer import build_signed_workbook

    pack = store.pack
    marker = store.change_marker()
    data = store.load(period)
    if store.change_marker() != marker:  # the load began the revision: read from there on
        marker = store.change_marker()
        data = store.load(period)
    if data.status == "signed":
        raise AlreadySigned(period, data.revision)
    if store.profile() is None or not data.unit.division_code:
        raise ProfileMissing(
            tr(
                "export",
                "还没有填写单位信息（行政区划、部门、填报人等），请先在“单位信息”中填写再导出。",
            )
        )
    from ecodesk.store.feedback import unanswered_queries

    pending = unanswered_queries(store, period)
    if pending:
        log.info("export of %s refused: %d unanswered queries", period, len(pending))
        raise QueriesUnanswered(pending)
    from ecodesk.store.office import check_may_sign

    check_may_sign(store, period)  # while people are on: the head, every form reviewed
    errors = [p for p in check_submission(pack, data) if p.severity == "error"]
    if errors:
        log.info("export of %s refused: %d errors", period, len(errors))
        raise ExportRefused(errors)
    exported_at = now or _now()
    deadline = pack.calendar.submission_deadline(period, data.forms)
    late_reason = late_reason.strip()
    late = deadline is not None and deadline.days_late(exported_at) > 0
    if late and data.supersedes is None and not late_reason:
        log.info("export of %s refused: late without a reason", period)
        raise LateReasonRequired(period, deadline.due, deadline.days_late(exported_at))  # type: ignore[union-attr]
    if not late:
        late_reason = ""  # on time: a reason would only confuse the receiver

    keys = KeyStore(data_dir or store_data_dir(store))
    created = not keys.has_key()
    key = keys.unlock_or_create(passphrase)
    meta = ExportMeta(
        exported_at=exported_at,
        program_version=__version__,
        supersede_reason=_supersede_reason(store, period, data.revision),
        due=deadline.due if deadline else None,
        late_reason=late_reason,
    )
    files = _blob_paths(store, data)
    target, asked_for = output_target(out_path, bool(files))
    default_name = tr(
        "export",
        "{unit}{period}第{revision}版.xlsx",
        unit=data.unit.display_name,
        period=data.period.document_label,
        revision=data.revision,
    )
    if files:
        default_name = str(Path(default_name).with_suffix(".zip"))
    output = OutputFile(target, force=force, default_name=default_name)
    _remove_leftovers(output)
    journal = {
        "period": str(period),
        "revision": data.revision,
        "tmp": str(output.tmp),
        "path": str(output.path.resolve()),
    }
    frozen = False
    try:
        store.settings_set(EXPORT_JOURNAL, json.dumps({**journal, "state": "writing"}))
        written = build_signed_workbook(pack, data, key=key, meta=meta, progress=progress)
        _save(written, output, files)
        written.finish()
        store.mark_signed(
            period,
            data.revision,
            fingerprint=written.block.fingerprint,
            digest=written.block.digest,
            workbook_path=journal["path"],
            settings={
                EXPORT_JOURNAL: json.dumps({**journal, "state": "frozen"}),
                LATE_EXPORT.of(period, data.revision): _late_record(meta),
            },
            unchanged_since=marker,
        )
        frozen = True
        output.commit()
    except BaseException as exc:
        if frozen:  # the file could not be put in place: the freeze is undone
            store.revert_signing(period, data.revision, tr("export", "工作簿未能保存"))
        output.discard()
        store.settings_set(EXPORT_JOURNAL, None)
        if isinstance(exc, OSError):
            raise storage_error(exc, output.path) from None
        raise
    store.settings_set(EXPORT_JOURNAL, None)
    log.info("exported %s rev %d to %s", period, data.revision, output.path)
    return ExportResult(
        output.path,
        written.block.fingerprint,
        written.block.digest,
        data.revision,
        created,
        attachments=len(files),
        asked_for=asked_for,
    )


def reconcile_export(store: Any) -> str | None:
    """Finish or undo an export a crash cut short (see the module's docstring).

    Returns a sentence for the user when something was done (also sent as a notice), else
    ``None``. Call it only while holding the data folder's lock.
    """
    text = store.settings_get(EXPORT_JOURNAL)
    if not text:
        return None
    try:
        journal = json.loads(text)
        period = Period.parse(journal["period"])
        revision = int(journal["revision"])
        tmp, path, state = Path(journal["tmp"]), Path(journal["path"]), journal["state"]
    except (ValueError, KeyError, TypeError, EcoDeskError):
        log.error("unreadable export journal %r: dropped", text)
        store.settings_set(EXPORT_JOURNAL, None)
        return None
    message = None
    if state != "frozen":  # cut short before the freeze: the half-done file is not wanted
        tmp.unlink(missing_ok=True)
    elif path.exists():
        if tmp.exists() and not _same_file(tmp, path):
            # another file took the name meanwhile: ours stays beside it, under its own name
            kept = path.with_name(f"{path.stem}（第{revision}版已签名）{path.suffix}")
            os.replace(tmp, kept)
            message = tr(
                "export",
                "上次签名导出在最后一步中断，而 {path} 已被其他文件占用；{period}第{revision}版的签名报表已保存为 {kept}。",
                path=path,
                period=period.label,
                revision=revision,
                kept=kept,
            )
        else:
            tmp.unlink(missing_ok=True)
    elif tmp.exists():
        os.replace(tmp, path)
        message = tr(
            "export",
            "上次签名导出在最后一步中断，已补全：{period}第{revision}版的签名报表已保存到 {path}。",
            period=period.label,
            revision=revision,
            path=path,
        )
    else:
        store.revert_signing(period, revision, tr("export", "导出中断，工作簿未保存"))
        message = tr(
            "export",
            "上次签名导出中断，签名报表没有保存下来；{period}第{revision}版已恢复为未签名，请重新签名导出。",
            period=period.label,
            revision=revision,
        )
    store.settings_set(EXPORT_JOURNAL, None)
    if message:
        notify(message)
    return message


def _remove_leftovers(output: OutputFile) -> None:
    """Temporary files of earlier exports to the same name that a crash cut short before their
    journal was written (under the data folder's lock no other export can be writing them)."""
    for stale in output.path.parent.glob(f".{glob.escape(output.path.name)}.*{PART_SUFFIX}"):
        if stale != output.tmp:
            log.info("removing %s, left by an export that was cut short", stale)
            stale.unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def reexport_signed(
    store: Any,
    period: Period,
    out_path: Path,
    *,
    passphrase: str,
    progress: Any = None,
    data_dir: Path | None = None,
) -> ExportResult:
    """Write ``period``'s signed (frozen) revision again, to a new file: the same data, the
    same revision, a fresh signature by the unit's key over it (a lost or damaged file needs no
    correction revision). The verifier accepts it like the first file; the city keeps one of
    the two as they carry the same revision. Refuses a revision that is not signed yet."""
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.workbook.writer import build_signed_workbook

    data = store.load(period)
    if data.status != "signed":
        raise EcoDeskError(
            tr(
                "export",
                "{period}第{revision}版还没有签名，请用“签名并导出报表”。",
                period=period.label,
                revision=data.revision,
            )
        )
    from ecodesk.store.office import check_may_sign

    check_may_sign(store, period, reviewed=False)  # while people are on: the head signs
    key = KeyStore(data_dir or store_data_dir(store)).unlock(passphrase)
    late = late_export_record(store, period, data.revision)
    meta = ExportMeta(
        exported_at=_now(),
        program_version=__version__,
        supersede_reason=_supersede_reason(store, period, data.revision),
        due=late.due,
        late_reason=late.reason,
    )
    files = _blob_paths(store, data)
    target, asked_for = output_target(Path(out_path), bool(files))
    built = build_signed_workbook(store.pack, data, key=key, meta=meta, progress=progress)
    with OutputFile(target, force=True) as output:
        _save(built, output, files)
        built.finish()
    log.info("re-exported signed %s rev %d to %s", period, data.revision, output.path)
    block = built.block
    return ExportResult(
        output.path,
        block.fingerprint,
        block.digest,
        data.revision,
        attachments=len(files),
        asked_for=asked_for,
    )


def _late_record(meta: Any) -> str | None:
    if meta.due is None:
        return None
    record = {
        "due": meta.due.isoformat(),
        "reason": meta.late_reason,
        "exported": meta.exported_at.date().isoformat(),
    }
    return json.dumps(record, ensure_ascii=False)


@dataclass(frozen=True)
class LateRecord:
    """The due date and late reason a signed revision was exported with."""

    due: date | None = None
    reason: str = ""
    exported: date | None = None

    @property
    def days_late(self) -> int:
        if self.due is None or self.exported is None:
            return 0
        return max(0, (self.exported - self.due).days)

    @property
    def printed_reason(self) -> str:
        """逾期 N 天报送。<reason>, as the signed cover says it ("" when on time)."""
        if not self.reason:
            return ""
        return tr("report", "逾期 {n} 天报送。{reason}", n=self.days_late, reason=self.reason)


def late_export_record(store: Any, period: Period, revision: int) -> LateRecord:
    """What a signed revision's export said about its due date (an empty record when its
    export knew no due date): the printed sheet shows it, a re-export signs it again."""
    text = store.settings_get(LATE_EXPORT.of(period, revision))
    if not text:
        return LateRecord()
    try:
        record = json.loads(text)
        exported = record.get("exported")
        return LateRecord(
            date.fromisoformat(record["due"]),
            str(record.get("reason", "")),
            date.fromisoformat(exported) if exported else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        log.error("unreadable late-export record for %s rev %d: %r", period, revision, text)
        return LateRecord()


def store_data_dir(store: Any) -> Path:
    """The data folder the store lives in: the signing key sits next to the database."""
    db_path = getattr(store, "db_path", None)
    if db_path is None:
        raise EcoDeskError(tr("export", "无法确定数据文件夹，不能签名。"))
    return Path(db_path).parent


def _supersede_reason(store: Any, period: Period, revision: int) -> str:
    for info in store.revisions(period):
        if info.revision == revision:
            return info.reason or ""
    return ""
