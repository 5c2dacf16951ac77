"""``ecodesk template baseline --out FILE.xlsx``: the blank 上年基数表 the city fills and sends to the counties."""

from __future__ import annotations

import argparse

from ecodesk import clock
from ecodesk.commands._arguments import add_force_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("template", help=tr("cli", "生成空白模板（上年基数表）"))
    kinds = parser.add_subparsers(dest="template_kind", metavar="KIND", required=True)
    baseline = kinds.add_parser(
        "baseline",
        help=tr("cli", "上年基数表：每个指标一行，每个县（市、区）一列"),
        description=tr(
            "cli", "生成市级填写的上年基数表。各县用“ecodesk import-previous 文件”导入本县一列。"
        ),
    )
    baseline.add_argument(
        "--out",
        required=True,
        metavar="FILE.xlsx",
        help=tr("cli", "保存到的文件（或放入的文件夹）"),
    )
    add_force_argument(baseline)
    baseline.add_argument(
        "--year",
        type=int,
        default=clock.today().year - 1,
        help=tr("cli", "数据所属年度（默认上一年）"),
    )
    baseline.set_defaults(func=run_baseline)


def run_baseline(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.forms.loader import bundled_pack
    from ecodesk.services.template import make_baseline_template

    path = make_baseline_template(
        bundled_pack(), Path(args.out).expanduser(), year=args.year, force=args.force
    )
    print(tr("cli", "已生成上年基数表：{path}（{year}年度）", path=path, year=args.year))
    return 0
