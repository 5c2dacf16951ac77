"""``ecodesk print``: write the printable submission sheet (PDF)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ecodesk.commands._arguments import add_force_argument, add_period_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "print",
        help=tr("cli", "生成报送单 PDF（供单位负责人签字盖章）"),
        description=tr(
            "cli",
            "把一期报送生成为 A4 报送单 PDF。已签名的版本印有签名指纹和二维码；未签名的版本每页标明“草稿”。",
        ),
    )
    add_period_argument(parser)
    parser.add_argument(
        "--revision", metavar="N", type=int, help=tr("cli", "版本号（默认：最新版本）")
    )
    parser.add_argument(
        "--out",
        metavar="FILE.pdf",
        required=True,
        help=tr("cli", "要保存的 PDF 文件（或放入的文件夹）"),
    )
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.printing import print_submission
    from ecodesk.store import Store

    period = args.period
    out = Path(args.out).expanduser()
    if not out.is_dir() and out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    with Store.open(resolve_data_dir(args.data_dir)) as store:
        period = period or store.current_period()
        if out.is_dir():
            out = out / tr("cli", "报送单_{period}.pdf", period=period)
        written = print_submission(store, period, out, revision=args.revision, force=args.force)
        signed = store.signature(period, store.load(period, args.revision).revision) is not None
    state = tr("cli", "已签名") if signed else tr("cli", "草稿，未签名")
    print(tr("cli", "报送单已保存：{path}（{state}）", path=written, state=state))
    return 0
