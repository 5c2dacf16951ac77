"""``ecodesk restore FILE [--yes]``: put a backup back, after checking it and keeping the current data."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ecodesk.i18n import tr

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "restore",
        help=tr("cli", "从备份文件恢复数据"),
        description=tr(
            "cli",
            "先检查备份文件是否完好、是否为 EcoDesk 数据，再替换当前数据；当前数据会先另存到 backups 文件夹。"
            "恢复前请关闭 EcoDesk 窗口。",
        ),
    )
    parser.add_argument("file", metavar="FILE", help=tr("cli", "备份文件"))
    parser.add_argument("--yes", action="store_true", help=tr("cli", "不再询问，直接恢复"))
    parser.set_defaults(func=run, writes_data=True)


def _confirm(question: str) -> bool:
    print(question, end=" ", flush=True)
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "是", "确定")


def run(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store.backup import describe_database, restore_database, schema_revision_of
    from ecodesk.store.engine import default_db_path

    source = Path(args.file).expanduser().resolve()
    db_path = default_db_path(resolve_data_dir(args.data_dir))
    schema_revision_of(source)  # refuses a damaged or foreign file before asking anything
    print(tr("cli", "备份文件：{path}", path=source))
    print(describe_database(source))
    if not args.yes and not _confirm(tr("cli", "用它替换当前数据吗？当前数据会先另存一份。[y/N]")):
        print(tr("cli", "未恢复，当前数据没有改动。"), file=sys.stderr)
        return 1
    kept = restore_database(db_path, source)
    print(tr("cli", "已恢复。数据文件：{path}", path=db_path))
    if kept:
        print(tr("cli", "恢复前的数据已另存为：{path}", path=kept))
    return 0
