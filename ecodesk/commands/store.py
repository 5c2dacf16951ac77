"""``ecodesk store copy --to URL [--force]``: move an office's data to another database.

From the SQLite file to the office's PostgreSQL server, or back (the source is the database
this command would use: ``--database``, ``ECODESK_DATABASE_URL``, the saved address, or the
data folder's file). Every row is copied with its id; a target that already holds data is
refused unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import logging

from ecodesk.i18n import tr

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "store",
        help=tr("cli", "数据库维护：把全部数据复制到另一个数据库（换用服务器或换回本机文件）"),
        description=tr("cli", "数据库维护命令。"),
    )
    actions = parser.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy",
        help=tr("cli", "把当前数据库的全部数据复制到 --to 指定的数据库"),
        description=tr(
            "cli",
            "把当前使用的数据库（本机 SQLite 文件，或 --database 指定的服务器）中的全部数据"
            "（填报数据、各个版本、修改记录、设置、导入记录、签名密钥指纹）原样复制到另一个数据库。"
            "目标可以是 PostgreSQL 地址，也可以是 SQLite 文件路径。复制前请关闭所有 EcoDesk 窗口。",
        ),
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help=tr("cli", "目标数据库：postgresql://用户名:密码@服务器/数据库名，或 SQLite 文件路径"),
    )
    copy.add_argument(
        "--force",
        action="store_true",
        help=tr("cli", "目标数据库已有数据时也复制（覆盖目标中的全部数据）"),
    )
    copy.set_defaults(func=run_copy)


def run_copy(args: argparse.Namespace) -> int:
    from ecodesk.errors import EcoDeskError
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store
    from ecodesk.store.engine import display_url, normalize_url, sqlite_file_of
    from ecodesk.store.transfer import copy_store

    data_dir = resolve_data_dir(args.data_dir)
    target = normalize_url(args.to)
    with Store.open(data_dir) as store:  # checked and at the newest schema before it is copied
        source = store.engine.url.render_as_string(hide_password=False)
    if display_url(source) == display_url(target):
        raise EcoDeskError(tr("cli", "目标数据库就是当前使用的数据库，没有复制。"))
    report = copy_store(source, target, force=args.force, source_data_dir=data_dir)
    print(
        tr(
            "cli",
            "已复制 {n} 行数据：{source} → {target}",
            n=report.total,
            source=report.source,
            target=report.target,
        )
    )
    for table, count in report.rows.items():
        print(f"  {table}: {count}")
    if report.files and sqlite_file_of(target) is None:
        print(tr("cli", "另把 {n} 个附件文件存入了新数据库（各台电脑都能打开）。", n=report.files))
    elif report.files:
        print(tr("cli", "另复制了 {n} 个附件文件到新数据库所在的文件夹。", n=report.files))
    print(
        tr(
            "cli",
            "以后要使用新的数据库，请在“设置 → 数据库”中填写它的地址，或运行 ecodesk --database 地址。",
        )
    )
    return 0
