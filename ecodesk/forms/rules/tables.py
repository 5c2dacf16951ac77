"""The cells of a form's repeatable tables: required, choice, number and year columns."""

from __future__ import annotations

import logging
from decimal import Decimal

from ecodesk.forms.keys import (
    TableKey,
)
from ecodesk.forms.numbers import NumberParseError, parse_clerk_number
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.inputs import PERCENT, check_number, match_choice
from ecodesk.forms.rules.problems import Problem, problem
from ecodesk.forms.schema import (
    CELL_TEXT_LIMIT,
    Column,
    TableSpec,
    cell_length,
)
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


YEAR_BOUNDS = (Decimal(1949), Decimal(2100))


def check_table(ctx: CheckContext, form: str, table: TableSpec) -> list[Problem]:
    if not ctx.applies(table.only_for):
        return []
    problems: list[Problem] = []
    for index, row in enumerate(ctx.data.rows(form, table.code)):
        if blank_row(row):
            continue
        for column in table.columns:
            problems += check_cell(ctx, form, table, index, column, row.get(column.code, ""))
    return problems


def check_cell(
    ctx: CheckContext, form: str, table: TableSpec, index: int, column: Column, text: str
) -> list[Problem]:
    key = TableKey(form, table.code).cell(index, column.code).problem_key
    label = tr(
        "rules",
        "“{table}”第 {row} 行的“{column}”",
        table=table.name,
        row=index + 1,
        column=column.name,
    )
    if not text or not text.strip():
        if not column.required:
            return []
        message = tr("rules", "{label}未填写，请填写或删除该行。", label=label)
        return [problem("required", "error", form, key, message)]
    if column.type == "text":
        length = cell_length(text)
        if length > CELL_TEXT_LIMIT:
            message = tr(
                "rules",
                "{label}有 {n} 字，超过 Excel 单元格最多 {max} 字的限制，导出的报表无法完整保存。"
                "请精简，或分成几行填写。",
                label=label,
                n=length,
                max=CELL_TEXT_LIMIT,
            )
            return [problem("length", "error", form, key, message)]
        return []
    if column.type == "choice":
        if match_choice(column.choices, text) is None:
            message = tr(
                "rules",
                "{label}填的“{text}”不是可选项，请从以下选项中选择：{choices}。",
                label=label,
                text=text.strip(),
                choices="、".join(column.choices),
            )
            return [problem("invalid", "error", form, key, message)]
        return []
    unit = "年" if column.type == "year" and not column.unit else column.unit
    try:
        value = parse_clerk_number(text, unit=unit)
    except NumberParseError as exc:
        message = tr("rules", "{label}：{reason}", label=label, reason=exc)
        return [problem("invalid", "error", form, key, message)]
    low, high = column.min, column.max
    if column.type == "year":
        low = YEAR_BOUNDS[0] if low is None else low
        high = YEAR_BOUNDS[1] if high is None else high
    else:
        low = Decimal(0) if low is None else low
        if high is None and column.unit == PERCENT:
            high = Decimal(100)
    return check_number(
        ctx, form, key, label, value, column.unit, column.type in ("integer", "year"), low, high
    )


def blank_row(row: dict[str, str]) -> bool:
    return not any(str(v).strip() for v in row.values())
