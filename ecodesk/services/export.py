"""Sign and export a period's submission: check, unlock (or create) the key, write, freeze.

The steps, in an order that never leaves a half-done state the user can't see:

1. load the latest revision; refuse if it is already signed (a correction is a new revision);
2. run the checks: any error refuses the export and lists what to fix;
3. unlock the key with the passphrase (the first signing creates it);
4. write the workbook to its final path (atomically);
5. freeze the revision in the store with the fingerprint and digest. If that fails the
   workbook is removed again, so no signed file exists for an unfrozen submission.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecodesk import __version__
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
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


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    digest: str
    revision: int
    created_key: bool = False


def export_submission(
    store: Any,
    period: Period,
    out_path: Path,
    *,
    passphrase: str,
    progress: Any = None,
    data_dir: Path | None = None,
) -> ExportResult:
    """Sign ``period``'s latest revision into ``out_path`` and freeze it in ``store``.

    ``data_dir`` is where the signing key lives (by default the folder of the store's
    database). Raises :class:`ExportRefused`, :class:`AlreadySigned`, :class:`ProfileMissing`
    or a key error (wrong or too short passphrase), each with a Chinese message.
    """
    from ecodesk.forms.rules import check_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.workbook.writer import write_signed_workbook

    pack = store.pack
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
    errors = [p for p in check_submission(pack, data) if p.severity == "error"]
    if errors:
        log.info("export of %s refused: %d errors", period, len(errors))
        raise ExportRefused(errors)

    keys = KeyStore(data_dir or store_data_dir(store))
    created = not keys.has_key()
    key = keys.unlock_or_create(passphrase)
    meta = ExportMeta(
        exported_at=datetime.now(UTC).astimezone().replace(microsecond=0),
        program_version=__version__,
        supersede_reason=_supersede_reason(store, period, data.revision),
    )
    out_path = Path(out_path)
    written = write_signed_workbook(pack, data, out_path, key=key, meta=meta, progress=progress)
    try:
        store.mark_signed(
            period,
            data.revision,
            fingerprint=written.fingerprint,
            digest=written.digest,
            workbook_path=str(out_path.resolve()),
        )
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
    log.info("exported %s rev %d to %s", period, data.revision, out_path)
    return ExportResult(out_path, written.fingerprint, written.digest, data.revision, created)


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
