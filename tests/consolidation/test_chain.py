"""Up the chain: departments → county office → city, with one program and one format."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ecodesk.consolidation.build import build_summary
from ecodesk.consolidation.chain import as_submission
from ecodesk.forms.schema import Column
from ecodesk.submission import AcceptedWarning, UnitProfile
from tests.consolidation.helpers import (
    PERIOD,
    listed_number,
    ratio_with_target,
    submission,
    summed_number,
    unit,
)

COUNTY = UnitProfile(
    division_code="360730",
    division_name="宁都县",
    department="生态文明建设领导小组办公室",
    preparer="刘敏",
    reviewer="陈刚",
    phone="0797-6831234",
)
FORESTRY = unit("360730", "县林业局", "宁都县")
INDUSTRY = unit("360730", "县工信局", "宁都县")


def test_totals_become_the_county_values(pack) -> None:
    s_form, s_ind = summed_number(pack)
    r_form, r_ind = ratio_with_target(pack)
    key, num, den = (
        f"{s_form}:{s_ind.code}",
        f"{r_form}:{r_ind.code}.num",
        f"{r_form}:{r_ind.code}.den",
    )
    depts = [
        submission(pack, FORESTRY, {key: "2.5", num: "30", den: "40"}, previous={key: "2"}),
        submission(pack, INDUSTRY, {key: "4", num: "1", den: "60"}, previous={key: "3"}),
    ]
    county = as_submission(build_summary(pack, depts, PERIOD), COUNTY, PERIOD, 1)
    assert county.unit == COUNTY and county.period == PERIOD and county.revision == 1
    assert Decimal(county.values[key]) == Decimal("6.5")
    # numerator and denominator are carried, so the city again divides sums, never averages rates
    assert (Decimal(county.values[num]), Decimal(county.values[den])) == (31, 100)
    assert Decimal(county.previous[key]) == 5
    assert county.status == "draft"


def test_figures_without_a_total_are_carried_only_when_one_unit_answered(pack) -> None:
    form, ind = listed_number(pack)
    key = f"{form}:{ind.code}"
    alone = build_summary(
        pack, [submission(pack, FORESTRY, {key: "8.5"}), submission(pack, INDUSTRY, {})], PERIOD
    )
    assert as_submission(alone, COUNTY, PERIOD, 1).values[key] == "8.5"
    both = build_summary(
        pack,
        [submission(pack, FORESTRY, {key: "8"}), submission(pack, INDUSTRY, {key: "9"})],
        PERIOD,
    )
    assert (
        key not in as_submission(both, COUNTY, PERIOD, 1).values
    )  # the county decides, not the program


def test_narratives_are_joined_under_each_department_heading(pack) -> None:
    form = next(iter(pack.forms))
    section = pack.narratives[0].code
    depts = [
        submission(pack, FORESTRY, {}, narratives={f"{form}:{section}": "完成造林1.2万亩。"}),
        submission(pack, INDUSTRY, {}, narratives={f"{form}:{section}": "推进技改项目12个。"}),
    ]
    text = as_submission(build_summary(pack, depts, PERIOD), COUNTY, PERIOD, 1).narratives[
        f"{form}:{section}"
    ]
    assert (
        text.index("【宁都县林业局】")
        < text.index("完成造林")
        < text.index("【宁都县工信局】")
        < text.index("推进技改")
    )


def _pack_with_source_column(pack):  # type: ignore[no-untyped-def]
    form = next(f for f in pack.forms if pack.form(f).tables)
    spec = pack.form(form).tables[0]
    column = Column(code="source", name="来源单位", type="text")
    spec2 = spec.model_copy(update={"columns": [*spec.columns, column], "source_column": "source"})
    tables = [spec2, *pack.form(form).tables[1:]]
    forms = dict(pack.forms)
    forms[form] = pack.form(form).model_copy(update={"tables": tables})
    return replace(pack, forms=forms), form, spec


def test_tables_name_the_source_unit_only_where_the_definition_has_the_column(pack) -> None:
    with_source, form, spec = _pack_with_source_column(pack)
    row = {
        c.code: "1" if c.type in ("number", "integer") else (c.choices[0] if c.choices else "x")
        for c in spec.columns
    }
    depts = [
        submission(with_source, FORESTRY, {}, tables={f"{form}:{spec.code}": [row]}),
        submission(with_source, INDUSTRY, {}, tables={f"{form}:{spec.code}": [row, row]}),
    ]
    rows = as_submission(build_summary(with_source, depts, PERIOD), COUNTY, PERIOD, 1).tables[
        f"{form}:{spec.code}"
    ]
    assert [r["source"] for r in rows] == ["宁都县林业局", "宁都县工信局", "宁都县工信局"]
    plain = as_submission(build_summary(pack, depts, PERIOD), COUNTY, PERIOD, 1).tables[
        f"{form}:{spec.code}"
    ]
    assert plain == [row, row, row]  # no column for it: the rows as they are


def test_accepted_warnings_travel_with_the_unit_named(pack) -> None:
    form, ind = summed_number(pack)
    warning = AcceptedWarning(
        problem_id=f"yoy:{form}:{ind.code}",
        form=form,
        field=f"{form}:{ind.code}",
        message="比上年增长超过50%",
        explanation="新建园区投产",
    )
    depts = [submission(pack, FORESTRY, {}, accepted=[warning])]
    carried = as_submission(build_summary(pack, depts, PERIOD), COUNTY, PERIOD, 1).accepted
    assert len(carried) == 1
    assert carried[0].explanation == "新建园区投产"
    assert "宁都县林业局" in carried[0].message and warning.problem_id in carried[0].problem_id


def test_a_county_consolidation_is_signed_verified_and_consolidated_by_the_city(
    pack, tmp_path: Path
) -> None:
    """Departments sign → the county consolidates, signs as itself → the city verifies and adds it up."""
    from ecodesk.services.consolidate import as_submission as service_as_submission
    from ecodesk.services.consolidate import consolidate
    from ecodesk.services.verify import verify_workbook
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.workbook.writer import write_signed_workbook

    s_form, s_ind = summed_number(pack)
    r_form, r_ind = ratio_with_target(pack)
    key, num, den = (
        f"{s_form}:{s_ind.code}",
        f"{r_form}:{r_ind.code}.num",
        f"{r_form}:{r_ind.code}.den",
    )
    forms = [f for f in pack.forms if f in {s_form, r_form}]
    meta = ExportMeta(exported_at=datetime(2026, 1, 10, 8, 0).astimezone(), program_version="test")
    county_inbox, county_registry = tmp_path / "county-inbox", tmp_path / "county-registry"
    city_inbox, city_registry = tmp_path / "city-inbox", tmp_path / "city-registry"
    county_inbox.mkdir()
    city_inbox.mkdir()

    def sign(who: UnitProfile, data, folder: Path, registry: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
        keys = KeyStore(tmp_path / "keys" / name)
        signing_key = keys.unlock_or_create("口令 for the test 2026")
        write_registrations(keys, registry, who)
        path = folder / f"{name}.xlsx"
        write_signed_workbook(pack, data, path, key=signing_key, meta=meta)
        return path

    figures = {FORESTRY: ("2.5", "30", "40"), INDUSTRY: ("4", "1", "60")}
    for i, (who, (value, n, d)) in enumerate(figures.items()):
        data = submission(pack, who, {key: value, num: n, den: d}, forms=forms)
        sign(who, data, county_inbox, county_registry, f"dept{i}")

    county_result = consolidate([county_inbox], county_registry)
    assert len(county_result.used) == 2 and not county_result.refused
    county_data = service_as_submission(county_result, COUNTY, PERIOD, 1)
    county_file = sign(COUNTY, county_data, city_inbox, city_registry, "宁都县")
    neighbour = unit("360731", name="于都县")
    sign(
        neighbour,
        submission(pack, neighbour, {key: "10", num: "9", den: "100"}, forms=forms),
        city_inbox,
        city_registry,
        "于都县",
    )

    verdict = verify_workbook(county_file, city_registry)
    assert verdict.status == "valid", verdict.message
    assert verdict.unit_code == "360730"

    city = consolidate([city_inbox], city_registry)
    assert len(city.used) == 2
    assert city.summary.indicator(key).total == Decimal("2.5") + 4 + 10
    rate = city.summary.indicator(f"{r_form}:{r_ind.code}")
    assert (rate.total_numerator, rate.total_denominator) == (30 + 1 + 9, 40 + 60 + 100)
    assert rate.total == Decimal(40) / Decimal(200) * 100


def test_a_county_adopts_its_consolidation_and_exports_it_with_the_normal_export(
    pack, tmp_path: Path
) -> None:
    """The whole county path: departments' workbooks → the county's own store → export → valid."""
    from ecodesk.demo import sample_submission
    from ecodesk.services.consolidate import adopt_into_store, consolidate
    from ecodesk.services.export import export_submission
    from ecodesk.services.verify import verify_workbook
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.store import Store
    from ecodesk.workbook.writer import write_signed_workbook

    s_form, s_ind = summed_number(pack)
    key = f"{s_form}:{s_ind.code}"
    other_form = next(f for f in pack.forms if f != s_form)
    inbox, registry, city_registry = (
        tmp_path / "inbox",
        tmp_path / "registry",
        tmp_path / "city-registry",
    )
    inbox.mkdir()
    meta = ExportMeta(exported_at=datetime(2026, 1, 10, 8, 0).astimezone(), program_version="test")
    # each department answers its own form in full (sample data free of errors), so every
    # figure without a total has exactly one answer and the county has nothing left to decide
    sent = {}
    for i, (who, form) in enumerate(((FORESTRY, other_form), (INDUSTRY, s_form))):
        full = sample_submission(pack, "360730", PERIOD)
        data = replace(
            full,
            unit=who,
            forms=[form],
            accepted=[],
            values={k: v for k, v in full.values.items() if k.startswith(f"{form}:")},
            narratives={k: v for k, v in full.narratives.items() if k.startswith(f"{form}:")},
            tables={k: v for k, v in full.tables.items() if k.startswith(f"{form}:")},
        )
        sent[form] = data
        keys = KeyStore(tmp_path / f"dept{i}")
        signing_key = keys.create("部门口令 2026 test")
        write_registrations(keys, registry, who)
        write_signed_workbook(pack, data, inbox / f"dept{i}.xlsx", key=signing_key, meta=meta)

    result = consolidate([inbox], registry)
    county_home = tmp_path / "county"
    county_home.mkdir()
    with Store.open(county_home, pack=pack) as store:
        store.save_profile(COUNTY)
        store.set_responsible_forms([other_form])
        adopted = adopt_into_store(store, result, PERIOD)
        assert adopted.forms == [f for f in pack.forms if f in (s_form, other_form)]
        assert adopted.values[key] == sent[s_form].values[key]
        export = export_submission(
            store,
            PERIOD,
            tmp_path / "宁都县.xlsx",
            passphrase="县里的口令 2026 test",
            data_dir=county_home,
            now=datetime(2026, 1, 15, 9, 0).astimezone(),  # before 2025's due date
        )
        assert store.load(PERIOD).status == "signed"
    KeyStore(county_home).export_public(city_registry, COUNTY)

    verdict = verify_workbook(export.path, city_registry)
    assert verdict.status == "valid", verdict.message


def test_adopting_again_keeps_what_the_county_decided_itself(pack, tmp_path: Path) -> None:
    from ecodesk.consolidation.build import build_summary as build
    from ecodesk.services.consolidate import Consolidation, NoUnitProfile, adopt_into_store
    from ecodesk.store import Store

    s_form, s_ind = summed_number(pack)
    l_form, l_ind = listed_number(pack)
    total_key, own_key = f"{s_form}:{s_ind.code}", f"{l_form}:{l_ind.code}"
    depts = [
        submission(pack, FORESTRY, {total_key: "1", own_key: "8"}),
        submission(pack, INDUSTRY, {total_key: "2", own_key: "9"}),
    ]
    result = Consolidation(summary=build(pack, depts, PERIOD), received=[])
    with Store.open(tmp_path, pack=pack) as store:
        with pytest.raises(NoUnitProfile, match="单位信息"):
            adopt_into_store(store, result, PERIOD)
        store.save_profile(COUNTY)
        store.set_value(PERIOD, own_key, "8.6")  # the county's own answer where departments differ
        store.set_value(PERIOD, total_key, "100")  # an old total, replaced by the consolidation
        adopted = adopt_into_store(store, result, PERIOD)
        assert adopted.values[own_key] == "8.6"
        assert Decimal(adopted.values[total_key]) == 3
        reopened = store.load(PERIOD)
        assert reopened.values[own_key] == "8.6" and Decimal(reopened.values[total_key]) == 3


def test_plan_of_an_adoption_names_what_it_replaces_and_writes_nothing(
    pack, tmp_path: Path
) -> None:
    from ecodesk.consolidation.build import build_summary as build
    from ecodesk.services.consolidate import Consolidation, adopt_into_store, plan_adoption
    from ecodesk.store import Store
    from ecodesk.store.errors import SubmissionFrozen

    s_form, s_ind = summed_number(pack)
    l_form, l_ind = listed_number(pack)
    total_key, own_key = f"{s_form}:{s_ind.code}", f"{l_form}:{l_ind.code}"
    depts = [
        submission(pack, FORESTRY, {total_key: "1", own_key: "8"}, forms=[s_form, l_form]),
        submission(pack, INDUSTRY, {total_key: "2", own_key: "9"}, forms=[s_form, l_form]),
    ]
    result = Consolidation(summary=build(pack, depts, PERIOD), received=[])
    with Store.open(tmp_path, pack=pack) as store:
        store.save_profile(COUNTY)
        store.set_responsible_forms([l_form])
        store.set_value(PERIOD, own_key, "8.6")
        store.set_value(PERIOD, total_key, "100")
        before = store.load(PERIOD)
        plan = plan_adoption(store, result, PERIOD)
        assert [(r.key, r.current) for r in plan.replaced_values] == [(total_key, "100")]
        assert Decimal(plan.replaced_values[0].new) == 3
        assert plan.forms_added == ([s_form] if s_form != l_form else [])
        assert not plan.signed and plan.revision == before.revision and plan.values >= 1
        assert store.load(PERIOD).values == before.values and store.responsible_forms() == [l_form]

        store.mark_signed(
            PERIOD, before.revision, fingerprint="f" * 16, digest="d" * 64, workbook_path=None
        )
        assert plan_adoption(store, result, PERIOD).signed
        with pytest.raises(SubmissionFrozen):
            adopt_into_store(store, result, PERIOD)
        assert store.responsible_forms() == [l_form]  # refused before anything changed


def test_plan_names_units_outside_the_county_but_not_for_the_city(pack, tmp_path: Path) -> None:
    from ecodesk.consolidation.build import build_summary as build
    from ecodesk.services.consolidate import Consolidation, plan_adoption
    from ecodesk.store import Store

    s_form, s_ind = summed_number(pack)
    key = f"{s_form}:{s_ind.code}"
    other = unit("360781", "市林业局", "瑞金市")
    depts = [
        submission(pack, FORESTRY, {key: "1"}, forms=[s_form]),
        submission(pack, other, {key: "2"}, forms=[s_form]),
    ]
    result = Consolidation(summary=build(pack, depts, PERIOD), received=[])
    with Store.open(tmp_path / "county", pack=pack) as store:
        store.save_profile(COUNTY)
        assert plan_adoption(store, result, PERIOD).other_divisions == [other.display_name]
    city = UnitProfile(
        division_code="360700",
        division_name="赣州市",
        department="市生态文明建设领导小组办公室",
        preparer="王芳",
        reviewer="赵军",
        phone="0797-8888888",
    )
    with Store.open(tmp_path / "city", pack=pack) as store:
        store.save_profile(city)
        assert plan_adoption(store, result, PERIOD).other_divisions == []
