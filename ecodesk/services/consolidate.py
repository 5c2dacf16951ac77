"""Consolidate received workbooks: verify each file, keep the newest valid revision per unit
and period, add up, and write the consolidated workbook.

The window (folder of received workbooks, their verification status, the summary view) and
``ecodesk consolidate`` both call this module; it imports no Qt. A file is *refused* when the
verifier does not call it valid (tampered, unknown signer, wrong unit, damaged, not an EcoDesk
workbook); a valid file may still be *set aside*: superseded by a newer revision of the same
unit and period, a duplicate copy, or a workbook of another period.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodesk.consolidation.model import FileNote, FileStatus, Summary, UnitAttachment, unit_id
from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack, bundled_pack
from ecodesk.forms.schema import Division
from ecodesk.i18n import tr
from ecodesk.submission import BadPeriod, Period, SubmissionData, UnitProfile

if TYPE_CHECKING:
    from ecodesk.services.verify import VerifyResult
    from ecodesk.store.feedback import FeedbackEntry

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, file name); raise from it to cancel
WORKBOOK_SUFFIXES = (".xlsx", ".zip")  # a signed workbook, or a package with its evidence


class NothingToConsolidate(EcoDeskError):
    """No valid workbook of the period was found among the files given."""


@dataclass
class ReceivedWorkbook:
    """One received file, what the verifier said about it, and what consolidation did with it."""

    path: Path
    result: VerifyResult
    unit: UnitProfile | None = None
    period: Period | None = None
    revision: int | None = None
    status: FileStatus = "refused"
    reason: str = ""  # Chinese: why refused or set aside ("" when used)
    data: SubmissionData | None = field(default=None, repr=False, compare=False)
    stamp: tuple[int, int] | None = (
        None  # (size, mtime ns) when verified: unchanged files need no re-check
    )
    digest: str = ""  # SHA-256 of the signed data: the same digest is the same submission
    warning: str = ""  # Chinese; used, but with something the city must know (unknown unit)
    exported_at: datetime | None = None  # the signed export time, for timeliness
    late_reason: str = ""  # the signed 迟报原因

    @property
    def valid(self) -> bool:
        from ecodesk.services.verify import DATA_TRUSTED

        return self.result.status in DATA_TRUSTED and self.data is not None

    @property
    def unit_name(self) -> str:
        return self.unit.display_name if self.unit else ""

    def note(self) -> FileNote:
        return FileNote(
            name=self.path.name,
            status=self.status,
            unit=self.unit_name or self.result.unit_code,
            period=str(self.period) if self.period else self.result.period,
            revision=self.revision,
            reason=" ".join(x for x in (self.reason or self.result.message, self.warning) if x),
        )


@dataclass
class Consolidation:
    """The received files with their fate, and the summary of the period's kept submissions."""

    summary: Summary
    received: list[ReceivedWorkbook]

    @property
    def period(self) -> Period | None:
        return self.summary.period

    @property
    def refused(self) -> list[ReceivedWorkbook]:
        return [r for r in self.received if r.status == "refused"]

    @property
    def used(self) -> list[ReceivedWorkbook]:
        return [r for r in self.received if r.status == "used"]

    @property
    def set_aside(self) -> list[ReceivedWorkbook]:
        return [r for r in self.received if r.status not in ("used", "refused", "conflict")]

    @property
    def conflicts(self) -> list[ReceivedWorkbook]:
        return [r for r in self.received if r.status == "conflict"]

    @property
    def warnings(self) -> list[ReceivedWorkbook]:
        return [r for r in self.received if r.status == "used" and r.warning]


# --------------------------------------------------------------------------- finding files


