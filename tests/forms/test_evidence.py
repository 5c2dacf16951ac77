"""Claims that need 佐证材料: the pack's ``evidence`` requirements, checked against attached keys.

Run against the bundled pack (its requirements are the plan's, see the YAML's ``reason``) and,
for what the bundled pack does not use, against a copy of it with one more requirement.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from ecodesk.forms.loader import PACK_DIR, FormDefinitionError, bundled_pack, load_pack
from ecodesk.forms.rules import check_field, check_submission
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.evidence import unbacked_claims
from ecodesk.forms.schema import FormDef
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

NINGDU = "360730"


def submission(forms: list[str], **parts: object) -> SubmissionData:
    unit = UnitProfile(NINGDU, "宁都县", "县水利局")
    data = SubmissionData(unit, Period(2025), 1, bundled_pack().version, forms)
    for name, value in parts.items():
        setattr(data, name, value)
    return data


def evidence(problems: list) -> list:
    return [p for p in problems if p.id.startswith("evidence:")]


WATERSHEDS = [
    {"name": "梅江小流域", "location": "梅江镇", "area": "12", "status": "已建成", "year": "2025"},
    {"name": "青塘小流域", "location": "青塘镇", "area": "8", "status": "在建", "year": ""},
    {"name": "黄陂小流域", "location": "黄陂镇", "area": "9", "status": "已验收", "year": "2024"},
]


def test_a_built_watershed_without_an_attachment_is_a_warning_on_its_row() -> None:
    data = submission(["4.1"], tables={"4.1:watersheds": WATERSHEDS})
    found = evidence(check_submission(bundled_pack(), data))
    assert [p.id for p in found] == ["evidence:4.1:watersheds#1", "evidence:4.1:watersheds#3"]
    first = found[0]
    assert first.severity == "warning" and not first.accepted
    assert first.field == "4.1:table:watersheds:0:status"
    assert "梅江小流域" in first.message and "已建成" in first.message
    assert "验收材料" in first.message and "说明原因" in first.message


def test_an_attachment_on_the_row_backs_it_and_one_on_the_form_does_not() -> None:
    data = submission(["4.1"], tables={"4.1:watersheds": WATERSHEDS})
    pack = bundled_pack()
    found = evidence(check_submission(pack, data, attached={"4.1:watersheds#1", "4.1"}))
    assert [p.id for p in found] == ["evidence:4.1:watersheds#3"]
    # the in-progress row (在建) claims nothing, so an attachment there changes nothing
    found = evidence(check_submission(pack, data, attached={"4.1:watersheds#2"}))
    assert len(found) == 2


def test_an_accepted_explanation_travels_with_the_warning() -> None:
    reason = "验收会议已召开，验收意见待水利局印发后补附。"
    accepted = [AcceptedWarning("evidence:4.1:watersheds#1", "4.1", "…", reason)]
    data = submission(["4.1"], tables={"4.1:watersheds": WATERSHEDS[:1]}, accepted=accepted)
    (found,) = evidence(check_submission(bundled_pack(), data))
    assert found.accepted and found.explanation == reason


def test_a_milestone_done_asks_for_evidence_on_the_indicator() -> None:
    pack = bundled_pack()
    done = submission(["5.1"], values={"5.1:gep_status": "已完成核算"})
    (found,) = evidence(check_submission(pack, done))
    assert found.id == "evidence:5.1:gep_status" and found.field == "5.1:gep_status"
    assert "GEP核算报告" in found.message
    assert evidence(check_submission(pack, done, attached={"5.1:gep_status"})) == []
    running = submission(["5.1"], values={"5.1:gep_status": "核算中"})
    assert evidence(check_submission(pack, running)) == []


def test_a_duty_of_another_county_asks_nothing() -> None:
    # 兴国碳中和试点 is 兴国's duty: 宁都's data never claims it, whatever a cell says
    data = submission(["5.2"], values={"5.2:xingguo_pilot_status": "通过评估"})
    assert evidence(check_submission(bundled_pack(), data)) == []


def test_every_listed_lab_needs_its_recognition_document() -> None:
    labs = [
        {"name": "稀土绿色冶炼实验室", "host": "江西理工大学", "field": "", "year": "2025"},
        {"name": "", "host": "", "field": "", "year": ""},  # a blank row claims nothing
    ]
    data = submission(["1.4"], tables={"1.4:labs": labs})
    (found,) = evidence(check_submission(bundled_pack(), data))
    assert found.id == "evidence:1.4:labs#1" and "已列入名单" in found.message
    assert found.field == "1.4:table:labs:0:name"


def test_the_check_while_typing_includes_the_evidence_of_the_edited_table() -> None:
    data = submission(["4.1"], tables={"4.1:watersheds": WATERSHEDS})
    found = evidence(check_field(bundled_pack(), data, "4.1:table:watersheds:0:status"))
    assert {p.id for p in found} == {"evidence:4.1:watersheds#1", "evidence:4.1:watersheds#3"}
    data = submission(["5.1"], values={"5.1:gep_status": "已发布或应用"})
    assert evidence(check_field(bundled_pack(), data, "5.1:gep_status"))
    assert not evidence(
        check_field(bundled_pack(), data, "5.1:gep_status", attached={"5.1:gep_status"})
    )


def test_unbacked_claims_list_what_the_receiver_shows() -> None:
    data = submission(
        ["4.1", "5.1"],
        tables={"4.1:watersheds": WATERSHEDS},
        values={"5.1:gep_status": "已完成核算"},
    )
    ctx = CheckContext.of(bundled_pack(), data, {"4.1:watersheds#3"})
    claims = unbacked_claims(ctx)
    assert [(c.form, c.key, c.value) for c in claims] == [
        ("4.1", "4.1:watersheds#1", "已建成"),
        ("5.1", "5.1:gep_status", "已完成核算"),
    ]
    assert claims[0].rule.what.startswith("生态清洁小流域")


@pytest.fixture
def pack_with_count(tmp_path: Path):
    """The bundled pack with one more requirement: a number that meets a counted figure."""
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    with (copy / "4_1.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "  - id: demos_counted\n"
            "    indicator: soil_water_demos\n"
            "    at_least: 1\n"
            "    what: 命名文件\n"
            "    reason: 测试用：示范创建数计入目标\n"
        )
    return load_pack(copy)


def test_a_number_at_least_the_counted_figure_asks_for_evidence(pack_with_count) -> None:
    zero = submission(["4.1"], values={"4.1:soil_water_demos": "0"})
    assert evidence(check_submission(pack_with_count, zero)) == []
    one = submission(["4.1"], values={"4.1:soil_water_demos": "1"})
    (found,) = evidence(check_submission(pack_with_count, one))
    assert found.id == "evidence:4.1:soil_water_demos" and "“1”" in found.message
    attached = {"4.1:soil_water_demos"}
    assert evidence(check_submission(pack_with_count, one, attached=attached)) == []
    typed_in_full = submission(["4.1"], values={"4.1:soil_water_demos": "２个"})  # 全角, unit
    assert [p.id for p in evidence(check_submission(pack_with_count, typed_in_full))] == [
        "evidence:4.1:soil_water_demos"
    ]


def _form(**evidence_rule: object) -> dict:
    return {
        "code": "4.1",
        "version": 1,
        "title": "测试",
        "indicators": [
            {
                "code": "status",
                "kind": "milestone",
                "name": "进展",
                "states": ["在建", "已完成"],
                "done_state": "已完成",
                "target": {"comparator": "done", "deadline": "2026年", "plan_text": "完成"},
            },
            {"code": "label", "kind": "text", "name": "名称"},
        ],
        "evidence": [{"id": "e", "what": "文件", "reason": "方案", **evidence_rule}],
    }


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"indicator": "nothing", "values": ["已完成"]}, "不在本表中"),
        ({"indicator": "status", "values": ["已竣工"]}, "不是可选项"),
        ({"indicator": "status"}, "何时需要佐证"),
        ({"indicator": "label", "at_least": 1}, "只能用于数值"),
        ({"table": "nothing"}, "不在本表中"),
        ({"indicator": "status", "table": "t", "values": ["已完成"]}, "之一"),
        ({"values": ["已完成"]}, "之一"),
    ],
)
def test_a_requirement_that_names_nothing_real_is_refused(rule: dict, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        FormDef.model_validate(_form(**rule))


def test_a_pack_whose_evidence_has_no_reason_does_not_load(tmp_path: Path) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    text = (copy / "5_1.yaml").read_text(encoding="utf-8")
    cut = text.index("    reason: 方案“全域推进生态产品总值核算”")
    end = text.index("\n", cut) + 1
    (copy / "5_1.yaml").write_text(text[:cut] + text[end:], encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="reason"):
        load_pack(copy)


def test_every_bundled_requirement_cites_the_plan() -> None:
    pack = bundled_pack()
    rules = [r for f in pack.forms for r in pack.form(f).evidence]
    assert len(rules) >= 15
    for rule in rules:
        assert "方案" in rule.reason or rule.reason.startswith("同上"), rule.id


def test_the_catalog_document_lists_the_requirements_with_their_reasons() -> None:
    from ecodesk.forms.catalog_doc import catalog_document

    doc = catalog_document(bundled_pack())
    forms = {t["code"]: t["form"] for t in doc["tasks"] if t.get("form")}
    named = {e["id"]: e for e in forms["4.1"]["evidence"]}["soil_water_demo_named"]
    assert named["table"] == "soil_water_demo_list" and named["values"] == ["已命名"]
    assert "力争创建国家水土保持示范县" in named["reason"]
