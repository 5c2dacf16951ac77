"""The rule engine on valid and invalid submissions.

Most tests run against a small pack written into tmp_path (its own catalog and two forms with
every kind of indicator, table and rule), so they do not move when the real forms grow; a few
run against the bundled pack's form 1.1 and, generically, against every bundled form.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ecodesk.forms.loader import PACK_DIR, FormPack, load_pack
from ecodesk.forms.rules import (
    CITY_DIVISION_CODE,
    Problem,
    check_field,
    check_submission,
    has_blocking_errors,
    progress,
    ratio_value,
    typed_value,
)
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

CJK = re.compile(r"[\u4e00-\u9fff]")
NINGDU, ZHANGGONG = "360730", "360702"
REPORT_PERIOD = Period(2025)

NARRATIVE_TEXT = {
    "progress": "本年度各项工作按计划推进，主要指标均达到序时进度要求，总体进展顺利。",
    "practice": "强化调度，建立工作台账，逐月通报进度，推动项目早开工早见效，成效明显。",
    "problems": "无",
    "plan": "下一步继续加大项目推进力度，确保完成年度目标任务。",
}

CATALOG: dict[str, Any] = {
    "plan": {
        "title": "测试方案",
        "document": "测试〔2024〕1号",
        "issued": "2024-09-06",
        "years": [2024, 2025, 2026],
    },
    "city": {
        "code": CITY_DIVISION_CODE,
        "name": "赣州市",
        "kind": "地级市",
        "lead_office": "赣州市生态文明办",
    },
    "divisions": [
        {"code": ZHANGGONG, "name": "章贡区", "kind": "区", "lead_office": "章贡区生态文明办"},
        {"code": NINGDU, "name": "宁都县", "kind": "县", "lead_office": "宁都县生态文明办"},
    ],
    "departments": [{"city": "市工信局", "county": "县工信局"}],
    "goal_groups": [],
    "actions": [{"code": "1", "title": "测试行动"}],
    "tasks": [
        {
            "code": "1.1",
            "action": "1",
            "title": "数字类",
            "text": "测试",
            "lead_departments": ["市工信局"],
        },
        {
            "code": "1.2",
            "action": "1",
            "title": "表格类",
            "text": "测试",
            "lead_departments": ["市工信局"],
        },
    ],
    "duties": [],
}


def _target(
    comparator: str, value: Any = None, *, level: str = "county", year: int = 2026, **extra: Any
) -> dict:
    target = {
        "comparator": comparator,
        "deadline": f"{year}年",
        "level": level,
        "plan_text": f"测试目标{comparator}",
    }
    if value is not None:
        target["value"] = value
    target["year"] = year
    return target | extra


FORM_NUMBERS: dict[str, Any] = {
    "code": "1.1",
    "version": 1,
    "title": "数字类指标",
    "task": "1.1",
    "indicators": [
        {
            "code": "count",
            "kind": "number",
            "name": "企业数",
            "unit": "家",
            "integer": True,
            "decimals": 0,
            "scope": "annual",
        },
        {
            "code": "share",
            "kind": "number",
            "name": "占比",
            "unit": "%",
            "decimals": 1,
            "scope": "level",
            "required": False,
            "yoy_warn_pct": None,
        },
        {
            "code": "growth",
            "kind": "number",
            "name": "投资增长率",
            "unit": "%",
            "min": -100,
            "scope": "growth",
            "yoy_warn_pct": None,
            "target": _target("about", 10),
        },
        {
            "code": "total",
            "kind": "number",
            "name": "累计企业数",
            "unit": "家",
            "integer": True,
            "decimals": 0,
            "scope": "cumulative",
            "target": _target("ge", 300),
        },
        {
            "code": "invest",
            "kind": "number",
            "name": "投资额",
            "unit": "万元",
            "multipliers": True,
            "scope": "annual",
        },
        {
            "code": "city_sum",
            "kind": "number",
            "name": "示范点数",
            "unit": "个",
            "integer": True,
            "decimals": 0,
            "scope": "level",
            "yoy_warn_pct": None,
            "target": _target("ge", 100, level="city"),
        },
        {
            "code": "cover",
            "kind": "ratio",
            "name": "覆盖率",
            "numerator": {"name": "林地面积", "unit": "公顷"},
            "denominator": {"name": "国土面积", "unit": "公顷"},
            "target": _target("ge", 76),
        },
        {
            "code": "decline",
            "kind": "provincial",
            "name": "能耗下降率",
            "unit": "%",
            "better": "higher",
            "min": -100,
            "max": 100,
            "plan_text": "完成省下达指标",
        },
        {
            "code": "pm",
            "kind": "provincial",
            "name": "PM2.5浓度",
            "unit": "微克/立方米",
            "better": "lower",
            "min": 0,
            "plan_text": "完成省下达目标",
        },
        {
            "code": "eqi",
            "kind": "trend",
            "name": "生态质量指数",
            "unit": "",
            "direction": "stable_or_up",
            "plan_text": "生态质量指数稳中向好",
        },
        {
            "code": "energy",
            "kind": "trend",
            "name": "能耗总量",
            "unit": "万吨标准煤",
            "direction": "down",
            "plan_text": "持续下降",
        },
        {
            "code": "local_only",
            "kind": "number",
            "name": "试点县专项数",
            "unit": "个",
            "integer": True,
            "decimals": 0,
            "scope": "annual",
            "yoy_warn_pct": None,
            "only_for": [NINGDU],
        },
        {"code": "note", "kind": "text", "name": "备注", "max_length": 10, "required": False},
    ],
}

FORM_TABLES: dict[str, Any] = {
    "code": "1.2",
    "version": 1,
    "title": "表格与规则",
    "task": "1.2",
    "indicators": [
        {
            "code": "water",
            "kind": "grade",
            "name": "断面水质",
            "grades": ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"],
            "target": _target("grade_at_least", grade="Ⅲ类"),
        },
        {
            "code": "zeroing",
            "kind": "milestone",
            "name": "黑臭水体清零",
            "target": _target("done", year=2024, deadline="2024年底"),
        },
        {
            "code": "projects_total",
            "kind": "number",
            "name": "项目个数",
            "unit": "个",
            "integer": True,
            "decimals": 0,
            "scope": "annual",
            "yoy_warn_pct": None,
        },
        {
            "code": "finished",
            "kind": "number",
            "name": "其中已完工",
            "unit": "个",
            "integer": True,
            "decimals": 0,
            "scope": "annual",
            "yoy_warn_pct": None,
        },
        {
            "code": "invest_total",
            "kind": "number",
            "name": "项目投资合计",
            "unit": "万元",
            "scope": "annual",
            "yoy_warn_pct": None,
        },
    ],
    "tables": [
        {
            "code": "projects",
            "name": "项目清单",
            "columns": [
                {"code": "name", "name": "项目名称", "type": "text", "required": True},
                {
                    "code": "kind",
                    "name": "类型",
                    "type": "choice",
                    "choices": ["光伏", "风电"],
                    "required": True,
                },
                {
                    "code": "investment",
                    "name": "投资",
                    "type": "number",
                    "unit": "万元",
                    "required": True,
                },
                {"code": "year", "name": "建成年份", "type": "year"},
                {"code": "rate", "name": "完成率", "type": "number", "unit": "%"},
                {"code": "units", "name": "机组数", "type": "integer"},
            ],
        },
        {
            "code": "watersheds",
            "name": "小流域",
            "only_for": [ZHANGGONG],
            "columns": [
                {"code": "name", "name": "名称", "type": "text", "required": True},
                {
                    "code": "area",
                    "name": "面积",
                    "type": "number",
                    "unit": "平方公里",
                    "required": True,
                },
            ],
        },
    ],
    "rules": [
        {
            "kind": "compare",
            "id": "finished_le_total",
            "left": "finished",
            "op": "<=",
            "right": "projects_total",
            "message": "已完工项目数不能大于项目个数。",
        },
        {
            "kind": "compare",
            "id": "invest_cap",
            "left": "invest_total",
            "op": "<",
            "right": "1000000",
            "severity": "warning",
            "message": "项目投资合计超过100亿元，数额异常。",
        },
        {
            "kind": "compare",
            "id": "at_least_one",
            "left": "1",
            "op": "<=",
            "right": "projects_total",
            "severity": "warning",
            "message": "没有项目，请核对",
        },
        {
            "kind": "table_total",
            "id": "invest_sum",
            "table": "projects",
            "column": "investment",
            "total": "invest_total",
            "message": "项目清单的投资合计与填报的项目投资合计不一致。",
        },
        {
            "kind": "row_count",
            "id": "project_rows",
            "table": "projects",
            "total": "projects_total",
            "message": "项目清单的行数与填报的项目个数不一致。",
        },
    ],
}


def write_pack(directory: Path, forms: list[dict[str, Any]] | None = None) -> Path:
    """A complete little pack: the bundled manifest's narratives, our catalog and forms."""
    directory.mkdir(parents=True, exist_ok=True)
    forms = forms if forms is not None else [FORM_NUMBERS, FORM_TABLES]
    manifest = yaml.safe_load((PACK_DIR / "pack.yaml").read_text(encoding="utf-8"))
    manifest["forms"] = []
    for form in forms:
        name = form["code"].replace(".", "_") + ".yaml"
        (directory / name).write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
        manifest["forms"].append(name)
    (directory / "pack.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    (directory / "catalog.yaml").write_text(
        yaml.safe_dump(CATALOG, allow_unicode=True), encoding="utf-8"
    )
    return directory


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> FormPack:
    return load_pack(write_pack(tmp_path_factory.mktemp("pack")))


