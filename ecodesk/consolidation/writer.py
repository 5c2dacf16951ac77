"""The consolidated workbook: a cover with the totals, the completeness matrix, one sheet per
indicator (every unit's value, the total by the indicator's rule, target and last year, a
native bar chart for the key indicators), the accepted warnings and the received files.

Every figure is written as a number, not a formula: the file states what the program computed,
and opens the same in Excel, WPS and LibreOffice. Text that came from other units' workbooks
is always stored as text, so ``=HYPERLINK(...)`` typed in a county is never a formula here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.consolidation.labels import (
    file_status_label,
    met_label,
    rule_label,
    state_label,
    target_label,
    unit_labels,
)
from ecodesk.consolidation.model import (
    FormState,
    IndicatorSummary,
    Summary,
    UnitValue,
    unit_id,
)
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.output import OutputExists, OutputFile
from ecodesk.review.state import unit_state_label
from ecodesk.store.feedback import query_state_label
from ecodesk.workbook.cells import put_text
from ecodesk.workbook.styles import (
    BODY_FONT,
    BORDER,
    HEADER_FILL,
    LABEL_FILL,
    TITLE_FONT,
    a4_page,
    display_width,
    number_format,
)

log = logging.getLogger(__name__)

HEAD_FONT = TITLE_FONT
STATE_FILLS = {
    FormState.SUBMITTED: PatternFill("solid", fgColor="E2EFDA"),
    FormState.WITH_WARNINGS: PatternFill("solid", fgColor="FFF2CC"),
    FormState.MISSING: PatternFill("solid", fgColor="F8CBAD"),
    FormState.NOT_REQUIRED: PatternFill(fill_type=None),
}
TIMELINESS_FILLS = {
    "on_time": STATE_FILLS[FormState.SUBMITTED],
    "late": STATE_FILLS[FormState.WITH_WARNINGS],
    "missing": STATE_FILLS[FormState.MISSING],
    "undated": PatternFill(fill_type=None),
}
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\']")

TABLE_SHEET = "指标×单位汇总表"  # first: rows = indicators, columns = units, numbers as numbers
COVER_SHEET = "汇总"
MATRIX_SHEET = "完成情况"
WARNINGS_SHEET = "提示说明"
FILES_SHEET = "收到的文件"
UNBACKED_SHEET = "无佐证的填报"  # claims the plan counts that no signed attachment backs
QUERIES_SHEET = "审核查询"


class SummaryWriteError(EcoDeskError):
    """The consolidated workbook could not be saved where the user asked."""


# --------------------------------------------------------------------------- cells


def _style_id(ws: Worksheet, collection: str, name: Any, make: Callable[[], Any]) -> int:
    """The workbook's index of a style part used on many cells, looked up once per workbook.

    Setting ``cell.font = Font(...)`` makes openpyxl hash the new font against every font of
    the workbook; a summary of hundreds of units sets hundreds of thousands of cells, and that
    hashing was most of the time it took to write (57 s of CPU for 180 units)."""
    wb = ws.parent
    memo: dict[tuple[str, Any], int] = wb.__dict__.setdefault("_ecodesk_style_ids", {})
    key = (collection, name)
    if key not in memo:
        memo[key] = getattr(wb, collection).add(make())
    return memo[key]


def _style_of(cell: Cell) -> StyleArray:
    if not cell._style:  # as openpyxl's own style descriptors do
        cell._style = StyleArray()
    return cell._style


def put(ws: Worksheet, row: int, col: int, value: Any, *, decimals: int | None = None) -> Cell:
    """Write one value: numbers as numbers, text always as text (never a formula)."""
    if isinstance(value, str):
        cell = put_text(ws, row, col, value)
    else:
        cell = ws.cell(row=row, column=col)
        cell.value = value
        if isinstance(value, Decimal):
            cell.number_format = number_format(decimals or 0)
    wrap = isinstance(value, str)
    style = _style_of(cell)  # what cell.font = … and cell.alignment = … set, without hashing
    style.fontId = _style_id(ws, "_fonts", "body", lambda: Font(name=BODY_FONT, size=10))
    style.alignmentId = _style_id(
        ws,
        "_alignments",
        ("body", wrap),
        lambda: Alignment(vertical="center", wrap_text=wrap),
    )
    return cell


def header_row(ws: Worksheet, row: int, titles: Sequence[str], *, col: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = put(ws, row, col + i, title)
        cell.font = Font(name=HEAD_FONT, size=10, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def title_row(ws: Worksheet, text: str, width: int, *, row: int = 1, size: int = 14) -> None:
    cell = put(ws, row, 1, text)
    cell.font = Font(name=HEAD_FONT, size=size, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 28 if size >= 14 else 20


def box(ws: Worksheet, first_row: int, last_row: int, first_col: int, last_col: int) -> None:
    for row in ws.iter_rows(
        min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col
    ):
        for cell in row:
            _style_of(cell).borderId = _style_id(ws, "_borders", "box", lambda: BORDER)


def set_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def a4(
    ws: Worksheet, summary: Summary, *, landscape: bool = False, title_rows: str | None = None
) -> None:
    period = summary.period.label if summary.period else ""
    a4_page(
        ws,
        landscape=landscape,
        header=tr("consolidation", "{period} 汇总表", period=period).strip(),
        footer_left=tr(
            "consolidation",
            "EcoDesk 生成于 {time}",
            time=summary.created.strftime("%Y-%m-%d %H:%M"),
        ),
        title_rows=title_rows,
    )


def sheet_name(text: str, taken: set[str]) -> str:
    """A legal, unique sheet name (≤ 31 characters, none of ``[]:*?/\\'``)."""
    base = _SHEET_NAME_BAD.sub("", text).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------- sheets


def _label(labels: dict[tuple[str, str], str], unit: Any) -> str:
    return labels.get(unit_id(unit)) or unit.display_name or unit.division_name


def _write_cover(ws: Worksheet, summary: Summary, sheets: dict[str, str]) -> None:
    pack = summary.pack
    period = summary.period.label if summary.period else tr("consolidation", "（未指定）")
    columns = [
        tr("consolidation", "表单"),
        tr("consolidation", "指标"),
        tr("consolidation", "计量单位"),
        tr("consolidation", "汇总方法"),
        tr("consolidation", "报送单位数"),
        tr("consolidation", "合计"),
        tr("consolidation", "上年同口径"),
        tr("consolidation", "同比变化（%）"),
        tr("consolidation", "规划目标"),
        tr("consolidation", "完成进度（%）"),
        tr("consolidation", "是否达到目标"),
    ]
    title_row(ws, tr("consolidation", "{plan} 汇总表", plan=pack.catalog.plan.title), len(columns))
    used = [f for f in summary.files if f.status == "used"]
    refused = [f for f in summary.files if f.status == "refused"]
    conflicts = [f for f in summary.files if f.status == "conflict"]
    received_units = sum(1 for r in summary.completeness if r.received)
    facts = [
        (tr("consolidation", "报送期"), period),
        (tr("consolidation", "汇总单位数"), received_units),
        (
            tr("consolidation", "未报送单位数"),
            sum(1 for r in summary.completeness if not r.received),
        ),
        (
            tr("consolidation", "采用文件数"),
            len(used) if summary.files else len(summary.submissions),
        ),
        (tr("consolidation", "拒收文件数"), len(refused)),
        (tr("consolidation", "表单版本"), pack.version),
        (tr("consolidation", "生成时间"), summary.created.strftime("%Y-%m-%d %H:%M")),
    ]
    if summary.totals_basis:
        facts.append((tr("consolidation", "合计口径"), summary.totals_basis))
    row = 3
    for label, value in facts:
        put(ws, row, 1, label).font = Font(name=HEAD_FONT, size=10, bold=True)
        put(ws, row, 2, value).alignment = Alignment(horizontal="left", vertical="center")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        row += 1
    if refused:
        cell = put(
            ws,
            row,
            1,
            tr(
                "consolidation",
                "有 {n} 个文件被拒收，原因见“{sheet}”表。",
                n=len(refused),
                sheet=FILES_SHEET,
            ),
        )
        cell.font = Font(name=BODY_FONT, size=10, bold=True, color="C00000")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1
    if conflicts:
        cell = put(
            ws,
            row,
            1,
            tr(
                "consolidation",
                "有 {n} 个文件版本冲突（同一单位同一版本却是不同的签名数据），这些单位未汇总，"
                "详见“{sheet}”表。",
                n=len(conflicts),
                sheet=FILES_SHEET,
            ),
        )
        cell.font = Font(name=BODY_FONT, size=10, bold=True, color="C00000")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1
    if summary.unbacked:
        cell = put(
            ws,
            row,
            1,
            tr(
                "consolidation",
                "有 {n} 项填报需要佐证材料而未附（{units} 个单位），详见“{sheet}”表。",
                n=len(summary.unbacked),
                units=len({unit_id(c.unit) for c in summary.unbacked}),
                sheet=UNBACKED_SHEET,
            ),
        )
        cell.font = Font(name=BODY_FONT, size=10, bold=True, color="B26A00")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1
    row += 1
    header = row
    header_row(ws, header, columns)
    for s in summary.indicators:
        if s.kind in ("grade", "milestone", "text"):
            continue
        row += 1
        put(ws, row, 1, s.form)
        name_cell = put(ws, row, 2, s.name)
        # an internal location, not a "#…" target: a target would be a link to an outside file
        name_cell.hyperlink = Hyperlink(ref=name_cell.coordinate, location=f"'{sheets[s.key]}'!A1")
        name_cell.font = Font(name=BODY_FONT, size=10, color="1F4E79", underline="single")
        put(ws, row, 3, s.unit)
        put(ws, row, 4, rule_label(s))
        put(ws, row, 5, s.reported)
        put(ws, row, 6, s.total, decimals=s.decimals)
        put(ws, row, 7, s.previous_total, decimals=s.decimals)
        put(ws, row, 8, s.change_pct, decimals=1)
        put(ws, row, 9, target_label(s))
        put(ws, row, 10, s.progress, decimals=1)
        put(ws, row, 11, met_label(s.target_met))
    box(ws, header, row, 1, len(columns))
    set_widths(ws, [12, 36, 9, 20, 9, 12, 12, 10, 26, 10, 10])
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    a4(ws, summary, landscape=True, title_rows=f"{header}:{header}")


def _write_table(ws: Worksheet, summary: Summary, labels: dict[tuple[str, str], str]) -> None:
    """The one sheet a city user reads first: each indicator a row, each unit a column, the
    total last; every figure a number cell (a figure that could not be read stays as typed)."""
    units = [r.unit for r in summary.completeness if r.received] or list(summary.units)
    columns = [
        tr("consolidation", "表单"),
        tr("consolidation", "指标"),
        tr("consolidation", "计量单位"),
        *[_label(labels, u) for u in units],
        tr("consolidation", "合计"),
    ]
    period = summary.period.label if summary.period else ""
    title_row(
        ws,
        tr("consolidation", "{period} 主要指标分单位汇总表", period=period).strip(),
        len(columns),
    )
    put(
        ws,
        2,
        1,
        tr(
            "consolidation",
            "每个指标一行、每个单位一列；合计按指标规则计算（比率指标为分子合计 ÷ 分母合计，"
            "不是各单位比率的平均），不可相加的指标不合计。各指标的明细见后面的分表。",
        ),
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    ws.row_dimensions[2].height = 30
    header = 4
    header_row(ws, header, columns)
    ws.row_dimensions[header].height = 45
    row = header
    for s in summary.indicators:
        if s.kind in ("grade", "milestone", "text"):
            continue
        row += 1
        by_unit = {unit_id(r.unit): r for r in s.rows}
        put(ws, row, 1, s.form)
        put(ws, row, 2, s.name)
        put(ws, row, 3, s.unit)
        for i, unit in enumerate(units):
            value = by_unit.get(unit_id(unit))
            if value is None:
                continue
            shown: Any = value.value if value.value is not None else (value.text or None)
            put(ws, row, 4 + i, shown, decimals=s.decimals)
        if s.aggregation != "none":
            total = put(ws, row, 4 + len(units), s.total, decimals=s.decimals)
            total.font = Font(name=HEAD_FONT, size=10, bold=True)
    box(ws, header, row, 1, len(columns))
    set_widths(ws, [7, 34, 9] + [10] * len(units) + [12])
    ws.freeze_panes = ws.cell(row=header + 1, column=4)
    a4(ws, summary, landscape=True, title_rows=f"{header}:{header}")


def _write_matrix(ws: Worksheet, summary: Summary) -> None:
    pack = summary.pack
    forms = list(pack.forms)
    reviewed = bool(summary.review)
    timed = any(t.state != "undated" for t in summary.timeliness.values())
    width = 3 + len(forms) + (1 if reviewed else 0) + (2 if timed else 0)
    title_row(ws, tr("consolidation", "各单位报送完成情况"), width)
    legend = "　".join(
        f"{state_label(s)}"
        for s in (FormState.SUBMITTED, FormState.WITH_WARNINGS, FormState.MISSING)
    )
    put(ws, 2, 1, tr("consolidation", "图例：{legend}；“—”表示该单位不报送此表。", legend=legend))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header = 3
    titles = [
        tr("consolidation", "区划代码"),
        tr("consolidation", "单位"),
        tr("consolidation", "修订版"),
    ]
    titles += [f"{code}\n{pack.form(code).title}" for code in forms]
    if reviewed:
        titles.append(tr("consolidation", "审核状态"))
    if timed:
        titles += [tr("consolidation", "报送时效"), tr("consolidation", "迟报原因")]
    header_row(ws, header, titles)
    ws.row_dimensions[header].height = 60
    row = header
    for entry in summary.completeness:
        row += 1
        put(ws, row, 1, entry.unit.division_code)
        put(ws, row, 2, entry.unit.display_name or entry.unit.division_name)
        put(
            ws,
            row,
            3,
            entry.revision if entry.revision is not None else tr("consolidation", "未收到"),
        )
        for i, form in enumerate(forms):
            state = entry.states.get(form, FormState.NOT_REQUIRED)
            cell = put(ws, row, 4 + i, state_label(state))
            cell.fill = STATE_FILLS[state]
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if reviewed:
            review = summary.review.get(unit_id(entry.unit))
            put(ws, row, 4 + len(forms), unit_state_label(review.state) if review else "")
        if timed:
            timeliness = summary.timeliness.get(unit_id(entry.unit))
            column = 4 + len(forms) + (1 if reviewed else 0)
            if timeliness is not None:
                cell = put(ws, row, column, timeliness.label)
                cell.fill = TIMELINESS_FILLS[timeliness.state]
                put(ws, row, column + 1, timeliness.reason)
    box(ws, header, row, 1, width)
    set_widths(
        ws,
        [9, 24, 8] + [9] * len(forms) + ([10] if reviewed else []) + ([11, 30] if timed else []),
    )
    ws.freeze_panes = ws.cell(row=header + 1, column=4)
    a4(ws, summary, landscape=True, title_rows=f"{header}:{header}")


def _indicator_columns(s: IndicatorSummary) -> list[str]:
    value_title = (
        tr("consolidation", "本期（{unit}）", unit=s.unit)
        if s.unit
        else tr("consolidation", "本期")
    )
    cols = [tr("consolidation", "序号"), tr("consolidation", "单位"), value_title]
    if s.kind == "ratio":
        cols += [s.numerator_name, s.denominator_name]
    if s.kind == "provincial":
        cols += [tr("consolidation", "省下达目标")]
    cols += [tr("consolidation", "上年"), tr("consolidation", "同比变化（%）")]
    if s.target is not None or s.kind == "provincial":
        cols += [tr("consolidation", "是否达到目标")]
    cols += [tr("consolidation", "备注")]
    return cols


def _unit_cells(s: IndicatorSummary, row: UnitValue) -> list[tuple[Any, int | None]]:
    if s.kind in ("grade", "milestone", "text"):
        cells: list[tuple[Any, int | None]] = [(row.text, None)]
    else:
        cells = [(row.value if row.value is not None else row.text or None, s.decimals)]
    if s.kind == "ratio":
        cells += [(row.numerator, s.numerator_decimals), (row.denominator, s.denominator_decimals)]
    if s.kind == "provincial":
        cells += [(row.provincial_target, s.decimals)]
    previous: Any = row.previous if row.previous is not None else (row.previous_text or None)
    cells += [(previous, s.decimals), (row.change_pct, 1)]
    if s.target is not None or s.kind == "provincial":
        cells += [(met_label(row.meets_target), None)]
    cells += [(row.problem or "", None)]
    return cells


def _write_indicator(
    ws: Worksheet, summary: Summary, s: IndicatorSummary, labels: dict[tuple[str, str], str]
) -> None:
    columns = _indicator_columns(s)
    title_row(ws, f"{s.form}  {s.name}", len(columns))
    notes = [tr("consolidation", "汇总方法：{rule}", rule=rule_label(s))]
    if s.target is not None:
        notes.append(
            tr(
                "consolidation",
                "规划目标：{target}（{plan}）",
                target=target_label(s),
                plan=s.target.plan_text,
            )
        )
    row = 2
    for note in notes:
        put(ws, row, 1, note)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        row += 1
    header = row + 1
    header_row(ws, header, columns)
    row = header
    for i, unit_row in enumerate(s.rows, start=1):
        row += 1
        put(ws, row, 1, i)
        put(ws, row, 2, _label(labels, unit_row.unit))
        for j, (value, decimals) in enumerate(_unit_cells(s, unit_row)):
            put(ws, row, 3 + j, value, decimals=decimals)
    last_unit_row = row
    if s.aggregation != "none":
        row += 1
        put(ws, row, 1, "")
        put(ws, row, 2, tr("consolidation", "合计"))
        put(ws, row, 3, s.total, decimals=s.decimals)
        col = 4
        if s.kind == "ratio":
            put(ws, row, col, s.total_numerator, decimals=s.numerator_decimals)
            put(ws, row, col + 1, s.total_denominator, decimals=s.denominator_decimals)
            col += 2
        if s.kind == "provincial":
            put(ws, row, col, s.total_provincial_target, decimals=s.decimals)
            col += 1
        put(ws, row, col, s.previous_total, decimals=s.decimals)
        put(ws, row, col + 1, s.change_pct, decimals=1)
        col += 2
        if s.target is not None or s.kind == "provincial":
            put(ws, row, col, met_label(s.target_met))
            col += 1
        if s.previous_total is not None and not s.previous_complete:
            put(ws, row, col, tr("consolidation", "部分单位无上年数据，上年合计只含有数据的单位"))
        for cell in ws[row]:
            cell.fill = LABEL_FILL
            cell.font = Font(name=HEAD_FONT, size=10, bold=True)
    box(ws, header, row, 1, len(columns))
    row += 1
    if s.progress is not None:
        row += 1
        put(ws, row, 2, tr("consolidation", "完成进度"))
        put(ws, row, 3, s.progress, decimals=1)
        put(ws, row, 4, tr("consolidation", "%（合计占规划目标的比例）"))
    set_widths(ws, [6, 26] + [max(10, min(16, display_width(c) // 2 + 2)) for c in columns[2:]])
    ws.row_dimensions[header].height = 30
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    a4(ws, summary, title_rows=f"{header}:{header}")
    if s.is_key and any(r.value is not None for r in s.rows):
        # below the table, not beside it: the sheet keeps its width and prints at a readable size
        _add_chart(ws, s, header, last_unit_row, row + 2)


def _add_chart(
    ws: Worksheet, s: IndicatorSummary, header: int, last_row: int, anchor_row: int
) -> None:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: eighteen county names stay readable
    chart.style = 10
    chart.title = s.name
    chart.y_axis.title = s.unit or None
    chart.y_axis.scaling.min = 0  # bars start at zero, or small differences look huge
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws no labels
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    data = Reference(ws, min_col=3, min_row=header, max_row=last_row)
    categories = Reference(ws, min_col=2, min_row=header + 1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height = max(7.5, 0.6 * (last_row - header) + 3)
    chart.width = 16
    ws.add_chart(chart, f"B{anchor_row}")


def _write_warnings(ws: Worksheet, summary: Summary) -> None:
    columns = [
        tr("consolidation", "单位"),
        tr("consolidation", "表单"),
        tr("consolidation", "字段"),
        tr("consolidation", "提示内容"),
        tr("consolidation", "单位的说明"),
    ]
    title_row(ws, tr("consolidation", "各单位已说明的提示"), len(columns))
    header_row(ws, 3, columns)
    row = 3
    for w in summary.warnings:
        row += 1
        field = w.field or ""
        if field:
            try:
                field = summary.pack.input_field(field).label
            except KeyError:
                pass  # a field of an older pack: show its key
        for col, value in enumerate(
            (w.unit.display_name, w.form, field, w.message, w.explanation), start=1
        ):
            put(ws, row, col, value)
    if row == 3:
        row += 1
        put(ws, row, 1, tr("consolidation", "没有单位接受并说明过提示。"))
    box(ws, 3, row, 1, len(columns))
    set_widths(ws, [24, 8, 24, 40, 50])
    ws.freeze_panes = "A4"
    a4(ws, summary, landscape=True, title_rows="3:3")


def _write_unbacked(ws: Worksheet, summary: Summary) -> None:
    """The claims without evidence (佐证材料), unit by unit: what to ask the units for."""
    columns = [
        tr("consolidation", "单位"),
        tr("consolidation", "表单"),
        tr("consolidation", "填报内容"),
        tr("consolidation", "填报值"),
        tr("consolidation", "应附佐证材料"),
        tr("consolidation", "依据"),
        tr("consolidation", "单位的说明"),
    ]
    title_row(ws, tr("consolidation", "无佐证材料的填报"), len(columns))
    header_row(ws, 3, columns)
    labels = unit_labels(summary)
    row = 3
    for claim in summary.unbacked:
        row += 1
        values = (
            _label(labels, claim.unit),
            claim.form,
            claim.subject,
            claim.value,
            claim.what,
            claim.reason,
            claim.explanation or tr("consolidation", "（未说明）"),
        )
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
        if not claim.explanation:
            ws.cell(row=row, column=len(columns)).font = Font(
                name=BODY_FONT, size=10, color="C00000"
            )
    if row == 3:
        row += 1
        put(ws, row, 1, tr("consolidation", "各单位的填报均附有所需的佐证材料。"))
    box(ws, 3, row, 1, len(columns))
    set_widths(ws, [24, 6, 34, 12, 28, 44, 36])


def _write_queries(ws: Worksheet, summary: Summary) -> None:
    """Each unit's review state and the queries of the office's newest feedback, each with its
    state (待答复 / 已答复 / 已关闭): what the city still waits for, at a glance."""
    columns = [
        tr("consolidation", "单位"),
        tr("consolidation", "审核状态"),
        tr("consolidation", "修订版"),
        tr("consolidation", "序号"),
        tr("consolidation", "查询位置"),
        tr("consolidation", "查询内容"),
        tr("consolidation", "单位的答复"),
        tr("consolidation", "查询状态"),
    ]
    title_row(ws, tr("consolidation", "审核状态和查询"), len(columns))
    put(ws, 2, 1, summary.totals_basis)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    ws.row_dimensions[2].height = 30
    header_row(ws, 3, columns)
    row = 3
    for entry in summary.completeness:
        review = summary.review.get(unit_id(entry.unit))
        if review is None:
            continue
        name = entry.unit.display_name or entry.unit.division_name
        state = unit_state_label(review.state)
        revision: Any = review.revision if review.revision is not None else ""
        if not review.queries:
            row += 1
            for col, value in enumerate((name, state, revision), start=1):
                put(ws, row, col, value)
            continue
        for q in review.queries:
            row += 1
            values = (
                name,
                state,
                revision,
                q.n,
                f"{q.label}（{q.key}）" if q.label else q.key,
                q.question,
                q.answer,
                query_state_label(q.state),
            )
            for col, value in enumerate(values, start=1):
                put(ws, row, col, value)
    box(ws, 3, row, 1, len(columns))
    set_widths(ws, [22, 9, 7, 6, 26, 40, 40, 9])
    ws.freeze_panes = "A4"
    a4(ws, summary, landscape=True, title_rows="3:3")


def _write_files(ws: Worksheet, summary: Summary) -> None:
    columns = [
        tr("consolidation", "文件"),
        tr("consolidation", "单位"),
        tr("consolidation", "报送期"),
        tr("consolidation", "修订版"),
        tr("consolidation", "处理"),
        tr("consolidation", "原因或核验结果"),
    ]
    title_row(ws, tr("consolidation", "收到的文件及核验结果"), len(columns))
    header_row(ws, 3, columns)
    row = 3
    order = {
        "conflict": 0,
        "refused": 1,
        "duplicate": 2,
        "superseded": 3,
        "other_period": 4,
        "used": 5,
    }
    for note in sorted(summary.files, key=lambda f: (order.get(f.status, 9), f.name)):
        row += 1
        values = (
            note.name,
            note.unit,
            note.period,
            note.revision,
            file_status_label(note.status),
            note.reason,
        )
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value)
        if note.status in ("refused", "conflict"):
            for col in (5, 6) if note.status == "conflict" else (5,):
                ws.cell(row=row, column=col).font = Font(
                    name=BODY_FONT, size=10, bold=True, color="C00000"
                )
    box(ws, 3, max(row, 3), 1, len(columns))
    if summary.other_packs:  # units on another form pack: which indicators they were not asked
        row += 2
        put(ws, row, 1, tr("consolidation", "按其他表单包填报的单位"))
        ws.cell(row=row, column=1).font = Font(name=BODY_FONT, size=10, bold=True)
        for other in summary.other_packs:
            row += 1
            put(ws, row, 1, other.unit)
            put(ws, row, 2, other.version)
            put(ws, row, 6, other.sentence())
    set_widths(ws, [36, 24, 10, 8, 18, 60])
    ws.freeze_panes = "A4"
    a4(ws, summary, landscape=True, title_rows="3:3")


# --------------------------------------------------------------------------- the workbook


def build_workbook(summary: Summary) -> Workbook:
    wb = Workbook()
    cover = wb.active
    taken = {
        name.lower()
        for name in (
            TABLE_SHEET,
            COVER_SHEET,
            MATRIX_SHEET,
            WARNINGS_SHEET,
            UNBACKED_SHEET,
            FILES_SHEET,
            FILES_SHEET,
            QUERIES_SHEET,
        )
    }
    cover.title = COVER_SHEET
    sheets = {s.key: sheet_name(f"{s.form} {s.name}", taken) for s in summary.indicators}
    labels = unit_labels(summary)
    _write_cover(cover, summary, sheets)
    table = wb.create_sheet(TABLE_SHEET, 0)
    _write_table(table, summary, labels)
    wb.active = 0
    _write_matrix(wb.create_sheet(MATRIX_SHEET), summary)
    for s in summary.indicators:
        _write_indicator(wb.create_sheet(sheets[s.key]), summary, s, labels)
    _write_warnings(wb.create_sheet(WARNINGS_SHEET), summary)
    _write_unbacked(wb.create_sheet(UNBACKED_SHEET), summary)
    if summary.review:
        _write_queries(wb.create_sheet(QUERIES_SHEET), summary)
    _write_files(wb.create_sheet(FILES_SHEET), summary)
    wb.properties.title = tr("consolidation", "汇总表")
    wb.properties.creator = "EcoDesk"
    return wb


def check_output_path(out_path: Path) -> Path:
    """Refuse an output path that cannot work, before any long work is done."""
    out_path = Path(out_path)
    if out_path.is_dir():
        raise SummaryWriteError(
            tr(
                "consolidation",
                "“{path}”是一个文件夹，请给出汇总表的文件名（.xlsx）。",
                path=out_path,
            )
        )
    if out_path.suffix.lower() != ".xlsx":
        raise SummaryWriteError(
            tr(
                "consolidation",
                "汇总表要保存为 .xlsx 文件，“{name}”不是。请改用 .xlsx 结尾的文件名。",
                name=out_path.name,
            )
        )
    if not out_path.parent.is_dir():
        raise SummaryWriteError(
            tr(
                "consolidation",
                "文件夹“{folder}”不存在，请先创建它或另选保存位置。",
                folder=out_path.parent,
            )
        )
    return out_path


def write_summary_workbook(summary: Summary, out_path: Path, *, force: bool = True) -> Path:
    """Write the consolidated workbook to ``out_path`` (whole or not at all, see
    :class:`~ecodesk.output.OutputFile`; an existing file is replaced only when ``force``)."""
    out_path = check_output_path(out_path)
    if not force and out_path.exists():  # before the workbook is built, not after
        raise OutputExists(out_path)
    wb = build_workbook(summary)
    with OutputFile(out_path, force=force) as output:
        wb.save(output.tmp)
    log.info("consolidated workbook written: %s (%d indicators)", out_path, len(summary.indicators))
    return out_path
