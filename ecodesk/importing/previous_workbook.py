"""Take last year's figures, ongoing table rows and 下步计划 out of a verified signed workbook.

Keys are the workbook's stable keys, carried to this pack's keys through the pack's
``renamed``/``retired`` mapping; anything that maps to nothing is listed with the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ecodesk.forms.keys import split_key
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import TableSpec
from ecodesk.i18n import tr
from ecodesk.importing.preview import Unmatched
from ecodesk.submission import SubmissionData, TableRow

log = logging.getLogger(__name__)

PLAN_SECTION_NAME = "下步计划"
# Table columns whose name says they hold this year's amount (本年完成投资 …) start empty when
# a row is carried over: last year's amount must not be signed again as this year's.
ANNUAL_COLUMN_PREFIX = "本年"


@dataclass
class WorkbookContent:
    values: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # current key → (text, key in file)
    unmatched: list[Unmatched] = field(default_factory=list)
    ongoing: dict[str, tuple[TableSpec, list[TableRow], tuple[str, ...]]] = field(
        default_factory=dict
    )
    plans: dict[str, str] = field(default_factory=dict)  # form → last year's 下步计划


def plan_section(pack: FormPack) -> str:
    for narrative in pack.narratives:
        if narrative.name == PLAN_SECTION_NAME:
            return narrative.code
    return "plan"


def content_of(pack: FormPack, data: SubmissionData, division: str) -> WorkbookContent:
    content = WorkbookContent()
    for file_key, text in sorted(data.values.items()):
        if text == "":
            continue
        key = pack.current_key(file_key)
        if key is None:
            reason = (
                tr("import", "该指标已在新版表单中停用")
                if _retired(pack, file_key)
                else tr("import", "当前表单中没有这个指标")
            )
            content.unmatched.append(Unmatched(split_key(file_key)[0], file_key, "", reason))
            continue
        field_ = pack.input_field(key)
        indicator = pack.indicator(field_.form, field_.indicator)
        if indicator.only_for and division not in indicator.only_for:
            content.unmatched.append(
                Unmatched(field_.form, file_key, field_.label, tr("import", "本单位不填报此项"))
            )
            continue
        content.values[key] = (text, file_key if file_key != key else "")
    for table_key, rows in data.tables.items():
        form, table = split_key(table_key)
        spec = _table(pack, form, table, division)
        if spec is None or not spec.ongoing:
            continue
        ongoing = [row for row in rows if _is_ongoing(spec, row)]
        if ongoing:
            cleared = tuple(c.code for c in spec.columns if c.name.startswith(ANNUAL_COLUMN_PREFIX))
            carried = [
                {k: ("" if k in cleared else v) for k, v in row.items() if k in _columns(spec)}
                for row in ongoing
            ]
            names = tuple(c.name for c in spec.columns if c.code in cleared)
            content.ongoing[table_key] = (spec, carried, names)
    section = plan_section(pack)
    for key, text in data.narratives.items():
        form, code = split_key(key)
        if code == section and text.strip() and form in pack.forms:
            content.plans[form] = text
    return content


def _retired(pack: FormPack, key: str) -> bool:
    seen: set[str] = set()
    while key in pack.manifest.renamed and key not in seen:
        seen.add(key)
        key = pack.manifest.renamed[key]
    return key in pack.manifest.retired


def _table(pack: FormPack, form: str, table: str, division: str) -> TableSpec | None:
    if form not in pack.forms:
        return None
    for spec in pack.tables(form, division):
        if spec.code == table:
            return spec
    return None


def _columns(spec: TableSpec) -> set[str]:
    return {c.code for c in spec.columns}


def _is_ongoing(spec: TableSpec, row: TableRow) -> bool:
    return any(row.get(column, "").strip() in values for column, values in spec.ongoing.items())
