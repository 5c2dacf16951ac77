"""The canonical serialization that is signed: one submission as a flat list of records.

A record is three strings ``(section, key, value)``:

========== ====================================== ==============================================
section    key                                    value
========== ====================================== ==============================================
meta       ``format``, ``unit.division_code``,    the metadata: unit, period, revision,
           ``period``, ``revision`` …             supersedes, pack and program version,
                                                  preparer, reviewer, phone, export time,
                                                  due date and late reason (when any)
value      a field key ``form:field``             the value (numbers canonical, see below)
narrative  ``form:section``                       the text
table      ``form:table#row.column`` (row from 1) one cell of a repeatable table ("" allowed)
accepted   ``#n.problem_id`` / ``.form`` /        a warning the unit accepted, with its
           ``.field`` / ``.message`` /            explanation (n from 1)
           ``.explanation``
answer     ``#n.key`` / ``.question`` /           the unit's answer to query n of the feedback
           ``.answer``                            named by ``meta.answers_feedback``
attachment ``#n.key`` / ``.label`` / ``.name`` /  evidence file n (from 1): where it belongs,
           ``.type`` / ``.size`` / ``.sha256`` /  its name, type, size in bytes, SHA-256 (hex)
           ``.note``                              and description; its bytes travel beside the
                                                  workbook in the package (ecodesk.attachments)
baseline   a field key                            last year's value the checks compared with
text_cell  ``<sheet name>!<A1 address>``          every non-empty text cell of every visible
                                                  sheet, so no visible cell can change without
                                                  breaking the signature
number_cell ``<sheet name>!<A1 address>``         every number cell: ``<number>|<number format>``
========== ====================================== ==============================================

The signed bytes are ``json.dumps(["ecodesk-signed-data/1", [[section, key, value], …]],
ensure_ascii=False, separators=(",", ":"))`` encoded as UTF-8, with the records in the order
they appear in the workbook's data sheet (the writer emits them in the order above, forms in
the plan's order). Keys never repeat within a section. Everything is a string, so no reader
or spreadsheet can round a number inside the signed data.

Numbers are written by :func:`canonical_decimal`: the exact ``Decimal`` the clerk's text
means (``"1,234.50"`` → ``1234.5``), normalized, plain digits, no exponent, no ``-0``.
Text is written by :func:`canonical_text`: line breaks become ``\\n`` (xlsx turns ``\\r\\n``
into ``\\n`` anyway) and other control characters, which xlsx cannot hold, are dropped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Any, NamedTuple

from ecodesk.forms.figures import number_or_none
from ecodesk.forms.keys import AcceptedKey, SectionKey, TableKey
from ecodesk.forms.loader import FormPack
from ecodesk.submission import SubmissionData

log = logging.getLogger(__name__)

FORMAT_TAG = "ecodesk-signed-data/1"
SECTIONS = (
    "meta",
    "value",
    "narrative",
    "table",
    "accepted",
    "answer",
    "attachment",
    "baseline",
    "text_cell",
    "number_cell",
)
CELL_SECTIONS = ("text_cell", "number_cell")
ACCEPTED_PARTS = ("problem_id", "form", "field", "message", "explanation")
ANSWER_PARTS = ("key", "question", "answer")
ATTACHMENT_PARTS = ("key", "label", "name", "type", "size", "sha256", "note")

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class Record(NamedTuple):
    """One signed record. A named tuple rather than a dataclass: a full county workbook has
    thousands, made on every verification, and JSON writes a tuple as the list it signs."""

    section: str
    key: str
    value: str


@dataclass(frozen=True)
class ExportMeta:
    """What the export adds to the submission: when, by which program, and why (corrections)."""

    exported_at: datetime
    program_version: str
    supersede_reason: str = ""
    due: date | None = None  # the pack calendar's due date for the submission (None: no calendar)
    late_reason: str = ""  # 迟报原因, required when exported after ``due``


def canonical_decimal(value: Decimal) -> str:
    """``Decimal("1.500E+3")`` → ``"1500"``; ``Decimal("-0.00")`` → ``"0"``."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    if value.is_zero():
        return "0"
    # normalize() rounds to the context's precision (28 digits by default): give it enough
    # room that it only strips trailing zeros and never changes the number.
    exact = Context(prec=max(28, len(value.as_tuple().digits)))
    return format(value.normalize(exact), "f")


def canonical_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)


def canonical_value(pack: FormPack, key: str, text: str) -> str:
    """A field's value as signed: numbers canonical, choices and text as typed."""
    try:
        field = pack.input_field(key)
    except KeyError:
        return canonical_text(text)  # a key this pack no longer asks for: keep it verbatim
    if field.type == "number":
        number = number_or_none(text, unit=field.unit, multipliers=field.multipliers)
        if number is not None:
            return canonical_decimal(number)
        log.warning("value of %s is not a number, signed as typed: %r", key, text)
    return canonical_text(text.strip() if field.type == "choice" else text)


def canonical_cell(pack: FormPack, form: str, table: str, column: str, text: str) -> str:
    spec = (
        next((t for t in pack.form(form).tables if t.code == table), None)
        if form in pack.forms
        else None
    )
    col = next((c for c in spec.columns if c.code == column), None) if spec else None
    if col is not None and col.type in ("number", "integer"):
        number = number_or_none(text, unit=col.unit)
        if number is not None:
            return canonical_decimal(number)
    if col is not None and col.type in ("choice", "year"):
        return canonical_text(text.strip())
    return canonical_text(text)


