"""What Excel and WPS put on the clipboard, turned into table rows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecodesk.ui.widgets.paste import parse_tab_separated, paste_grid


def test_excel_rows_with_crlf_and_trailing_newline() -> None:
    text = "项目A\t甲公司\t120\r\n项目B\t乙公司\t80.5\r\n"
    assert parse_tab_separated(text) == [["项目A", "甲公司", "120"], ["项目B", "乙公司", "80.5"]]


def test_quoted_cell_with_line_break_stays_one_cell() -> None:
    text = '"第一行\n第二行"\t10\n项目C\t20\n'
    assert parse_tab_separated(text) == [["第一行\n第二行", "10"], ["项目C", "20"]]


def test_blank_clipboard_gives_nothing() -> None:
    assert parse_tab_separated("") == []
    assert parse_tab_separated("\t\t\r\n\r\n") == []


def test_paste_extends_rows_and_drops_cells_beyond_the_last_column() -> None:
    rows = [{"a": "1", "b": "2", "c": "3"}]
    result = paste_grid(rows, ["a", "b", "c"], [["x", "y", "z", "extra"], ["p"]], 0, 1)
    assert result == [{"a": "1", "b": "x", "c": "y"}, {"a": "", "b": "p", "c": ""}]
    assert rows == [{"a": "1", "b": "2", "c": "3"}], "the rows given are not changed in place"


cell = st.text(
    alphabet=st.characters(blacklist_characters='\t\r\n"', blacklist_categories=("Cs",)), max_size=8
)


@settings(max_examples=60)
@given(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=5))
def test_round_trip_of_tab_separated_grids(grid: list[list[str]]) -> None:
    text = "\r\n".join("\t".join(row) for row in grid) + "\r\n"
    expected = [[c.strip() for c in row] for row in grid]
    expected = [row for row in expected if any(row)]
    assert parse_tab_separated(text) == expected
