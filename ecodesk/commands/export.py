"""``ecodesk export [--period P] --out FILE.xlsx|FILE.zip``: check, sign and export a period's submission.

With evidence files (``ecodesk attach``) the export is one package ``FILE.zip`` (the signed
workbook and the files under ``附件/``); asked for ``FILE.xlsx``, it writes ``FILE.zip`` next to
it instead and says so (one file to upload, never a workbook without its evidence).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ecodesk import clock
from ecodesk.commands._arguments import add_force_argument, add_period_argument
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "export",
        help=tr("cli", "签名导出报送工作簿（.xlsx），有附件时导出报送包（.zip）"),
        description=tr(
            "cli",
            "检查并签名导出一个报送期的数据；导出后该版数据冻结。第一次签名时创建签名密钥。"
            "有附件（佐证材料）时导出为一个报送包 .zip（签名报表和“附件”文件夹）；"
            "给出 .xlsx 文件名时，报送包写在同一位置、同名的 .zip 中。"
            "口令取自环境变量 ECODESK_PASSPHRASE，否则在终端中询问。",
        ),
    )
    add_period_argument(parser)
    parser.add_argument(
        "--out",
        metavar="FILE.xlsx|FILE.zip",
        required=True,
        help=tr("cli", "输出文件（或放入的文件夹，文件名按单位和报送期自动取）"),
    )
    parser.add_argument(
        "--late-reason",
        metavar="TEXT",
        default="",
        help=tr("cli", "迟报原因：在截止日期之后导出时必须写明，随签名数据一起报送"),
    )
    add_force_argument(parser)
    parser.set_defaults(func=run, writes_data=True)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.export import LateReasonRequired, export_lateness, export_submission
    from ecodesk.signing.keys import KeyStore, group_fingerprint, passphrase_from_env
    from ecodesk.store import Store

    out = Path(args.out).expanduser()
    if not out.is_dir() and out.suffix.lower() not in (".xlsx", ".zip"):
        raise EcoDeskError(
            tr(
                "cli",
                "输出文件名应以 .xlsx 结尾（有附件时为报送包 .zip），例如 宁都县2026年度.xlsx。",
            )
        )
    data_dir = resolve_data_dir(args.data_dir)
    with Store.open(data_dir) as store:
        period = args.period or store.current_period()
        late = export_lateness(store, period, clock.now())
        if late is not None and late.needs_reason and not args.late_reason.strip():
            # said before the passphrase is asked for, not after it was typed in vain
            raise LateReasonRequired(period, late.due, late.days_late)
        passphrase = passphrase_from_env()
        if passphrase is None:
            if not sys.stdin.isatty():
                raise EcoDeskError(
                    tr(
                        "cli",
                        "需要签名口令：请设置环境变量 ECODESK_PASSPHRASE，或在终端中运行以输入口令。",
                    )
                )
            first = not KeyStore(data_dir).has_key()
            passphrase = getpass.getpass(
                tr("cli", "设置签名口令（至少 8 个字符）：") if first else tr("cli", "签名口令：")
            )
        result = export_submission(
            store,
            period,
            out,
            passphrase=passphrase,
            data_dir=data_dir,
            force=args.force,
            late_reason=args.late_reason,
        )
    if result.created_key:
        print(
            tr(
                "cli",
                "已创建本单位签名密钥。请用 ecodesk keys export-public 导出登记文件报上级登记。",
            )
        )
    if result.asked_for is not None:
        print(
            tr(
                "cli",
                "本版有 {n} 个附件，已导出为报送包（签名报表和附件在同一个 .zip 中），"
                "没有单独写 {asked}。",
                n=result.attachments,
                asked=result.asked_for.name,
            )
        )
    print(
        tr(
            "cli",
            "已签名导出 {period} 第{revision}版：{path}",
            period=period.label,
            revision=result.revision,
            path=result.path,
        )
    )
    if result.attachments:
        print(
            tr("cli", "报送包中有 {n} 个附件，请把这一个 .zip 文件整体上报。", n=result.attachments)
        )
    print(tr("cli", "签名密钥指纹：{fp}", fp=group_fingerprint(result.fingerprint)))
    print(tr("cli", "数据摘要：{digest}", digest=result.digest))
    return 0
