"""``ecodesk catalog`` as a user runs it (a real subprocess), and the wording of targets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from ecodesk.forms.catalog_doc import catalog_document, catalog_tree, describe_target
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Target


def _run_catalog(*args: str, encoding: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [sys.executable, "-m", "ecodesk", "catalog", *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def json_doc() -> dict[str, Any]:
    result = _run_catalog("--json")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return json.loads(result.stdout.decode("utf-8"))


def test_json_has_every_task_and_division(json_doc: dict[str, Any], pack: FormPack) -> None:
    assert [t["code"] for t in json_doc["tasks"]] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3",
        "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "6.1", "6.2", "7.1", "7.2",
    ]  # fmt: skip
    assert len(json_doc["divisions"]) == 21
    assert {d["code"] for d in json_doc["divisions"]} >= {"360702", "360730", "360783", "3607H1"}
    # the city reports too, with an identity of its own (not one of the divisions it expects)
    assert json_doc["city"]["code"] == "360700" and json_doc["city"]["name"] == "赣州市"
    assert json_doc["city"]["lead_office"] == "赣州市生态文明建设领导小组办公室"
    assert [a["code"] for a in json_doc["actions"]] == list("1234567")
    assert json_doc["pack_version"] == pack.version
    assert json_doc["plan"]["document"] == "赣市府办发〔2024〕18号"


def test_json_tasks_carry_departments_forms_and_targets(json_doc: dict[str, Any]) -> None:
    task = next(t for t in json_doc["tasks"] if t["code"] == "4.3")
    assert {"city": "市林业局", "county": "县林业局"} in task["lead_departments"]
    task = next(t for t in json_doc["tasks"] if t["code"] == "4.1")
    mines = next(
        i for i in task["form"]["indicators"] if i["target"] and i["target"]["value"] == "2.44"
    )
    # Decimals travel as strings, never as binary floats.
    assert mines["unit"] == "平方公里" and mines["target"]["comparator"] == "ge"
    assert "2.44平方公里" in mines["target_text"]
    assert task["form"]["tables"] and task["form"]["rules"]
    ratio = next(
        i
        for t in json_doc["tasks"]
        if t["code"] == "2.3"
        for i in t["form"]["indicators"]
        if i["kind"] == "ratio" and i["target"]["value"] == "80"
    )
    assert ratio["fields"] == [f"2.3:{ratio['code']}.num", f"2.3:{ratio['code']}.den"]


def test_json_numbers_are_strings_throughout(json_doc: dict[str, Any]) -> None:
    def walk(node: Any) -> None:
        assert not isinstance(node, float), node
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json_doc)


def test_json_goals_and_duties(json_doc: dict[str, Any]) -> None:
    g2 = next(g for g in json_doc["goal_groups"] if g["code"] == "G2")
    forest = next(i for i in g2["indicators"] if i["name"] == "森林覆盖率")
    assert forest["target"]["value"] == "76" and forest["numerator"] and forest["denominator"]
    places = {(d["task"], div["name"]) for d in json_doc["duties"] for div in d["divisions"]}
    assert {
        ("2.1", "宁都县"),
        ("2.1", "寻乌县"),
        ("2.1", "赣县区"),
        ("5.2", "兴国县"),
        ("4.2", "石城县"),
    } <= places
    task_duties = next(t for t in json_doc["tasks"] if t["code"] == "5.2")["duties"]
    assert len(task_duties) == 3


def test_tree_shows_goals_tasks_targets_and_duties(pack: FormPack) -> None:
    result = _run_catalog()
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    for task in pack.catalog.tasks:
        assert f"{task.code} {task.title}" in text
    for group in pack.catalog.goal_groups:
        assert group.title in text
    assert "森林覆盖率：≥76%" in text
    assert "2000家左右" in text
    assert "突破700万千瓦" in text
    assert "达到或好于Ⅱ类" in text
    assert "市林业局（县级：县林业局）" in text
    assert "宁都县（360730）" in text
    assert "3607H1 赣州高新区" in text


def test_output_is_utf8_even_when_the_console_is_not() -> None:
    # A Windows console often reports cp936/cp437; the command must not die on 赣 or on ├─.
    result = _run_catalog(encoding="ascii")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "赣州市打造国家生态文明建设高地" in result.stdout.decode("utf-8")


def test_tree_and_document_agree_in_process(pack: FormPack) -> None:
    doc = catalog_document(pack)
    tree = catalog_tree(pack)
    for duty in doc["duties"]:
        assert duty["title"] in tree
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc


@pytest.mark.parametrize(
    ("target", "unit", "expected"),
    [
        (
            {"comparator": "about", "value": "2000", "deadline": "2024—2026年累计"},
            "家",
            "2000家左右（2024—2026年累计，全市）",
        ),
        (
            {"comparator": "ge", "value": "83.40", "deadline": "2026年", "level": "county"},
            "%",
            "≥83.4%（2026年，各地均须达到）",
        ),
        (
            {"comparator": "gt", "value": "700", "deadline": "2026年"},
            "万千瓦",
            "突破700万千瓦（2026年，全市）",
        ),
        (
            {"comparator": "zero", "deadline": "2024年底", "year": 2024, "level": "county"},
            "条",
            "清零（2024年底，各地均须达到）",
        ),
        (
            {
                "comparator": "grade_at_least",
                "grade": "Ⅱ类",
                "deadline": "2026年",
                "level": "county",
            },
            "",
            "达到或好于Ⅱ类（2026年，各地均须达到）",
        ),
        (
            {"comparator": "le", "value": "1E+2", "deadline": "2026年"},
            "吨",
            "≤100吨（2026年，全市）",
        ),
    ],
)
def test_describe_target_in_the_plans_words(
    target: dict[str, Any], unit: str, expected: str
) -> None:
    spec = Target.model_validate({**target, "plan_text": "x"})
    assert describe_target(spec, unit) == expected


def test_describe_milestone_names_the_done_state() -> None:
    spec = Target(comparator="done", deadline="2024年底", year=2024, level="county", plan_text="x")
    assert (
        describe_target(spec, done_state="已建成", local=True) == "达到“已建成”（2024年底，本地）"
    )