def workbook_files(folder: Path) -> list[Path]:
    """The workbooks in ``folder`` and its sub-folders (one per county is common), sorted.

    Excel's lock files (``~$…``) and hidden files (our own half-written temporaries) are skipped.
    """
    folder = Path(folder)
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in WORKBOOK_SUFFIXES
        and not p.name.startswith(("~$", "."))
    )


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given and folders expanded, each file once."""
    seen: set[Path] = set()
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found = workbook_files(path) if path.is_dir() else [path]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


# --------------------------------------------------------------------------- verifying


def _registry(registry_dir: Path):  # type: ignore[no-untyped-def]
    from ecodesk.signing.registry import KeyRegistry

    return KeyRegistry.load(Path(registry_dir))


def receive(path: Path, registry) -> ReceivedWorkbook:  # type: ignore[no-untyped-def]
    """Verify one file (``registry`` is a loaded KeyRegistry)."""
    from ecodesk.consolidation.compact import ReceivedSubmission
    from ecodesk.services.verify import DATA_TRUSTED, VerifyResult, verify_workbook

    path = Path(path)
    if not path.is_file():
        result = VerifyResult(
            "damaged",
            tr("consolidation", "{name}：文件不存在或不是文件，请检查路径。", name=path.name),
            path=path,
        )
        return ReceivedWorkbook(path=path, result=result, reason=result.message)
    stamp = _stamp(path)
    result = verify_workbook(path, registry)
    workbook = result.workbook
    data: SubmissionData | None = getattr(workbook, "data", None)
    if data is not None and result.status in DATA_TRUSTED:
        data = ReceivedSubmission.of(data)  # kept for the summary: small (see compact.py)
    item = ReceivedWorkbook(
        path=path,
        result=result,
        unit=data.unit if data else None,
        period=data.period if data else _period_of(result.period),
        revision=data.revision if data else result.revision,
        data=data if result.status in DATA_TRUSTED else None,
        stamp=stamp,
        digest=getattr(workbook, "digest", "") or "",
        exported_at=getattr(workbook, "exported_at", None),
        late_reason=getattr(workbook, "late_reason", ""),
    )
    if result.kind == "feedback":
        item.status = "refused"
        item.reason = tr(
            "consolidation",
            "{name} 是审核意见书，不是报送工作簿，不参与汇总。",
            name=path.name,
        )
    elif not item.valid:
        item.status, item.reason = "refused", result.message
    else:
        item.status = "used"  # for now; consolidation may set it aside
    result.workbook = None  # the parsed workbook is large; keep only what the summary needs
    return item


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


# a new registration can make these valid: always check them again
_REGISTRY_DEPENDENT = frozenset({"unknown_signer", "wrong_unit"})


def _period_of(text: str) -> Period | None:
    try:
        return Period.parse(text) if text else None
    except BadPeriod:
        return None


def scan_folder(
    folder: Path,
    registry_dir: Path,
    *,
    progress: Progress | None = None,
    previous: Sequence[ReceivedWorkbook] = (),
) -> list[ReceivedWorkbook]:
    """Verify every workbook in ``folder``: the table of received files the window shows.

    ``previous`` is the last scan of a watched folder: a file whose size and modification time
    are unchanged keeps its verdict (unless that verdict depends on the registry), so watching a
    folder of hundreds of workbooks re-checks only what arrived or changed.
    """
    return verify_all(workbook_files(folder), registry_dir, progress=progress, previous=previous)


# Below this many files to verify, starting worker processes (each imports the verifier, about
# half a second) costs more than it saves.
POOL_MIN_FILES = 24
_CHUNK_FILES = 8  # files per task sent to a worker: fewer round trips, steady progress
_IN_FLIGHT_PER_WORKER = 2  # chunks queued per worker: busy workers, bounded waiting results


class VerifyCache:
    """Verdicts by the file's SHA-256 and :func:`verdict_context`, for a watched folder: a
    renamed or copied file, or a rescan after the clock or a sync tool touched every file, costs
    a hash instead of a verification. In memory only (see
    :class:`~ecodesk.services.verify_cache.PersistentVerifyCache` for one kept in the data
    folder); the verdict is recomputed whenever the registry folder changes (a new registration
    can make an unknown signer known)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], ReceivedWorkbook] = {}

    def get(self, sha256: str, registry: str) -> ReceivedWorkbook | None:
        return self._items.get((sha256, registry))

    def put(self, sha256: str, registry: str, item: ReceivedWorkbook) -> None:
        self._items[sha256, registry] = item

    def __len__(self) -> int:
        return len(self._items)

    def flush(self) -> None:
        """Write what is pending (nothing to write for verdicts kept in memory only)."""


