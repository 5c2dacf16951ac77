"""One visible sheet per form, laid out for people: indicators, narratives, tables, accepted warnings.

Generic over the form pack: every indicator kind, table and narrative section the pack
defines is laid out from its definition; nothing here names a particular field.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from ecodesk.forms.figures import number_or_none
from ecodesk.forms.lines import IndicatorLine, indicator_lines
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import FormDef, TableSpec
from ecodesk.i18n import source_language, tr
from ecodesk.submission import SubmissionData
from ecodesk.workbook import styles as st
from ecodesk.workbook.cells import put_text, put_value

log = logging.getLogger(__name__)

# 序号, 指标, 单位, 目标, 上年, 本期, 完成进度
WIDTHS = [6, 34, 9, 22, 13, 14, 11]
LAST_COL = len(WIDTHS)
EXTRA_COL_WIDTH = 12
INVALID_SHEET_CHARS = set("[]:*?/\\")


def sheet_title(form: FormDef) -> str:
    """``1.1 推动传统产业改造升级`` cut to Excel's 31 characters."""
    name = f"{form.code} {form.title}"
    return "".join(ch for ch in name if ch not in INVALID_SHEET_CHARS)[:31]


class FormSheetWriter:
    def __init__(self, ws: Worksheet, pack: FormPack, data: SubmissionData, form: FormDef) -> None:
        self.ws, self.pack, self.data, self.form = ws, pack, data, form
        self.division = data.unit.division_code or None
        self.row = 1

    # ------------------------------------------------------------------ layout

    def write(self) -> None:
        ws = self.ws
        for i, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[_col(i)].width = width
        self._title()
        self._indicators()
        self._narratives()
        for table in self.pack.tables(self.form.code, self.division):
            self._table(table)
        self._accepted()
        ws.freeze_panes = "A4"
        unit = self.data.unit
        st.a4_page(
            ws,
            landscape=False,
            header=tr("workbook-sheet", "{plan} 推进情况报送表", plan=_short_plan(self.pack)),
            footer_left=f"{unit.display_name}  {self.data.period.document_label}  第{self.data.revision}版",
            title_rows="1:3",
        )

    def _title(self) -> None:
        ws = self.ws
        label = tr("workbook-sheet", "表{code}", code=self.form.code) if self.form.task else ""
        put_text(ws, 1, 1, f"{label} {self.form.title}".strip())
        st.style(ws.cell(1, 1), font=st.TITLE, align=st.CENTER, border=False)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=LAST_COL)
        ws.row_dimensions[1].height = 30
        unit = self.data.unit
        sub = tr(
            "workbook-sheet",
            "填报单位：{unit}（{code}）    报送期：{period}    第{revision}版",
            unit=unit.display_name,
            code=unit.division_code,
            period=self.data.period.document_label,
            revision=self.data.revision,
        )
        put_text(ws, 2, 1, sub)
        st.style(ws.cell(2, 1), font=st.SUBTITLE, align=st.LEFT, border=False)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=LAST_COL)
        headers = [
            tr("workbook-sheet", "序号"),
            tr("workbook-sheet", "指标"),
            tr("workbook-sheet", "单位"),
            tr("workbook-sheet", "目标"),
            tr("workbook-sheet", "上年"),
            tr("workbook-sheet", "本期"),
            tr("workbook-sheet", "完成进度"),
        ]
        self._header_row(3, headers)
        self.row = 4

    def _header_row(self, row: int, headers: list[str]) -> None:
        for col, text in enumerate(headers, start=1):
            put_text(self.ws, row, col, text)
            st.style(self.ws.cell(row, col), font=st.HEADER, align=st.CENTER, fill=st.HEADER_FILL)
        self.ws.row_dimensions[row].height = 22

    def _section(self, text: str) -> None:
        self.row += 1
        put_text(self.ws, self.row, 1, text)
        st.style(self.ws.cell(self.row, 1), font=st.SECTION, align=st.LEFT, fill=st.SECTION_FILL)
        st.box_merged(self.ws, self.row, 1, LAST_COL)
        self.ws.row_dimensions[self.row].height = 22
        self.row += 1

    # ------------------------------------------------------------------ indicators

    def _indicators(self) -> None:
        # The same lines the printed sheet shows, in the official documents' Chinese.
        with source_language():
            lines = indicator_lines(self.pack, self.data, self.form.code)
        serial = 0
        for line in lines:
            if line.part:
                self._part_row(line)
                continue
            serial += 1
            self._indicator_row(serial, line)

    def _indicator_row(self, n: int, line: IndicatorLine) -> None:
        ws, r = self.ws, self.row
        value = _cell_value(line.this_value, line.this_number)
        put_value(ws, r, 1, n)
        put_text(ws, r, 2, line.name)
        put_value(ws, r, 3, line.unit or None)
        put_value(ws, r, 4, line.target or None)
        put_value(ws, r, 5, _cell_value(line.last_year, line.last_year_number))
        put_value(ws, r, 6, value)
        progress = line.progress_number
        put_value(
            ws,
            r,
            7,
            progress.quantize(Decimal("0.1")) if progress is not None else line.progress or None,
        )
        fmt = st.number_format(line.decimals)
        st.style(ws.cell(r, 1), align=st.CENTER)
        st.style(ws.cell(r, 2), font=st.BODY_BOLD)
        st.style(ws.cell(r, 3), align=st.CENTER)
        st.style(ws.cell(r, 4), align=st.CENTER)
        st.style(ws.cell(r, 5), align=st.RIGHT, number=fmt)
        st.style(
            ws.cell(r, 6), align=st.RIGHT if not isinstance(value, str) else st.LEFT, number=fmt
        )
        st.style(ws.cell(r, 7), align=st.RIGHT, number='0.0"%"')
        text_len = max(
            (
                st.wrapped_height(str(t), w)
                for t, w in ((line.name, WIDTHS[1]), (line.target, WIDTHS[3]))
            ),
            default=18.0,
        )
        if isinstance(value, str):
            text_len = max(text_len, st.wrapped_height(value, WIDTHS[5]))
        ws.row_dimensions[r].height = text_len
        self.row += 1

    def _part_row(self, line: IndicatorLine) -> None:
        ws, r = self.ws, self.row
        put_text(ws, r, 2, line.name)
        put_value(ws, r, 3, line.unit or None)
        put_value(ws, r, 5, _cell_value(line.last_year, line.last_year_number))
        put_value(ws, r, 6, _cell_value(line.this_value, line.this_number))
        fmt = st.number_format(line.decimals)
        for col in range(1, LAST_COL + 1):
            st.style(
                ws.cell(r, col),
                align=st.RIGHT if col in (5, 6) else st.LEFT,
                number=fmt if col in (5, 6) else None,
            )
        ws.cell(r, 3).alignment = st.CENTER
        ws.row_dimensions[r].height = st.wrapped_height(line.name, WIDTHS[1])
        self.row += 1

    # ------------------------------------------------------------------ narratives

    def _narratives(self) -> None:
        self._section(tr("workbook-sheet", "工作情况"))
        text_width = sum(WIDTHS[2:])
        for section in self.pack.narratives:
            text = self.data.narrative(self.form.code, section.code)
            r = self.row
            put_text(self.ws, r, 1, section.name)
            st.style(self.ws.cell(r, 1), font=st.BODY_BOLD, align=st.CENTER, fill=st.LABEL_FILL)
            st.box_merged(self.ws, r, 1, 2)
            put_value(self.ws, r, 3, text or None)
            st.style(self.ws.cell(r, 3), align=st.LEFT_TOP)
            st.box_merged(self.ws, r, 3, LAST_COL)
            self.ws.row_dimensions[r].height = st.wrapped_height(text, text_width, minimum=30)
            self.row += 1

    # ------------------------------------------------------------------ tables

    def _table(self, table: TableSpec) -> None:
        self._section(tr("workbook-sheet", "表格：{name}", name=table.name))
        ws = self.ws
        headers = [tr("workbook-sheet", "序号")] + [
            f"{c.name}（{c.unit}）" if c.unit else c.name for c in table.columns
        ]
        for col in range(LAST_COL + 1, len(headers) + 1):
            ws.column_dimensions[_col(col)].width = EXTRA_COL_WIDTH
        self._header_row(self.row, headers)
        self.row += 1
        rows = self.data.rows(self.form.code, table.code)
        if not rows:
            put_text(ws, self.row, 1, tr("workbook-sheet", "（本期无）"))
            st.style(ws.cell(self.row, 1), font=st.NOTE, align=st.LEFT)
            st.box_merged(ws, self.row, 1, max(LAST_COL, len(headers)))
            self.row += 1
            return
        for n, row in enumerate(rows, start=1):
            r = self.row
            put_value(ws, r, 1, n)
            st.style(ws.cell(r, 1), align=st.CENTER)
            height = 18.0
            for col, spec in enumerate(table.columns, start=2):
                text = row.get(spec.code, "")
                if spec.type in ("number", "integer"):
                    number = number_or_none(text, unit=spec.unit)
                    put_value(ws, r, col, number if number is not None else (text or None))
                    st.style(
                        ws.cell(r, col),
                        align=st.RIGHT,
                        number=st.number_format(0 if spec.type == "integer" else 2),
                    )
                else:
                    put_value(ws, r, col, text or None)
                    st.style(ws.cell(r, col), align=st.LEFT if spec.type == "text" else st.CENTER)
                width = WIDTHS[col - 1] if col <= LAST_COL else EXTRA_COL_WIDTH
                height = max(height, st.wrapped_height(text, width))
            ws.row_dimensions[r].height = height
            self.row += 1

    # ------------------------------------------------------------------ accepted warnings

    def _accepted(self) -> None:
        accepted = [a for a in self.data.accepted if a.form == self.form.code]
        if not accepted:
            return
        self._section(tr("workbook-sheet", "已说明的预警"))
        ws = self.ws
        r = self.row
        headings = (
            (1, tr("workbook-sheet", "序号")),
            (2, tr("workbook-sheet", "预警内容")),
            (5, tr("workbook-sheet", "情况说明")),
        )
        for col, text in headings:
            put_text(ws, r, col, text)
            st.style(ws.cell(r, col), font=st.HEADER, align=st.CENTER, fill=st.HEADER_FILL)
        st.box_merged(ws, r, 2, 4)
        st.box_merged(ws, r, 5, LAST_COL)
        self.row += 1
        for n, warning in enumerate(accepted, start=1):
            r = self.row
            put_value(ws, r, 1, n)
            st.style(ws.cell(r, 1), align=st.CENTER)
            put_value(ws, r, 2, warning.message or None)
            st.style(ws.cell(r, 2), align=st.LEFT_TOP)
            st.box_merged(ws, r, 2, 4)
            put_value(ws, r, 5, warning.explanation or None)
            st.style(ws.cell(r, 5), align=st.LEFT_TOP)
            st.box_merged(ws, r, 5, LAST_COL)
            ws.row_dimensions[r].height = max(
                st.wrapped_height(warning.message, sum(WIDTHS[1:4])),
                st.wrapped_height(warning.explanation, sum(WIDTHS[4:])),
            )
            self.row += 1


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _cell_value(shown: str, number: Decimal | None) -> Decimal | str | None:
    """A figure as a number where it is one, else the text as typed (None when blank)."""
    return number if number is not None else (shown or None)


def _short_plan(pack: FormPack) -> str:
    """The plan's title without its year span: short enough for a page header."""
    title = pack.catalog.plan.title
    return title.split("(")[0].split("（")[0]
