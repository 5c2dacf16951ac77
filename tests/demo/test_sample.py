"""Sample data: complete, plausible, free of errors, different per county, and a demo folder that shows it all."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ecodesk.cli import main
from ecodesk.demo import DEFAULT_DEMO_COUNTY, fill_demo, sample_submission
from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import load_pack
from ecodesk.forms.numbers import parse_clerk_number
from ecodesk.forms.rules import check_submission
from ecodesk.forms.schema import NumberIndicator, RatioIndicator
from ecodesk.store import Store
from ecodesk.submission import Period

NINGDU = "360730"
YEARS = [Period(2024), Period(2025), Period(2026)]


def test_every_county_gets_an_error_free_submission(pack) -> None:
    for division in pack.catalog.divisions:
        data = sample_submission(pack, division.code, Period(2026))
        errors = [p for p in check_submission(pack, data) if p.severity == "error"]
        assert errors == [], (division.code, errors[:3])


def test_a_submission_fills_every_field_table_and_section(pack) -> None:
    data = sample_submission(pack, NINGDU, Period(2026), revision=2)
    assert (data.revision, data.pack_version, data.forms) == (2, pack.version, list(pack.forms))
    assert (
        data.unit.division_name == "宁都县"
        and data.unit.preparer
        and data.unit.phone.startswith("0797-")
    )
    for field in pack.all_input_fields(NINGDU):
        assert data.value(field.key), field.key
        if field.type == "number":
            parse_clerk_number(data.value(field.key), unit=field.unit)
        elif field.type == "choice":
            assert data.value(field.key) in field.choices
    for form in pack.forms:
        for table in pack.tables(form, NINGDU):
            rows = data.rows(form, table.code)
            assert rows, (form, table.code)
            for row in rows:
                for column in table.columns:
                    if column.required:
                        assert row[column.code], (form, table.code, column.code)
                    if column.type == "choice" and row[column.code]:
                        assert row[column.code] in column.choices
        for section in pack.narratives:
            text = data.narrative(form, section.code)
            assert len(text) >= max(section.min_chars, 20), (form, section.code)
    progress = data.narrative("1.1", "progress")
    assert "宁都县" in progress and pack.task("1.1").title in progress


def test_only_the_countys_own_duties_are_filled(pack) -> None:
    only_ningdu = {f.key for f in pack.all_input_fields(NINGDU)} - {
        f.key for f in pack.all_input_fields("360734")
    }
    xunwu = sample_submission(pack, "360734", Period(2026))
    assert only_ningdu and not only_ningdu & set(xunwu.values)


def test_same_county_and_period_give_the_same_data_and_counties_differ(pack) -> None:
    a = sample_submission(pack, NINGDU, Period(2026))
    assert a == sample_submission(pack, NINGDU, Period(2026))
    b = sample_submission(pack, "360734", Period(2026))
    common = set(a.values) & set(b.values)
    differing = [k for k in common if a.values[k] != b.values[k]]
    assert len(differing) > 0.8 * len(common)
    assert a.narrative("1.1", "progress") != b.narrative("1.1", "progress")
    assert a.rows("1.1", "projects") != b.rows("1.1", "projects")


def _number(text: str) -> Decimal:
    return parse_clerk_number(text)


def test_years_move_plausibly(pack) -> None:
    series = [sample_submission(pack, NINGDU, p) for p in YEARS]
    for form in pack.forms:
        for ind in pack.indicators(form, NINGDU):
            key = f"{form}:{ind.code}"
            if isinstance(ind, NumberIndicator) and ind.scope == "cumulative":
                values = [_number(d.values[key]) for d in series]
                assert values == sorted(values) and values[-1] > values[0], (key, values)
            if isinstance(ind, RatioIndicator) and ind.scope == "level":
                # A land area does not change from year to year.
                assert len({d.values[f"{key}.den"] for d in series}) == 1, key


def test_rates_with_a_target_reach_it(pack) -> None:
    data = sample_submission(pack, NINGDU, Period(2026))
    checked = 0
    for form in pack.forms:
        for ind in pack.indicators(form, NINGDU):
            if isinstance(ind, RatioIndicator) and ind.target and ind.target.comparator == "ge":
                rate = (
                    _number(data.values[f"{form}:{ind.code}.num"])
                    / _number(data.values[f"{form}:{ind.code}.den"])
                    * ind.scale
                )
                assert ind.target.value <= rate <= ind.scale, (ind.code, rate)
                checked += 1
    assert checked


def test_unknown_county_is_refused_in_chinese(pack) -> None:
    with pytest.raises(EcoDeskError, match="不在目录中"):
        sample_submission(pack, "110101", Period(2026))


def _synthetic_pack(tmp_path: Path, pack) -> Path:  # type: ignore[no-untyped-def]
    """The bundled catalog with every task's form replaced by one using all kinds of indicators."""
    assert (pack.source / "G.yaml").exists()
    target = tmp_path / "pack"
    target.mkdir()
    catalog = yaml.safe_load((pack.source / "catalog.yaml").read_text(encoding="utf-8"))
    catalog["duties"] = []  # they point at the real forms' fields
    (target / "catalog.yaml").write_text(
        yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8"
    )
    manifest = yaml.safe_load((pack.source / "pack.yaml").read_text(encoding="utf-8"))
    indicators = [
        {
            "code": "count",
            "kind": "number",
            "name": "新建项目数（累计）",
            "unit": "处",
            "integer": True,
            "decimals": 0,
            "scope": "cumulative",
        },
        {
            "code": "part",
            "kind": "number",
            "name": "其中：本年新建项目数",
            "unit": "处",
            "integer": True,
            "decimals": 0,
            "scope": "annual",
        },
        {
            "code": "money",
            "kind": "number",
            "name": "完成投资",
            "unit": "万元",
            "scope": "annual",
            "multipliers": True,
        },
        {
            "code": "capped",
            "kind": "number",
            "name": "达标比例",
            "unit": "%",
            "scope": "level",
            "max": 100,
            "target": {
                "comparator": "ge",
                "value": 95,
                "deadline": "2026年",
                "level": "county",
                "plan_text": "达95%以上",
            },
        },
        {
            "code": "cleared",
            "kind": "number",
            "name": "剩余问题数",
            "unit": "个",
            "integer": True,
            "decimals": 0,
            "scope": "level",
            "target": {
                "comparator": "zero",
                "deadline": "2024年底",
                "year": 2024,
                "plan_text": "清零",
            },
        },
        {
            "code": "rate",
            "kind": "ratio",
            "name": "覆盖率",
            "numerator": {"name": "已覆盖面积", "unit": "公顷"},
            "denominator": {"name": "国土面积", "unit": "公顷"},
            "target": {
                "comparator": "ge",
                "value": 70,
                "deadline": "2026年",
                "plan_text": "70%以上",
            },
        },
        {
            "code": "prov",
            "kind": "provincial",
            "name": "排放强度下降率",
            "unit": "%",
            "better": "higher",
            "plan_text": "完成省下达指标",
        },
        {
            "code": "pm",
            "kind": "provincial",
            "name": "某污染物浓度",
            "unit": "微克/立方米",
            "better": "lower",
            "plan_text": "完成省下达指标",
        },
        {
            "code": "trend",
            "kind": "trend",
            "name": "生态指数",
            "unit": "",
            "direction": "up",
            "max": 100,
            "plan_text": "稳步提升",
        },
        {
            "code": "grade",
            "kind": "grade",
            "name": "水质类别",
            "grades": ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类"],
            "target": {
                "comparator": "grade_at_least",
                "grade": "Ⅲ类",
                "deadline": "2026年",
                "plan_text": "Ⅲ类",
            },
        },
        {
            "code": "mile",
            "kind": "milestone",
            "name": "规划编制",
            "target": {
                "comparator": "done",
                "year": 2025,
                "deadline": "2025年",
                "plan_text": "2025年完成",
            },
        },
        {"code": "note", "kind": "text", "name": "试点名称", "max_length": 30},
    ]
    tables = [
        {
            "code": "items",
            "name": "重点项目清单",
            "columns": [
                {"code": "name", "name": "项目名称", "type": "text", "required": True},
                {"code": "owner", "name": "实施单位", "type": "text", "required": True},
                {
                    "code": "invest",
                    "name": "本年投资",
                    "type": "number",
                    "unit": "万元",
                    "min": 0,
                    "required": True,
                },
                {
                    "code": "state",
                    "name": "进展",
                    "type": "choice",
                    "choices": ["谋划", "在建", "已完工"],
                    "required": True,
                },
                {"code": "year", "name": "开工年份", "type": "year"},
            ],
            "ongoing": {"state": ["谋划", "在建"]},
        }
    ]
    rules = [
        {
            "kind": "compare",
            "id": "part_le",
            "left": "part",
            "op": "<=",
            "right": "count",
            "message": "本年数大于累计数",
        },
        {
            "kind": "table_total",
            "id": "money_total",
            "table": "items",
            "column": "invest",
            "total": "money",
            "message": "合计不符",
        },
    ]
    # The main-goals form stays as it is (the catalog's goal groups point into it).
    (target / "G.yaml").write_text(
        (pack.source / "G.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    files = ["G.yaml"]
    for code in [t.code for t in pack.catalog.tasks]:
        name = f"{code.replace('.', '_')}.yaml"
        form = {
            "code": code,
            "version": 1,
            "title": f"表单{code}",
            "task": code,
            "indicators": indicators,
            "tables": tables,
            "rules": rules,
        }
        (target / name).write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
        files.append(name)
    manifest["forms"] = files
    (target / "pack.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    return target


def test_generation_follows_whatever_the_pack_defines(tmp_path: Path, pack) -> None:
    other = load_pack(_synthetic_pack(tmp_path, pack))
    series = [sample_submission(other, "360734", p) for p in YEARS]
    for data in series:
        assert [p for p in check_submission(other, data) if p.severity == "error"] == []
        v = data.values
        assert _number(v["1.1:part"]) <= _number(v["1.1:count"])
        assert sum(_number(r["invest"]) for r in data.rows("1.1", "items")) == _number(
            v["1.1:money"]
        )
        assert 95 <= _number(v["1.1:capped"]) <= 100
        assert _number(v["1.1:prov.actual"]) > _number(v["1.1:prov.target"])
        assert _number(v["1.1:pm.actual"]) < _number(v["1.1:pm.target"])
        assert v["1.1:grade"] in ("Ⅱ类", "Ⅲ类")
        assert v["1.1:cleared"] == "0"
        assert 0 < len(v["1.1:note"]) <= 30
    assert [d.values["1.1:mile"] for d in series] == ["推进中", "已完成", "已完成"]
    trend = [_number(d.values["1.1:trend"]) for d in series]
    assert trend == sorted(trend) and trend[0] < trend[-1]


def test_demo_folder_has_signed_history_and_a_current_year_ready_to_sign(
    data_dir: Path, pack
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        result = fill_demo(store, NINGDU)
        assert result.errors == []
        assert store.profile() == result.profile and result.profile.division_name == "宁都县"
        assert store.responsible_forms() == list(pack.forms)
        assert store.current_period() == Period(2026) == result.current
        for past in YEARS[:2]:
            assert store.load(past).status == "signed" and store.signature(past, 1) is not None
        baseline = store.baseline(Period(2025))
        assert baseline is not None and baseline.signature_status == "valid"
        current = store.load(Period(2026))
        assert current.status == "draft"
        assert current.previous == store.load(Period(2025)).values
        assert list(current.history) == ["2024", "2025"]
        problems = check_submission(pack, current)
        assert [p for p in problems if p.severity == "error"] == []
        warnings = [p for p in problems if p.severity == "warning"]
        assert warnings, "the demo shows accepted warnings"
        for w in warnings:
            explanation = current.explanation_for(w.id)
            assert explanation and "宁都县" in explanation
        assert len(current.accepted) == result.accepted
        with pytest.raises(EcoDeskError, match="已经有数据"):
            fill_demo(store, NINGDU)


def test_demo_command_fills_the_folder_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["--data-dir", str(folder), "demo", "--county", "360734"]) == 0
    out = capsys.readouterr().out
    assert "寻乌县" in out and str(folder) in out
    with Store.open(folder) as store:
        profile = store.profile()
        assert profile is not None and profile.division_code == "360734"
    assert main(["--data-dir", str(tmp_path / "x"), "demo", "--county", "999999"]) == 2
    assert "不在目录中" in capsys.readouterr().err
    assert DEFAULT_DEMO_COUNTY == NINGDU
