"""``ecodesk people list|add|roles|password|remove|on|off``: the office's people and roles.

The first person of a store is its head (单位负责人), created without signing in; every later
change is made by a head signed in with ``--user``. Passwords come from the terminal (asked
twice), or for scripts from ``ECODESK_NEW_PASSWORD``; the signed-in person's own password from
``ECODESK_PASSWORD``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "people",
        help=tr("cli", "人员和角色：填报人、审核人、单位负责人"),
        description=tr(
            "cli",
            "管理本单位的人员和角色。第一个账号必须是单位负责人，不需要登录即可建立；"
            "之后由单位负责人用 --user 登录后添加人员、调整角色、重设口令。"
            "新口令在终端中输入两次，脚本可用环境变量 ECODESK_NEW_PASSWORD。",
        ),
    )
    sub = parser.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=tr("cli", "列出人员和角色"))
    listing.add_argument("--all", action="store_true", help=tr("cli", "包括已停用的人员"))
    listing.set_defaults(func=run_list)
    add = sub.add_parser("add", help=tr("cli", "添加一个人员"))
    add.add_argument("name", metavar="NAME", help=tr("cli", "姓名（登录时使用）"))
    _role_argument(add)
    add.set_defaults(func=run_add, writes_data=True)
    roles = sub.add_parser("roles", help=tr("cli", "调整一个人员的角色"))
    roles.add_argument("name", metavar="NAME", help=tr("cli", "姓名"))
    _role_argument(roles)
    roles.set_defaults(func=run_roles, writes_data=True)
    password = sub.add_parser(
        "password",
        help=tr("cli", "修改本人口令，或（单位负责人）重设他人口令"),
    )
    password.add_argument(
        "name", metavar="NAME", nargs="?", help=tr("cli", "姓名（默认：--user 本人）")
    )
    password.set_defaults(func=run_password, writes_data=True)
    remove = sub.add_parser("remove", help=tr("cli", "停用一个人员（修改记录中保留其姓名）"))
    remove.add_argument("name", metavar="NAME", help=tr("cli", "姓名"))
    remove.set_defaults(func=run_remove, writes_data=True)
    on = sub.add_parser("on", help=tr("cli", "启用人员和角色（本机 SQLite 数据）"))
    on.set_defaults(func=run_switch, switch_on=True, writes_data=True)
    off = sub.add_parser("off", help=tr("cli", "关闭人员和角色（本机 SQLite 数据，单位负责人）"))
    off.set_defaults(func=run_switch, switch_on=False, writes_data=True)


def _role_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        action="append",
        required=True,
        metavar="ROLE",
        help=tr("cli", "角色：填报人、审核人、单位负责人（可重复，一人可兼多个角色）"),
    )


def _new_password(name: str) -> str:
    from ecodesk.store.people import NEW_PASSWORD_ENV

    given = os.environ.get(NEW_PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise EcoDeskError(
            tr(
                "cli",
                "需要 {name} 的新口令：请设置环境变量 ECODESK_NEW_PASSWORD，或在终端中运行以输入口令。",
                name=name,
            )
        )
    first = getpass.getpass(tr("cli", "{name} 的新口令（至少 8 个字符）：", name=name))
    again = getpass.getpass(tr("cli", "再输入一次："))
    if first != again:
        raise EcoDeskError(tr("cli", "两次输入的口令不一致，没有保存。"))
    return first


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    return Store.open(resolve_data_dir(args.data_dir))


def run_list(args: argparse.Namespace) -> int:
    from ecodesk.store.people import list_people, people_required

    with _open(args) as store:
        found = list_people(store, include_inactive=args.all)
        required = people_required(store)
    if not found:
        print(tr("cli", "还没有人员账号。"))
    for person in found:
        state = "" if person.active else tr("cli", "（已停用）")
        print(f"{person.name}\t{person.roles_text}{state}")
    print(
        tr("cli", "人员和角色：已启用，每人需登录。")
        if required
        else tr("cli", "人员和角色：未启用（单人使用，不需登录）。")
    )
    return 0


def run_add(args: argparse.Namespace) -> int:
    from ecodesk.store.people import add_person, has_people, parse_role, roles_label

    roles = [parse_role(r) for r in args.role]
    with _open(args) as store:
        first = not has_people(store)
        person = add_person(store, args.name, roles, _new_password(args.name.strip()))
    print(tr("cli", "已添加 {name}：{roles}", name=person.name, roles=roles_label(person.roles)))
    if first:
        print(
            tr("cli", "这是第一个账号：人员和角色已启用，今后每人需登录（命令行用 --user 姓名）。")
        )
    return 0


def run_roles(args: argparse.Namespace) -> int:
    from ecodesk.store.people import parse_role, set_roles

    with _open(args) as store:
        person = set_roles(store, args.name, [parse_role(r) for r in args.role])
    print(tr("cli", "{name} 的角色：{roles}", name=person.name, roles=person.roles_text))
    return 0


def run_password(args: argparse.Namespace) -> int:
    from ecodesk.store.people import set_password

    with _open(args) as store:
        if store.person is None:
            raise EcoDeskError(tr("cli", "请用 --user 姓名 登录后再修改口令。"))
        name = args.name or store.person.name
        own = name.strip() == store.person.name
        old = os.environ.get("ECODESK_PASSWORD") if own else None
        if own and not old:
            old = getpass.getpass(tr("cli", "原口令："))
        set_password(store, name, _new_password(name), old_password=old)
    print(tr("cli", "{name} 的口令已修改。", name=name))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from ecodesk.store.people import deactivate

    with _open(args) as store:
        deactivate(store, args.name)
    print(tr("cli", "已停用 {name}，不能再登录；修改记录中仍保留其姓名。", name=args.name))
    return 0


def run_switch(args: argparse.Namespace) -> int:
    from ecodesk.store.people import set_people_enabled

    with _open(args) as store:
        set_people_enabled(store, args.switch_on)
    print(
        tr("cli", "人员和角色已启用，今后每人需登录。")
        if args.switch_on
        else tr("cli", "人员和角色已关闭：不需登录，导出不需单位内审核。")
    )
    return 0
