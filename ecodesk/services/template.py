"""The city's blank 上年基数表 (baseline template), for the window and ``ecodesk template baseline``."""

from __future__ import annotations

from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr

FIRST_YEAR, LAST_YEAR = 2000, 2100


def make_baseline_template(pack: FormPack, out: Path, *, year: int, force: bool = False) -> Path:
    """Write the template for the figures of ``year`` to ``out`` (an .xlsx, or a folder to put
    it in); refuses a bad name or year, and says in Chinese why the file could not be written."""
    from ecodesk.importing.template import write_baseline_template

    out = Path(out)
    if out.is_dir():
        out = out / tr("cli", "上年基数表{year}.xlsx", year=year)
    if out.suffix.lower() != ".xlsx":
        raise EcoDeskError(tr("cli", "请用 .xlsx 作为文件扩展名，例如 --out 上年基数表.xlsx"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise EcoDeskError(tr("cli", "年度 {year} 不对，请填写四位年份，例如 2025。", year=year))
    try:
        return write_baseline_template(pack, out, year=year, force=force)
    except OSError as exc:
        raise EcoDeskError(
            tr(
                "cli",
                "无法写入 {path}：{reason}。请换一个文件夹或关闭正在打开该文件的 Excel。",
                path=out,
                reason=exc.strerror or exc,
            )
        ) from None
