"""The completeness matrix: unit × form, submitted / missing / with accepted warnings."""

from __future__ import annotations

from ecodesk.consolidation.completeness import completeness_matrix, expected_divisions, form_state
from ecodesk.consolidation.model import FormState
from ecodesk.submission import AcceptedWarning
from tests.consolidation.helpers import submission, summed_number, unit


def test_states_of_one_submission(pack) -> None:
    form, ind = summed_number(pack)
    forms = list(pack.forms)
    empty_form = next(f for f in forms if f != form)
    skipped = forms[-1] if forms[-1] not in (form, empty_form) else forms[-2]
    data = submission(
        pack, unit("360730"), {f"{form}:{ind.code}": "3"}, forms=[f for f in forms if f != skipped]
    )
    assert form_state(data, form) is FormState.SUBMITTED
    assert form_state(data, empty_form) is FormState.MISSING
    assert form_state(data, skipped) is FormState.NOT_REQUIRED
    data.accepted.append(
        AcceptedWarning(problem_id="yoy:x", form=form, message="m", explanation="e")
    )
    assert form_state(data, form) is FormState.WITH_WARNINGS


def test_a_form_with_only_a_narrative_or_a_table_counts_as_submitted(pack) -> None:
    form = next(f for f in pack.forms if pack.form(f).tables)
    table = pack.form(form).tables[0].code
    by_text = submission(
        pack, unit("360730"), {}, narratives={f"{form}:progress": "本期推进顺利。"}
    )
    by_rows = submission(pack, unit("360730"), {}, tables={f"{form}:{table}": [{"name": "x"}]})
    blank = submission(pack, unit("360730"), {}, narratives={f"{form}:progress": "   "})
    assert form_state(by_text, form) is FormState.SUBMITTED
    assert form_state(by_rows, form) is FormState.SUBMITTED
    assert form_state(blank, form) is FormState.MISSING


def test_city_level_lists_every_division_county_level_only_departments(pack) -> None:
    counties = [submission(pack, unit("360730"), {}), submission(pack, unit("360731"), {})]
    expected = expected_divisions(pack, counties)
    rows = completeness_matrix(pack, counties, expected)
    assert len(rows) == len(pack.catalog.divisions)
    silent = [r for r in rows if not r.received]
    assert {r.unit.division_code for r in silent} == {d.code for d in pack.catalog.divisions} - {
        "360730",
        "360731",
    }
    assert all(set(r.states.values()) == {FormState.MISSING} for r in silent)
    # rows follow the catalog's order of divisions
    order = [d.code for d in pack.catalog.divisions]
    assert [r.unit.division_code for r in rows] == order

    departments = [
        submission(pack, unit("360730", "县林业局"), {}),
        submission(pack, unit("360730", "县工信局"), {}),
    ]
    assert expected_divisions(pack, departments) == []
    assert [r.unit.department for r in completeness_matrix(pack, departments)] == [
        "县工信局",
        "县林业局",
    ]
