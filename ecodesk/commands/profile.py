"""``ecodesk profile``: show or change who reports (county, department, preparer, reviewer, phone)."""

from __future__ import annotations

import argparse
import dataclasses
import logging

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

FIELDS = ("department", "preparer", "reviewer", "head", "phone")


def field_labels() -> dict[str, str]:
    """The profile's fields as the user reads them (each literal visible to the translation tools)."""
    return {
        "department": tr("cli", "填报单位（部门）"),
        "preparer": tr("cli", "填报人"),
        "reviewer": tr("cli", "审核人"),
        "head": tr("cli", "单位负责人"),
        "phone": tr("cli", "联系电话"),
    }


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "profile",
        help=tr("cli", "查看或修改填报单位信息"),
        description=tr("cli", "不带参数时显示当前填报单位信息；带参数时修改对应项。"),
    )
    parser.add_argument("--county", metavar="CODE", help=tr("cli", "行政区划代码，如 360730"))
    for name, label in field_labels().items():
        parser.add_argument(f"--{name}", metavar="TEXT", help=label)
    parser.set_defaults(func=run, writes_data=True)


def run(args: argparse.Namespace) -> int:
    from ecodesk.paths import resolve_data_dir
    from ecodesk.store import Store
    from ecodesk.submission import UnitProfile

    with Store.open(resolve_data_dir(args.data_dir)) as store:
        profile = store.profile()
        changes = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
        if args.county is not None:
            try:
                division = store.pack.division(args.county)
            except KeyError:
                raise EcoDeskError(
                    tr(
                        "cli",
                        "区划代码 {code} 不在目录中，请用“ecodesk catalog”查看。",
                        code=args.county,
                    )
                ) from None
            changes.update(division_code=division.code, division_name=division.name)
        if changes:
            if profile is None and "division_code" not in changes:
                raise EcoDeskError(
                    tr("cli", "第一次填写单位信息时请用 --county 指定行政区划代码。")
                )
            started_from = profile  # (read just now: another PC's change meanwhile is asked)
            base = profile or UnitProfile(division_code="", division_name="", department="")
            profile = dataclasses.replace(base, **changes)
            store.save_profile(profile, based_on=started_from)
            print(tr("cli", "已保存。"))
        if profile is None:
            print(
                tr(
                    "cli",
                    "还没有填写单位信息。请用 ecodesk profile --county 代码 --department 部门 填写。",
                )
            )
            return 0
        print(
            tr(
                "cli",
                "行政区划：{name}（{code}）",
                name=profile.division_name,
                code=profile.division_code,
            )
        )
        for name, label in field_labels().items():
            print(f"{label}：{getattr(profile, name)}")
    return 0
