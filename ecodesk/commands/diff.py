"""``ecodesk diff OLD.xlsx NEW.xlsx --keys REGISTRY``: what changed between two revisions of one unit."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, cast

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

if TYPE_CHECKING:
    from ecodesk.signing.registry import KeyRegistry
    from ecodesk.submission import SubmissionData


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "diff",
        help=tr("cli", "比较同一单位两个修订版的差异"),
        description=tr(
            "cli",
            "先验证两个报送工作簿，再列出每一处变化：指标值（旧 → 新）、修改过的章节文字和表格行。"
            "两个文件须是同一单位同一报送期的报送。",
        ),
    )
    parser.add_argument("old", metavar="OLD.xlsx", help=tr("cli", "较早的修订版"))
    parser.add_argument("new", metavar="NEW.xlsx", help=tr("cli", "较新的修订版"))
    parser.add_argument(
        "--keys", metavar="REGISTRY", required=True, help=tr("cli", "密钥登记文件夹")
    )
    parser.set_defaults(func=run)


def _verified(path: str, registry: KeyRegistry) -> SubmissionData:
    from pathlib import Path

    from ecodesk.services.verify import verify_workbook
    from ecodesk.workbook.reader import SignedWorkbook

    result = verify_workbook(Path(path), registry)
    if not result.ok or result.kind != "submission":
        raise EcoDeskError(
            tr("cli", "只能比较验证有效的报送工作簿：{message}", message=result.message)
        )
    workbook = cast(SignedWorkbook, result.workbook)
    assert workbook.data is not None  # valid means the records made a submission
    return workbook.data


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.forms.loader import bundled_pack
    from ecodesk.review.diff import diff_submissions
    from ecodesk.signing.registry import KeyRegistry

    registry = KeyRegistry.load(Path(args.keys))
    old, new = _verified(args.old, registry), _verified(args.new, registry)
    if (old.unit.division_code, old.unit.department, old.period) != (
        new.unit.division_code,
        new.unit.department,
        new.period,
    ):
        raise EcoDeskError(
            tr(
                "cli",
                "两个文件不是同一单位同一报送期的报送（{a} {pa}；{b} {pb}），无法比较。",
                a=old.unit.display_name,
                pa=old.period.label,
                b=new.unit.display_name,
                pb=new.period.label,
            )
        )
    changes = diff_submissions(bundled_pack(), old, new)
    print(
        tr(
            "cli",
            "{unit} {period}：第{old}版 → 第{new}版，{n} 处变化。",
            unit=new.unit.display_name,
            period=new.period.label,
            old=old.revision,
            new=new.revision,
            n=len(changes),
        )
    )
    empty = tr("cli", "（空）")
    for c in changes:
        if c.kind == "value":
            print(f"  {c.form} {c.label}（{c.key}）：{c.old or empty} → {c.new or empty}")
        else:
            print(f"  {c.form} {c.label}（{c.key}）：")
            print(tr("cli", "    旧：{text}", text=_short(c.old) or empty))
            print(tr("cli", "    新：{text}", text=_short(c.new) or empty))
    return 0
