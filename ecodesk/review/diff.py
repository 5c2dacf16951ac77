"""What changed between two revisions of one unit's submission: what a reviewer checks on a resubmission.

Both sides are the signed data (canonical values), so a change is a change of content, never of
spelling: ``1,234.50`` and ``1234.5`` are the same value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData, TableRow

ChangeKind = Literal["value", "narrative", "table_row"]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: str  # a field key, ``form:section``, or ``form:table#row``
    form: str
    label: str
    old: str
    new: str


def _field_label(pack: FormPack, key: str) -> str:
    try:
        return pack.input_field(key).label
    except KeyError:
        return key


def _row_text(pack: FormPack, form: str, table: str, row: TableRow | None) -> str:
    if not row:
        return ""
    names: dict[str, str] = {}
    if form in pack.forms:
        spec = next((t for t in pack.form(form).tables if t.code == table), None)
        names = {c.code: c.name for c in spec.columns} if spec else {}
    return "；".join(f"{names.get(col, col)}：{text}" for col, text in row.items() if text)


def diff_submissions(pack: FormPack, old: SubmissionData, new: SubmissionData) -> list[Change]:
    """Every changed value, narrative section and table row, in the plan's order."""
    changes: list[Change] = []
    form_order = {f: i for i, f in enumerate(pack.forms)}

    def order(key: str) -> tuple[int, str]:
        return (form_order.get(key.partition(":")[0], len(form_order)), key)

    for key in sorted(set(old.values) | set(new.values), key=order):
        before, after = old.values.get(key, ""), new.values.get(key, "")
        if before != after:
            form = key.partition(":")[0]
            changes.append(Change("value", key, form, _field_label(pack, key), before, after))
    sections = {n.code: n.name for n in pack.narratives}
    for key in sorted(set(old.narratives) | set(new.narratives), key=order):
        before, after = old.narratives.get(key, ""), new.narratives.get(key, "")
        if before != after:
            form, _, section = key.partition(":")
            changes.append(
                Change("narrative", key, form, sections.get(section, section), before, after)
            )
    for key in sorted(set(old.tables) | set(new.tables), key=order):
        form, _, table = key.partition(":")
        before_rows, after_rows = old.tables.get(key, []), new.tables.get(key, [])
        spec_name = table
        if form in pack.forms:
            spec = next((t for t in pack.form(form).tables if t.code == table), None)
            spec_name = spec.name if spec else table
        for n in range(1, max(len(before_rows), len(after_rows)) + 1):
            b = before_rows[n - 1] if n <= len(before_rows) else None
            a = after_rows[n - 1] if n <= len(after_rows) else None
            if b != a:
                changes.append(
                    Change(
                        "table_row",
                        f"{key}#{n}",
                        form,
                        tr("review", "{table} 第{n}行", table=spec_name, n=n),
                        _row_text(pack, form, table, b),
                        _row_text(pack, form, table, a),
                    )
                )
    return changes
