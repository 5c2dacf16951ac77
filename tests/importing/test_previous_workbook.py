"""What a previous submission contributes: values under today's keys, ongoing rows, 下步计划."""

from __future__ import annotations

import dataclasses

from ecodesk.demo import sample_submission
from ecodesk.forms.loader import FormPack
from ecodesk.importing.previous_workbook import ANNUAL_COLUMN_PREFIX, content_of, plan_section
from ecodesk.submission import Period
from tests.importing.makers import COUNTY, field_where


def _ongoing_table(pack: FormPack):  # type: ignore[no-untyped-def]
    for form in pack.forms:
        for spec in pack.tables(form, COUNTY):
            if spec.ongoing and any(c.name.startswith(ANNUAL_COLUMN_PREFIX) for c in spec.columns):
                return form, spec
    raise AssertionError("the pack has no ongoing table with an annual column")


def test_values_keep_their_keys_and_text(pack: FormPack) -> None:
    data = sample_submission(pack, COUNTY, Period(2025))
    content = content_of(pack, data, COUNTY)
    assert {k: t for k, (t, _) in content.values.items()} == {
        k: v for k, v in data.values.items() if v
    }
    assert content.unmatched == []


def test_renamed_and_retired_keys(pack: FormPack) -> None:
    data = sample_submission(pack, COUNTY, Period(2025))
    target = field_where(pack, lambda f: f.key in data.values and f.type == "number")
    retired = field_where(pack, lambda f: f.key in data.values and f.key != target.key)
    old_key = f"{target.form}:old_name"
    data.values[old_key] = data.values.pop(target.key)
    newer = dataclasses.replace(
        pack,
        manifest=pack.manifest.model_copy(
            update={"renamed": {old_key: target.key}, "retired": [retired.key]}
        ),
    )
    content = content_of(newer, data, COUNTY)
    assert content.values[target.key] == (data.values[old_key], old_key)
    assert retired.key not in content.values
    assert [u.code for u in content.unmatched] == [retired.key]
    assert "停用" in content.unmatched[0].reason


def test_values_of_another_places_duty_are_not_taken(pack: FormPack) -> None:
    data = sample_submission(pack, COUNTY, Period(2025))
    elsewhere = field_where(
        pack,
        lambda f: (
            bool(pack.indicator(f.form, f.indicator).only_for)
            and COUNTY not in pack.indicator(f.form, f.indicator).only_for
        ),
        division=None,
    )
    data.values[elsewhere.key] = "1"
    content = content_of(pack, data, COUNTY)
    assert elsewhere.key not in content.values
    assert any(u.code == elsewhere.key and "不填报" in u.reason for u in content.unmatched)


def test_only_ongoing_rows_carry_over_with_this_years_amounts_emptied(pack: FormPack) -> None:
    form, spec = _ongoing_table(pack)
    column, ongoing_values = next(iter(spec.ongoing.items()))
    finished = next(c for c in spec.columns if c.code == column).choices
    done = next(v for v in finished if v not in ongoing_values)
    annual = [c.code for c in spec.columns if c.name.startswith(ANNUAL_COLUMN_PREFIX)]
    base = {c.code: "100" if c.type == "number" else "甲" for c in spec.columns}
    rows = [
        dict(base, **{column: ongoing_values[0], "name": "在建项目"}),
        dict(base, **{column: done, "name": "完工项目"}),
    ]
    data = sample_submission(pack, COUNTY, Period(2025))
    data.tables[f"{form}:{spec.code}"] = rows
    content = content_of(pack, data, COUNTY)
    _, carried, cleared = content.ongoing[f"{form}:{spec.code}"]
    assert len(carried) == 1
    assert carried[0][column] == ongoing_values[0]
    for code in annual:
        assert carried[0][code] == ""
    assert set(cleared) == {c.name for c in spec.columns if c.code in annual}


def test_plan_narratives_are_kept_per_form(pack: FormPack) -> None:
    data = sample_submission(pack, COUNTY, Period(2025))
    section = plan_section(pack)
    expected = {
        k.partition(":")[0]: v
        for k, v in data.narratives.items()
        if k.endswith(f":{section}") and v.strip()
    }
    assert expected, "sample data has 下步计划"
    assert content_of(pack, data, COUNTY).plans == expected