@functools.lru_cache(maxsize=1)
def _program_identity() -> str:
    """The program's version, its form pack and, from a source checkout, the verifier's code."""
    import hashlib

    import ecodesk
    from ecodesk.attachments import package
    from ecodesk.services import verify
    from ecodesk.signing import canonical, registry
    from ecodesk.workbook import datasheet, reader, safety, xlsx
    from ecodesk.workbook import writer as workbook_writer

    h = hashlib.sha256(f"{ecodesk.__version__}|{bundled_pack().version}".encode())
    modules = (package, verify, canonical, registry, datasheet, reader, safety, xlsx)
    for module in (*modules, workbook_writer, sys.modules[__name__]):
        source = getattr(module, "__file__", None)
        try:
            h.update(Path(source).read_bytes() if source else b"")
        except OSError:
            pass  # a bundled program: its version names its code
    return h.hexdigest()


_REGISTRY_FILE_LIMIT = 1 << 20  # a larger file in the registry folder is named by size and time


def verdict_context(registry_dir: Path) -> str:
    """What a verdict depends on besides the file: the registry folder's files (names and
    bytes), the form pack and the program. The same context and file give the same verdict."""
    import hashlib

    h = hashlib.sha256(_program_identity().encode())
    folder = Path(registry_dir)
    try:
        entries = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError:
        return ""
    for entry in entries:
        h.update(entry.relative_to(folder).as_posix().encode() + b"\0")
        try:
            st = entry.stat()
            if st.st_size > _REGISTRY_FILE_LIMIT:
                h.update(f"{st.st_size}|{st.st_mtime_ns}".encode())
            else:
                h.update(hashlib.sha256(entry.read_bytes()).digest())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def file_sha256(path: Path) -> str | None:
    import hashlib

    h = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def verify_all(
    paths: Sequence[Path],
    registry_dir: Path,
    *,
    progress: Progress | None = None,
    previous: Sequence[ReceivedWorkbook] = (),
    cache: VerifyCache | None = None,
    workers: int | None = None,
) -> list[ReceivedWorkbook]:
    """Verify ``paths``; unchanged files of ``previous`` and files ``cache`` knows by content are
    not verified again. Many files are verified in worker processes, one per core (``workers``),
    with progress reported as each file's verdict comes back; the order of ``paths`` is kept."""
    known = {r.path.resolve(): r for r in previous if r.stamp is not None}
    total = len(paths)
    received: list[ReceivedWorkbook | None] = [None] * total
    token = verdict_context(registry_dir) if cache is not None else ""
    hashes: dict[int, str] = {}
    todo: list[int] = []
    for i, path in enumerate(paths):
        earlier = known.get(Path(path).resolve())
        if (
            earlier
            and earlier.stamp == _stamp(path)
            and earlier.result.status not in _REGISTRY_DEPENDENT
        ):
            received[i] = _again(earlier)
            continue
        if cache is not None:
            sha = file_sha256(path)
            hit = cache.get(sha, token) if sha else None
            if hit is not None:
                here = Path(path)
                received[i] = _again(
                    replace(
                        hit, path=here, stamp=_stamp(path), result=replace(hit.result, path=here)
                    )
                )
                continue
            if sha:
                hashes[i] = sha
        todo.append(i)
    done = total - len(todo)
    shared: dict[str, SubmissionData] = {}

    def arrived(i: int, item: ReceivedWorkbook) -> None:
        nonlocal done
        if item.data is not None and item.digest:
            # the same signed data is the same submission: one copy in memory however many files
            item.data = shared.setdefault(item.digest, item.data)
        received[i] = item
        if cache is not None and i in hashes:
            cache.put(hashes[i], token, item)
        done += 1
        if progress:
            progress(done, total, item.path.name)

    if progress:
        progress(done, total, "")
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and len(todo) >= POOL_MIN_FILES:
        _verify_in_pool([(i, paths[i]) for i in todo], registry_dir, n_workers, arrived)
    else:
        registry = _registry(registry_dir)
        for i in todo:
            arrived(i, receive(paths[i], registry))
    if cache is not None:
        cache.flush()
    if progress:
        progress(total, total, "")
    return [r for r in received if r is not None]


