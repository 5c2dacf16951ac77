"""The form view generated from the definitions: every input there, narratives counted, help on F1."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import type_text


def test_every_form_shows_every_input_field_table_and_narrative(
    store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    window.show_all.setChecked(True)
    division = window.session.division
    for form in pack.forms:
        window.tree.select_form(form)
        view = window.views[form]
        assert set(view.indicators.editors) == {f.key for f in pack.input_fields(form, division)}
        assert set(view.tables) == {f"{form}:{t.code}" for t in pack.tables(form, division)}
        assert set(view.narratives) == {f"{form}:{n.code}" for n in pack.narratives}
        for key, editor in view.indicators.editors.items():
            field = pack.input_field(key)
            if field.type == "choice":
                assert [editor.input.itemText(i) for i in range(1, editor.input.count())] == list(
                    field.choices
                )


def test_county_only_sections_follow_the_division(store: Any, open_window: Any, pack: Any) -> None:
    """A duty the plan gives one county (only_for) appears for that county and no other."""
    window = open_window(store)
    window.show_all.setChecked(True)
    division = window.session.division
    checked = 0
    for form in pack.forms:
        hidden = {f.key for f in pack.input_fields(form)} - {
            f.key for f in pack.input_fields(form, division)
        }
        if hidden:
            window.tree.select_form(form)
            assert not hidden & set(window.views[form].indicators.editors)
            checked += 1
    assert checked, "the pack gives duties to named counties, so some fields are not 宁都县's"


def test_narrative_is_counted_saved_and_undone(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    window.tree.select_form("1.1")
    section = pack.narratives[0]
    edit = window.views["1.1"].narratives[f"1.1:{section.code}"]
    edit.edit.setFocus()
    type_text(qtbot, edit.edit, "推进技改项目")
    assert "已写 6 字" in edit.count.text()
    edit.commit()
    period = store.current_period()
    assert store.load(period).narrative("1.1", section.code) == "推进技改项目"
    window.undo_action.trigger()
    assert store.load(period).narrative("1.1", section.code) == ""
    assert edit.edit.toPlainText() == ""


def test_pending_text_is_saved_when_the_window_closes(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    window.tree.select_form("1.1")
    field = next(f for f in pack.input_fields("1.1", window.session.division) if f.type == "number")
    line = window.views["1.1"].indicators.editors[field.key].input
    line.setFocus()
    qtbot.keyClicks(line, "77")  # no Enter, no pause: still waiting for the typing pause
    window.close()
    assert store.load(store.current_period()).value(field.key) == "77"


def test_f1_shows_the_plans_text_for_the_focused_field(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    window.tree.select_form("1.1")
    view = window.views["1.1"]
    key, editor = next((k, e) for k, e in view.indicators.editors.items() if e.field.help)
    editor.input.setFocus()
    assert QApplication.focusWidget() is editor.input
    qtbot.keyClick(editor.input, Qt.Key.Key_F1)
    assert editor.field.help in view.help_strip.text()
    assert editor.field.help in editor.input.toolTip()


def test_changing_the_period_loads_that_periods_values(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    from ecodesk.submission import Period

    field = next(f for f in pack.input_fields("1.1", "360730") if f.type == "number")
    store.set_value(Period(2024), field.key, "11")
    store.set_value(Period(2025), field.key, "22")
    window = open_window(store)
    for period, expected in ((Period(2024), "11"), (Period(2025), "22")):
        index = window.period_selector.index_of(period)
        assert index >= 0, "the plan's years are offered"
        window.period_selector.setCurrentIndex(index)
        window.period_selector.activated.emit(index)
        window.tree.select_form("1.1")
        assert window.views["1.1"].indicators.editors[field.key].input.text() == expected
        assert store.current_period() == period


def test_a_table_edited_after_the_submission_was_read_again_reaches_only_the_live_view(
    qtbot: Any, store: Any, open_window: Any
) -> None:
    """Reading the submission again (another period, an import, someone's signing) replaces
    every form view; a table change afterwards must not reach the deleted ones (a connection to
    a lambda outlived its view and raised in the event loop)."""
    window = open_window(store)
    window.tree.select_form("1.1")
    window.session.reload()
    qtbot.wait(50)  # (the old views are deleted)
    window.tree.select_form("1.1")
    editor = window.views["1.1"].tables["1.1:projects"]
    editor.add_row()
    assert len(store.load(store.current_period()).rows("1.1", "projects")) == 1
    assert editor.model.rowCount() == 1
