"""``ecodesk keys show|create|export-public|rotate``: the unit's signing key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ecodesk.commands._arguments import add_force_argument
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

NEW_PASSPHRASE_ENV = "ECODESK_NEW_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "keys",
        help=tr("cli", "签名密钥：查看、创建、导出登记文件、更换"),
        description=tr(
            "cli",
            "本单位的签名密钥。口令可由环境变量 ECODESK_PASSPHRASE 提供（更换密钥时新口令用 "
            "ECODESK_NEW_PASSPHRASE），否则在终端中询问。",
        ),
    )
    sub = parser.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    sub.add_parser("show", help=tr("cli", "显示密钥指纹")).set_defaults(func=run_show)
    sub.add_parser(
        "create", help=tr("cli", "创建密钥（第一次签名导出时也会自动创建）")
    ).set_defaults(func=run_create, writes_data=True)
    export = sub.add_parser(
        "export-public",
        help=tr("cli", "导出密钥登记文件和登记表（PDF），报上级登记"),
    )
    export.add_argument("--out", metavar="DIR", required=True, help=tr("cli", "输出文件夹"))
    add_force_argument(export)
    export.set_defaults(func=run_export_public)
    rotate = sub.add_parser(
        "rotate",
        aliases=["replace"],
        help=tr("cli", "更换密钥（旧密钥签署的工作簿仍可验证）"),
    )
    rotate.add_argument(
        "--lost",
        action="store_true",
        help=tr("cli", "旧口令已遗忘：不验证旧口令，直接作废旧密钥"),
    )
    rotate.set_defaults(func=run_rotate, writes_data=True)
    trust = sub.add_parser(
        "trust",
        help=tr("cli", "登记上级（县牵头办、市里）的签名密钥，以便导入其审核意见"),
        description=tr(
            "cli",
            "登记上级的密钥登记文件（上级用 ecodesk keys export-public 生成）。"
            "登记前请把显示的指纹与上级盖章的纸质登记表逐组核对。",
        ),
    )
    trust.add_argument("registration", metavar="REGISTRATION.json", help=tr("cli", "密钥登记文件"))
    trust.set_defaults(func=run_trust, writes_data=True)


def _passphrase(env: str, prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise EcoDeskError(
            tr("cli", "需要签名口令：请设置环境变量 {env}，或在终端中运行以输入口令。", env=env)
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(tr("cli", "再输入一次：")) != first:
        raise EcoDeskError(tr("cli", "两次输入的口令不一致，未作更改。"))
    return first


def _keys(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ecodesk.paths import resolve_data_dir
    from ecodesk.signing.keys import KeyStore

    return KeyStore(resolve_data_dir(args.data_dir))


def run_show(args: argparse.Namespace) -> int:
    from ecodesk.signing.keys import NoSigningKey, group_fingerprint

    keys = _keys(args)
    if not keys.has_key():
        raise NoSigningKey()
    info = keys.info()
    print(tr("cli", "签名密钥指纹：{fp}", fp=group_fingerprint(info.fingerprint)))
    print(tr("cli", "创建时间：{when}", when=info.created.isoformat(sep=" ")))
    for old in keys.retired():
        print(
            tr(
                "cli",
                "已更换的旧密钥：{fp}（{when} 停用）",
                fp=group_fingerprint(old.fingerprint),
                when=old.retired.date().isoformat() if old.retired else "",
            )
        )
    return 0


def run_create(args: argparse.Namespace) -> int:
    from ecodesk.signing.keys import PASSPHRASE_ENV, group_fingerprint

    keys = _keys(args)
    key = keys.create(
        _passphrase(PASSPHRASE_ENV, tr("cli", "设置签名口令（至少 8 个字符）："), confirm=True)
    )
    print(tr("cli", "已创建签名密钥，指纹：{fp}", fp=group_fingerprint(key.fingerprint)))
    print(
        tr("cli", "请用 ecodesk keys export-public --out 文件夹 导出登记文件和登记表，报上级登记。")
    )
    return 0


def run_export_public(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.keys import export_public_key
    from ecodesk.signing.keys import NoSigningKey, group_fingerprint
    from ecodesk.store import Store

    data_dir = resolve_data_dir(args.data_dir)
    if not _keys(args).has_key():
        raise NoSigningKey()
    with Store.open(data_dir) as store:
        profile = store.profile()
    if profile is None:
        raise EcoDeskError(
            tr(
                "cli",
                "还没有填写单位信息，登记文件需要单位名称和代码：请先用 ecodesk profile 填写。",
            )
        )
    result = export_public_key(data_dir, profile, Path(args.out), force=args.force)
    print(tr("cli", "密钥登记文件：{path}", path=result.registration))
    print(tr("cli", "密钥登记表（请打印、签字盖章后报上级）：{path}", path=result.sheet))
    print(tr("cli", "指纹：{fp}", fp=group_fingerprint(result.fingerprint)))
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    from ecodesk.signing.keys import PASSPHRASE_ENV, group_fingerprint

    keys = _keys(args)
    old = None
    if keys.has_key() and not args.lost:
        old = _passphrase(PASSPHRASE_ENV, tr("cli", "当前签名口令："))
        keys.unlock(old)  # a wrong old passphrase stops here, before a new one is asked for
    new = _passphrase(
        NEW_PASSPHRASE_ENV, tr("cli", "新的签名口令（至少 8 个字符）："), confirm=True
    )
    key = keys.replace(new, old_passphrase=old)
    print(tr("cli", "已更换签名密钥，新指纹：{fp}", fp=group_fingerprint(key.fingerprint)))
    print(
        tr(
            "cli",
            "旧密钥签署的工作簿仍可验证。请重新导出登记文件（ecodesk keys export-public），报上级登记新密钥。",
        )
    )
    return 0


def run_trust(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.keys import trust_registration
    from ecodesk.signing.keys import group_fingerprint

    reg = trust_registration(resolve_data_dir(args.data_dir), Path(args.registration))
    print(tr("cli", "已登记 {unit} 的签名密钥。", unit=reg.display_unit))
    print(tr("cli", "指纹：{fp}", fp=group_fingerprint(reg.fingerprint)))
    print(
        tr(
            "cli",
            "请与该单位盖章的纸质密钥登记表上的指纹逐组核对；不一致时不要导入其审核意见。",
        )
    )
    return 0
