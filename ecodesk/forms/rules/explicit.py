"""A form's explicit ``rules`` (compare, table_total, row_count): operands are field references
or table sums and counts (:mod:`ecodesk.forms.keys`); operators are looked up, never evaluated."""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from decimal import Decimal

from ecodesk.errors import EcoDeskError
from ecodesk.forms.figures import plain
from ecodesk.forms.keys import (
    FieldOperand,
    NumberOperand,
    Operand,
    TableCount,
    TableKey,
    TableSum,
    parse_operand,
)
from ecodesk.forms.numbers import NumberParseError, parse_clerk_number
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.inputs import typed_value
from ecodesk.forms.rules.problems import Problem, Severity, warn_tail
from ecodesk.forms.rules.tables import blank_row
from ecodesk.forms.schema import (
    CompareRule,
    RowCountRule,
    TableTotalRule,
)
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}
_MIRRORED = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}


def _operator_words(op: str) -> str:
    """How a rule's operator reads in a sentence (each literal visible to the translation tools)."""
    return {
        "<=": tr("rules", "不大于"),
        "<": tr("rules", "小于"),
        ">=": tr("rules", "不小于"),
        ">": tr("rules", "大于"),
        "==": tr("rules", "等于"),
    }[op]


def operand(ctx: CheckContext, form: str, text: str) -> tuple[Decimal | None, str, str | None]:
    """(value, label, field key) of a rule operand; value None when it cannot be known yet."""
    operand = parse_operand(text)
    if isinstance(operand, (TableSum, TableCount)):
        tcode = operand.table
        table = next((t for t in ctx.pack.form(form).tables if t.code == tcode), None)
        if table is None or not ctx.applies(table.only_for):
            return None, "", None
        rows = [r for r in ctx.data.rows(form, tcode) if not blank_row(r)]
        table_key = TableKey(form, tcode).problem_key
        if isinstance(operand, TableCount):
            return (
                Decimal(len(rows)),
                tr("rules", "“{table}”的行数", table=table.name),
                table_key,
            )
        column = next(c for c in table.columns if c.code == operand.column)
        total = Decimal(0)
        for row in rows:
            cell = row.get(operand.column, "")
            if not cell.strip():
                continue
            try:
                total += parse_clerk_number(cell, unit=column.unit)
            except NumberParseError:
                return None, "", table_key  # the cell's own error says what to fix
        return (
            total,
            tr("rules", "“{table}”中“{column}”的合计", table=table.name, column=column.name),
            table_key,
        )
    if isinstance(operand, NumberOperand):
        literal = operand.value
        return (literal if literal.is_finite() else None), "", None  # a literal needs no label
    try:
        field = ctx.pack.input_field(operand.key(form))
    except KeyError:
        log.warning("rule operand %r in form %s is neither a field nor a number", text, form)
        return None, "", None
    if not ctx.applies(ctx.pack.indicator(form, field.indicator).only_for):
        return None, "", None
    try:
        value = typed_value(field, ctx.data.value(field.key))
    except EcoDeskError:
        return None, f"“{field.label}”", field.key
    return (value if isinstance(value, Decimal) else None), f"“{field.label}”", field.key


def check_rule(
    ctx: CheckContext, form: str, rule: CompareRule | TableTotalRule | RowCountRule
) -> list[Problem]:
    rule_id = f"rule:{form}:{rule.id}"
    if isinstance(rule, CompareRule):
        left, left_label, left_key = operand(ctx, form, rule.left)
        right, right_label, right_key = operand(ctx, form, rule.right)
        if left is None or right is None or OPERATORS[rule.op](left, right):
            return []
        if left_label and right_label:
            detail = tr(
                "rules",
                "（{left}为 {lv}，{right}为 {rv}）",
                left=left_label,
                lv=plain(left),
                right=right_label,
                rv=plain(right),
            )
        else:
            detail = tr(
                "rules",
                "（{subject}为 {value}，应{op} {bound}）",
                subject=left_label or right_label,
                value=plain(left if left_label else right),
                op=_operator_words(rule.op if left_label else _MIRRORED[rule.op]),
                bound=plain(right if left_label else left),
            )
        return [
            rule_problem(
                ctx, rule_id, rule.severity, form, left_key or right_key, rule.message, detail
            )
        ]
    total, _, total_key = operand(ctx, form, rule.total)
    if isinstance(rule, TableTotalRule):
        summed, summed_label, table_key = operand(ctx, form, str(TableSum(rule.table, rule.column)))
        if total is None or summed is None or abs(summed - total) <= rule.tolerance:
            return []
        detail = tr(
            "rules",
            "（{what}为 {sum}，填报的总数为 {total}）",
            what=summed_label,
            sum=plain(summed),
            total=plain(total),
        )
    else:
        summed, summed_label, table_key = operand(ctx, form, str(TableCount(rule.table)))
        if total is None or summed is None or summed == total:
            return []
        detail = tr(
            "rules",
            "（表中列了 {rows} 行，填报的数量为 {total}）",
            rows=plain(summed),
            total=plain(total),
        )
    return [
        rule_problem(
            ctx, rule_id, rule.severity, form, total_key or table_key, rule.message, detail
        )
    ]


def rule_problem(
    ctx: CheckContext,
    rule_id: str,
    severity: Severity,
    form: str,
    key: str | None,
    message: str,
    detail: str,
) -> Problem:
    # The definition's own sentence comes first; the figures and what to do are added once.
    text = message.rstrip("。.;；，, ") + detail + "。"
    if severity == "error":
        if "请" not in message:
            text += tr("rules", "请核对并改正。")
    elif "请核对" in message:
        text += tr("rules", "如数据无误，请接受此警告并说明原因。")
    else:
        text += warn_tail()
    return Problem(id=rule_id, severity=severity, form=form, field=key, message=text)


def rule_operands(rule: CompareRule | TableTotalRule | RowCountRule) -> list[Operand]:
    if isinstance(rule, CompareRule):
        return [parse_operand(rule.left), parse_operand(rule.right)]
    return [parse_operand(rule.total), TableCount(rule.table)]


def rule_reads_indicator(rule: CompareRule | TableTotalRule | RowCountRule, indicator: str) -> bool:
    return any(
        isinstance(o, FieldOperand) and o.indicator == indicator for o in rule_operands(rule)
    )


def rule_reads_table(rule: CompareRule | TableTotalRule | RowCountRule, table: str) -> bool:
    return any(
        isinstance(o, (TableSum, TableCount)) and o.table == table for o in rule_operands(rule)
    )
