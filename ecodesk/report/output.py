"""Write a PDF so that a failure never leaves a half file or destroys the previous one."""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.output import OutputFile

log = logging.getLogger(__name__)


class ReportLayoutError(EcoDeskError):
    """Some content cannot be laid out on a page (e.g. one table cell longer than a page)."""


def build_story(doc: Any, story: list[Any], **kwargs: Any) -> None:
    """``doc.build`` with reportlab's layout failure turned into a sentence for the clerk."""
    from reportlab.platypus.doctemplate import LayoutError

    try:
        doc.build(story, **kwargs)
    except LayoutError as exc:
        log.warning("layout failed: %s", exc)
        raise ReportLayoutError(
            tr(
                "printing",
                "有一段内容太长，一页纸放不下，无法生成 PDF。请缩短过长的文字（例如表格中的某一格）后再试。",
            )
        ) from exc


@contextlib.contextmanager
def atomic_pdf(out_path: Path, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``out_path``; move it into place only if the body succeeds.

    See :class:`ecodesk.output.OutputFile`: an existing PDF (perhaps open in a reader) is
    replaced only by a complete new one, and only when ``force``.
    """
    with OutputFile(out_path, force=force) as output:
        yield output.tmp


def copy_pdf(source: Path, target: Path, *, force: bool = True) -> Path:
    """Copy a finished PDF to ``target`` with the same guarantees: whole, or not at all."""
    with atomic_pdf(target, force=force) as tmp:
        shutil.copyfile(source, tmp)
    return Path(target)
