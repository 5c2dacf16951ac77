"""The city's blank 上年基数表: one row per input field, one column per county-level division.

City staff fill it with last year's official figures and send it to the counties, which
import their own column (:mod:`ecodesk.importing.template_reader`). One sheet, codes in
column A so the importer matches rows by code even when people re-sort or insert rows.
Ratio parts (分子/分母) and provincial parts (省下达目标/实际完成) are separate rows because
they are separate input fields.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ecodesk.forms.loader import FormPack, InputField
from ecodesk.forms.schema import RatioIndicator
from ecodesk.i18n import tr
from ecodesk.output import OutputFile

log = logging.getLogger(__name__)

SHEET_TITLE = "上年基数"
CODE_HEADER = "指标代码"
FORM_HEADER = "表单"
NAME_HEADER = "指标名称"
UNIT_HEADER = "计量单位"
YEAR_LABEL = "基数年度"
KEYWORDS = "EcoDesk baseline template"
FIRST_DIVISION_COLUMN = 5
HEADER_ROW = 4


@dataclass(frozen=True)
class TemplateRow:
    """One row of the template: an input field as people read it."""

    key: str
    form: str
    name: str
    unit: str
    only_for: tuple[str, ...]
    choices: tuple[str, ...] = ()


def baseline_fields(pack: FormPack) -> list[InputField]:
    """The fields a baseline holds: every number or choice field (free text is not a figure)."""
    return [f for f in pack.all_input_fields() if f.type in ("number", "choice")]


def row_name(pack: FormPack, field: InputField) -> str:
    """The name shown in the template: a ratio part names its indicator too (森林覆盖率：森林面积)."""
    indicator = pack.indicator(field.form, field.indicator)
    if isinstance(indicator, RatioIndicator):
        return f"{indicator.name}：{field.label}"
    return field.label


def template_rows(pack: FormPack) -> list[TemplateRow]:
    rows = []
    for field in baseline_fields(pack):
        indicator = pack.indicator(field.form, field.indicator)
        unit = (
            field.unit
            if field.type == "number"
            else tr("import", "选填：{choices}", choices="、".join(field.choices))
        )
        rows.append(
            TemplateRow(
                key=field.key,
                form=field.form,
                name=row_name(pack, field),
                unit=unit,
                only_for=tuple(indicator.only_for),
                choices=field.choices,
            )
        )
    return rows


def write_baseline_template(
    pack: FormPack, out_path: Path, *, year: int, force: bool = True
) -> Path:
    """Write the blank template for figures of ``year`` to ``out_path`` (atomically) and return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ecodesk.workbook.styles import BODY, HEADER, HEADER_FILL, LABEL_FILL, NOTE, TITLE, style

    out_path = Path(out_path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    divisions = pack.catalog.divisions
    last_col = FIRST_DIVISION_COLUMN + len(divisions) - 1

    ws.cell(
        1,
        1,
        tr("import", "{plan} 上年基数表（{year}年度）", plan=_short_plan_title(pack), year=year),
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    style(
        ws.cell(1, 1),
        font=TITLE,
        align=Alignment(horizontal="left", vertical="center"),
        border=False,
    )
    ws.row_dimensions[1].height = 28
    ws.cell(2, 1, YEAR_LABEL)
    ws.cell(2, 2, year)
    style(ws.cell(2, 1), font=HEADER, fill=LABEL_FILL)
    style(ws.cell(2, 2), font=HEADER)
    ws.cell(
        2,
        3,
        tr(
            "import",
            "填写说明：在本县（市、区）一列中填写{year}年度的正式数据，数字直接填写（百分比填 76.5 或 76.5%），"
            "灰色格表示该单位不填报此项。请勿修改 A 列“指标代码”，可以增加备注列或调整列的顺序。表单包版本 {version}。",
            year=year,
            version=pack.version,
        ),
    )
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=last_col)
    style(ws.cell(2, 3), font=NOTE, border=False)
    ws.row_dimensions[2].height = 42

    headers = [CODE_HEADER, FORM_HEADER, NAME_HEADER, UNIT_HEADER] + [
        f"{d.code} {d.name}" for d in divisions
    ]
    for col, text in enumerate(headers, start=1):
        style(
            ws.cell(HEADER_ROW, col, text),
            font=HEADER,
            fill=HEADER_FILL,
            align=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    ws.row_dimensions[HEADER_ROW].height = 32

    from openpyxl.worksheet.datavalidation import DataValidation

    not_reported = PatternFill("solid", fgColor="BFBFBF")
    first_col, last_letter = get_column_letter(FIRST_DIVISION_COLUMN), get_column_letter(last_col)
    lists: dict[tuple[str, ...], DataValidation] = {}
    code_font = Font(name="Consolas", size=10)
    for row_no, row in enumerate(template_rows(pack), start=HEADER_ROW + 1):
        for col, text in enumerate((row.key, row.form, row.name, row.unit), start=1):
            cell = ws.cell(row_no, col, text)
            style(cell, font=code_font if col == 1 else BODY)
            cell.data_type = "s"  # a code is text, never a formula or a number
        for col, division in enumerate(divisions, start=FIRST_DIVISION_COLUMN):
            cell = ws.cell(row_no, col)
            style(
                cell,
                fill=not_reported if row.only_for and division.code not in row.only_for else None,
            )
        if row.choices and len(",".join(row.choices)) < 250:  # Excel's limit for an inline list
            if row.choices not in lists:
                lists[row.choices] = DataValidation(
                    type="list",
                    formula1='"' + ",".join(row.choices) + '"',
                    allow_blank=True,
                    error=tr("import", "请从下拉列表中选择。"),
                    errorTitle=tr("import", "不是可选项"),
                )
                ws.add_data_validation(lists[row.choices])
            lists[row.choices].add(f"{first_col}{row_no}:{last_letter}{row_no}")

    for col, width in zip(range(1, 5), (30, 6, 44, 10), strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in range(FIRST_DIVISION_COLUMN, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, FIRST_DIVISION_COLUMN)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wb.properties.title = tr("import", "上年基数表（{year}年度）", year=year)
    wb.properties.keywords = f"{KEYWORDS} {pack.version}"
    wb.properties.creator = "EcoDesk"

    with OutputFile(out_path, force=force) as output:
        wb.save(output.tmp)
    log.info("baseline template for %s written to %s", year, out_path)
    return out_path


def _short_plan_title(pack: FormPack) -> str:
    title = pack.catalog.plan.title
    return title.split("(")[0].split("（")[0]