def _again(earlier: ReceivedWorkbook) -> ReceivedWorkbook:
    return replace(
        earlier,
        status="used" if earlier.valid else "refused",
        reason="" if earlier.valid else earlier.result.message,
    )


def _verify_in_pool(
    jobs: list[tuple[int, Path]],
    registry_dir: Path,
    n_workers: int,
    arrived: Callable[[int, ReceivedWorkbook], None],
) -> None:
    """Verify ``jobs`` in ``n_workers`` fresh processes (spawned: no copy of a window's threads)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    chunks = [jobs[k : k + _CHUNK_FILES] for k in range(0, len(jobs), _CHUNK_FILES)]
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    waiting = iter(chunks)
    pending: dict[Future[list[ReceivedWorkbook]], list[tuple[int, Path]]] = {}

    def submit_next() -> None:
        chunk = next(waiting, None)
        if chunk is not None:
            future = pool.submit(_verify_chunk, [str(p) for _i, p in chunk], str(registry_dir))
            pending[future] = chunk

    try:
        # a few chunks per worker in flight, not all: results wait in memory only briefly
        for _ in range(n_workers * _IN_FLIGHT_PER_WORKER):
            submit_next()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                results = future.result()
                submit_next()
                for (i, _path), item in zip(chunk, results, strict=True):
                    arrived(i, item)
    finally:
        # also when progress raised to cancel: nothing left running behind the caller's back
        pool.shutdown(wait=True, cancel_futures=True)


_WORKER_REGISTRY: dict[str, Any] = {}


def _verify_chunk(paths: list[str], registry_dir: str) -> list[ReceivedWorkbook]:
    """In a worker process: verify a few files (the registry loaded once per process and folder)."""
    registry = _WORKER_REGISTRY.get(registry_dir)
    if registry is None:
        registry = _WORKER_REGISTRY[registry_dir] = _registry(Path(registry_dir))
    return [receive(Path(p), registry) for p in paths]


# --------------------------------------------------------------------------- consolidating


def consolidate(
    paths: Iterable[Path | str],
    registry_dir: Path,
    *,
    period: Period | None = None,
    progress: Progress | None = None,
    pack: FormPack | None = None,
    expected: Sequence[Division] | None = None,
    workers: int | None = None,
    known_packs: Mapping[str, FormPack] | None = None,
    cache: VerifyCache | None = None,
) -> Consolidation:
    """Verify ``paths`` (files or folders) and consolidate the valid ones of ``period``.

    Without ``period`` the latest period among the valid workbooks is consolidated. Of each
    unit and period the highest revision is kept. Raises :class:`NothingToConsolidate` only
    when not one file is given; a consolidation with no valid workbook is returned (empty) so
    the caller can still list the refused files. ``cache`` (see :class:`VerifyCache`) spares
    verifying files whose verdict it knows.
    """
    files = expand_paths(paths)
    if not files:
        raise NothingToConsolidate(
            tr(
                "consolidation",
                "没有找到要汇总的工作簿（.xlsx）。请指定收到的工作簿文件或所在文件夹。",
            )
        )
    received = verify_all(files, registry_dir, progress=progress, workers=workers, cache=cache)
    return consolidate_received(
        received, period=period, pack=pack, expected=expected, known_packs=known_packs
    )


def consolidate_received(
    received: list[ReceivedWorkbook],
    *,
    period: Period | None = None,
    pack: FormPack | None = None,
    expected: Sequence[Division] | None = None,
    known_packs: Mapping[str, FormPack] | None = None,
) -> Consolidation:
    """Consolidate files already verified (the window re-uses its scan).

    ``pack`` is the receiver's form pack (by default the program's own); ``known_packs`` (by
    content digest) are the packs units may have reported under, to name the indicators that
    were not in a unit's pack (see :mod:`ecodesk.consolidation.packs`)."""
    from ecodesk.consolidation.build import build_summary
    from ecodesk.consolidation.selection import newest_revisions
    from ecodesk.consolidation.timeliness import timeliness_by_unit

    pack = pack or bundled_pack()
    valid = [r for r in received if r.valid]
    for r in valid:
        r.status, r.reason, r.warning = "used", "", ""
    if period is None and valid:
        period = max(r.data.period for r in valid if r.data)  # type: ignore[union-attr]
    in_period = []
    for r in valid:
        if r.data and r.data.period == period:
            in_period.append(r)
        else:
            r.status = "other_period"
            r.reason = tr(
                "consolidation",
                "属于{other}，本次汇总的是{period}。",
                other=r.period.label if r.period else "?",
                period=period.label if period else "?",
            )
    # Of two copies of one signed submission, the one whose evidence files are complete (the
    # package rather than its workbook sent alone) is kept: the first seen wins, so it comes first.
    order = {id(r): n for n, r in enumerate(in_period)}
    kept, superseded, duplicates = newest_revisions(
        sorted(in_period, key=lambda r: r.result.status == "attachments_bad"),
        key=lambda r: (unit_id(r.data.unit), r.data.period),  # type: ignore[union-attr]
        revision=lambda r: r.data.revision,  # type: ignore[union-attr]
    )
    kept.sort(key=lambda r: order[id(r)])
    newest = {unit_id(r.data.unit): r for r in kept}  # type: ignore[union-attr]
    for r in superseded:
        winner = newest[unit_id(r.data.unit)]  # type: ignore[union-attr]
        r.status = "superseded"
        r.reason = tr(
            "consolidation",
            "已有更新的第{new}版（{name}），本文件第{old}版不再汇总。",
            new=winner.revision,
            name=winner.path.name,
            old=r.revision,
        )
    # Same unit, period and revision: the same signed data (digest) is a copy, kept once;
    # different signed data is a conflict nobody may settle by the order files were given in.
    conflicted: set[int] = set()
    for r in duplicates:
        winner = newest[unit_id(r.data.unit)]  # type: ignore[union-attr]
        if r.digest and r.digest == winner.digest:
            r.status = "duplicate"
            r.reason = tr(
                "consolidation",
                "与 {name} 是同一份签名数据（摘要 {digest}），只汇总一份。",
                name=winner.path.name,
                digest=r.digest[:12],
            )
        else:
            conflicted.add(id(winner))
    for winner in kept:
        if id(winner) not in conflicted:
            continue
        group = [winner] + [
            r
            for r in duplicates
            if r.status != "duplicate" and newest[unit_id(r.data.unit)] is winner  # type: ignore[union-attr]
        ]
        group += [
            r
            for r in duplicates
            if r.status == "duplicate" and newest[unit_id(r.data.unit)] is winner  # type: ignore[union-attr]
        ]
        for r in group:
            others = "、".join(
                f"{o.path.name}（摘要 {o.digest[:12]}）" for o in group if o is not r
            )
            r.status = "conflict"
            r.reason = tr(
                "consolidation",
                "版本冲突：本文件（摘要 {digest}）与 {others} 都自称{unit}{period}第{revision}版，"
                "签名数据却不同。该单位本期未汇总，请向其核实实际报送的是哪一份。",
                digest=r.digest[:12],
                others=others,
                unit=r.unit_name,
                period=r.period.label if r.period else "",
                revision=r.revision,
            )
    kept = [r for r in kept if id(r) not in conflicted]
    catalog = {d.code for d in pack.catalog.divisions}
    for r in kept:
        code = r.data.unit.division_code if r.data else ""  # type: ignore[union-attr]
        if code not in catalog:
            r.warning = tr(
                "consolidation",
                "行政区划代码 {code} 不在表单目录中，已按工作簿所写单位汇总，请核实该单位。",
                code=code,
            )
    for r in kept:
        report = r.result.attachments
        if report is not None and not report.ok:
            problems = report.problems()
            said = tr(
                "consolidation",
                "附件有 {n} 处与签名不符（数据照常汇总）：{what}",
                n=len(problems),
                what="；".join(problems[:3]) + ("……" if len(problems) > 3 else ""),
            )
            r.warning = f"{r.warning} {said}".strip()
    submissions = [r.data for r in kept if r.data is not None]
    summary = build_summary(
        pack, submissions, period, files=[r.note() for r in received], expected=expected
    )
    summary.attachments = unit_attachments(kept)
    from ecodesk.consolidation.packs import units_on_other_packs

    summary.other_packs = units_on_other_packs(
        pack, summary.submissions, known_packs or {pack.digest: pack}
    )
    summary.timeliness = timeliness_by_unit(
        pack,
        period,
        summary.completeness,
        submissions,
        _first_sent(kept, in_period),
    )
    log.info(
        "consolidated %s: %d used, %d refused, %d set aside",
        period,
        len(kept),
        sum(1 for r in received if r.status == "refused"),
        len(superseded) + len(duplicates) + sum(1 for r in received if r.status == "other_period"),
    )
    return Consolidation(summary=summary, received=received)


