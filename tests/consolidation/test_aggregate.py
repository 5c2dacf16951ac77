"""Totals by the indicator's rule, checked against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecodesk.consolidation.aggregate import meets, summarize_indicator, summarize_indicators
from ecodesk.forms.schema import Target
from tests.consolidation.helpers import (
    listed_number,
    ratio_with_target,
    submission,
    summed_number,
    unit,
)


def test_sum_adds_what_clerks_typed_in_any_form(pack) -> None:
    form, ind = summed_number(pack)
    key = f"{form}:{ind.code}"
    units = [
        submission(pack, unit("360730"), {key: "12"}, previous={key: "10"}),
        submission(pack, unit("360731"), {key: " 3.5 "}, previous={key: "5"}),
        submission(pack, unit("360732"), {key: "１,０００"}, previous={key: "900"}),
    ]
    s = summarize_indicator(pack, form, ind, units)
    assert s.aggregation == "sum"
    assert s.total == Decimal("1015.5")  # 12 + 3.5 + 1000
    assert s.previous_total == Decimal("915")  # 10 + 5 + 900
    assert s.change_pct == (Decimal("1015.5") - 915) / 915 * 100
    assert [r.value for r in s.rows] == [Decimal(12), Decimal("3.5"), Decimal(1000)]
    assert s.reported == 3


def test_multiplier_in_a_field_that_allows_it_is_read_in_the_field_unit(pack) -> None:
    form, ind = find_multiplier_field(pack)
    key = f"{form}:{ind.code}"
    # the field is measured in 亿元 or 万元: "5000万" is 0.5亿 or 5000万
    one = submission(pack, unit("360730"), {key: "5000万"})
    two = submission(pack, unit("360731"), {key: "2"})
    s = summarize_indicator(pack, form, ind, [one, two])
    expected_first = Decimal("0.5") if ind.unit.startswith("亿") else Decimal(5000)
    assert s.rows[0].value == expected_first
    assert s.total == expected_first + 2


def find_multiplier_field(pack):  # type: ignore[no-untyped-def]
    from tests.consolidation.helpers import find_indicator

    return find_indicator(
        pack,
        lambda i: (
            i.kind == "number" and i.aggregation == "sum" and i.multipliers and not i.only_for
        ),
    )


def test_rate_is_the_ratio_of_summed_parts_never_the_mean_of_rates(pack) -> None:
    form, ind = ratio_with_target(pack)
    num, den = f"{form}:{ind.code}.num", f"{form}:{ind.code}.den"
    big = submission(pack, unit("360730"), {num: "90", den: "100"})  # 90 %
    small = submission(pack, unit("360731"), {num: "1", den: "10"})  # 10 %
    s = summarize_indicator(pack, form, ind, [big, small])
    mean_of_rates = (Decimal(90) + Decimal(10)) / 2
    by_hand = Decimal(91) / Decimal(110) * 100  # 82.73 %
    assert s.aggregation == "ratio"
    assert s.total_numerator == 91 and s.total_denominator == 110
    assert s.total == by_hand
    assert s.total != mean_of_rates
    assert [r.value for r in s.rows] == [Decimal(90), Decimal(10)]


def test_half_a_ratio_or_a_zero_denominator_stays_out_of_the_sums(pack) -> None:
    form, ind = ratio_with_target(pack)
    num, den = f"{form}:{ind.code}.num", f"{form}:{ind.code}.den"
    whole = submission(pack, unit("360730"), {num: "30", den: "40"})
    half = submission(pack, unit("360731"), {num: "50"})
    zero = submission(pack, unit("360732"), {num: "5", den: "0"})
    s = summarize_indicator(pack, form, ind, [whole, half, zero])
    assert (s.total_numerator, s.total_denominator) == (30, 40)
    assert s.total == Decimal(75)
    assert s.rows[1].value is None and s.rows[2].value is None
    assert s.rows[2].problem and "0" in s.rows[2].problem


def test_figures_the_plan_does_not_add_up_are_listed_without_a_total(pack) -> None:
    form, ind = listed_number(pack)
    key = f"{form}:{ind.code}"
    s = summarize_indicator(
        pack,
        form,
        ind,
        [
            submission(pack, unit("360730"), {key: "8"}),
            submission(pack, unit("360731"), {key: "12"}),
        ],
    )
    assert s.aggregation == "none"
    assert s.total is None
    assert [r.value for r in s.rows] == [Decimal(8), Decimal(12)]


def test_unreadable_text_is_reported_and_never_counted_as_zero(pack) -> None:
    form, ind = summed_number(pack)
    key = f"{form}:{ind.code}"
    s = summarize_indicator(
        pack,
        form,
        ind,
        [
            submission(pack, unit("360730"), {key: "约七八个"}),
            submission(pack, unit("360731"), {key: "4"}),
        ],
    )
    assert s.rows[0].value is None
    assert s.rows[0].problem and any("\u4e00" <= ch <= "\u9fff" for ch in s.rows[0].problem)
    assert s.total == 4
    assert s.reported == 1


def test_total_is_compared_with_the_plan_target(pack) -> None:
    form, ind = ratio_with_target(pack)
    goal = ind.target.value
    num, den = f"{form}:{ind.code}.num", f"{form}:{ind.code}.den"
    below = summarize_indicator(
        pack, form, ind, [submission(pack, unit("360730"), {num: str(goal - 1), den: "100"})]
    )
    above = summarize_indicator(
        pack, form, ind, [submission(pack, unit("360730"), {num: str(goal + 1), den: "100"})]
    )
    assert below.target_met is False and above.target_met is True
    assert below.progress == (goal - 1) / goal * 100


@pytest.mark.parametrize(
    ("comparator", "value", "expected"),
    [
        ("ge", "10", True),
        ("ge", "9.99", False),
        ("gt", "10", False),
        ("le", "10", True),
        ("le", "10.1", False),
        ("about", "9.0", True),
        ("about", "8.9", False),
        ("zero", "0", True),
        ("zero", "1", False),
    ],
)
def test_meets_reads_each_comparator(comparator: str, value: str, expected: bool) -> None:
    target = Target(
        comparator=comparator,
        value=None if comparator == "zero" else Decimal(10),
        deadline="2026年",
        plan_text="",
    )
    assert meets(target, Decimal(value)) is expected


def test_units_that_do_not_report_a_form_are_left_out(pack) -> None:
    form, ind = summed_number(pack)
    key = f"{form}:{ind.code}"
    reports = submission(pack, unit("360730"), {key: "7"})
    other = submission(
        pack, unit("360731"), {key: "100"}, forms=[f for f in pack.forms if f != form]
    )
    s = summarize_indicator(pack, form, ind, [reports, other])
    assert [r.unit.division_code for r in s.rows] == ["360730"]
    assert s.total == 7


def test_only_for_indicators_list_only_their_divisions(pack) -> None:
    from tests.consolidation.helpers import find_indicator

    try:
        form, ind = find_indicator(pack, lambda i: bool(i.only_for))
    except LookupError:
        pytest.skip("the pack has no indicator for named divisions yet")
    included = ind.only_for[0]
    others = [d.code for d in pack.catalog.divisions if d.code not in ind.only_for][:2]
    subs = [submission(pack, unit(code), {}) for code in [included, *others]]
    names = {
        s.key: [r.unit.division_code for r in s.rows] for s in summarize_indicators(pack, subs)
    }
    assert names[f"{form}:{ind.code}"] == [included]


def test_a_renamed_field_of_an_older_pack_still_adds_up(pack) -> None:
    from dataclasses import replace

    form, ind = summed_number(pack)
    key = f"{form}:{ind.code}"
    old_key = f"{form}:old_{ind.code}"
    newer = replace(pack, manifest=pack.manifest.model_copy(update={"renamed": {old_key: key}}))
    s = summarize_indicator(
        newer,
        form,
        ind,
        [
            submission(newer, unit("360730"), {old_key: "2"}),
            submission(newer, unit("360731"), {key: "3"}),
        ],
    )
    assert s.total == 5