def unit(code: str = NINGDU) -> UnitProfile:
    names = {NINGDU: "宁都县", ZHANGGONG: "章贡区", CITY_DIVISION_CODE: "赣州市"}
    return UnitProfile(division_code=code, division_name=names[code], department="工信局")


def valid_data(division: str = NINGDU, period: Period = REPORT_PERIOD) -> SubmissionData:
    """A submission with nothing wrong: last year's values keep every trend and path on track."""
    values = {
        "1.1:count": "120",
        "1.1:share": "45.5",
        "1.1:growth": "10.5",
        "1.1:total": "220",
        "1.1:invest": "1,850",
        "1.1:city_sum": "12",
        "1.1:cover.num": "7,600",
        "1.1:cover.den": "10000",
        "1.1:decline.target": "3",
        "1.1:decline.actual": "3.2",
        "1.1:pm.target": "30",
        "1.1:pm.actual": "28",
        "1.1:eqi": "72",
        "1.1:energy": "95",
        "1.1:note": "",
        "1.2:water": "Ⅱ类",
        "1.2:zeroing": "已完成",
        "1.2:projects_total": "2",
        "1.2:finished": "1",
        "1.2:invest_total": "2300",
    }
    if division == NINGDU:
        values["1.1:local_only"] = "3"
    previous = {
        "1.1:count": "110",
        "1.1:total": "110",
        "1.1:invest": "1500",
        "1.1:cover.num": "7400",
        "1.1:cover.den": "10000",
        "1.1:eqi": "70",
        "1.1:energy": "100",
        "1.1:city_sum": "10",
    }
    narratives = {
        f"{form}:{code}": text for form in ("1.1", "1.2") for code, text in NARRATIVE_TEXT.items()
    }
    tables = {
        "1.2:projects": [
            {
                "name": "光伏电站",
                "kind": "光伏",
                "investment": "1,200",
                "year": "2024",
                "rate": "80",
                "units": "3",
            },
            {
                "name": "风电场",
                "kind": "风电",
                "investment": "1100",
                "year": "2025年",
                "rate": "",
                "units": "",
            },
        ],
    }
    if division == ZHANGGONG:
        tables["1.2:watersheds"] = [{"name": "梅林小流域", "area": "12.5"}]
    return SubmissionData(
        unit=unit(division),
        period=period,
        revision=1,
        pack_version="2026.1",
        forms=["1.1", "1.2"],
        values=values,
        narratives=narratives,
        tables=tables,
        previous=previous,
        history={"2024": dict(previous)},
    )


