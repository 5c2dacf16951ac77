"""A broken definition is refused when the pack loads, with a message naming the file and the field.

Each test copies the bundled pack into a temporary folder, breaks one thing in one file, and
loads it from there: the real loader on real files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecodesk.forms.loader import PACK_DIR, FormDefinitionError, load_pack


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK_DIR, target)
    return target


def _edit(directory: Path, name: str, change: Callable[[Any], None]) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["code"] == code)


def _refused(directory: Path) -> FormDefinitionError:
    with pytest.raises(FormDefinitionError) as info:
        load_pack(directory)
    return info.value


def test_the_unbroken_copy_loads(pack_copy: Path) -> None:
    # Guards every test below: a failure there must come from the one thing it breaks.
    assert load_pack(pack_copy).forms.keys() == load_pack().forms.keys()


def test_missing_required_key_names_file_and_field(pack_copy: Path) -> None:
    _edit(pack_copy, "1_1.yaml", lambda d: _indicator(d, "tech_invest").pop("scope"))
    error = _refused(pack_copy)
    assert error.file == "1_1.yaml"
    assert error.location == "indicators[tech_invest].scope"
    assert "1_1.yaml" in str(error) and "scope" in str(error)


def test_wrong_comparator(pack_copy: Path) -> None:
    _edit(
        pack_copy,
        "G.yaml",
        lambda d: _indicator(d, "forest_coverage")["target"].update(comparator="至少"),
    )
    error = _refused(pack_copy)
    assert error.file == "G.yaml"
    assert error.location == "indicators[forest_coverage].target.comparator"


def test_unknown_key_is_a_typo(pack_copy: Path) -> None:
    def typo(d: dict[str, Any]) -> None:
        ind = _indicator(d, "tech_invest")
        ind["unti"] = ind.pop("unit")

    _edit(pack_copy, "1_1.yaml", typo)
    error = _refused(pack_copy)
    assert error.file == "1_1.yaml"
    assert error.location == "indicators[tech_invest].unti"


def test_target_without_value(pack_copy: Path) -> None:
    _edit(pack_copy, "1_2.yaml", lambda d: _indicator(d, "green_factories")["target"].pop("value"))
    error = _refused(pack_copy)
    assert error.file == "1_2.yaml"
    assert "green_factories" in error.location
    assert "value" in error.problem


def test_grade_target_outside_the_grades(pack_copy: Path) -> None:
    _edit(
        pack_copy,
        "3_1.yaml",
        lambda d: _indicator(d, "ganjiang_exit_grade")["target"].update(grade="二类"),
    )
    error = _refused(pack_copy)
    assert error.file == "3_1.yaml"
    assert "ganjiang_exit_grade" in error.location
    assert "二类" in error.problem


def test_ratio_without_denominator(pack_copy: Path) -> None:
    _edit(pack_copy, "2_3.yaml", lambda d: _indicator(d, "bus_nev_share").pop("denominator"))
    error = _refused(pack_copy)
    assert (error.file, error.location) == ("2_3.yaml", "indicators[bus_nev_share].denominator")


def test_duplicate_indicator_code(pack_copy: Path) -> None:
    def duplicate(d: dict[str, Any]) -> None:
        d["indicators"].append(dict(_indicator(d, "tech_invest")))

    _edit(pack_copy, "1_1.yaml", duplicate)
    error = _refused(pack_copy)
    assert error.file == "1_1.yaml"
    assert "tech_invest" in error.problem and "重复" in error.problem


def test_duplicate_table_and_column_codes(pack_copy: Path) -> None:
    _edit(pack_copy, "4_1.yaml", lambda d: d["tables"].append(dict(d["tables"][1])))
    error = _refused(pack_copy)
    assert error.file == "4_1.yaml" and "mines" in error.problem

    shutil.copy(PACK_DIR / "4_1.yaml", pack_copy / "4_1.yaml")
    _edit(
        pack_copy,
        "4_1.yaml",
        lambda d: d["tables"][1]["columns"].append(dict(d["tables"][1]["columns"][0])),
    )
    error = _refused(pack_copy)
    assert error.file == "4_1.yaml"
    assert error.location.startswith("tables[mines]")


def test_duplicate_form_code(pack_copy: Path) -> None:
    _edit(pack_copy, "1_2.yaml", lambda d: d.update(code="1.1"))
    error = _refused(pack_copy)
    assert error.file == "1_2.yaml" and "1_1.yaml" in error.problem


def test_rule_naming_an_unknown_field(pack_copy: Path) -> None:
    _edit(pack_copy, "1_1.yaml", lambda d: d["rules"][0].update(right="upgraded_firm"))
    error = _refused(pack_copy)
    assert error.file == "1_1.yaml"
    assert error.location == "rules[year_within_cumulative]"
    assert "upgraded_firm" in error.problem


def test_rule_naming_an_unknown_table_or_column(pack_copy: Path) -> None:
    _edit(pack_copy, "5_2.yaml", lambda d: d["rules"][0].update(column="amout"))
    error = _refused(pack_copy)
    assert error.file == "5_2.yaml" and "amout" in error.problem

    shutil.copy(PACK_DIR / "5_2.yaml", pack_copy / "5_2.yaml")
    _edit(pack_copy, "5_2.yaml", lambda d: d["rules"][1].update(table="trade"))
    error = _refused(pack_copy)
    assert error.file == "5_2.yaml" and "trade" in error.problem

    shutil.copy(PACK_DIR / "5_2.yaml", pack_copy / "5_2.yaml")
    _edit(pack_copy, "4_1.yaml", lambda d: d["rules"][1].update(right="table:watershed#count"))
    error = _refused(pack_copy)
    assert error.file == "4_1.yaml" and "watershed" in error.problem


def test_ongoing_value_not_a_choice(pack_copy: Path) -> None:
    _edit(pack_copy, "1_1.yaml", lambda d: d["tables"][0]["ongoing"].update(status=["建设中"]))
    error = _refused(pack_copy)
    assert error.file == "1_1.yaml"
    assert error.location.startswith("tables[projects]")
    assert "建设中" in error.problem


def test_task_without_form(pack_copy: Path) -> None:
    _edit(pack_copy, "pack.yaml", lambda d: d["forms"].remove("4_3.yaml"))
    error = _refused(pack_copy)
    assert error.file == "pack.yaml"
    assert "4.3" in error.problem


def test_form_file_missing(pack_copy: Path) -> None:
    (pack_copy / "6_2.yaml").unlink()
    error = _refused(pack_copy)
    assert error.file == "6_2.yaml"
    assert "不存在" in str(error)


def test_yaml_syntax_error_names_the_line(pack_copy: Path) -> None:
    path = pack_copy / "2_2.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "title: [未闭合的括号"
    path.write_text("\n".join(lines), encoding="utf-8")
    error = _refused(pack_copy)
    assert error.file == "2_2.yaml"
    # the parser notices the unclosed bracket where the next mapping key begins
    assert error.line == 5
    assert "第 5 行" in str(error)
    assert "YAML" in error.problem


def test_unknown_division_in_only_for(pack_copy: Path) -> None:
    _edit(
        pack_copy,
        "2_1.yaml",
        lambda d: _indicator(d, "ningdu_pilot_status").update(only_for=["360799"]),
    )
    error = _refused(pack_copy)
    assert (error.file, error.location) == ("2_1.yaml", "indicators[ningdu_pilot_status].only_for")


def test_duty_pointing_at_a_missing_field(pack_copy: Path) -> None:
    def break_duty(d: dict[str, Any]) -> None:
        duty = next(x for x in d["duties"] if x["code"] == "shicheng_geopark")
        duty["fields"].append("4.2:geopark")

    _edit(pack_copy, "catalog.yaml", break_duty)
    error = _refused(pack_copy)
    assert error.file == "catalog.yaml"
    assert error.location == "duties[shicheng_geopark].fields"
    assert "geopark" in error.problem


def test_duty_section_hidden_from_its_own_county(pack_copy: Path) -> None:
    # 石城's geopark section must be shown to 石城 (360735); showing it only to 瑞金 is a mistake.
    _edit(
        pack_copy,
        "4_2.yaml",
        lambda d: _indicator(d, "shicheng_geopark_invest").update(only_for=["360781"]),
    )
    error = _refused(pack_copy)
    assert error.file == "catalog.yaml"
    assert "360735" in error.problem


def test_duty_with_unknown_division_or_task(pack_copy: Path) -> None:
    _edit(pack_copy, "catalog.yaml", lambda d: d["duties"][0].update(divisions=["360799"]))
    assert "360799" in _refused(pack_copy).problem

    shutil.copy(PACK_DIR / "catalog.yaml", pack_copy / "catalog.yaml")
    _edit(pack_copy, "catalog.yaml", lambda d: d["duties"][0].update(task="7.9"))
    assert "7.9" in _refused(pack_copy).problem


def test_goal_group_listing_a_missing_indicator(pack_copy: Path) -> None:
    _edit(
        pack_copy,
        "catalog.yaml",
        lambda d: d["goal_groups"][1]["indicators"].append("forest_cover"),
    )
    error = _refused(pack_copy)
    assert (error.file, error.location) == ("catalog.yaml", "goal_groups[G2].indicators")


def test_lead_department_not_in_departments(pack_copy: Path) -> None:
    _edit(pack_copy, "catalog.yaml", lambda d: d["tasks"][0]["lead_departments"].append("市工业局"))
    error = _refused(pack_copy)
    assert error.file == "catalog.yaml"
    assert "市工业局" in error.problem


def test_bad_division_code_pattern(pack_copy: Path) -> None:
    _edit(pack_copy, "catalog.yaml", lambda d: d["divisions"][0].update(code="36072"))
    error = _refused(pack_copy)
    assert error.file == "catalog.yaml"
    assert error.location == "divisions[36072].code"
