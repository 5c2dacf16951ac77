"""``ecodesk attach KEY FILE --note TEXT`` / ``attachments [--period P] [--json]`` / ``detach ID``.

Evidence files (佐证材料) on the current period's draft: attach one to a form (``1.1``), an
indicator (``1.1:tech_invest``) or a table row (``1.1:projects#2``); list them with their
numbers; take one off (``detach ID --undo`` puts it back). The files travel in the export's
package (``ecodesk export --out X.zip``).
"""

from __future__ import annotations

import argparse
import json

from ecodesk.commands._arguments import add_period_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    attach = subparsers.add_parser(
        "attach",
        help=tr("cli", "添加附件（佐证材料）"),
        description=tr(
            "cli",
            "把一个文件作为佐证材料附在表单、指标或表格的一行上，并写一句说明。"
            "可添加 PDF、JPEG/PNG 图片、Word/Excel（docx、xlsx、doc、xls）、WPS（wps、et）和 OFD 文件；"
            "文件复制进数据文件夹，删除原文件不影响。签名导出时附件随报表一起签名，导出为报送包 .zip。",
        ),
    )
    attach.add_argument(
        "key",
        metavar="KEY",
        help=tr(
            "cli", "附在哪里：表单（1.1）、指标（1.1:指标代码）或表格的一行（1.1:表格代码#行号）"
        ),
    )
    attach.add_argument("file", metavar="FILE", help=tr("cli", "要添加的文件"))
    attach.add_argument(
        "--note", metavar="TEXT", required=True, help=tr("cli", "说明（必填，如“项目验收报告”）")
    )
    add_period_argument(attach)
    attach.set_defaults(func=run_attach, writes_data=True)

    listing = subparsers.add_parser(
        "attachments",
        help=tr("cli", "列出附件"),
        description=tr(
            "cli", "列出一个报送期最新版本的附件：编号、位置、文件名、类型、大小、说明。"
        ),
    )
    add_period_argument(listing)
    listing.add_argument("--json", action="store_true", help=tr("cli", "以 JSON 输出"))
    listing.add_argument(
        "--all", action="store_true", help=tr("cli", "也列出已删除（可撤销删除）的附件")
    )
    listing.set_defaults(func=run_list)

    detach = subparsers.add_parser(
        "detach",
        help=tr("cli", "删除附件"),
        description=tr(
            "cli",
            "从草稿中删除一个附件（编号见 ecodesk attachments）；已签名的版本不能删除。"
            "删除可以撤销：ecodesk detach 编号 --undo。",
        ),
    )
    detach.add_argument("id", metavar="ID", type=int, help=tr("cli", "附件编号"))
    detach.add_argument("--undo", action="store_true", help=tr("cli", "撤销删除，恢复该附件"))
    detach.set_defaults(func=run_detach, writes_data=True)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def run_attach(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.attachments import attach, place_label
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        period = args.period or store.current_period()
        made = attach(store, period, args.key, Path(args.file).expanduser(), args.note)
        label = place_label(store.pack, made.key)
    print(
        tr(
            "cli",
            "已添加附件 [{id}] {name}（{kind}，{size}）到 {period}第{revision}版 {label}。",
            id=made.id,
            name=made.name,
            kind=made.file_kind.label,
            size=_size(made.size),
            period=period.label,
            revision=made.revision,
            label=label,
        )
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ecodesk.attachments import list_attachments, place_label
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        period = args.period or store.current_period()
        found = list_attachments(store, period, include_removed=args.all)
        labels = {a.key: place_label(store.pack, a.key) for a in found}
    if args.json:
        doc = [
            {
                "id": a.id,
                "period": str(a.period),
                "revision": a.revision,
                "key": a.key,
                "label": labels[a.key],
                "name": a.name,
                "type": a.kind,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
                "note": a.note,
                "added_at": a.added_at.isoformat(),
                "added_by": a.added_by,
                "removed": a.removed_at is not None,
            }
            for a in found
        ]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(tr("cli", "{period}还没有附件。", period=period.label))
        return 0
    for a in found:
        removed = tr("cli", "（已删除）") if a.removed_at is not None else ""
        print(
            tr(
                "cli",
                "[{id}]{removed} {label}：{name}（{kind}，{size}，SHA-256 {short}）— {note}",
                id=a.id,
                removed=removed,
                label=labels[a.key],
                name=a.name,
                kind=a.file_kind.label,
                size=_size(a.size),
                short=a.short_hash,
                note=a.note,
            )
        )
    return 0


def run_detach(args: argparse.Namespace) -> int:
    from ecodesk.attachments import detach, restore
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        if args.undo:
            done = restore(store, args.id)
            print(tr("cli", "已恢复附件 [{id}] {name}。", id=done.id, name=done.name))
        else:
            done = detach(store, args.id)
            print(
                tr(
                    "cli",
                    "已删除附件 [{id}] {name}；如需恢复：ecodesk detach {id} --undo",
                    id=done.id,
                    name=done.name,
                )
            )
    return 0