def _ordered_keys(pack: FormPack, forms: Sequence[str], keys: Iterable[str]) -> list[str]:
    """Keys in the plan's order (form, then field order in the form), unknown ones last, sorted."""
    order: dict[str, int] = {}
    for form in forms:
        if form in pack.forms:
            for f in pack.input_fields(form):
                order.setdefault(f.key, len(order))
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def meta_records(data: SubmissionData, meta: ExportMeta) -> list[Record]:
    unit = data.unit
    pairs = [
        ("format", FORMAT_TAG),
        ("unit.division_code", unit.division_code),
        ("unit.division_name", unit.division_name),
        ("unit.department", unit.department),
        ("unit.preparer", unit.preparer),
        ("unit.reviewer", unit.reviewer),
        ("unit.phone", unit.phone),
        ("unit.head", unit.head),
        ("period", str(data.period)),
        ("revision", str(data.revision)),
        ("supersedes", "" if data.supersedes is None else str(data.supersedes)),
        ("supersede_reason", meta.supersede_reason),
        ("pack_version", data.pack_version),
        ("program_version", meta.program_version),
        ("exported_at", meta.exported_at.isoformat(timespec="seconds")),
        ("forms", ",".join(data.forms)),
    ]
    # The way back (review and answers): written only when there is something to say, so a
    # submission without them signs exactly the bytes earlier versions signed.
    if data.supersedes_digest:
        pairs.append(("supersedes_digest", data.supersedes_digest))
    if data.pack_digest:  # the form pack's content digest (written since packs are signed files)
        pairs.append(("pack_digest", data.pack_digest))
    if data.answers_feedback:
        pairs.append(("answers_feedback", data.answers_feedback))
    # The calendar (issue 15): the due date the unit worked to and, when late, its reason.
    if meta.due is not None:
        pairs.append(("due", meta.due.isoformat()))
    if meta.late_reason:
        pairs.append(("late_reason", meta.late_reason))
    return [Record("meta", k, canonical_text(v)) for k, v in pairs]


def data_records(pack: FormPack, data: SubmissionData, meta: ExportMeta) -> list[Record]:
    """Every record except the visible-cell ones (those come from the written sheets)."""
    records = meta_records(data, meta)
    for key in _ordered_keys(pack, data.forms, data.values):
        text = data.values[key]
        if text.strip():
            records.append(Record("value", key, canonical_value(pack, key, text)))
    section_order = {n.code: i for i, n in enumerate(pack.narratives)}
    form_order = {f: i for i, f in enumerate(data.forms)}

    def narrative_order(key: str) -> tuple[int, int, str]:
        section = SectionKey.parse(key)
        return (
            form_order.get(section.form, len(form_order)),
            section_order.get(section.section, 99),
            key,
        )

    for key in sorted(data.narratives, key=narrative_order):
        text = canonical_text(data.narratives[key])
        if text.strip():
            records.append(Record("narrative", key, text))
    for table_key in sorted(data.tables, key=narrative_order):
        table = TableKey.parse(table_key)
        form = table.form
        spec = (
            next((t for t in pack.form(form).tables if t.code == table.table), None)
            if form in pack.forms
            else None
        )
        known = [c.code for c in spec.columns] if spec else []
        for index, row in enumerate(data.tables[table_key]):
            columns = [c for c in known if c in row] + sorted(c for c in row if c not in known)
            for column in columns:
                value = canonical_cell(pack, form, table.table, column, row[column])
                records.append(Record("table", str(table.cell(index, column)), value))
    for n, accepted in enumerate(data.accepted, start=1):
        for part in ACCEPTED_PARTS:
            key = str(AcceptedKey(n, part))
            records.append(Record("accepted", key, canonical_text(getattr(accepted, part) or "")))
    for answer in data.answers:
        for part in ANSWER_PARTS:
            key = str(
                AcceptedKey(answer.n, part)
            )  # the same "#n.part" shape as an accepted warning
            records.append(Record("answer", key, canonical_text(str(getattr(answer, part)))))
    records.extend(attachment_records(data))
    for key in _ordered_keys(pack, data.forms, data.previous):
        text = data.previous[key]
        if text.strip():
            records.append(Record("baseline", key, canonical_value(pack, key, text)))
    return records


def attachment_records(data: SubmissionData) -> list[Record]:
    """The evidence files, numbered in order (none: no record, the bytes signed as before)."""
    records = []
    for n, f in enumerate(data.attachments, start=1):
        values = {
            "key": f.key,
            "label": f.label,
            "name": f.name,
            "type": f.kind,
            "size": str(f.size),
            "sha256": f.sha256,
            "note": f.note,
        }
        for part in ATTACHMENT_PARTS:
            records.append(
                Record("attachment", str(AcceptedKey(n, part)), canonical_text(values[part]))
            )
    return records


def canonical_bytes(records: Sequence[Record]) -> bytes:
    body: list[Any] = [FORMAT_TAG, records]  # each Record a JSON list [section, key, value]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
