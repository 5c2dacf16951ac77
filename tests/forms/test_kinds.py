"""What differs by indicator kind lives with the kind: its properties, and one entry per kind in
the tables that check it and lay it out — no kind may be missing from either."""

from __future__ import annotations

import typing
from decimal import Decimal

import pytest

from ecodesk.forms.lines import LINES_OF_KIND
from ecodesk.forms.loader import FormPack, bundled_pack
from ecodesk.forms.rules.kinds import CHECKS_OF_KIND
from ecodesk.forms.schema import Indicator, Target


def _kind_classes() -> list[type]:
    union = typing.get_args(Indicator)[0]
    return list(typing.get_args(union))


def _tags() -> set[str]:
    return {typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in _kind_classes()}


def test_every_kind_is_checked_and_laid_out() -> None:
    assert len(_tags()) == 7
    assert set(CHECKS_OF_KIND) == _tags()
    assert set(LINES_OF_KIND) == _tags()


@pytest.fixture(scope="module")
def pack() -> FormPack:
    return bundled_pack()


def test_every_indicator_of_the_pack_answers_for_its_kind(pack: FormPack) -> None:
    seen: set[str] = set()
    for form in pack.forms.values():
        for ind in form.indicators:
            seen.add(ind.kind)
            target: Target | None = getattr(ind, "target", None)
            plan_text: str = getattr(ind, "plan_text", "")
            assert ind.plan_sentence == (target.plan_text if target else plan_text)
            assert ind.shown_unit == getattr(ind, "unit", "")
            assert ind.choices == tuple(getattr(ind, "grades", getattr(ind, "states", ())))
            numeric = ind.numeric_target
            if numeric is not None:
                assert ind.kind in ("number", "ratio")
                assert numeric.comparator in ("ge", "gt", "le", "eq", "about", "zero")
                assert numeric.value is not None or numeric.comparator == "zero"
    assert seen == _tags()


def test_a_grade_or_milestone_target_is_no_numeric_target(pack: FormPack) -> None:
    kinds = {i.kind: i for f in pack.forms.values() for i in f.indicators}
    assert kinds["grade"].numeric_target is None
    assert kinds["milestone"].numeric_target is None
    assert kinds["text"].plan_sentence == "" and kinds["text"].shown_unit == ""
    number = next(
        i
        for f in pack.forms.values()
        for i in f.indicators
        if i.kind == "number" and getattr(i, "target", None) is not None
    )
    assert number.numeric_target is number.target
    assert isinstance(number.numeric_target.value, Decimal)
