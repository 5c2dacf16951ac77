"""``ecodesk backup [--out FILE]``: a consistent copy of the database, even while the window is open."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ecodesk.commands._arguments import add_force_argument
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "backup",
        help=tr("cli", "备份数据（窗口开着也可以）"),
        description=tr(
            "cli", "把数据文件完整复制一份。不指定 --out 时放在数据文件夹的 backups 中。"
        ),
    )
    parser.add_argument(
        "--out", metavar="FILE|DIR", help=tr("cli", "备份文件保存到哪里（文件，或放入的文件夹）")
    )
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store.backup import make_backup
    from ecodesk.store.engine import default_db_path

    db_path = default_db_path(resolve_data_dir(args.data_dir))
    out = Path(args.out).expanduser().resolve() if args.out else None
    made = make_backup(db_path, out, force=args.force)
    print(tr("cli", "已备份到：{path}", path=made))
    return 0
