"""Claims that need 佐证材料: a form's ``evidence`` requirements checked against what is attached.

A requirement (:class:`~ecodesk.forms.schema.EvidenceRule`) names an indicator or a table of
the form and the values that make a claim the plan counts (a status such as 已命名, 通过评估验收,
or a figure at least ``at_least``). When the data makes that claim and nothing is attached to
the indicator (or to that table row), the check raises a **warning**: the unit either attaches
the document or accepts the warning with an explanation (the certificate is not issued yet,
the document is classified…), which travels with the data like every accepted warning.

Attachments are named by the keys of :mod:`ecodesk.forms.keys` with the row's number:
``4.1:soil_water_demos`` (an indicator; a part key such as ``G:forest.num`` counts for its
indicator), ``4.1:watersheds#2`` (the table's second row, from 1, as in the signed data).
An attachment on the whole form (``4.1``) backs no particular claim, so it does not count.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import TableKey
from ecodesk.forms.numbers import parse_clerk_number
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.inputs import match_choice, typed_value
from ecodesk.forms.rules.problems import Problem
from ecodesk.forms.rules.tables import blank_row
from ecodesk.forms.schema import Column, EvidenceRule, TableSpec
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

EVIDENCE_KIND = "evidence"  # the first part of every evidence problem's id


def indicator_evidence_key(form: str, indicator: str) -> str:
    """The attachment key of an indicator: ``4.1:soil_water_demos``."""
    return f"{form}:{indicator}"


def row_evidence_key(form: str, table: str, index: int) -> str:
    """The attachment key of a table row (``index`` from 0, the key's number from 1)."""
    return f"{form}:{table}#{index + 1}"


def covers(attached: Collection[str], key: str) -> bool:
    """Whether an attachment backs ``key`` (an indicator's part key counts for the indicator)."""
    return key in attached or any(k.startswith(key + ".") for k in attached)


@dataclass(frozen=True)
class Claim:
    """One claim a requirement found in the data, and whether something backs it."""

    rule: EvidenceRule
    form: str
    key: str  # the attachment key that would back it
    field: str  # the problem key of the cell that makes the claim
    subject: str  # what claims it, for a sentence: “名称”第 2 行（某某）
    value: str  # the value that makes the claim
    backed: bool


def _holds(rule: EvidenceRule, text: str, choices: tuple[str, ...], unit: str) -> str | None:
    """The claim's value when ``text`` makes the claim, else None."""
    if not text or not text.strip():
        return None
    if rule.values:
        choice = match_choice(choices, text) if choices else text.strip()
        return choice if choice in rule.values else None
    if rule.at_least is not None:
        try:
            number = parse_clerk_number(text, unit=unit)
        except EcoDeskError:
            return None  # the cell's own error says what to fix
        return text.strip() if number >= rule.at_least else None
    return text.strip()


def _row_name(table: TableSpec, row: dict[str, str]) -> str:
    """The first filled text cell of a row (its name in almost every table)."""
    for column in table.columns:
        if column.type == "text" and row.get(column.code, "").strip():
            return row[column.code].strip()
    return ""


def claims(ctx: CheckContext, form: str, rule: EvidenceRule) -> list[Claim]:
    """Every claim ``rule`` finds in the submission's ``form``, backed or not."""
    definition = ctx.pack.form(form)
    if rule.indicator is not None:
        ind = ctx.pack.indicator(form, rule.indicator)
        if not ctx.applies(ind.only_for):
            return []
        field = next(f for f in ctx.pack.input_fields(form) if f.indicator == ind.code)
        text = ctx.data.value(field.key)
        try:
            typed = typed_value(field, text)
        except EcoDeskError:
            return []  # the field's own error says what to fix
        if typed is None:
            return []
        if rule.at_least is not None:  # the typed number: 万/亿 and the unit already read
            holds = isinstance(typed, Decimal) and typed >= rule.at_least
        else:
            holds = _holds(rule, text, tuple(field.choices), field.unit) is not None
        if not holds:
            return []
        key = indicator_evidence_key(form, ind.code)
        return [
            Claim(
                rule, form, key, field.key, f"“{ind.name}”", str(typed), covers(ctx.attached, key)
            )
        ]
    table = next(t for t in definition.tables if t.code == rule.table)
    if not ctx.applies(table.only_for):
        return []
    column: Column | None = next((c for c in table.columns if c.code == rule.column), None)
    found: list[Claim] = []
    for index, row in enumerate(ctx.data.rows(form, table.code)):
        if blank_row(row):
            continue
        value = (
            _holds(rule, row.get(column.code, ""), tuple(column.choices), column.unit)
            if column is not None
            else tr("rules", "已列入名单")  # every listed row claims a recognition
        )
        if value is None:
            continue
        name = _row_name(table, row)
        subject = tr("rules", "“{table}”第 {row} 行", table=table.name, row=index + 1)
        if name:
            subject += tr("rules", "（{name}）", name=name)
        key = row_evidence_key(form, table.code, index)
        shown = column or next((c for c in table.columns if c.type == "text"), table.columns[0])
        cell = TableKey(form, table.code).cell(index, shown.code).problem_key
        found.append(Claim(rule, form, key, cell, subject, value, covers(ctx.attached, key)))
    return found


def evidence_problem(claim: Claim) -> Problem:
    """The warning for a claim nothing backs: what is claimed, what to attach, what else to do."""
    rule = claim.rule
    if rule.column is None and rule.table is not None:
        claimed = tr("rules", "{subject}已列入名单", subject=claim.subject)
    else:
        claimed = tr("rules", "{subject}为“{value}”", subject=claim.subject, value=claim.value)
    message = tr(
        "rules",
        "{claimed}，需附佐证材料（{what}）。请添加附件；如暂时没有，请接受此提示并说明原因。",
        claimed=claimed,
        what=rule.what,
    )
    return Problem(
        id=f"{EVIDENCE_KIND}:{claim.key}",
        severity="warning",
        form=claim.form,
        field=claim.field,
        message=message,
    )


def check_evidence(ctx: CheckContext, form: str, rule: EvidenceRule) -> list[Problem]:
    return [evidence_problem(c) for c in claims(ctx, form, rule) if not c.backed]


def rule_reads(
    rule: EvidenceRule, *, indicator: str | None = None, table: str | None = None
) -> bool:
    """Whether ``rule`` looks at ``indicator`` or ``table`` (for the checks while typing)."""
    return (indicator is not None and rule.indicator == indicator) or (
        table is not None and rule.table == table
    )


def unbacked_claims(ctx: CheckContext) -> list[Claim]:
    """Every claim of the submission that no attachment backs, in the forms' order."""
    found: list[Claim] = []
    for form in ctx.data.forms:
        if form not in ctx.pack.forms:
            continue
        for rule in ctx.pack.form(form).evidence:
            found += [c for c in claims(ctx, form, rule) if not c.backed]
    return found


__all__ = [
    "EVIDENCE_KIND",
    "Claim",
    "check_evidence",
    "claims",
    "covers",
    "evidence_problem",
    "indicator_evidence_key",
    "row_evidence_key",
    "rule_reads",
    "unbacked_claims",
]
