"""``ecodesk pack show|check|build|sign|diff|install|keygen``: form packs the city signs and sends.

For the city's form designers: ``check`` a folder of YAML (the program's own loader, messages
``file:line: problem``), ``build`` it into a pack file, ``sign`` that with the city's key,
``diff`` two versions. For a county: ``show`` the pack in use, ``install`` the one the city
sent (verified, the changes listed, confirmed), ``install --undo`` to go back.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecodesk.commands._arguments import add_force_argument
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "pack",
        help=tr("cli", "表单包：查看、检查、生成、签名、比较、安装"),
        description=tr(
            "cli",
            "市里签名下发的表单包（行动方案目录、表单、校验规则）。签名口令由环境变量 "
            "ECODESK_PASSPHRASE 提供，否则在终端中询问。",
        ),
    )
    sub = parser.add_subparsers(dest="pack_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help=tr("cli", "显示正在使用的表单包（或一个表单包文件）"))
    show.add_argument("file", nargs="?", metavar="FILE", help=tr("cli", "表单包文件"))
    show.set_defaults(func=run_show)
    check = sub.add_parser(
        "check", help=tr("cli", "检查表单包文件夹（错误按 文件:行 列出，有错时退出码非 0）")
    )
    check.add_argument("directory", metavar="DIR", help=tr("cli", "表单包文件夹（pack.yaml 所在）"))
    check.set_defaults(func=run_check)
    build = sub.add_parser("build", help=tr("cli", "把表单包文件夹生成一个（未签名的）表单包文件"))
    build.add_argument("directory", metavar="DIR", help=tr("cli", "表单包文件夹"))
    build.add_argument("--out", metavar="FILE", required=True, help=tr("cli", "输出的表单包文件"))
    add_force_argument(build)
    build.set_defaults(func=run_build)
    sign = sub.add_parser("sign", help=tr("cli", "用市里的表单包密钥签名表单包文件"))
    sign.add_argument("file", metavar="FILE", help=tr("cli", "表单包文件（就地签名）"))
    sign.add_argument(
        "--key",
        metavar="DIR",
        required=True,
        help=tr("cli", "市里的表单包密钥文件夹（ecodesk pack keygen 生成）"),
    )
    sign.add_argument(
        "--new-anchor",
        metavar="ANCHOR.json",
        help=tr("cli", "更换市里的表单包密钥：新密钥的公钥文件（用旧密钥签名的表单包带上新密钥）"),
    )
    sign.set_defaults(func=run_sign)
    diff = sub.add_parser("diff", help=tr("cli", "比较两个表单包（文件夹或表单包文件）"))
    diff.add_argument("old", metavar="OLD", help=tr("cli", "旧的表单包"))
    diff.add_argument("new", metavar="NEW", help=tr("cli", "新的表单包"))
    diff.set_defaults(func=run_diff)
    install = sub.add_parser(
        "install", help=tr("cli", "安装市里下发的表单包（先核验签名并列出变化）")
    )
    install.add_argument("file", nargs="?", metavar="FILE", help=tr("cli", "表单包文件"))
    install.add_argument("--yes", action="store_true", help=tr("cli", "不再询问，直接确认安装"))
    install.add_argument(
        "--undo", action="store_true", help=tr("cli", "撤销上一次表单包更新，恢复原来的表单包")
    )
    install.set_defaults(func=run_install, writes_data=True)
    keygen = sub.add_parser(
        "keygen",
        help=tr("cli", "（市里）创建表单包签名密钥，在离线的签名电脑上运行"),
    )
    keygen.add_argument("--out", metavar="DIR", required=True, help=tr("cli", "密钥文件夹"))
    keygen.add_argument(
        "--name",
        default="赣州市生态文明建设领导小组办公室 表单包签名密钥",
        help=tr("cli", "密钥名称"),
    )
    keygen.set_defaults(func=run_keygen)


def _utf8_stdout() -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")


def _load_any(path: Path):  # type: ignore[no-untyped-def]
    """A pack folder or a pack file: its FormPack and its files (for diffs)."""
    from ecodesk.forms.loader import content_digest, load_pack_files, read_pack_folder
    from ecodesk.packs.bundle import read_pack_file

    if path.is_dir():
        files = read_pack_folder(path)
        return load_pack_files(files, source=path, digest=content_digest(files)), files
    pack_file = read_pack_file(path)
    return pack_file.pack, pack_file.files


def run_show(args: argparse.Namespace) -> int:
    from ecodesk.packs.installed import active_pack_info
    from ecodesk.packs.trust import current_anchor, shipped_anchor
    from ecodesk.paths import resolve_data_dir
    from ecodesk.signing.keys import group_fingerprint

    _utf8_stdout()
    data_dir = resolve_data_dir(args.data_dir)
    anchor = current_anchor(data_dir, shipped_anchor())
    if args.file:
        from ecodesk.packs.bundle import read_pack_file
        from ecodesk.packs.trust import verify_pack

        pack_file = read_pack_file(Path(args.file))
        pack = pack_file.pack
        try:
            verify_pack(pack_file, anchor)
            verdict = tr("cli", "签名有效（市里的表单包密钥）")
        except EcoDeskError as exc:
            verdict = str(exc)
        print(tr("cli", "表单包文件：{path}", path=args.file))
        print(tr("cli", "生成时间：{when}", when=pack_file.manifest.created))
        print(tr("cli", "签名：{verdict}", verdict=verdict))
    else:
        info = active_pack_info(data_dir)
        pack = info.pack
        source = tr("cli", "市里下发、已安装") if info.installed else tr("cli", "程序自带")
        print(tr("cli", "正在使用的表单包：{source}", source=source))
    print(tr("cli", "方案：{title}", title=pack.catalog.plan.title))
    years = pack.catalog.plan.years
    print(tr("cli", "年度：{first}—{last}", first=years[0], last=years[-1]))
    print(
        tr(
            "cli",
            "编号：{id}  版本：{version}  发布：{released}",
            id=pack.manifest.id,
            version=pack.version,
            released=pack.manifest.released,
        )
    )
    print(tr("cli", "内容摘要：{digest}", digest=pack.digest))
    print(tr("cli", "表单：{n} 张", n=len(pack.forms)))
    print(tr("cli", "市里表单包密钥指纹：{fp}", fp=group_fingerprint(anchor.fingerprint)))
    if not args.file:
        _show_retired(data_dir)
    return 0


def _show_retired(data_dir: Path) -> None:
    from ecodesk.store import Store

    if not (data_dir / "ecodesk.sqlite3").exists():
        return
    with Store.open(data_dir) as store:
        if store.profile() is None:
            return
        data = store.load(store.current_period())
    if data.retired:
        print(
            tr(
                "cli",
                "{period} 中已停用的字段（值保留在本机，不再导出）：",
                period=data.period.label,
            )
        )
        for key, text in sorted(data.retired.items()):
            print(f"  {key} = {text}  [{tr('cli', '已停用')}]")


def run_check(args: argparse.Namespace) -> int:
    from ecodesk.forms.loader import FormDefinitionError, load_pack

    _utf8_stdout()
    directory = Path(args.directory)
    if not (directory / "pack.yaml").is_file():
        raise EcoDeskError(
            tr("cli", "{dir} 不是表单包文件夹（其中没有 pack.yaml）。", dir=directory)
        )
    try:
        pack = load_pack(directory)
    except FormDefinitionError as exc:
        print(f"{directory / exc.file_line}", file=sys.stderr)
        return 1
    print(
        tr(
            "cli",
            "表单包 {version} 检查通过：{n} 张表单，内容摘要 {digest}",
            version=pack.version,
            n=len(pack.forms),
            digest=pack.digest[:16],
        )
    )
    return 0


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise EcoDeskError(tr("cli", "文件 {path} 已存在；如要覆盖，请加 --force。", path=path))


def run_build(args: argparse.Namespace) -> int:
    from ecodesk.forms.loader import FormDefinitionError
    from ecodesk.packs.bundle import build_pack_file

    out = Path(args.out)
    _refuse_existing(out, args.force)
    try:
        built = build_pack_file(Path(args.directory), out)
    except FormDefinitionError as exc:
        print(f"{Path(args.directory) / exc.file_line}", file=sys.stderr)
        return 1
    print(
        tr(
            "cli",
            "已生成表单包 {path}（版本 {version}，{n} 个文件，未签名）。用 ecodesk pack sign 签名后下发。",
            path=out,
            version=built.pack.version,
            n=len(built.files),
        )
    )
    return 0


def _city_key(folder: Path):  # type: ignore[no-untyped-def]
    from ecodesk.commands.keys import _passphrase
    from ecodesk.signing.keys import PASSPHRASE_ENV, KeyStore

    if folder.is_file():  # the key file itself: <DIR>/keys/signing-key.json
        folder = folder.parent.parent
    store = KeyStore(folder)
    return store.unlock(_passphrase(PASSPHRASE_ENV, tr("cli", "市里表单包密钥的口令：")))


def run_sign(args: argparse.Namespace) -> int:
    from ecodesk.packs.bundle import sign_pack_file
    from ecodesk.packs.trust import read_anchor
    from ecodesk.signing.keys import group_fingerprint

    new_anchor = read_anchor(Path(args.new_anchor)).public_key if args.new_anchor else None
    key = _city_key(Path(args.key))
    signed = sign_pack_file(Path(args.file), key, new_anchor=new_anchor)
    print(
        tr(
            "cli",
            "已签名表单包 {path}（版本 {version}），签名指纹 {fp}",
            path=args.file,
            version=signed.pack.version,
            fp=group_fingerprint(key.fingerprint),
        )
    )
    if new_anchor is not None:
        print(
            tr(
                "cli",
                "此表单包把市里的表单包密钥更换为 {fp}：安装后各县只接受新密钥签名的表单包。",
                fp=group_fingerprint(read_anchor(Path(args.new_anchor)).fingerprint),
            )
        )
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from ecodesk.packs.diff import diff_packs

    _utf8_stdout()
    old, old_files = _load_any(Path(args.old))
    new, new_files = _load_any(Path(args.new))
    for line in diff_packs(old, new, old_files, new_files).lines():
        print(line)
    return 0


def _confirmed(yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise EcoDeskError(
            tr("cli", "请确认后再安装：加 --yes，或在终端中运行以回答确认问题。没有作任何更改。")
        )
    answer = input(tr("cli", "确认安装这个表单包？[y/N] "))
    return answer.strip().lower() in ("y", "yes", "是")


def run_install(args: argparse.Namespace) -> int:
    from ecodesk.packs.installed import commit_install, prepare_install, undo_install
    from ecodesk.packs.trust import shipped_anchor
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    _utf8_stdout()
    data_dir = resolve_data_dir(args.data_dir)
    if args.undo:
        if args.file:
            raise EcoDeskError(tr("cli", "撤销时不需要给出表单包文件。"))
        with Store.open(data_dir) as store:
            pack = undo_install(data_dir, shipped_anchor(), store)
        print(tr("cli", "已撤销表单包更新，现在使用表单包 {version}。", version=pack.version))
        return 0
    if not args.file:
        raise EcoDeskError(tr("cli", "请给出要安装的表单包文件，或用 --undo 撤销上一次更新。"))
    plan = prepare_install(data_dir, Path(args.file), shipped_anchor())
    for line in plan.diff.lines():
        print(line)
    if plan.rotates_anchor:
        print(tr("cli", "注意：此表单包更换了市里的表单包密钥，以后只接受新密钥签名的表单包。"))
    if not _confirmed(args.yes):
        print(tr("cli", "未安装，没有作任何更改。"))
        return 1
    with Store.open(data_dir) as store:
        pack = commit_install(plan, store)
    print(
        tr(
            "cli",
            "已安装表单包 {version}。已填写的数据都保留；如需恢复原来的表单包：ecodesk pack install --undo",
            version=pack.version,
        )
    )
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    import json

    from ecodesk.commands.keys import _passphrase
    from ecodesk.packs.trust import anchor_document
    from ecodesk.signing.keys import PASSPHRASE_ENV, KeyStore, group_fingerprint

    out = Path(args.out)
    key = KeyStore(out).create(
        _passphrase(
            PASSPHRASE_ENV, tr("cli", "设置表单包密钥口令（至少 8 个字符）："), confirm=True
        )
    )
    anchor = out / "city-anchor.json"
    anchor.write_text(
        json.dumps(anchor_document(key.public_key, args.name), ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    print(tr("cli", "已创建表单包签名密钥，指纹：{fp}", fp=group_fingerprint(key.fingerprint)))
    print(
        tr(
            "cli",
            "公钥文件 {anchor} 随下一版程序发布（ecodesk/packs/city-anchor.json），"
            "或用 ecodesk pack sign --new-anchor 以旧密钥签名下发。密钥文件夹请离线保管，不要复制到县里的电脑。",
            anchor=anchor,
        )
    )
    return 0
