"""Where an attachment belongs: a form, an indicator (or one of its parts) or a table row.

The key is spelt like every other key of the program (:mod:`ecodesk.forms.keys`):

* ``1.1`` — the whole form;
* ``1.1:tech_invest`` (an indicator) or ``G:forest.num`` (one part of it);
* ``1.1:projects#3`` — the third row of a table (rows counted from 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecodesk.attachments.errors import AttachmentRefused
from ecodesk.forms.keys import CODE, FORM_CODE, FieldKey, is_form_code
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr

ROW_KEY_RE = re.compile(rf"^(?P<form>{FORM_CODE}):(?P<table>{CODE})#(?P<row>[1-9]\d{{0,5}})$")


@dataclass(frozen=True)
class Place:
    """A checked attachment key and how a person reads it (``1.1 森林覆盖率``)."""

    key: str
    form: str
    label: str
    table: str = ""  # for a table row: the table's code and the row (from 1)
    row: int = 0


def _refuse(name: str, key: str, why: str) -> AttachmentRefused:
    return AttachmentRefused(
        name,
        tr(
            "attachments",
            "位置“{key}”不对：{why}。写法：表单（1.1）、指标（1.1:指标代码）或表格的一行"
            "（1.1:表格代码#行号）；可用 ecodesk catalog --json 查看代码",
            key=key,
            why=why,
        ),
    )


def resolve_place(
    pack: FormPack,
    key: str,
    *,
    forms: list[str] | None = None,
    rows: dict[str, int] | None = None,
    name: str = "",
) -> Place:
    """Check ``key`` against the pack (and the unit's ``forms``, the row counts ``rows`` of its
    tables by ``form:table``, when given); ``name`` is the file's, for the message."""
    key = key.strip()
    form, sep, rest = key.partition(":")
    if not is_form_code(form) or form not in pack.forms:
        raise _refuse(name, key, tr("attachments", "没有表单 {form}", form=form))
    if forms is not None and form not in forms:
        raise _refuse(name, key, tr("attachments", "本单位不填报表单 {form}", form=form))
    form_def = pack.form(form)
    if not sep:
        return Place(key, form, f"{form} {form_def.title}")
    if "#" in rest:
        match = ROW_KEY_RE.match(key)
        if not match:
            raise _refuse(name, key, tr("attachments", "表格的一行应写成 表单:表格#行号"))
        spec = next((t for t in form_def.tables if t.code == match["table"]), None)
        if spec is None:
            raise _refuse(
                name,
                key,
                tr("attachments", "表单 {form} 没有表格 {t}", form=form, t=match["table"]),
            )
        row = int(match["row"])
        count = (rows or {}).get(f"{form}:{spec.code}", 0) if rows is not None else None
        if count is not None and row > count:
            raise _refuse(
                name, key, tr("attachments", "表格“{t}”只有 {n} 行", t=spec.name, n=count)
            )
        label = tr("attachments", "{form} {t}第{n}行", form=form, t=spec.name, n=row)
        return Place(key, form, label, spec.code, row)
    if not FieldKey.is_valid(key):
        raise _refuse(name, key, tr("attachments", "冒号后的代码不对"))
    parsed = FieldKey.parse(key)
    indicator = next((i for i in form_def.indicators if i.code == parsed.indicator), None)
    if indicator is None:
        raise _refuse(
            name,
            key,
            tr("attachments", "表单 {form} 没有指标 {code}", form=form, code=parsed.indicator),
        )
    if parsed.part:
        try:
            field = pack.input_field(parsed)
        except KeyError:
            raise _refuse(
                name, key, tr("attachments", "指标 {code} 没有这一项", code=parsed.indicator)
            ) from None
        return Place(key, form, f"{form} {field.label}")
    return Place(key, form, f"{form} {indicator.name}")


def place_label(pack: FormPack, key: str) -> str:
    """How a person reads ``key`` (the key itself when the pack no longer knows it)."""
    try:
        return resolve_place(pack, key).label
    except AttachmentRefused:
        return key
