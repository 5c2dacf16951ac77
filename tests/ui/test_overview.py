"""The progress overview: completeness of every form and each target indicator over the periods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecodesk.forms.rules import typed_value
from ecodesk.submission import Period
from ecodesk.ui.states import completeness
from ecodesk.ui.widgets.overview import charted_indicators, indicator_series


def test_overview_lists_each_responsible_form_with_its_state(
    store: Any, open_window: Any, pack: Any
) -> None:
    store.set_responsible_forms(["1.1", "2.1"])
    window = open_window(store)
    window.overview_action.setChecked(True)
    table = window.overview.table
    assert [table.item(r, 0).data(256) for r in range(table.rowCount())] == ["1.1", "2.1"]
    for row, form in enumerate(["1.1", "2.1"]):
        assert table.item(row, 1).text() == window.tree.state_text(form)
        done = completeness(pack, window.session.data, form)
        assert table.item(row, 2).text() == f"{done.filled} / {done.total}"


def test_chart_series_follow_the_stored_periods(store: Any, open_window: Any, pack: Any) -> None:
    window = open_window(store)
    form, indicator = next(
        (f, i)
        for f, i in charted_indicators(window.session, list(pack.forms))
        if i.kind == "number"
    )
    field = pack.input_fields(form)[
        [f.indicator for f in pack.input_fields(form)].index(indicator.code)
    ]
    store.set_value(Period(2024), field.key, "10")
    store.set_value(Period(2025), field.key, "20")
    store.set_value(Period(2026), field.key, "30")
    window.change_period(Period(2026))
    series = indicator_series(window.session, form, indicator)
    expected = [typed_value(field, t) for t in ("10", "20", "30")]
    assert [(p.year, v) for p, v in series] == [
        (2024, expected[0]),
        (2025, expected[1]),
        (2026, expected[2]),
    ]
    assert all(isinstance(v, Decimal) for v in expected)

    window.overview_action.setChecked(True)
    window.overview.tabs.setCurrentIndex(1)
    from ecodesk.ui.widgets.overview import IndicatorChart

    charts = window.overview.charts_area.widget().findChildren(IndicatorChart)
    chart = next(c for c in charts if c.chart().title().endswith(indicator.name))
    line = chart.chart().series()[0]
    assert [(p.x(), p.y()) for p in line.points()] == [
        (i, float(v)) for i, v in enumerate(expected)
    ]
    assert [c.chart().title() for c in charts] == [
        f"{f}　{i.name}" for f, i in charted_indicators(window.session, store.responsible_forms())
    ]


def test_double_click_in_the_overview_opens_the_form(store: Any, open_window: Any) -> None:
    window = open_window(store)
    window.overview_action.setChecked(True)
    table = window.overview.table
    form = table.item(1, 0).data(256)
    table.cellDoubleClicked.emit(1, 0)
    assert not window.overview_action.isChecked()
    assert window.stack.currentWidget() is window.views[form]


def test_a_value_still_being_corrected_leaves_a_gap_instead_of_breaking_the_chart(
    store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    form, indicator = next(
        (f, i)
        for f, i in charted_indicators(window.session, list(pack.forms))
        if i.kind == "number"
    )
    field = pack.input_fields(form)[
        [f.indicator for f in pack.input_fields(form)].index(indicator.code)
    ]
    store.set_value(Period(2025), field.key, "20")
    store.set_value(
        Period(2026), field.key, "二十多"
    )  # saved as typed, marked as an error in the form
    window.change_period(Period(2026))
    series = indicator_series(window.session, form, indicator)
    assert [(p.year, v) for p, v in series] == [(2025, typed_value(field, "20")), (2026, None)]
    window.overview_action.setChecked(True)
    window.overview.tabs.setCurrentIndex(1)  # the charts are drawn without an exception