def unit_attachments(kept: Sequence[ReceivedWorkbook]) -> list[UnitAttachment]:
    """Every evidence file of the kept submissions with what the verifier found."""
    found: list[UnitAttachment] = []
    for r in kept:
        report = r.result.attachments
        if r.data is None or report is None:
            continue
        for check in report.checks:
            found.append(
                UnitAttachment(
                    unit=r.data.unit,
                    file=check.file,
                    status=check.status,
                    detail=check.detail,
                    # the file as received now (a cached verdict may name an earlier copy)
                    package=r.path if report.package is not None else None,
                    member=check.member,
                )
            )
    return found


def _first_sent(kept: list[ReceivedWorkbook], in_period: list[ReceivedWorkbook]) -> dict[Any, Any]:
    """Each kept unit's first sending among the files received (its earliest signed export):
    a unit that reported on time and corrected later did not report late."""
    from ecodesk.consolidation.timeliness import SentAt

    first: dict[Any, Any] = {}
    units = {unit_id(r.data.unit) for r in kept if r.data}
    for r in sorted(in_period, key=lambda r: r.revision or 0):
        key = unit_id(r.data.unit) if r.data else None
        if key in units and key not in first and r.status != "conflict":
            first[key] = SentAt(r.exported_at, r.late_reason)
    return first


