"""The place a query points at, checked against the submission it is about.

A query key is one of (the same spelling as ``ecodesk catalog --json`` and the signed data):

* ``FORM`` — the whole form (``1.1``), or ``*`` for the submission as a whole;
* ``FORM:SECTION`` — a narrative section (``1.1:progress``);
* ``FORM:FIELD`` — an indicator value (``1.1:tech_invest``);
* ``FORM:TABLE#ROW.COLUMN`` — one cell of a table, rows counted from 1 (``1.1:projects#2.investment``).

The shapes are parsed by :mod:`ecodesk.forms.keys`; :func:`resolve_query_key` looks them up.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import BadKey, CellKey, FieldKey, is_form_code
from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData

WHOLE_SUBMISSION = "*"
VALUE_PREVIEW = 60


class UnknownQueryKey(EcoDeskError):
    """A query key that names no place of the submission."""


@dataclass(frozen=True)
class QueryPlace:
    """A checked query key: which form, what to call it, and the value as received."""

    key: str
    form: str  # "" for the submission as a whole
    label: str
    value: str


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= VALUE_PREVIEW else text[: VALUE_PREVIEW - 1] + "…"


def _unknown(key: str, why: str) -> UnknownQueryKey:
    return UnknownQueryKey(
        tr(
            "review",
            "查询位置“{key}”不对：{why}。写法：表单（1.1）、指标（1.1:字段）、"
            "章节（1.1:progress）或表格单元格（1.1:表格#行.列）；可用 ecodesk catalog --json 查看代码。",
            key=key,
            why=why,
        )
    )


def resolve_query_key(pack: FormPack, data: SubmissionData, key: str) -> QueryPlace:
    """Check ``key`` against ``data`` (the submission as received) and describe the place.

    The key's shape is parsed by :mod:`ecodesk.forms.keys` (the one place keys are parsed);
    this function only looks the parts up in the pack and the submission.
    """
    key = key.strip()
    if key == WHOLE_SUBMISSION:
        return QueryPlace(key, "", tr("review", "整份报表"), "")
    form, sep, rest = key.partition(":")
    if not is_form_code(form) or form not in data.forms or form not in pack.forms:
        return _raise(key, tr("review", "这份报表没有表单 {form}", form=form))
    form_def = pack.form(form)
    if not sep:
        label = tr("review", "表{code} {title}", code=form, title=form_def.title)
        return QueryPlace(key, form, label, "")
    if "#" in rest:
        try:
            cell = CellKey.parse(key)
        except BadKey:
            return _raise(key, tr("review", "表格单元格应写成 表单:表格#行.列"))
        spec = next((t for t in form_def.tables if t.code == cell.table), None)
        if spec is None:
            return _raise(key, tr("review", "表单 {form} 没有表格 {t}", form=form, t=cell.table))
        column = next((c for c in spec.columns if c.code == cell.column), None)
        if column is None:
            return _raise(key, tr("review", "表格 {t} 没有列 {c}", t=spec.name, c=cell.column))
        rows = data.rows(form, spec.code)
        if cell.index >= len(rows):
            return _raise(key, tr("review", "表格“{t}”只有 {n} 行", t=spec.name, n=len(rows)))
        label = tr("review", "{t} 第{n}行 {c}", t=spec.name, n=cell.index + 1, c=column.name)
        return QueryPlace(key, form, label, _preview(rows[cell.index].get(column.code, "")))
    section = next((s for s in pack.narratives if s.code == rest), None)
    if section is not None:
        return QueryPlace(key, form, section.name, _preview(data.narrative(form, section.code)))
    if not FieldKey.is_valid(key):
        return _raise(key, tr("review", "冒号后的代码不对"))
    try:
        field = pack.input_field(key)
    except KeyError:
        return _raise(key, tr("review", "表单 {form} 没有指标或章节 {code}", form=form, code=rest))
    value = data.value(key)
    shown = f"{value} {field.unit}".strip() if value else ""
    return QueryPlace(key, form, field.label, shown)


def _raise(key: str, why: str) -> QueryPlace:
    raise _unknown(key, why)
