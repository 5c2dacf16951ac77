"""``ecodesk feedback import FILE [--yes]`` / ``show [--period P] [--json]`` / ``answer ID TEXT``.

At the unit: import the receiver's feedback (审核意见书), see its queries, answer them.
"""

from __future__ import annotations

import argparse
import json
import sys

from ecodesk.commands._arguments import add_period_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "feedback",
        help=tr("cli", "上级的审核意见：导入、查看查询、答复"),
        description=tr(
            "cli",
            "导入上级（县牵头办或市里）签名的审核意见书，查看其中的查询并逐条答复。"
            "被退回或有查询时自动新建修订版；全部答复后才能再次签名导出。",
        ),
    )
    sub = parser.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help=tr("cli", "导入审核意见书"))
    imp.add_argument("file", metavar="FEEDBACK.xlsx", help=tr("cli", "审核意见书"))
    imp.add_argument("--yes", action="store_true", help=tr("cli", "不再询问，直接导入"))
    imp.set_defaults(func=run_import, writes_data=True)
    show = sub.add_parser("show", help=tr("cli", "列出收到的审核意见和查询"))
    add_period_argument(show, tr("cli", "只列出这一报送期（默认：全部）"))
    show.add_argument("--json", action="store_true", help=tr("cli", "以 JSON 输出"))
    show.set_defaults(func=run_show)
    answer = sub.add_parser("answer", help=tr("cli", "答复一条查询"))
    answer.add_argument(
        "id", metavar="ID", type=int, help=tr("cli", "查询编号（见 feedback show）")
    )
    answer.add_argument("text", metavar="TEXT", help=tr("cli", "答复内容"))
    answer.set_defaults(func=run_answer, writes_data=True)


def _ask(question: str) -> bool:
    print(question, end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        return False
    return answer.strip().lower() in ("y", "yes", "是")


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ecodesk.paths import resolve_data_dir
    from ecodesk.review.model import decision_label
    from ecodesk.services.review import apply_feedback, check_feedback
    from ecodesk.store import Store

    data_dir = resolve_data_dir(args.data_dir)
    with Store.open(data_dir) as store:
        checked = check_feedback(store, data_dir, Path(args.file))
        fb = checked.feedback
        print(checked.message)
        if fb.decision == "return":
            print(tr("cli", "退回原因：{reason}", reason=fb.reason))
        for n, q in enumerate(fb.queries, start=1):
            print(
                tr(
                    "cli",
                    "  查询{n}  {label}（{key}）：{question}",
                    n=n,
                    label=q.label,
                    key=q.key,
                    question=q.question,
                )
            )
        if not args.yes and not _ask(tr("cli", "确认导入？[y/N] ")):
            print(tr("cli", "未导入，本机数据没有任何改动。"))
            return 1
        entry = apply_feedback(store, checked)
    print(
        tr(
            "cli",
            "已导入审核意见：{period}第{revision}版，{decision}。",
            period=entry.period.label,
            revision=entry.revision,
            decision=decision_label(entry.decision),
        )
    )
    if entry.opened_revision is not None:
        print(
            tr(
                "cli",
                "已新建第{new}版用于更正和答复；请用 ecodesk feedback show 查看查询，"
                "ecodesk feedback answer 编号 内容 逐条答复，然后重新签名导出。",
                new=entry.opened_revision,
            )
        )
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.review.model import decision_label
    from ecodesk.store import Store
    from ecodesk.store.feedback import feedback_entries

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        entries = feedback_entries(store, "received", args.period)
    if args.json:
        doc = [
            {
                "period": str(e.period),
                "revision": e.revision,
                "decision": e.decision,
                "reason": e.reason,
                "reviewer": e.reviewer,
                "issued_at": e.issued_at.isoformat(),
                "digest": e.digest,
                "opened_revision": e.opened_revision,
                "queries": [
                    {
                        "id": q.id,
                        "n": q.n,
                        "key": q.key,
                        "label": q.label,
                        "value": q.value,
                        "question": q.question,
                        "answer": q.answer,
                        "state": q.state,
                    }
                    for q in e.queries
                ],
            }
            for e in entries
        ]
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(tr("cli", "还没有导入过审核意见。"))
    for e in entries:
        print(
            tr(
                "cli",
                "{period}第{revision}版  {reviewer}  {when}  {decision}",
                period=e.period.label,
                revision=e.revision,
                reviewer=e.reviewer,
                when=e.issued_at.strftime("%Y-%m-%d %H:%M"),
                decision=decision_label(e.decision),
            )
        )
        if e.reason:
            print(tr("cli", "  退回原因：{reason}", reason=e.reason))
        for q in e.queries:
            print(
                tr(
                    "cli",
                    "  [{id}] {state}  {label}（{key}）：{question}",
                    id=q.id,
                    state=q.state,
                    label=q.label,
                    key=q.key,
                    question=q.question,
                )
            )
            if q.answer:
                print(tr("cli", "        答复：{answer}", answer=q.answer))
    return 0


def run_answer(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store
    from ecodesk.store.feedback import answer_query

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        q = answer_query(store, args.id, args.text)
    print(tr("cli", "已答复查询 {id}（{label}）。", id=q.id, label=q.label))
    return 0