def attach_review(consolidation: Consolidation, sent: Sequence[FeedbackEntry]) -> None:
    """Give each unit of the summary its review state (未收到 … 已采用) from the office's
    record of the feedback it sent for the period, and state what the totals use."""
    from ecodesk.review.state import review_of, totals_basis

    summary = consolidation.summary
    valid = [r for r in consolidation.received if r.valid and r.data is not None]
    units = [row.unit for row in summary.completeness] or summary.units
    for unit in units:
        mine = [r for r in valid if unit_id(r.data.unit) == unit_id(unit)]  # type: ignore[union-attr]
        summary.review[unit_id(unit)] = review_of(
            unit,
            [r.data for r in mine if r.data is not None],
            {r.revision: r.digest for r in mine if r.revision is not None},
            [e for e in sent if summary.period is None or e.period == summary.period],
        )
    summary.totals_basis = totals_basis()


def write_summary(consolidation: Consolidation, out_path: Path, *, force: bool = True) -> Path:
    """Write the consolidated workbook (replaces ``out_path`` only with a complete file, and
    only when ``force``)."""
    from ecodesk.consolidation.writer import write_summary_workbook

    return write_summary_workbook(consolidation.summary, Path(out_path), force=force)


def as_submission(
    consolidation: Consolidation, unit: UnitProfile, period: Period, revision: int
) -> SubmissionData:
    """The consolidating unit's own submission (to check, sign and send up the chain)."""
    from ecodesk.consolidation.chain import as_submission as chain_submission

    return chain_submission(consolidation.summary, unit, period, revision)


class NoUnitProfile(EcoDeskError):
    """The consolidating unit has not filled in who it is yet."""


@dataclass(frozen=True)
class Replacement:
    """An entry the unit already filled in that adopting the consolidation would overwrite."""

    key: str  # "form:field", "form:section" or "form:table"
    current: str
    new: str


@dataclass(frozen=True)
class AdoptionPlan:
    """What :func:`adopt_into_store` would write, for the person to confirm before it happens."""

    unit: UnitProfile
    period: Period
    revision: int
    signed: bool  # the revision is signed: adopting is refused until a new revision is made
    values: int  # figures the consolidation provides
    narratives: int  # narrative sections it provides
    tables: int  # tables it provides
    warnings: int  # accepted warnings carried with their explanations
    replaced_values: list[Replacement]  # figures the unit has that differ from the consolidation's
    replaced_narratives: list[Replacement]
    replaced_tables: list[Replacement]  # current / new are row counts
    forms_added: list[str]  # forms added to those the unit reports on
    # Units consolidated that are not under this unit: another county's workbooks in a county's
    # consolidation (the city, 360700, consolidates every division). Named so the person can stop.
    other_divisions: list[str] = field(default_factory=list)


