"""Departments as a division names them: no doubled 县, natural names found, forms in scope."""

from __future__ import annotations

from typing import Any

from ecodesk.forms.departments import (
    department_named,
    find_departments,
    local_departments,
    reporting_scope,
)
from ecodesk.submission import UnitProfile, short_division_name, unit_name

YUDU = "360731"


def test_no_department_name_doubles_the_division(pack: Any) -> None:
    for division in (*pack.catalog.divisions, pack.catalog.city):
        for dept in local_departments(pack, division.code):
            assert f"{division.name}县" not in dept.full_name.replace("赣县区", "")
            assert "县县" not in dept.full_name and "市市生" not in dept.full_name
            assert short_division_name(division.name) in dept.full_name
    names = [d.full_name for d in local_departments(pack, YUDU)]
    assert "于都县林业局" in names and "国网于都县供电公司" in names
    assert names[0] == "于都县生态文明建设领导小组办公室"


def test_unit_name_repairs_profiles_saved_with_the_plans_wording() -> None:
    assert unit_name("于都县", "县林业局") == "于都县林业局"
    assert unit_name("于都县", "林业局") == "于都县林业局"
    assert unit_name("于都县", "国网于都县供电公司") == "国网于都县供电公司"
    assert unit_name("瑞金市", "市场监管局") == "瑞金市市场监管局"
    assert UnitProfile("360731", "于都县", "县林业局").display_name == "于都县林业局"


def test_natural_names_find_the_department(pack: Any) -> None:
    for typed in ("县生态环境局", "生态环境局", "于都县生态环境局", " 生态环境局 "):
        found = department_named(pack, YUDU, typed)
        assert found is not None, typed
        assert found.full_name == "赣州市生态环境局于都县分局"
        assert found.city_departments == {"市生态环境局"}
    assert department_named(pack, YUDU, "县林业局").name == "林业局"  # type: ignore[union-attr]
    assert department_named(pack, YUDU, "局") is None  # names many: no guess
    assert len(find_departments(pack, YUDU, "局")) > 10


def test_scope_of_a_department_the_plan_does_not_name_is_all_forms_and_says_so(pack: Any) -> None:
    scope = reporting_scope(pack, YUDU, "老干部局")
    assert not scope.recognised and scope.forms == list(pack.forms)
    forestry = reporting_scope(pack, YUDU, "县林业局")
    led = {t.code for t in pack.catalog.tasks if "市林业局" in t.lead_departments}
    assert forestry.recognised and set(forestry.forms) == led | {"G"}
    lead = reporting_scope(pack, YUDU, "生态文明建设领导小组办公室")
    assert lead.recognised and lead.forms == list(pack.forms)


def test_the_city_has_an_identity_of_its_own(pack: Any) -> None:
    city = pack.division("360700")
    assert city.name == "赣州市" and city is pack.catalog.city
    assert "360700" not in {d.code for d in pack.catalog.divisions}  # not a county to expect
    office = local_departments(pack, "360700")[0]
    assert office.lead_office and office.full_name == "赣州市生态文明建设领导小组办公室"
    assert reporting_scope(pack, "360700", "市生态文明建设领导小组办公室").department == office
