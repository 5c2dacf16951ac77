"""Read one division's column of a filled 上年基数表, the way people really fill Excel.

Found by content, not position: the header row is the row that names the code or name column
and this division's column (by its code, or its exact name), so merged title rows, blank
rows, notes, extra and reordered columns do not matter. A row is matched by its code first
(following the pack's renames), then by the exact indicator name. Numbers may be stored as
text, with units, %, full-width digits (``parse_clerk_number``); a formula counts by its
cached result, and a formula without one is reported, never read as 0.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import FieldKey
from ecodesk.forms.loader import FormPack, InputField
from ecodesk.forms.numbers import NumberParseError, parse_clerk_number
from ecodesk.i18n import tr
from ecodesk.importing.errors import TemplateNotRecognized
from ecodesk.importing.safety import OpenedWorkbook
from ecodesk.importing.template import (
    CODE_HEADER,
    NAME_HEADER,
    YEAR_LABEL,
    baseline_fields,
    row_name,
)

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 40
_CODE_HEADERS = {CODE_HEADER, "代码", "字段代码", "指标编码", "编码"}
_NAME_HEADERS = {NAME_HEADER, "名称", "指标", "指标名"}
_YEAR_RE = re.compile(r"(20\d{2})")


@dataclass(frozen=True)
class TemplateValue:
    """A value found for one field, with where it came from."""

    key: str  # this pack's key
    text: str  # normalised, as the store keeps it (plain digits, or the choice)
    where: str  # 第12行
    file_key: str  # the code as written in the file ('' when matched by name)


@dataclass(frozen=True)
class TemplateProblem:
    """A row that could not be used, and why (Chinese)."""

    where: str
    code: str
    name: str
    reason: str


@dataclass
class TemplateReading:
    sheet: str
    column: str  # the division's header as found
    year: int | None
    values: list[TemplateValue] = field(default_factory=list)
    problems: list[TemplateProblem] = field(default_factory=list)
    blank: int = 0  # matched rows left empty for this division


# ``[1]Sheet!A1`` (a reference into another workbook, numbered in xl/externalLinks) and
# ``app|topic!item`` (DDE): outside quoted strings either means the value comes from elsewhere.
_EXTERNAL_REFERENCE = re.compile(r"\[\d+\]|\|")
_QUOTED = re.compile(r'"[^"]*"')


def links_outside(formula: str) -> bool:
    """True when ``formula`` takes its value from another file or program (external link, DDE)."""
    return bool(_EXTERNAL_REFERENCE.search(_QUOTED.sub("", formula)))


def fold(text: str) -> str:
    """Compare text as people see it: full-width/half-width and stray spaces do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def looks_like_template(opened: OpenedWorkbook, pack: FormPack) -> bool:
    """True when some sheet has a header row naming the code or the name column."""
    for ws in opened.values.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True):
            cells = {fold(_text(v)) for v in row}
            if cells & {fold(h) for h in _CODE_HEADERS | _NAME_HEADERS}:
                return True
    return False


def read_template(opened: OpenedWorkbook, pack: FormPack, division_code: str) -> TemplateReading:
    """This division's values from a filled template; raises :class:`TemplateNotRecognized`."""
    division = pack.division(division_code)
    found = _find_header(opened, division.code, division.name)
    if found is None:
        raise TemplateNotRecognized(
            opened.path,
            tr(
                "import",
                "没有找到“{code}”或“{name}”列和“{header}”列的表头",
                code=division.code,
                name=division.name,
                header=CODE_HEADER,
            ),
        )
    ws_name, header_row, code_col, name_col, value_col, column_title = found
    ws_values = opened.values[ws_name]
    ws_formulas = opened.formulas[ws_name]
    reading = TemplateReading(
        sheet=ws_name, column=column_title, year=_find_year(ws_values, header_row)
    )
    fields = {f.key: f for f in baseline_fields(pack)}
    by_name = _names(pack, fields)
    seen: dict[str, str] = {}
    for row in range(header_row + 1, ws_values.max_row + 1):
        code = fold(_text(ws_values.cell(row, code_col).value)) if code_col else ""
        name = _text(ws_values.cell(row, name_col).value) if name_col else ""
        cell = ws_values.cell(row, value_col)
        where = tr("import", "第{row}行", row=row)
        if not code and not name:
            continue
        key, reason = _match(pack, fields, by_name, code, name)
        formula = ws_formulas.cell(row, value_col).value
        is_formula = (
            isinstance(formula, str)
            and formula.startswith("=")
            or type(formula).__name__ in ("ArrayFormula", "DataTableFormula")
        )
        if key is None:
            if cell.value is not None and _text(cell.value):
                reading.problems.append(TemplateProblem(where, code, name, reason))
            continue
        empty = cell.value is None or _text(cell.value) == ""
        if empty and not is_formula:
            # A blank row does not claim its field: a later row with a value may still fill it.
            reading.blank += key not in seen
            continue
        if key in seen:
            reading.problems.append(
                TemplateProblem(
                    where,
                    code,
                    name,
                    tr("import", "与{other}重复，只采用第一次出现的值", other=seen[key]),
                )
            )
            continue
        seen[key] = where
        if is_formula and links_outside(str(formula)):
            reading.problems.append(
                TemplateProblem(
                    where,
                    code,
                    name,
                    tr(
                        "import",
                        "单元格 {cell} 的值取自外部链接或 DDE 公式（{formula}），文件中保存的只是上次"
                        "打开时的旧结果，不能作为上年值。请把该单元格改为直接填写的数字后再导入",
                        cell=cell.coordinate,
                        formula=str(formula)[:60],
                    ),
                )
            )
            continue
        if is_formula and cell.value is None:
            reading.problems.append(
                TemplateProblem(
                    where,
                    code,
                    name,
                    tr(
                        "import",
                        "单元格 {cell} 是公式（{formula}），但文件中没有保存计算结果。请在 Excel 或 WPS 中打开该文件，"
                        "确认公式已计算后保存，再导入",
                        cell=cell.coordinate,
                        formula=str(formula)[:60],
                    ),
                )
            )
            continue
        if empty:
            reading.blank += 1
            continue
        spec = fields[key]
        indicator = pack.indicator(spec.form, spec.indicator)
        if indicator.only_for and division.code not in indicator.only_for:
            reading.problems.append(
                TemplateProblem(where, code, name, tr("import", "本单位不填报此项"))
            )
            continue
        try:
            text = _normalise(spec, cell)
        except EcoDeskError as exc:
            reading.problems.append(
                TemplateProblem(
                    where,
                    code,
                    name,
                    tr("import", "单元格 {cell}：{reason}", cell=cell.coordinate, reason=exc),
                )
            )
            continue
        reading.values.append(
            TemplateValue(
                key=key, text=text, where=where, file_key=code if FieldKey.is_valid(code) else ""
            )
        )
    log.info(
        "template %s: %d values, %d problems for %s",
        opened.path,
        len(reading.values),
        len(reading.problems),
        division.code,
    )
    return reading


