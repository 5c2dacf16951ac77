"""``ecodesk consolidate FILE…|DIR --keys REGISTRY -o SUMMARY.xlsx [--period P]``.

Exit status: 0 when every file was used or rightly set aside (an older revision, a copy of the
same signed data, another period); 1 when at least one file was refused or two different signed
files claim the same unit, period and revision (a conflict: that unit is left out; the summary is
still written from the rest, and the files are listed with the reason); 2 when nothing could be
consolidated or the summary could not be written.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ecodesk.commands._arguments import add_force_argument, add_period_argument
from ecodesk.i18n import tr

if TYPE_CHECKING:
    from ecodesk.services.consolidate import Consolidation


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "consolidate",
        help=tr("cli", "验证并汇总收到的签名报表"),
        description=tr(
            "cli",
            "逐个验证收到的工作簿，拒收无效的文件并说明原因；每个单位每个报送期只采用最新的有效修订版；"
            "生成汇总表（完成情况、各指标分单位数值和合计、目标和上年对比、提示说明、图表）。"
            "退出码：0 全部采用或正常搁置；1 有文件被拒收（汇总表仍会生成）；2 无法汇总或无法保存。",
        ),
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="FILE|DIR",
        help=tr("cli", "收到的 .xlsx 工作簿，或存放它们的文件夹"),
    )
    parser.add_argument(
        "--keys", metavar="REGISTRY", required=True, help=tr("cli", "密钥登记文件夹")
    )
    parser.add_argument(
        "-o", "--output", metavar="SUMMARY.xlsx", required=True, help=tr("cli", "汇总表保存位置")
    )
    add_period_argument(parser, tr("cli", "报送期，如 2026 或 2026Q3（默认：文件中最新的报送期）"))
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.consolidation.labels import file_status_label
    from ecodesk.consolidation.model import unit_id
    from ecodesk.consolidation.writer import check_output_path
    from ecodesk.output import OutputExists
    from ecodesk.paths import resolve_data_dir
    from ecodesk.services.consolidate import consolidate, expand_paths, write_summary
    from ecodesk.services.verify_cache import PersistentVerifyCache

    period = args.period
    out = check_output_path(Path(args.output))  # before minutes of verifying, not after
    if out.exists() and not args.force:
        raise OutputExists(out)
    # the summary may be saved into the folder being consolidated: never read it back as input
    inputs = [p for p in expand_paths(args.paths) if p.resolve() != out.resolve()]
    from ecodesk.packs.installed import active_pack, known_packs

    data_dir = resolve_data_dir(args.data_dir)
    # verdicts of files seen before (same bytes, same registry) come from the data folder
    cache = PersistentVerifyCache(data_dir)
    try:
        result = consolidate(
            inputs,
            Path(args.keys),
            period=period,
            pack=active_pack(data_dir),
            known_packs=known_packs(data_dir),
            cache=cache,
        )
    finally:
        cache.close()
    summary = result.summary

    print(
        tr(
            "cli",
            "收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。",
            n=len(result.received),
            used=len(result.used),
            refused=len(result.refused),
            aside=len(result.set_aside),
        )
    )
    for item in result.refused:
        print(
            tr(
                "cli",
                "  [拒收：{label}] {name}：{reason}",
                label=item.result.label,
                name=item.path.name,
                reason=item.reason,
            )
        )
    for item in result.conflicts:
        print(
            tr(
                "cli",
                "  [版本冲突，未汇总] {name}：{reason}",
                name=item.path.name,
                reason=item.reason,
            )
        )
    for item in result.warnings:
        print(tr("cli", "  [注意] {name}：{warning}", name=item.path.name, warning=item.warning))
    for item in result.set_aside:
        print(
            tr(
                "cli",
                "  [{label}] {name}：{reason}",
                label=file_status_label(item.status),
                name=item.path.name,
                reason=item.reason,
            )
        )
    if not summary.submissions:
        print(
            tr("cli", "错误：没有可以汇总的有效工作簿，未生成汇总表。请让报送单位重新签名报送。"),
            file=sys.stderr,
        )
        return 2
    missing = [row.unit.division_name for row in summary.completeness if not row.received]
    print(
        tr(
            "cli",
            "报送期：{period}；汇总单位 {units} 个；指标 {indicators} 项。",
            period=summary.period.label if summary.period else "",
            units=len(summary.submissions),
            indicators=len(summary.indicators),
        )
    )
    if missing:
        print(tr("cli", "未收到报送：{names}", names="、".join(missing)))
    for other in summary.other_packs:
        print(tr("cli", "表单包：{sentence}", sentence=other.sentence()))
    for row in summary.completeness:
        timeliness = summary.timeliness.get(unit_id(row.unit))
        if timeliness is not None and timeliness.state == "late":
            print(
                tr(
                    "cli",
                    "  报送时效：{unit} {text}",
                    unit=row.unit.display_name or row.unit.division_name,
                    text=timeliness.text,
                )
            )
    _review_states(args, result)
    path = write_summary(result, out, force=args.force)
    print(tr("cli", "汇总表已保存：{path}", path=path))
    if result.refused:
        print(
            tr("cli", "注意：有 {n} 个文件被拒收，请联系相关单位重新报送。", n=len(result.refused))
        )
    if result.conflicts:
        print(
            tr(
                "cli",
                "注意：有 {n} 个文件版本冲突（同一单位同一版本却是不同的签名数据），"
                "这些单位未汇总，请向其核实实际报送的是哪一份。",
                n=len(result.conflicts),
            )
        )
    evidence = [r for r in result.used if r.result.status == "attachments_bad"]
    if evidence:
        print(
            tr(
                "cli",
                "注意：有 {n} 份报送的附件缺失或与签名不符（见上面的“注意”），请向相关单位索取完整的报送包。",
                n=len(evidence),
            )
        )
    return 1 if result.refused or result.conflicts or evidence else 0


def _review_states(args: argparse.Namespace, result: Consolidation) -> None:
    """Each unit's review state from this office's record of the feedback it sent."""
    from ecodesk.consolidation.model import unit_id
    from ecodesk.paths import resolve_data_dir
    from ecodesk.review.state import unit_state_label
    from ecodesk.services.consolidate import attach_review
    from ecodesk.store import Store
    from ecodesk.store.feedback import feedback_entries

    summary = result.summary
    with Store.open(resolve_data_dir(args.data_dir)) as store:
        attach_review(result, feedback_entries(store, "sent", summary.period))
    for row in summary.completeness:
        review = summary.review.get(unit_id(row.unit))
        if review is None or (review.state == "未收到" and review.feedback is None):
            continue  # the list of missing units is printed above
        print(
            tr(
                "cli",
                "  审核状态：{unit} {state}{revision}",
                unit=row.unit.display_name or row.unit.division_name,
                state=unit_state_label(review.state),
                revision=tr("cli", "（第{n}版）", n=review.revision) if review.revision else "",
            )
        )
    print(summary.totals_basis)
