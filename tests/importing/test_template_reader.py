"""A template filled the way people really fill Excel is read correctly, problem rows are named."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from ecodesk.forms.loader import FormPack
from ecodesk.importing.errors import TemplateNotRecognized
from ecodesk.importing.safety import open_for_import
from ecodesk.importing.template import row_name
from ecodesk.importing.template_reader import read_template
from tests.importing.makers import COUNTY, field_where, set_cached_values
from tests.libreoffice import convert

MULTIPLIED = {"亿元": "3.5", "万元": "35000", "元": "350000000"}


@dataclasses.dataclass
class Messy:
    path: Path
    expected: dict[str, str]  # key → normalised value
    problems: dict[str, str]  # key → a word the reason must contain
    unknown_row: int


def _fields(pack: FormPack) -> dict[str, object]:
    used: set[str] = set()

    def pick(predicate):  # type: ignore[no-untyped-def]
        f = field_where(pack, lambda f: f.key not in used and predicate(f))
        used.add(f.key)
        return f

    return {
        "pct": pick(lambda f: f.type == "number" and f.unit == "%" and not f.integer),
        "pct_cell": pick(lambda f: f.type == "number" and f.unit == "%" and not f.integer),
        "mult": pick(lambda f: f.type == "number" and f.multipliers and f.unit in MULTIPLIED),
        "count": pick(lambda f: f.type == "number" and f.integer and f.unit == "家"),
        "float": pick(lambda f: f.type == "number" and not f.integer and f.unit not in ("%", "")),
        "by_name": pick(lambda f: f.type == "number" and not f.integer and f.unit not in ("%",)),
        "formula": pick(lambda f: f.type == "number" and f.unit not in ("%",)),
        "no_cache": pick(lambda f: f.type == "number"),
        "junk": pick(lambda f: f.type == "number"),
        "choice": pick(lambda f: f.type == "choice" and len(f.choices) > 1),
        "dup": pick(lambda f: f.type == "number" and not f.integer and f.unit not in ("%",)),
        "fw_colon": pick(lambda f: f.type == "number" and not f.integer and f.unit not in ("%",)),
    }


def make_messy(pack: FormPack, out: Path) -> Messy:
    f = _fields(pack)
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年基数（市统计局）"
    # Two merged title rows and a year written as text in one cell.
    ws["A1"] = "赣州市生态文明建设高地三年行动 上年基数"
    ws.merge_cells("A1:F2")
    ws["A3"] = "基数年度：2025年"
    # Reordered and extra columns; the county is named by code and name in one header cell.
    headers = ["备注", "指标名称", f"{COUNTY}\n宁都县", "计量单位", "指标代码", "360731 于都县"]
    ws.append([])
    ws.append(headers)  # row 5
    rows = [
        (f["pct"].key, "７６．５％", "76.5"),
        (f["mult"].key, "3.5亿", MULTIPLIED[f["mult"].unit]),
        (f["count"].key, "1,234家", "1234"),
        (f["float"].key, 12.5, "12.5"),
        (f["choice"].key, f"  {f['choice'].choices[1]} ", f["choice"].choices[1]),
    ]
    data_rows: list[list[object]] = []
    for key, value, _ in rows:
        data_rows.append(["", "", value, "", key, 999])
        data_rows.append([])  # people leave blank rows
    data_rows.append(["按名称匹配", row_name(pack, f["by_name"]), "８８", "", None, 999])
    data_rows.append(["", "", "约100", "", f["junk"].key, 999])
    data_rows.append(["", "", 5, "", "1.1:no_such_field", 999])
    data_rows.append(["", "", 7.25, "", f["dup"].key, 999])
    data_rows.append(["第二次", "", 9, "", f["dup"].key, 999])
    data_rows.append(["", "", "", "", f["no_cache"].key, 999])  # blank here, a formula further down
    data_rows.append(
        ["", "", "5.5", "", f["fw_colon"].key.replace(":", "："), 999]
    )  # full-width colon typed
    for row in reversed(data_rows):  # and the city sorted them its own way
        ws.append(row)
    first = 6
    unknown_row = next(
        n
        for n, r in enumerate(reversed(data_rows), start=first)
        if r and r[4] == "1.1:no_such_field"
    )
    # Formula rows: one with a cached result (as Excel saves it), one without.
    r_formula, r_nocache, r_pct_cell = ws.max_row + 1, ws.max_row + 2, ws.max_row + 3
    ws.append(["", "", "=40+2", "", f["formula"].key, 999])
    ws.append(["", "", "=SUM(C6:C8)", "", None, 999])
    ws.cell(r_nocache, 2, row_name(pack, f["no_cache"]))
    ws.append(["", "", 0.765, "", f["pct_cell"].key, 999])
    ws.cell(r_pct_cell, 3).number_format = "0.0%"
    wb.save(out)
    set_cached_values(out, "xl/worksheets/sheet1.xml", {f"C{r_formula}": "42"})
    expected = {key: text for key, _, text in rows}
    expected[f["by_name"].key] = "88"
    expected[f["formula"].key] = "42"
    expected[f["pct_cell"].key] = "76.5"
    expected[f["fw_colon"].key] = "5.5"
    expected[f["dup"].key] = "9"  # the first occurrence in the sheet (rows were reversed)
    problems = {f["junk"].key: "约", f["no_cache"].key: "公式", f["dup"].key: "重复"}
    return Messy(out, expected, problems, unknown_row)


@pytest.fixture
def messy(pack: FormPack, tmp_path: Path) -> Messy:
    return make_messy(pack, tmp_path / "基数（填好）.xlsx")


def test_messy_template_values_are_read_exactly(pack: FormPack, messy: Messy) -> None:
    reading = read_template(open_for_import(messy.path), pack, COUNTY)
    got = {v.key: v.text for v in reading.values}
    assert got == messy.expected
    assert reading.year == 2025
    assert "宁都县" in reading.column
    for text in got.values():
        if text[0].isdigit():
            Decimal(text)  # plain digits the store and the rules can read


def test_messy_template_problems_name_row_and_reason(pack: FormPack, messy: Messy) -> None:
    reading = read_template(open_for_import(messy.path), pack, COUNTY)
    by_code = {}
    for p in reading.problems:
        assert p.where.startswith("第") and p.where.endswith("行")
        by_code.setdefault(p.code or p.name, []).append(p.reason)
    for key, word in messy.problems.items():
        reasons = by_code.get(key) or by_code.get(row_name(pack, pack.input_field(key)), [])
        assert any(word in r for r in reasons), (key, by_code)
    unknown = [p for p in reading.problems if p.code == "1.1:no_such_field"]
    assert unknown and unknown[0].where == f"第{messy.unknown_row}行"


def test_other_divisions_columns_are_never_read(pack: FormPack, messy: Messy) -> None:
    reading = read_template(open_for_import(messy.path), pack, COUNTY)
    assert "999" not in {v.text for v in reading.values}


def test_renamed_codes_follow_the_pack_and_retired_are_reported(
    pack: FormPack, tmp_path: Path
) -> None:
    target = field_where(pack, lambda f: f.type == "number" and not f.integer)
    retired = field_where(pack, lambda f: f.type == "number" and f.key != target.key)
    old_key = f"{target.form}:renamed_last_year"
    newer = dataclasses.replace(
        pack,
        manifest=pack.manifest.model_copy(
            update={"renamed": {old_key: target.key}, "retired": [retired.key]}
        ),
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["指标代码", "宁都县"])  # named by exact name only
    ws.append([old_key, "12.5"])
    ws.append([retired.key, "3"])
    wb.save(tmp_path / "t.xlsx")
    reading = read_template(open_for_import(tmp_path / "t.xlsx"), newer, COUNTY)
    assert [(v.key, v.text, v.file_key) for v in reading.values] == [(target.key, "12.5", old_key)]
    assert len(reading.problems) == 1 and "停用" in reading.problems[0].reason


def test_name_only_layout_without_code_column(pack: FormPack, tmp_path: Path) -> None:
    field = field_where(pack, lambda f: f.type == "number" and not f.integer and f.unit != "%")
    wb = Workbook()
    ws = wb.active
    ws.append(["指标名称", "单位", "宁都县"])
    ws.append([row_name(pack, field), field.unit, 3.25])
    wb.save(tmp_path / "t.xlsx")
    reading = read_template(open_for_import(tmp_path / "t.xlsx"), pack, COUNTY)
    assert {v.key: v.text for v in reading.values} == {field.key: "3.25"}


def test_template_without_this_countys_column_is_refused(
    pack: FormPack, blank_template: Path, tmp_path: Path
) -> None:
    wb = Workbook()
    wb.active.append(["指标代码", "指标名称", "360731 于都县"])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(TemplateNotRecognized) as exc:
        read_template(open_for_import(tmp_path / "t.xlsx"), pack, COUNTY)
    assert "宁都县" in str(exc.value) and "没有任何改动" in str(exc.value)


def test_blank_template_reads_as_nothing(pack: FormPack, blank_template: Path) -> None:
    reading = read_template(open_for_import(blank_template), pack, COUNTY)
    assert reading.values == [] and reading.problems == []
    assert reading.blank > 0 and reading.year == 2025


def test_template_saved_again_by_libreoffice_reads_the_same(
    pack: FormPack, messy: Messy, tmp_path: Path
) -> None:
    """A real spreadsheet program rewrites the file (shared strings, recalculated formulas)."""
    resaved = convert(messy.path, "xlsx", tmp_path / "lo")
    reading = read_template(open_for_import(resaved), pack, COUNTY)
    got = {v.key: v.text for v in reading.values}
    assert {k: v for k, v in got.items() if k in messy.expected} == messy.expected
    # LibreOffice recalculated the formula that had no cached result: now it is a value, not a problem.
    (no_cache,) = [k for k, word in messy.problems.items() if word == "公式"]
    assert no_cache in got
    assert not any("公式" in p.reason for p in reading.problems)