def _find_header(
    opened: OpenedWorkbook, division_code: str, division_name: str
) -> tuple[str, int, int | None, int | None, int, str] | None:
    code_headers = {fold(h) for h in _CODE_HEADERS}
    name_headers = {fold(h) for h in _NAME_HEADERS}
    for ws in opened.values.worksheets:
        for row_no, row in enumerate(
            ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True), start=1
        ):
            code_col = name_col = value_col = None
            title = ""
            for col, value in enumerate(row, start=1):
                text = fold(_text(value))
                if not text:
                    continue
                if text in code_headers and code_col is None:
                    code_col = col
                elif text in name_headers and name_col is None:
                    name_col = col
                elif value_col is None and _names_division(text, division_code, division_name):
                    value_col, title = col, _text(value)
            if value_col and (code_col or name_col):
                return ws.title, row_no, code_col, name_col, value_col, title
    return None


def _names_division(header: str, code: str, name: str) -> bool:
    """A header names the division by its code (anywhere in the cell) or by its exact name."""
    if re.search(rf"(?<![0-9A-Z]){re.escape(code)}(?![0-9A-Z])", header):
        return True
    stripped = re.sub(r"[0-9A-Z]{6}", "", header)
    return stripped == fold(name)


def _find_year(ws: Any, header_row: int) -> int | None:
    for row in ws.iter_rows(min_row=1, max_row=header_row, values_only=True):
        for col, value in enumerate(row):
            text = fold(_text(value))
            if text.startswith(YEAR_LABEL):
                rest = text[len(YEAR_LABEL) :] or (
                    fold(_text(row[col + 1])) if col + 1 < len(row) else ""
                )
                match = _YEAR_RE.search(rest)
                if match:
                    return int(match.group(1))
    return None


def _names(pack: FormPack, fields: dict[str, InputField]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for key, spec in fields.items():
        for name in {row_name(pack, spec), spec.label}:
            names.setdefault(fold(name), []).append(key)
    return names


def _match(
    pack: FormPack,
    fields: dict[str, InputField],
    by_name: dict[str, list[str]],
    code: str,
    name: str,
) -> tuple[str | None, str]:
    if code and FieldKey.is_valid(code):
        current = pack.current_key(code)
        if current in fields:
            return current, ""
        if code in pack.manifest.retired:
            return None, tr("import", "指标代码 {code} 已停用", code=code)
        if current is None and not name:
            return None, tr("import", "指标代码 {code} 在当前表单中不存在", code=code)
    if name:
        keys = by_name.get(fold(name), [])
        if len(keys) == 1:
            return keys[0], ""
        if len(keys) > 1:
            return None, tr(
                "import", "指标名称“{name}”对应多个指标，请填写 A 列指标代码", name=name
            )
        return None, tr("import", "找不到指标“{name}”（代码和名称都对不上）", name=name)
    return None, tr("import", "找不到指标代码 {code}", code=code)


def _normalise(spec: InputField, cell: Any) -> str:
    value = cell.value
    if spec.type == "choice":
        text = fold(_text(value))
        for choice in spec.choices:
            if fold(choice) == text:
                return choice
        raise EcoDeskError(
            tr(
                "import",
                "“{value}”不是可选项（{choices}）之一",
                value=_text(value),
                choices="、".join(spec.choices),
            )
        )
    if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
        raise EcoDeskError(
            tr(
                "import",
                "“{value}”不是数字（单元格格式可能被设成了日期或逻辑值），请改为数字",
                value=_text(value),
            )
        )
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            raise EcoDeskError(tr("import", "“{value}”不是有效数字", value=value)) from None
        if not number.is_finite():
            raise EcoDeskError(tr("import", "“{value}”不是有效数字", value=value))
        if "%" in (cell.number_format or "") and spec.unit == "%":
            number *= 100  # Excel keeps 76.5% as 0.765
    else:
        try:
            number = parse_clerk_number(str(value), unit=spec.unit, multipliers=spec.multipliers)
        except NumberParseError as exc:
            raise EcoDeskError(str(exc).rstrip("。")) from None
    if spec.integer and number != number.to_integral_value():
        raise EcoDeskError(tr("import", "“{value}”应为整数", value=_text(value)))
    return plain(number)


def plain(number: Decimal) -> str:
    """Plain digits without exponent or trailing zeros: 76.50 → 76.5, 1E+2 → 100."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text
