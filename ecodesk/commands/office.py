"""``ecodesk office status|review|return``: the office's own review of its forms before signing.

A 审核人 (signed in with ``--user``) marks forms 已审核 or returns one with a comment; only a
revision whose forms are all 已审核 can be signed, by the head (see :mod:`ecodesk.store.office`).
"""

from __future__ import annotations

import argparse

from ecodesk.commands._arguments import add_period_argument
from ecodesk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "office",
        help=tr("cli", "单位内审核：查看各表单的审核状态、审核通过、退回修改"),
        description=tr(
            "cli",
            "启用人员和角色后，审核人逐张审核表单（审核通过或退回修改并写明意见），"
            "全部审核通过后单位负责人才能签名导出。审核后再修改的表单需要重新审核。",
        ),
    )
    sub = parser.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    status = sub.add_parser("status", help=tr("cli", "列出各表单的审核状态"))
    add_period_argument(status)
    status.set_defaults(func=run_status)
    review = sub.add_parser("review", help=tr("cli", "审核通过（审核人）"))
    review.add_argument("forms", metavar="FORM", nargs="+", help=tr("cli", "表单代码，如 1.1"))
    add_period_argument(review)
    review.set_defaults(func=run_review, writes_data=True)
    back = sub.add_parser("return", help=tr("cli", "退回修改并写明意见（审核人）"))
    back.add_argument("form", metavar="FORM", help=tr("cli", "表单代码，如 1.1"))
    back.add_argument(
        "--comment", required=True, metavar="TEXT", help=tr("cli", "意见（填报人会看到）")
    )
    add_period_argument(back)
    back.set_defaults(func=run_return, writes_data=True)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store

    return Store.open(resolve_data_dir(args.data_dir))


def run_status(args: argparse.Namespace) -> int:
    from ecodesk.store.office import form_reviews, state_of

    with _open(args) as store:
        period = args.period or store.current_period()
        reviews = form_reviews(store, period)
        forms = store.responsible_forms()
        print(tr("cli", "{period}（当前版本）单位内审核：", period=period.label))
        for form in forms:
            review = state_of(reviews, form)
            who = ""
            if review.reviewer and review.at:
                who = tr(
                    "cli",
                    "（{person} {at}）",
                    person=review.reviewer,
                    at=review.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                )
            comment = f"：{review.comment}" if review.comment else ""
            print(f"  {form}\t{review.label}{who}{comment}")
    return 0


def run_review(args: argparse.Namespace) -> int:
    from ecodesk.store.office import review_form

    with _open(args) as store:
        period = args.period or store.current_period()
        for form in args.forms:
            review_form(store, period, form)
            print(tr("cli", "表 {form}：已审核", form=form))
    return 0


def run_return(args: argparse.Namespace) -> int:
    from ecodesk.store.office import return_form

    with _open(args) as store:
        period = args.period or store.current_period()
        return_form(store, period, args.form, args.comment)
    print(tr("cli", "表 {form}：已退回修改（{comment}）", form=args.form, comment=args.comment))
    return 0
