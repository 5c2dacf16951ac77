"""``ecodesk verify FILE… --keys REGISTRY``: one line per file; exit 0 only if every file is valid."""

from __future__ import annotations

import argparse

from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify",
        help=tr("cli", "验证收到的签名报表"),
        description=tr(
            "cli",
            "逐个验证报送工作簿或审核意见书的签名、可见内容和签名密钥登记，并说明读到的是哪一种文件。"
            "全部有效时退出码为 0，否则为 1。",
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help=tr("cli", "要验证的 .xlsx 文件"))
    parser.add_argument(
        "--keys", metavar="REGISTRY", required=True, help=tr("cli", "密钥登记文件夹")
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help=tr("cli", "列出每个文件的详细情况")
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.packs.installed import active_pack
    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.verify import pack_mismatch, verify_workbook
    from ecodesk.signing.registry import KeyRegistry

    registry = KeyRegistry.load(Path(args.keys))
    # the receiver's own form pack: a workbook made under another one is said so on its line
    pack = active_pack(resolve_data_dir(args.data_dir))
    all_valid = True
    for name in args.files:
        result = verify_workbook(Path(name), registry, receiver_pack=pack)
        all_valid &= result.ok
        kind = f"{result.kind_label} " if result.kind else ""
        print(f"[{result.label}] {kind}{name}: {result.message}")
        data = getattr(result.workbook, "data", None)
        notes = (
            pack_mismatch(data, pack) if data is not None and result.kind == "submission" else []
        )
        if args.verbose or not result.ok:
            for line in result.details:
                print(f"    {line}")
        else:
            for line in notes:
                print(f"    {line}")
    return 0 if all_valid else 1
