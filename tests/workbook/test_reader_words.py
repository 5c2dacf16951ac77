"""A tampered cell is described in a clerk's words, not in Excel's number-format codes."""

from __future__ import annotations

from ecodesk.workbook.reader import CellMismatch, _shown, format_in_words


def test_number_formats_read_in_chinese() -> None:
    assert format_in_words("#,##0.00") == "数字，千位分隔，2 位小数"
    assert format_in_words("0.0\\%") == "百分比，1 位小数"
    assert format_in_words("0") == "数字，不显示小数"
    assert format_in_words("General") == "常规格式"


def test_a_reformatted_cell_says_what_changed_without_format_codes() -> None:
    described = CellMismatch(
        "1.1", "C5", _shown(("number_cell", "12.5|0.00")), _shown(("number_cell", "12.5|0"))
    ).describe()
    assert "2 位小数" in described and "不显示小数" in described
    assert "0.00" not in described and "|" not in described
