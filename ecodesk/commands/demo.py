"""``ecodesk --data-dir DIR demo [--county CODE]``: a data folder filled with a county's realistic reporting."""

from __future__ import annotations

import argparse
import logging

from ecodesk.i18n import tr

log = logging.getLogger(__name__)

DEFAULT_COUNTY = "360730"  # 宁都县; kept here too so that --help needs no import of the generator


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo",
        help=tr("cli", "生成演示数据"),
        description=tr(
            "cli",
            "在一个空的数据文件夹中生成一个县（市、区）牵头部门的演示数据：往年已签名，当年已填好、可直接签名。"
            "请配合 --data-dir 使用，不要放进正式数据文件夹。",
        ),
    )
    parser.add_argument(
        "--county",
        metavar="CODE",
        default=DEFAULT_COUNTY,
        help=tr("cli", "行政区划代码（默认 360730 宁都县）"),
    )
    parser.set_defaults(func=run, writes_data=True)


def run(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.sample import fill_demo
    from ecodesk.store import Store

    data_dir = resolve_data_dir(args.data_dir)
    with Store.open(data_dir) as store:
        result = fill_demo(store, args.county)
        db_path = store.db_path
    years = "、".join(str(p.year) for p in result.periods if p != result.current)
    print(tr("cli", "已生成演示数据：{unit}", unit=result.profile.display_name))
    print(
        tr(
            "cli",
            "  {years}年度：已签名；{current}：已填完，{accepted} 条提示已写明说明，可直接签名。",
            years=years,
            current=result.current.label,
            accepted=result.accepted,
        )
    )
    if result.errors:
        print(tr("cli", "  注意：仍有 {n} 处错误未通过检查。", n=len(result.errors)))
    print(tr("cli", "数据文件夹：{path}", path=data_dir))
    print(tr("cli", "数据文件：{path}", path=db_path))
    return 0
