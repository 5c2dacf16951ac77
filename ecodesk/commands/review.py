"""``ecodesk review SUBMISSION.xlsx --keys REGISTRY [--accept | --return REASON] [--query KEY TEXT]... --out FEEDBACK.xlsx``.

The receiving office (a county lead office for its departments, the city for the counties)
reviews one received submission and signs a feedback file (审核意见书) for the unit.
``--suggest`` lists the ready-made questions instead (the checks the program already knows).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ecodesk.commands._arguments import add_force_argument
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "review",
        help=tr("cli", "审核收到的报送：查询、退回或采用，生成签名的审核意见书"),
        description=tr(
            "cli",
            "先验证报送（只有有效的报送才能审核），再用本单位的签名密钥生成审核意见书。"
            "KEY 的写法：表单（1.1）、指标（1.1:字段，见 ecodesk catalog --json）、"
            "章节（1.1:progress）、表格单元格（1.1:表格#行.列），* 表示整份报表。"
            "--suggest 列出程序已知的检查（与上年相比变化大、落后于方案目标）作为可用的查询。"
            "口令取自环境变量 ECODESK_PASSPHRASE，否则在终端中询问。",
        ),
    )
    parser.add_argument("submission", metavar="SUBMISSION.xlsx", help=tr("cli", "收到的报送工作簿"))
    parser.add_argument(
        "--keys", metavar="REGISTRY", required=True, help=tr("cli", "密钥登记文件夹")
    )
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--accept", action="store_true", help=tr("cli", "采用该报送"))
    decision.add_argument(
        "--return", dest="return_reason", metavar="REASON", help=tr("cli", "退回修改，并写明原因")
    )
    parser.add_argument(
        "--query",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "TEXT"),
        help=tr("cli", "对某一位置提出查询（可多次使用）"),
    )
    parser.add_argument("--out", metavar="FEEDBACK.xlsx", help=tr("cli", "输出的审核意见书"))
    parser.add_argument(
        "--suggest",
        action="store_true",
        help=tr("cli", "只列出建议的查询（位置和问题），不生成文件"),
    )
    parser.add_argument(
        "--peers",
        metavar="DIR",
        help=tr(
            "cli",
            "与 --suggest 一起用：收到的其他单位报表所在文件夹，列出与其他单位相差很大的数值",
        ),
    )
    add_force_argument(parser)
    parser.set_defaults(func=run, writes_data=True)


def _passphrase() -> str:
    from ecodesk.signing.keys import passphrase_from_env

    passphrase = passphrase_from_env()
    if passphrase is not None:
        return passphrase
    if not sys.stdin.isatty():
        raise EcoDeskError(
            tr("cli", "需要签名口令：请设置环境变量 ECODESK_PASSPHRASE，或在终端中运行以输入口令。")
        )
    return getpass.getpass(tr("cli", "签名口令："))


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.paths import resolve_data_dir
    from ecodesk.review.model import Decision, decision_label
    from ecodesk.services.review import ReviewRefused, review_submission, suggest_queries
    from ecodesk.signing.keys import group_fingerprint
    from ecodesk.store import Store

    data_dir = resolve_data_dir(args.data_dir)
    submission = Path(args.submission)
    if args.suggest:
        from ecodesk.forms.loader import bundled_pack
        from ecodesk.services.review import verified_submission

        wb = verified_submission(submission, Path(args.keys))
        peers = []
        if args.peers:
            from ecodesk.services.consolidate import expand_paths, verify_all

            files = [p for p in expand_paths([args.peers]) if p.resolve() != submission.resolve()]
            peers = [r.data for r in verify_all(files, Path(args.keys)) if r.valid and r.data]
        suggestions = suggest_queries(bundled_pack(), wb.data, peers)
        if not suggestions:
            print(tr("cli", "程序的检查没有发现需要查询的地方。"))
        for s in suggestions:
            print(f"{s.key}\t{s.question}")
        return 0
    if not args.out:
        raise ReviewRefused(tr("cli", "请用 --out 指定审核意见书的文件名（.xlsx）。"))
    decision: Decision | None = (
        "accept" if args.accept else "return" if args.return_reason is not None else None
    )
    with Store.open(data_dir) as store:
        result = review_submission(
            store,
            data_dir,
            submission,
            Path(args.keys),
            decision=decision,
            reason=args.return_reason or "",
            queries=[(k, t) for k, t in args.query],
            out_path=Path(args.out),
            passphrase=_passphrase(),
            force=args.force,
        )
    fb = result.feedback
    print(
        tr(
            "cli",
            "已生成审核意见书：{path}（{unit} {period}第{revision}版，{decision}，查询 {n} 条）",
            path=result.path,
            unit=fb.about.unit.display_name,
            period=fb.about.period.label,
            revision=fb.about.revision,
            decision=decision_label(fb.decision),
            n=len(fb.queries),
        )
    )
    print(tr("cli", "签名密钥指纹：{fp}", fp=group_fingerprint(result.fingerprint)))
    print(tr("cli", "请把审核意见书发给报送单位；对方须先登记本单位的密钥（ecodesk keys trust）。"))
    return 0
