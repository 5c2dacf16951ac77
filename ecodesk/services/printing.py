"""Use case: print a submission (its latest or a given revision) as the PDF a unit head signs."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ecodesk.i18n import tr
from ecodesk.submission import Period, ProfileMissing

if TYPE_CHECKING:
    from ecodesk.store import Store

log = logging.getLogger(__name__)


def print_submission(
    store: Store,
    period: Period,
    out_path: Path,
    *,
    revision: int | None = None,
    force: bool = True,
) -> Path:
    """Write the submission sheet of ``period`` to ``out_path`` and return the path.

    A signed revision prints with its workbook's fingerprint and digest; anything else prints
    as a draft, marked as such on every page.
    """
    from ecodesk.report.sheet import write_submission_sheet
    from ecodesk.services.export import LateRecord, late_export_record

    if store.profile() is None:
        raise ProfileMissing(
            tr(
                "printing",
                "还没有填写本单位信息（单位、部门、填报人），报送单无法打印。请先在“单位信息”中填写。",
            )
        )
    data = store.load(period, revision)
    signature = store.signature(period, data.revision)
    fingerprint, digest = signature if signature else (None, None)
    late = late_export_record(store, period, data.revision) if signature else LateRecord()
    log.info(
        "printing %s revision %s (%s)", period, data.revision, "signed" if signature else "draft"
    )
    from ecodesk.store.office import signoff

    return write_submission_sheet(
        store.pack,
        data,
        Path(out_path),
        fingerprint=fingerprint,
        digest=digest,
        force=force,
        signoff=signoff(store, period, data.revision),
        due=late.due,
        late_reason=late.printed_reason,
    )


def print_for_preview(
    store: Store, period: Period, cache_dir: Path, *, revision: int | None = None
) -> Path:
    """Print into ``cache_dir`` under a fresh name, for a preview, and return the path.

    A fresh name because the previous one may still be open in a PDF reader (which locks it
    on Windows); the previous ones are removed when nothing holds them any more.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("*.pdf"):
        try:
            old.unlink()
        except OSError as exc:
            log.info("keeping %s for now: %s", old, exc)
    name = f"报送单_{period}_{datetime.now():%Y%m%d-%H%M%S-%f}.pdf"
    return print_submission(store, period, cache_dir / name, revision=revision)
