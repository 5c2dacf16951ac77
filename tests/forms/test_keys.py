"""Keys are parsed and formatted in one module; every kind round-trips and bad text is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import (
    AcceptedKey,
    BadKey,
    CellKey,
    FieldKey,
    FieldOperand,
    NumberOperand,
    SectionKey,
    TableCount,
    TableKey,
    TableSum,
    parse_operand,
    parse_problem_location,
    split_key,
)
from ecodesk.forms.loader import bundled_pack


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1.1:upgraded_firms", FieldKey("1.1", "upgraded_firms")),
        ("G:forest_coverage.num", FieldKey("G", "forest_coverage", "num")),
        ("7.2:energy.target", FieldKey("7.2", "energy", "target")),
    ],
)
def test_field_key_round_trips(text: str, key: FieldKey) -> None:
    assert FieldKey.parse(text) == key
    assert str(key) == text
    assert FieldKey.is_valid(text)


@pytest.mark.parametrize(
    "text", ["", "1.1", "1.1:", ":x", "100.1:x", "1.0:x", "H:x", "1.1:a b", "1.1:table:t", "g:x"]
)
def test_bad_field_keys_are_refused_in_chinese(text: str) -> None:
    assert not FieldKey.is_valid(text)
    with pytest.raises(BadKey, match="格式不对") as raised:
        FieldKey.parse(text)
    assert isinstance(raised.value, EcoDeskError)


def test_every_input_field_of_the_pack_has_a_key_that_parses_back() -> None:
    pack = bundled_pack()
    fields = list(pack.all_input_fields())
    assert len(fields) > 100
    for field in fields:
        assert FieldKey.parse(field.key) == field.field_key
        assert pack.input_field(field.field_key) == field


def test_section_and_table_keys() -> None:
    assert SectionKey.parse("1.1:progress") == SectionKey("1.1", "progress")
    assert str(SectionKey("G", "plan")) == "G:plan"
    table = TableKey.parse("3.2:projects")
    assert table == TableKey("3.2", "projects")
    assert str(table) == "3.2:projects"
    assert table.problem_key == "3.2:table:projects"
    with pytest.raises(BadKey):
        TableKey.parse("3.2:pro#jects")
    with pytest.raises(BadKey):
        SectionKey.parse("0.9:progress")  # (a plan may have 9 actions: the pack says)


def test_cell_keys_in_the_signed_data_count_rows_from_one() -> None:
    cell = CellKey.parse("1.1:projects#3.name")
    assert cell == CellKey("1.1", "projects", 2, "name")
    assert str(cell) == "1.1:projects#3.name"
    assert cell.problem_key == "1.1:table:projects:2:name"
    assert TableKey("1.1", "projects").cell(2, "name") == cell
    for bad in ("1.1:projects#0.name", "1.1:projects#x.name", "1.1:projects#3", "projects#3.a"):
        with pytest.raises(BadKey):
            CellKey.parse(bad)


def test_problem_locations_name_a_table_or_a_cell() -> None:
    assert parse_problem_location("1.1:table:projects") == TableKey("1.1", "projects")
    assert parse_problem_location("1.1:table:projects:0:name") == CellKey(
        "1.1", "projects", 0, "name"
    )
    assert parse_problem_location("1.1:upgraded_firms") is None
    assert parse_problem_location("1.1:table:projects:x:name") is None
    assert parse_problem_location("nonsense") is None


def test_accepted_keys() -> None:
    assert AcceptedKey.parse("#2.explanation") == AcceptedKey(2, "explanation")
    assert str(AcceptedKey(2, "explanation")) == "#2.explanation"
    with pytest.raises(BadKey):
        AcceptedKey.parse("#0.explanation")


def test_split_key_takes_anything_a_file_may_hold() -> None:
    assert split_key("1.1:old_code") == ("1.1", "old_code")
    assert split_key("nonsense") == ("nonsense", "")


@pytest.mark.parametrize(
    ("text", "operand"),
    [
        ("upgraded_firms", FieldOperand("upgraded_firms")),
        ("forest.num", FieldOperand("forest.num")),
        ("table:projects.invest", TableSum("projects", "invest")),
        ("table:projects#count", TableCount("projects")),
        ("table:projects", TableCount("projects")),
        ("12.5", NumberOperand(Decimal("12.5"))),
        ("0", NumberOperand(Decimal(0))),
    ],
)
def test_rule_operands(text: str, operand: object) -> None:
    assert parse_operand(text) == operand
    if not (text == "table:projects"):
        assert str(operand) == text


def test_operand_names_its_indicator() -> None:
    assert FieldOperand("forest.num").indicator == "forest"
    assert FieldOperand("forest.num").key("G") == "G:forest.num"


def test_every_rule_operand_of_the_pack_parses() -> None:
    pack = bundled_pack()
    seen = 0
    for form in pack.forms.values():
        for rule in form.rules:
            for text in (getattr(rule, "left", None), getattr(rule, "right", None)):
                if text is not None:
                    assert str(parse_operand(text)) == text
                    seen += 1
    assert seen > 10