def _adoption(store, consolidation: Consolidation, period: Period | None):  # type: ignore[no-untyped-def]
    profile = store.profile()
    if profile is None:
        raise NoUnitProfile(
            tr(
                "consolidation",
                "还没有填写本单位信息，无法把汇总结果作为本单位的报送。请先在“单位信息”中填写。",
            )
        )
    period = period or consolidation.period
    if period is None:
        raise NothingToConsolidate(
            tr("consolidation", "汇总结果没有报送期，无法写入本单位的报送。")
        )
    current = store.load(period)
    return period, current, as_submission(consolidation, profile, period, current.revision)


def _replaced(current: dict[str, str], new: dict[str, str]) -> list[Replacement]:
    return [
        Replacement(key, current[key], text)
        for key, text in new.items()
        if current.get(key, "").strip() and current[key] != text
    ]


def plan_adoption(
    store, consolidation: Consolidation, period: Period | None = None
) -> AdoptionPlan:  # type: ignore[no-untyped-def]
    """What adopting ``consolidation`` into the unit's submission would replace; writes nothing."""
    period, current, built = _adoption(store, consolidation, period)
    responsible = store.responsible_forms()
    return AdoptionPlan(
        unit=current.unit,
        period=period,
        revision=current.revision,
        signed=current.status == "signed",
        values=len(built.values),
        narratives=len(built.narratives),
        tables=len(built.tables),
        warnings=len(built.accepted),
        replaced_values=_replaced(current.values, built.values),
        replaced_narratives=_replaced(current.narratives, built.narratives),
        replaced_tables=[
            Replacement(key, str(len(current.tables[key])), str(len(rows)))
            for key, rows in built.tables.items()
            if current.tables.get(key) and current.tables[key] != rows
        ],
        forms_added=[f for f in built.forms if f not in responsible],
        other_divisions=other_divisions(current.unit, consolidation),
    )


def other_divisions(unit: UnitProfile, consolidation: Consolidation) -> list[str]:
    """Names of consolidated units outside ``unit``'s own division (none for the city)."""
    from ecodesk.forms.rules import CITY_DIVISION_CODE

    if unit.division_code == CITY_DIVISION_CODE:
        return []
    names = [
        s.unit.display_name
        for s in consolidation.summary.submissions
        if s.unit.division_code != unit.division_code
    ]
    return list(dict.fromkeys(names))


def adopt_into_store(
    store, consolidation: Consolidation, period: Period | None = None
) -> SubmissionData:  # type: ignore[no-untyped-def]
    """Put the consolidation into the unit's own editable submission, to complete, sign and send.

    What the consolidation provides (totals, joined narratives and tables, carried warnings)
    replaces those entries; whatever the unit typed itself for anything else stays, so a
    department's resent workbook can be consolidated again without losing the county's own
    answers (every change is in the audit log). The forms consolidated are added to the forms
    the unit reports on. Raises the store's ``SubmissionFrozen`` when the revision is signed.
    :func:`plan_adoption` says beforehand what would be replaced.
    """
    from ecodesk.store.errors import SubmissionFrozen

    period, current, built = _adoption(store, consolidation, period)
    if current.status == "signed":  # refused before anything, the list of forms included, changes
        raise SubmissionFrozen(period.label, current.revision)
    forms = list(dict.fromkeys([*store.responsible_forms(), *built.forms]))
    store.set_responsible_forms(forms)
    accepted = {a.problem_id: a for a in current.accepted}
    accepted.update({a.problem_id: a for a in built.accepted})
    merged = replace(
        current,
        values={**current.values, **built.values},
        narratives={**current.narratives, **built.narratives},
        tables={**current.tables, **built.tables},
        accepted=list(accepted.values()),
    )
    store.write_submission(merged)
    log.info("consolidation of %s adopted into the store (%d values)", period, len(built.values))
    return store.load(period)
