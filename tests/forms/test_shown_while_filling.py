"""When required values are asked for is the core's rule: missing values are errors all the
same (export refuses them), shown only for the forms the clerk has finished with."""

from __future__ import annotations

from typing import Any

from ecodesk.forms.rules import check_submission, has_blocking_errors, shown_while_filling
from ecodesk.submission import Period, SubmissionData, UnitProfile

UNIT = UnitProfile(division_code="360730", division_name="宁都县", department="县工信局")


def blank(pack: Any) -> SubmissionData:
    return SubmissionData(
        unit=UNIT, period=Period(2026), revision=1, pack_version=pack.version, forms=["G", "1.1"]
    )


def test_missing_values_are_errors_and_marked_missing(pack: Any) -> None:
    problems = check_submission(pack, blank(pack))
    missing = [p for p in problems if p.missing]
    assert missing and all(p.severity == "error" for p in missing)
    assert {p.form for p in missing} == {"G", "1.1"}
    assert has_blocking_errors(missing)
    assert any(p.field and ":" in p.field and p.field.count(":") == 1 for p in missing)


def test_only_finished_forms_show_their_missing_values(pack: Any) -> None:
    data = blank(pack)
    data.values["1.1:tech_invest"] = "很多"  # a typing mistake is shown on any form
    problems = check_submission(pack, data)
    calm = shown_while_filling(problems, set())
    assert not any(p.missing for p in calm)
    assert [p.field for p in calm if p.form == "1.1"] == ["1.1:tech_invest"]
    one = shown_while_filling(problems, {"G"})
    assert {p.form for p in one if p.missing} == {"G"}
    assert shown_while_filling(problems, None) == problems
    assert shown_while_filling(problems) == problems


def test_a_missing_table_cell_and_narrative_are_missing_too(pack: Any) -> None:
    data = blank(pack)
    data.tables["1.1:" + pack.tables("1.1", "360730")[0].code] = [{"name": "某项目"}]
    problems = check_submission(pack, data, form="1.1")
    kinds = {p.id.split(":")[0] for p in problems if p.missing}
    assert {"required", "narrative"} <= kinds
    assert any(":table:" in (p.field or "") for p in problems if p.missing)
