"""Write a PDF so that a failure never leaves a half file or destroys the previous one."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


class ReportWriteError(EcoDeskError):
    """The PDF could not be written where the user asked."""


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
def atomic_pdf(out_path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out_path``; move it into place only if the body succeeds.

    Built beside the target so the final rename stays on one file system; an existing PDF
    (perhaps open in a reader) is replaced only by a complete new one.
    """
    out_path = Path(out_path)
    folder = out_path.parent
    if not folder.is_dir():
        raise ReportWriteError(
            tr("printing", "文件夹“{folder}”不存在，请先创建它或另选保存位置。", folder=folder)
        )
    if out_path.is_dir():
        raise ReportWriteError(
            tr("printing", "“{path}”是一个文件夹，请给出要保存的 PDF 文件名。", path=out_path)
        )
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".ecodesk-", suffix=".pdf.part", dir=folder)
    except OSError as exc:
        log.warning("cannot create a file in %s: %s", folder, exc)
        raise ReportWriteError(
            tr(
                "printing",
                "无法在文件夹“{folder}”中保存文件（没有写入权限或磁盘已满），请另选保存位置。",
                folder=folder,
            )
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private; a PDF is meant to be shared like any file the user saves.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, out_path)
        except OSError as exc:
            log.warning("cannot replace %s: %s", out_path, exc)
            raise ReportWriteError(
                tr(
                    "printing",
                    "无法写入“{path}”：文件可能正被其他程序（如 PDF 阅读器）打开。请关闭它后重试，或另存为其他文件名。",
                    path=out_path,
                )
            ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def copy_pdf(source: Path, target: Path) -> Path:
    """Copy a finished PDF to ``target`` with the same guarantees: whole, or not at all."""
    with atomic_pdf(target) as tmp:
        shutil.copyfile(source, tmp)
    return Path(target)
