"""``ecodesk import-previous FILE``: last year's signed workbook or the city's baseline table → this year's baseline."""

from __future__ import annotations

import argparse
import sys

from ecodesk.commands._arguments import add_period_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import-previous",
        help=tr("cli", "导入上年数据（签名工作簿或上年基数表）作为本年的上年值"),
        description=tr(
            "cli",
            "先验证并预览，确认后一次写入（记入操作日志，可撤销）。上年签名工作簿需经签名验证；"
            "签名人未登记或文件属于其他单位时，必须确认（--yes）后才导入。",
        ),
    )
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help=tr("cli", "上年签名工作簿或上年基数表（.xlsx）")
    )
    parser.add_argument("--dry-run", action="store_true", help=tr("cli", "只预览，不写入任何数据"))
    parser.add_argument(
        "--yes",
        action="store_true",
        help=tr("cli", "不再询问，直接导入（包括签名人未登记、其他单位的文件）"),
    )
    parser.add_argument(
        "--keys",
        metavar="REGISTRY",
        help=tr("cli", "密钥登记文件夹（未在设置中指定 key_registry 时使用）"),
    )
    add_period_argument(parser, tr("cli", "导入到哪个报送期（默认当前报送期），如 2026"))
    parser.add_argument(
        "--keep-existing",
        action="store_true",
        help=tr("cli", "已有上年值与文件不同时保留已有值，只补充空缺"),
    )
    parser.add_argument(
        "--no-carry-over",
        action="store_true",
        help=tr("cli", "不把上年未完成的项目带入本年表格，不保留下步计划参考"),
    )
    parser.add_argument(
        "--all", action="store_true", help=tr("cli", "预览中也列出与已有值相同的项")
    )
    parser.add_argument("--undo", metavar="ID", help=tr("cli", "撤销编号为 ID 的导入"))
    parser.set_defaults(func=run, writes_data=True)


def _ask(question: str) -> bool:
    print(question, end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes", "是")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.errors import EcoDeskError
    from ecodesk.importing.render import render_preview, render_result
    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.import_previous import apply_import, preview_import, undo_import
    from ecodesk.store import Store

    if not args.file and not args.undo:
        raise EcoDeskError(
            tr("cli", "请指定要导入的文件，例如：ecodesk import-previous 2025年报送.xlsx")
        )
    with Store.open(resolve_data_dir(args.data_dir)) as store:
        if args.undo:
            undo_import(store, args.undo)
            print(tr("cli", "已撤销导入 {id}，恢复为导入前的上年值和表格。", id=args.undo))
            return 0
        period = args.period or store.current_period()
        preview = preview_import(
            store,
            Path(args.file),
            period=period,
            registry_dir=Path(args.keys) if args.keys else None,
        )
        print("\n".join(render_preview(preview, show_same=args.all)))
        if args.dry_run:
            print(tr("cli", "\n试运行（--dry-run）：没有写入任何数据。"))
            return 0
        if not preview.choice_keys():
            print(tr("cli", "\n文件中的上年值与本机已有的完全相同，没有需要导入的内容。"))
            return 0
        if preview.other_unit and not args.yes:
            print(
                tr(
                    "cli",
                    "\n未导入：该文件属于{other}（{code}），不是本单位的。确属需要时请加 --yes 再运行。",
                    other=preview.source_unit_name,
                    code=preview.source_unit_code,
                ),
                file=sys.stderr,
            )
            return 1
        if not args.yes:
            question = tr("cli", "\n确认导入以上内容？[y/N] ")
            if preview.unknown_signer:
                question = tr(
                    "cli",
                    "\n签名人不在密钥登记中。确认这是可信的上年文件并导入？（将记入操作日志）[y/N] ",
                )
            if not _ask(question):
                print(tr("cli", "未导入，本机数据没有任何改动。"))
                return 1
        choices: dict[str, bool] = {}
        if args.keep_existing:
            choices.update(preview.keep_all_existing())
        if args.no_carry_over:
            choices.update({c.key: False for c in preview.carry_over})
            choices.update({p.key: False for p in preview.plan_references})
        result = apply_import(
            store,
            preview,
            choices=choices,
            confirm_unknown_signer=True,
            confirm_other_unit=preview.other_unit,
        )
        print(render_result(result))
    return 0
