"""No text the form accepts is longer than one Excel cell holds (32,767): LibreOffice would cut it
on re-save and the genuine signed workbook would then read as tampered."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack
from ecodesk.forms.rules import check_field, check_submission, has_blocking_errors
from ecodesk.forms.schema import CELL_TEXT_LIMIT, Narrative, TextIndicator, cell_length
from ecodesk.store import Store
from ecodesk.submission import AcceptedWarning
from tests.forms.test_rules import assert_helpful, mini, only, valid_data  # noqa: F401

CELL_KEY = "1.2:table:projects:0:name"


def test_the_limit_is_excels() -> None:
    assert CELL_TEXT_LIMIT == 32_767
    assert cell_length("生态" * 3) == 6
    assert cell_length("𠀀") == 2  # outside the BMP: two UTF-16 units, as Excel counts


def test_a_table_text_of_exactly_the_limit_is_accepted(mini: FormPack) -> None:  # noqa: F811
    data = valid_data()
    data.tables["1.2:projects"][0]["name"] = "项" * CELL_TEXT_LIMIT
    assert check_submission(mini, data) == []


def test_a_table_text_over_the_limit_is_an_error_in_chinese(mini: FormPack) -> None:  # noqa: F811
    data = valid_data()
    data.tables["1.2:projects"][0]["name"] = "项" * (CELL_TEXT_LIMIT + 1)
    problems = check_submission(mini, data)
    assert has_blocking_errors(problems)  # it cannot be signed, so never exported
    problem = only(problems, f"length:{CELL_KEY}")
    assert problem.severity == "error" and problem.field == CELL_KEY
    assert_helpful(problem)
    assert "32768" in problem.message and "32767" in problem.message
    assert "项目清单" in problem.message and "第 1 行" in problem.message
    assert "项项项项" not in problem.message  # the text itself is not repeated back
    # the same verdict while typing, for the cell that was edited
    assert only(check_field(mini, data, CELL_KEY), f"length:{CELL_KEY}").message == problem.message


def test_characters_outside_the_bmp_count_twice(mini: FormPack) -> None:  # noqa: F811
    data = valid_data()
    data.tables["1.2:projects"][0]["name"] = "𠀀" * (CELL_TEXT_LIMIT // 2 + 1)
    assert has_blocking_errors(check_submission(mini, data))


def test_the_pack_cannot_allow_longer_texts() -> None:
    with pytest.raises(ValidationError):
        Narrative(code="progress", name="工作进展", hint="…", max_chars=CELL_TEXT_LIMIT + 1)
    with pytest.raises(ValidationError):
        TextIndicator(code="note", kind="text", name="备注", max_length=CELL_TEXT_LIMIT + 1)
    assert Narrative(code="p", name="n", hint="h", max_chars=CELL_TEXT_LIMIT).max_chars


def test_an_explanation_over_the_limit_is_refused_and_nothing_saved(
    tmp_path: Path, pack: FormPack
) -> None:
    from ecodesk.submission import Period

    period = Period(2026)
    too_long = AcceptedWarning(
        problem_id="yoy:1.1:tech_invest",
        form="1.1",
        message="与上年相比增长 80%",
        explanation="说" * (CELL_TEXT_LIMIT + 1),
    )
    with Store.open(tmp_path / "data", pack=pack) as store:
        with pytest.raises(EcoDeskError, match="32767") as raised:
            store.accept_warning(period, too_long)
        assert "未保存" in str(raised.value)
        assert store.load(period).accepted == []
        fits = AcceptedWarning(**{**too_long.__dict__, "explanation": "说" * CELL_TEXT_LIMIT})
        store.accept_warning(period, fits)
        assert store.load(period).accepted[0].explanation == fits.explanation