def ids(problems: list[Problem]) -> set[str]:
    return {p.id for p in problems}


def only(problems: list[Problem], problem_id: str) -> Problem:
    found = [p for p in problems if p.id == problem_id]
    assert len(found) == 1, (problem_id, [(p.id, p.message) for p in problems])
    return found[0]


def assert_helpful(problem: Problem) -> None:
    assert CJK.search(problem.message)
    assert "Traceback" not in problem.message and "Decimal(" not in problem.message
    assert problem.severity in ("error", "warning")


# --------------------------------------------------------------------------- valid data


@pytest.mark.parametrize("division", [NINGDU, ZHANGGONG])
def test_valid_data_has_no_problems(mini: FormPack, division: str) -> None:
    problems = check_submission(mini, valid_data(division))
    assert problems == [], [(p.id, p.message) for p in problems]
    assert not has_blocking_errors(problems)


def test_one_form_only(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = ""
    data.values["1.2:finished"] = ""
    assert ids(check_submission(mini, data, form="1.2")) == {"required:1.2:finished"}
    assert ids(check_submission(mini, data, form="1.1")) == {"required:1.1:count"}


# --------------------------------------------------------------------------- implicit rules


def test_missing_required_value_is_an_error_naming_the_field(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = "  "
    problem = only(check_submission(mini, data), "required:1.1:count")
    assert problem.severity == "error" and problem.field == "1.1:count" and problem.form == "1.1"
    assert "请填写" in problem.message and "企业数" in problem.message
    assert has_blocking_errors([problem])


def test_optional_value_may_stay_blank(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:share"] = ""
    assert check_submission(mini, data) == []


def test_unreadable_number_is_an_error_with_the_parsers_reason(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = "约120"
    problem = only(check_submission(mini, data), "invalid:1.1:count")
    assert problem.severity == "error" and problem.field == "1.1:count"
    assert "企业数" in problem.message and "约" in problem.message
    assert_helpful(problem)


def test_numbers_typed_the_clerks_way_are_fine(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = "１２０家"
    data.values["1.1:invest"] = "0.185亿"  # 1850 万元
    data.values["1.1:share"] = "４５．５％"
    assert check_submission(mini, data) == []


def test_integer_field_refuses_a_fraction(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = "120.5"
    problem = only(check_submission(mini, data), "integer:1.1:count")
    assert "整数" in problem.message and problem.severity == "error"


def test_percentage_above_100_asks_about_an_extra_digit(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:share"] = "455"
    problem = only(check_submission(mini, data), "range:1.1:share")
    assert problem.severity == "error"
    assert "0 到 100" in problem.message and "多输了一位" in problem.message


def test_growth_rate_in_percent_may_exceed_100(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:growth"] = "150"
    assert not any(p.id.startswith("range:") for p in check_submission(mini, data))


def test_negative_count_is_refused(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:count"] = "-3"
    problem = only(check_submission(mini, data), "range:1.1:count")
    assert "负数" in problem.message


def test_text_longer_than_allowed(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:note"] = "这是一段超过十个字的备注文字"
    problem = only(check_submission(mini, data), "length:1.1:note")
    assert "10" in problem.message and problem.severity == "error"


# --------------------------------------------------------------------------- ratios


def test_ratio_numerator_above_denominator_is_an_error(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.num"] = "12000"
    problem = only(check_submission(mini, data), "ratio:1.1:cover")
    assert problem.severity == "error" and problem.field == "1.1:cover.num"
    assert (
        "林地面积" in problem.message
        and "国土面积" in problem.message
        and "100%" in problem.message
    )


def test_ratio_zero_denominator_is_an_error_not_a_crash(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.den"] = "0"
    problem = only(check_submission(mini, data), "ratio_den:1.1:cover")
    assert problem.field == "1.1:cover.den" and "大于 0" in problem.message
    assert ratio_value(mini, data, "1.1", "cover") is None


def test_ratio_value_and_progress(mini: FormPack) -> None:
    data = valid_data()
    assert ratio_value(mini, data, "1.1", "cover") == Decimal(76)
    data.values["1.1:cover.num"] = "3800"
    assert ratio_value(mini, data, "1.1", "cover") == Decimal(38)
    assert progress(mini, data, "1.1", "cover") == Decimal(50)  # 38 of 76
    data.values["1.1:total"] = "150"
    assert progress(mini, data, "1.1", "total") == Decimal(50)  # 150 of 300
    assert progress(mini, data, "1.1", "count") is None  # no target
    assert progress(mini, data, "1.1", "eqi") is None  # a trend has no numeric target
    data.values["1.1:total"] = "abc"
    assert progress(mini, data, "1.1", "total") is None


# --------------------------------------------------------------------------- provincial, trend, grade, milestone


def test_provincial_target_missed_is_a_warning(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:decline.actual"] = "2.5"
    data.values["1.1:pm.actual"] = "35"
    problems = check_submission(mini, data)
    higher = only(problems, "provincial:1.1:decline")
    lower = only(problems, "provincial:1.1:pm")
    for problem in (higher, lower):
        assert problem.severity == "warning"
        assert "未完成省下达指标" in problem.message and "说明原因" in problem.message
    assert (
        higher.field == "1.1:decline.actual" and "2.5" in higher.message and "3" in higher.message
    )
    assert not has_blocking_errors(problems)


def test_trend_the_wrong_way_is_a_warning(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:eqi"] = "65"  # 稳中向好, but fell from 70
    data.values["1.1:energy"] = "101"  # 持续下降, but rose from 100
    problems = check_submission(mini, data)
    assert "稳中向好" in only(problems, "trend:1.1:eqi").message
    assert "持续下降" in only(problems, "trend:1.1:energy").message
    data.values["1.1:eqi"] = "70"  # stable is fine for 稳中向好
    assert "trend:1.1:eqi" not in ids(check_submission(mini, data))


def test_trend_without_last_year_is_not_judged(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:eqi"] = "10"
    data.previous.pop("1.1:eqi")
    data.history["2024"].pop("1.1:eqi")
    assert "trend:1.1:eqi" not in ids(check_submission(mini, data))


def test_grade_worse_than_target_is_a_warning(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:water"] = "Ⅳ类"
    problem = only(check_submission(mini, data), "grade:1.2:water")
    assert problem.severity == "warning" and "Ⅲ类" in problem.message


def test_grade_typed_with_ascii_roman_numerals_is_understood(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:water"] = "II类"
    assert check_submission(mini, data) == []
    assert typed_value(mini.input_field("1.2:water"), "II类") == "Ⅱ类"


def test_unknown_grade_is_an_error_listing_the_choices(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:water"] = "很好"
    problem = only(check_submission(mini, data), "invalid:1.2:water")
    assert problem.severity == "error" and "劣Ⅴ类" in problem.message


@pytest.mark.parametrize(
    ("period", "state", "warned"),
    [
        (Period(2025), "推进中", True),
        (Period(2024), "推进中", True),  # the annual report for 2024 is made after 2024年底
        (Period(2024, 4), "未开始", True),
        (Period(2024, 2), "推进中", False),  # not due yet
        (Period(2025), "已完成", False),
    ],
)
def test_milestone_not_done_after_its_deadline_is_a_warning(
    mini: FormPack, period: Period, state: str, warned: bool
) -> None:
    data = valid_data(period=period)
    data.values["1.2:zeroing"] = state
    problems = [p for p in check_submission(mini, data) if p.id == "milestone:1.2:zeroing"]
    assert bool(problems) == warned
    if warned:
        assert problems[0].severity == "warning"
        assert "2024年底" in problems[0].message and "已完成" in problems[0].message


# --------------------------------------------------------------------------- period rules


def test_cumulative_value_below_last_period_is_an_error(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:total"] = "100"  # last year 110
    problem = only(check_submission(mini, data), "cumulative:1.1:total")
    assert problem.severity == "error" and problem.field == "1.1:total"
    assert "110" in problem.message and "累计" in problem.message


def test_cumulative_compares_with_the_latest_earlier_quarter(mini: FormPack) -> None:
    data = valid_data(period=Period(2025, 3))
    data.previous = {}
    data.history = {
        "2025Q1": {"1.1:total": "150"},
        "2025Q2": {"1.1:total": "180"},
        "2025Q4": {"1.1:total": "1"},
    }
    data.values["1.1:total"] = "170"
    problem = only(check_submission(mini, data), "cumulative:1.1:total")
    assert "180" in problem.message and "2025年第2季度" in problem.message


def test_cumulative_ignores_values_from_before_the_plan(mini: FormPack) -> None:
    data = valid_data(period=Period(2024))
    data.previous = {"1.1:total": "5000"}  # a 2023 figure is not part of the 2024—2026 total
    data.history = {}
    data.values["1.1:total"] = "100"
    assert "cumulative:1.1:total" not in ids(check_submission(mini, data))


def test_year_over_year_jump_is_a_warning_with_the_percentage(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:invest"] = "2775"  # last year 1500: +85%
    problem = only(check_submission(mini, data), "yoy:1.1:invest")
    assert problem.severity == "warning" and problem.field == "1.1:invest"
    assert "增长 85%" in problem.message and "超过 50%" in problem.message
    assert "请核对" in problem.message and "接受此警告并说明原因" in problem.message


def test_year_over_year_drop_is_a_warning_too(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:invest"] = "300"  # -80%
    assert "下降 80%" in only(check_submission(mini, data), "yoy:1.1:invest").message


def test_year_over_year_of_a_rate_compares_the_rates(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.num"] = "9500"  # 95% against 74% last year: +28% > 20%
    problem = only(check_submission(mini, data), "yoy:1.1:cover")
    assert problem.field == "1.1:cover.num" and "覆盖率" in problem.message


def test_year_over_year_of_a_cumulative_total_compares_increments(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:total"] = "400"  # +290 this year against +110 last year
    problem = only(check_submission(mini, data), "yoy:1.1:total")
    assert "290" in problem.message and "110" in problem.message


def test_nothing_to_compare_without_last_year(mini: FormPack) -> None:
    data = valid_data()
    data.previous = {}
    data.history = {}
    data.values["1.1:invest"] = "99999"
    assert check_submission(mini, data) == []


# --------------------------------------------------------------------------- target trajectory


def test_behind_the_straight_line_to_a_cumulative_target_is_a_warning(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:total"] = "150"  # 0 at 2023年底 → 300 in 2026: 200 expected in 2025
    data.values["1.1:count"] = "110"
    problems = check_submission(mini, data)
    problem = only(problems, "target:1.1:total")
    assert problem.severity == "warning" and "200" in problem.message and "落后" in problem.message
    assert not has_blocking_errors(problems)


def test_behind_the_line_from_last_years_rate(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.num"] = "7450"  # 74% in 2024 → 76% in 2026: 75% expected in 2025
    problem = only(check_submission(mini, data), "target:1.1:cover")
    assert "75" in problem.message and problem.field == "1.1:cover.num"
    data.values["1.1:cover.num"] = "7510"
    assert "target:1.1:cover" not in ids(check_submission(mini, data))


def test_already_beyond_the_target_is_never_behind(mini: FormPack) -> None:
    data = valid_data()
    data.previous |= {"1.1:cover.num": "8000"}  # 80% in 2024, target 76%: the line runs down
    data.history["2024"] |= {"1.1:cover.num": "8000"}
    data.values["1.1:cover.num"] = "7700"  # below the line's 78%, above the target
    assert "target:1.1:cover" not in ids(check_submission(mini, data))
    data.values["1.1:cover.num"] = "7500"
    assert "target:1.1:cover" in ids(check_submission(mini, data))


def test_target_missed_at_the_deadline(mini: FormPack) -> None:
    data = valid_data(period=Period(2026))
    data.previous = {
        "1.1:total": "220",
        "1.1:count": "120",
        "1.1:invest": "1850",
        "1.1:eqi": "72",
        "1.1:energy": "95",
        "1.1:cover.num": "7600",
        "1.1:cover.den": "10000",
    }
    data.history = {"2025": dict(data.previous)}
    data.values["1.1:total"] = "290"
    problem = only(check_submission(mini, data), "target:1.1:total")
    assert "未达到目标" in problem.message


@pytest.mark.parametrize(
    ("growth", "behind"), [("8", True), ("9.5", False), ("10", False), ("25", False)]
)
def test_growth_rate_about_a_target_allows_a_little_shortfall(
    mini: FormPack, growth: str, behind: bool
) -> None:
    data = valid_data()
    data.values["1.1:growth"] = growth
    assert ("target:1.1:growth" in ids(check_submission(mini, data))) == behind


def test_city_target_is_not_a_county_trajectory_but_is_the_citys(mini: FormPack) -> None:
    county = valid_data()
    county.values["1.1:city_sum"] = (
        "12"  # far below 100, but a county's figure is only a contribution
    )
    assert "target:1.1:city_sum" not in ids(check_submission(mini, county))
    city = valid_data()
    city.unit = unit(CITY_DIVISION_CODE)
    city.values.pop("1.1:local_only")
    city.values["1.1:city_sum"] = "40"  # 10 in 2024 → 100 in 2026: 55 expected
    assert "target:1.1:city_sum" in ids(check_submission(mini, city))


# --------------------------------------------------------------------------- tables


def test_table_cells_are_typed_and_required(mini: FormPack) -> None:
    data = valid_data()
    data.tables["1.2:projects"][0] |= {
        "name": "",
        "kind": "水电",
        "investment": "一千",
        "year": "24",
        "rate": "180",
        "units": "2.5",
    }
    problems = check_submission(mini, data)
    base = "1.2:table:projects:0"
    assert "第 1 行" in only(problems, f"required:{base}:name").message
    assert "光伏、风电" in only(problems, f"invalid:{base}:kind").message
    assert "阿拉伯数字" in only(problems, f"invalid:{base}:investment").message
    assert only(problems, f"range:{base}:year").field == f"{base}:year"
    assert "0 到 100" in only(problems, f"range:{base}:rate").message
    assert "整数" in only(problems, f"integer:{base}:units").message
    assert all(p.severity == "error" for p in problems if p.field and p.field.startswith(base))


def test_negative_amount_in_a_table_is_refused(mini: FormPack) -> None:
    data = valid_data()
    data.tables["1.2:projects"][1]["investment"] = "-1100"
    assert (
        "负数"
        in only(check_submission(mini, data), "range:1.2:table:projects:1:investment").message
    )


def test_blank_rows_are_ignored(mini: FormPack) -> None:
    data = valid_data()
    data.tables["1.2:projects"].append({"name": " ", "kind": "", "investment": ""})
    assert check_submission(mini, data) == []


# --------------------------------------------------------------------------- explicit rules


def test_compare_rule_part_not_above_whole(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:finished"] = "3"
    problem = only(check_submission(mini, data), "rule:1.2:finished_le_total")
    assert problem.severity == "error" and problem.field == "1.2:finished"
    assert (
        "已完工项目数不能大于项目个数" in problem.message
        and "3" in problem.message
        and "2" in problem.message
    )


def test_compare_rule_against_a_literal(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:invest_total"] = "1200000"
    problem = only(check_submission(mini, data), "rule:1.2:invest_cap")
    assert problem.severity == "warning"
    assert "“项目投资合计”为 1200000，应小于 1000000" in problem.message
    assert problem.message.endswith("请接受此警告并说明原因。")


def test_compare_rule_with_a_literal_on_the_left_reads_the_right_way_round(mini: FormPack) -> None:
    data = valid_data()
    data.values |= {"1.2:projects_total": "0", "1.2:finished": "0", "1.2:invest_total": "0"}
    data.tables["1.2:projects"] = []
    problem = only(check_submission(mini, data), "rule:1.2:at_least_one")
    assert "“项目个数”为 0，应不小于 1" in problem.message
    assert problem.field == "1.2:projects_total"
    assert problem.message.count("请核对") == 1  # the definition's own advice is not repeated


def test_table_total_must_match_the_reported_total(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:invest_total"] = "2500"  # rows add up to 2300
    problem = only(check_submission(mini, data), "rule:1.2:invest_sum")
    assert problem.field == "1.2:invest_total" and problem.severity == "warning"
    assert "2300" in problem.message and "2500" in problem.message


def test_row_count_must_match_the_reported_count(mini: FormPack) -> None:
    data = valid_data()
    data.tables["1.2:projects"].pop()
    data.values["1.2:invest_total"] = "1200"
    problem = only(check_submission(mini, data), "rule:1.2:project_rows")
    assert "1 行" in problem.message and problem.field == "1.2:projects_total"


def test_rules_wait_while_an_operand_is_missing_or_unreadable(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.2:projects_total"] = "两个"
    problems = check_submission(mini, data)
    assert ids(problems) == {"invalid:1.2:projects_total"}


# --------------------------------------------------------------------------- narratives


def test_narratives_required_with_minimum_length(mini: FormPack) -> None:
    data = valid_data()
    data.narratives["1.1:progress"] = "推进顺利。"
    data.narratives["1.2:problems"] = "   "
    problems = check_submission(mini, data)
    short = only(problems, "narrative:1.1:progress")
    assert short.field == "1.1:progress" and "至少 20 字" in short.message
    assert "请填写“存在问题”" in only(problems, "narrative:1.2:problems").message


def test_narrative_too_long(mini: FormPack) -> None:
    data = valid_data()
    data.narratives["1.1:plan"] = "计" * 3001
    assert "最多 3000 字" in only(check_submission(mini, data), "narrative:1.1:plan").message


# --------------------------------------------------------------------------- only_for


def test_only_for_indicator_applies_to_its_county_only(mini: FormPack) -> None:
    ningdu = valid_data(NINGDU)
    ningdu.values.pop("1.1:local_only")
    assert ids(check_submission(mini, ningdu)) == {"required:1.1:local_only"}
    zhanggong = valid_data(ZHANGGONG)
    zhanggong.values["1.1:local_only"] = "junk"  # not asked of 章贡区: ignored
    assert check_submission(mini, zhanggong) == []


def test_only_for_table_applies_to_its_county_only(mini: FormPack) -> None:
    ningdu = valid_data(NINGDU)
    ningdu.tables["1.2:watersheds"] = [{"name": "", "area": "abc"}]
    assert check_submission(mini, ningdu) == []
    zhanggong = valid_data(ZHANGGONG)
    zhanggong.tables["1.2:watersheds"] = [{"name": "", "area": "abc"}]
    assert ids(check_submission(mini, zhanggong)) == {
        "required:1.2:table:watersheds:0:name",
        "invalid:1.2:table:watersheds:0:area",
    }


# --------------------------------------------------------------------------- acceptances


def _accept(data: SubmissionData, problem: Problem, explanation: str) -> None:
    data.accepted.append(
        AcceptedWarning(
            problem_id=problem.id,
            form=problem.form,
            message=problem.message,
            explanation=explanation,
            field=problem.field,
        )
    )


def test_accepted_warning_carries_its_explanation(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:invest"] = "2775"
    warning = only(check_submission(mini, data), "yoy:1.1:invest")
    assert warning.explanation is None and not warning.accepted
    _accept(data, warning, "本年新开工两个大项目，投资大幅增加。")
    again = only(check_submission(mini, data), "yoy:1.1:invest")
    assert again.explanation == "本年新开工两个大项目，投资大幅增加。" and again.accepted
    # the id does not depend on the value, so the acceptance sticks while the clerk edits
    data.values["1.1:invest"] = "2800"
    assert only(check_submission(mini, data), "yoy:1.1:invest").accepted


def test_blank_explanation_does_not_accept(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:eqi"] = "60"
    warning = only(check_submission(mini, data), "trend:1.1:eqi")
    _accept(data, warning, "   ")
    assert not only(check_submission(mini, data), "trend:1.1:eqi").accepted


def test_errors_can_never_be_accepted(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.num"] = "12000"
    error = only(check_submission(mini, data), "ratio:1.1:cover")
    _accept(data, error, "我们认为没问题")
    problems = check_submission(mini, data)
    assert only(problems, "ratio:1.1:cover").explanation is None
    assert has_blocking_errors(problems)


def test_problem_ids_are_stable_across_runs(mini: FormPack) -> None:
    data = valid_data()
    data.values |= {"1.1:invest": "2775", "1.1:eqi": "1", "1.2:water": "劣Ⅴ类", "1.1:count": "x"}
    first = check_submission(mini, data)
    second = check_submission(mini, copy.deepcopy(data))
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)


# --------------------------------------------------------------------------- check_field


def _broken() -> SubmissionData:
    data = valid_data()
    data.values |= {
        "1.1:count": "abc",
        "1.1:cover.num": "12000",
        "1.1:invest": "2775",
        "1.2:finished": "5",
        "1.2:invest_total": "9",
    }
    data.tables["1.2:projects"][0]["kind"] = "核电"
    data.narratives["1.2:plan"] = ""
    return data


def test_check_field_sees_a_ratio_error_from_either_part(mini: FormPack) -> None:
    data = valid_data()
    data.values["1.1:cover.den"] = "5000"  # now smaller than the numerator 7600
    for key in ("1.1:cover.den", "1.1:cover.num"):
        assert "ratio:1.1:cover" in ids(check_field(mini, data, key))


def test_check_field_includes_rules_that_read_the_field(mini: FormPack) -> None:
    data = _broken()
    assert "rule:1.2:finished_le_total" in ids(check_field(mini, data, "1.2:projects_total"))
    assert "rule:1.2:invest_sum" in ids(check_field(mini, data, "1.2:table:projects:0:investment"))
    assert ids(check_field(mini, data, "1.2:plan")) == {"narrative:1.2:plan"}


def test_check_field_agrees_with_the_whole_check(mini: FormPack) -> None:
    data = _broken()
    whole = check_submission(mini, data)
    keys = [f.key for f in mini.all_input_fields(NINGDU)] + [
        "1.2:table:projects:0:kind",
        "1.2:plan",
    ]
    for key in keys:
        local = check_field(mini, data, key)
        assert set(local) <= set(whole), key
        mine = {p for p in whole if p.field == key}
        assert mine <= set(local), key


def test_check_field_of_an_unknown_key(mini: FormPack) -> None:
    with pytest.raises(KeyError):
        check_field(mini, valid_data(), "1.1:no_such_field")


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(max_size=12),
    key=st.sampled_from(
        ["1.1:count", "1.1:cover.den", "1.1:decline.actual", "1.2:water", "1.1:invest", "1.1:note"]
    ),
)
def test_anything_typed_gives_problems_never_a_crash(mini: FormPack, text: str, key: str) -> None:
    data = valid_data()
    data.values[key] = text
    for problem in check_field(mini, data, key):
        assert_helpful(problem)
        assert problem.id.count(":") >= 2


# --------------------------------------------------------------------------- the bundled pack


def _fill_generically(pack: FormPack, form: str, values: dict[str, str]) -> None:
    for field in pack.input_fields(form, NINGDU):
        if field.key in values:
            continue
        if field.type == "choice":
            values[field.key] = field.choices[-1]
        elif field.type == "text":
            values[field.key] = "无"
        else:
            low = field.min if field.min is not None and field.min > 0 else Decimal(1)
            values[field.key] = str(low)


def test_bundled_form_1_1_valid_data(pack: FormPack) -> None:
    values = {
        "1.1:upgraded_firms": "120",
        "1.1:tech_invest_growth": "11.5",
        "1.1:tech_invest": "3.5亿元",
    }
    _fill_generically(pack, "1.1", values)
    data = SubmissionData(
        unit=unit(),
        period=Period(2025),
        revision=1,
        pack_version=pack.version,
        forms=["1.1"],
        values=values,
        narratives={f"1.1:{code}": text for code, text in NARRATIVE_TEXT.items()},
    )
    assert check_submission(pack, data) == []
    data.values["1.1:tech_invest_growth"] = "5"  # 年均增长10%左右, a county-level target
    assert only(check_submission(pack, data), "target:1.1:tech_invest_growth").severity == "warning"
    data.values["1.1:upgraded_firms"] = "1.5"
    assert only(check_submission(pack, data), "integer:1.1:upgraded_firms").severity == "error"


def test_every_bundled_form_blank_lists_every_required_field(pack: FormPack) -> None:
    data = SubmissionData(
        unit=unit(),
        period=Period(2025),
        revision=1,
        pack_version=pack.version,
        forms=list(pack.forms),
    )
    found = ids(check_submission(pack, data))
    for field in pack.all_input_fields(NINGDU):
        assert (f"required:{field.key}" in found) == field.required, field.key
    for form in pack.forms:
        for section in pack.narratives:
            assert (f"narrative:{form}:{section.code}" in found) == (section.min_chars > 0)


def test_every_bundled_number_field_refuses_junk_in_chinese(pack: FormPack) -> None:
    data = SubmissionData(
        unit=unit(),
        period=Period(2025),
        revision=1,
        pack_version=pack.version,
        forms=list(pack.forms),
    )
    numeric = [f for f in pack.all_input_fields(NINGDU) if f.type == "number"]
    for field in numeric:
        data.values[field.key] = "一二三"
    problems = {p.id: p for p in check_submission(pack, data)}
    for field in numeric:
        problem = problems[f"invalid:{field.key}"]
        assert problem.severity == "error" and problem.field == field.key
        assert_helpful(problem)
