"""``ecodesk catalog [--json]``: the plan, its targets and the county duties, as a tree or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ecodesk.i18n import tr


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help=tr("catalog", "显示行动方案的目标、重点任务、指标和各地专项任务"),
        description=tr(
            "catalog", "显示行动方案的目标、重点任务、牵头部门、指标目标值和各地专项任务。"
        ),
    )
    parser.add_argument(
        "--json", action="store_true", help=tr("catalog", "以 JSON 输出全部内容（供其他程序使用）")
    )
    parser.set_defaults(func=run)


def _utf8_stdout() -> None:
    """A Windows console defaults to GBK/cp437; Chinese and box characters need UTF-8."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    import json

    from ecodesk.forms.catalog_doc import catalog_document, catalog_tree
    from ecodesk.packs.installed import active_pack
    from ecodesk.paths import resolve_data_dir

    pack = active_pack(resolve_data_dir(args.data_dir))
    _utf8_stdout()
    if args.json:
        json.dump(catalog_document(pack), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(catalog_tree(pack))
    return 0
