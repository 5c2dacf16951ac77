"""A form's state, read from the core's problems and the submission's status."""

from __future__ import annotations

import dataclasses
from typing import Any

from ecodesk.demo import sample_submission
from ecodesk.forms.rules import check_submission
from ecodesk.submission import Period, SubmissionData
from ecodesk.ui.states import completeness, form_state
from tests.ui.conftest import PROFILE

FORM = "1.1"


def empty_data(pack: Any) -> SubmissionData:
    return SubmissionData(
        unit=PROFILE,
        period=Period(2026),
        revision=1,
        pack_version=pack.version,
        forms=list(pack.forms),
    )


def state(pack: Any, data: SubmissionData, form: str = FORM) -> str:
    return form_state(pack, data, form, check_submission(pack, data))


def test_nothing_entered_is_empty(pack: Any) -> None:
    assert state(pack, empty_data(pack)) == "empty"


def test_some_valid_values_but_required_ones_missing_is_a_draft(pack: Any) -> None:
    data = empty_data(pack)
    field = next(f for f in pack.input_fields(FORM, PROFILE.division_code) if f.type == "number")
    data.values[field.key] = "12"
    assert any(p.severity == "error" and p.form == FORM for p in check_submission(pack, data))
    assert state(pack, data) == "draft"


def test_a_wrong_value_is_an_error_state(pack: Any) -> None:
    data = empty_data(pack)
    field = next(f for f in pack.input_fields(FORM, PROFILE.division_code) if f.type == "number")
    data.values[field.key] = "不知道"
    assert state(pack, data) == "errors"


def test_complete_sample_data_is_checked_or_waits_for_explanations(pack: Any) -> None:
    data = sample_submission(pack, PROFILE.division_code, Period(2026))
    problems = check_submission(pack, data)
    for form in data.forms:
        open_warnings = [
            p for p in problems if p.form == form and p.severity == "warning" and not p.explanation
        ]
        assert form_state(pack, data, form, problems) == (
            "warnings" if open_warnings else "checked"
        )
        assert completeness(pack, data, form).percent == 100


def test_signed_wins_over_everything(pack: Any) -> None:
    data = dataclasses.replace(empty_data(pack), status="signed")
    data.values[f"{FORM}:upgraded_firms"] = "不知道"
    assert state(pack, data) == "signed"
