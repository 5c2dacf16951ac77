"""A new form is calm: required values are asked for after F5, on leaving the form, or at
export — and errors and warnings never look alike."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ecodesk.ui.icons import severity_icon, state_icon
from tests.ui.conftest import type_text

FORM = "1.1"


def visible_messages(window: Any, form: str) -> list[str]:
    grid = window.views[form].indicators
    return [
        e.message_label.text() for e in grid.editors.values() if e.message_label.isVisibleTo(window)
    ]


def red_inputs(window: Any, form: str) -> list[str]:
    editors = window.views[form].indicators.editors
    return [k for k, e in editors.items() if e.input.property("problem") == "error"]


def panel_texts(window: Any) -> list[str]:
    panel = window.problems.list
    return [panel.topLevelItem(i).text(2) for i in range(panel.topLevelItemCount())]


def test_a_blank_form_shows_no_errors_until_f5(qtbot: Any, store: Any, open_window: Any) -> None:
    window = open_window(store)
    window.show_all.setChecked(True)
    window.tree.select_form("G")
    assert visible_messages(window, "G") == []
    assert red_inputs(window, "G") == []
    assert panel_texts(window) == []
    assert window.tree.state_text("G") == "未填"
    # but the core still knows: nothing can be signed yet
    assert any(p.missing and p.form == "G" for p in window.session.problems)

    window.views["G"].setFocus()
    qtbot.keyClick(window.views["G"], Qt.Key.Key_F5)
    assert any("请填写" in m for m in visible_messages(window, "G"))
    assert red_inputs(window, "G")
    assert any("请填写" in t for t in panel_texts(window))


def test_a_typing_mistake_shows_at_once_and_missing_values_after_leaving(
    qtbot: Any, store: Any, open_window: Any
) -> None:
    window = open_window(store)
    window.tree.select_form(FORM)
    editors = list(window.views[FORM].indicators.editors.values())
    number = next(e for e in editors if e.field.type == "number")
    number.input.setFocus()
    type_text(qtbot, number.input, "十几家")  # not a number: said at once
    qtbot.keyClick(number.input, Qt.Key.Key_Return)
    window.session.recheck_now()
    assert number.message_label.isVisibleTo(window)
    assert number.message_label.text().count("✖") == 1
    assert not [m for m in visible_messages(window, FORM) if "请填写" in m]

    window.show_all.setChecked(True)
    window.tree.select_form("1.2")  # leaving a form after typing in it: now it says what is missing
    window.tree.select_form(FORM)
    assert any("请填写" in m for m in visible_messages(window, FORM))
    # a form merely looked at stays calm
    assert not [m for m in visible_messages(window, "1.2") if "请填写" in m]


def test_export_still_refuses_missing_values_and_shows_them(
    qtbot: Any, store: Any, open_window: Any, no_dialogs: list[tuple[str, str]]
) -> None:
    window = open_window(store)
    window.tree.select_form(FORM)
    assert panel_texts(window) == []
    window.operations.export_signed()
    assert no_dialogs and no_dialogs[0][0] == "还不能签名"
    assert any("请填写" in t for t in panel_texts(window))
    assert store.load(store.current_period()).status != "signed"


def test_messages_stay_clear_of_the_plans_target_column(store: Any, open_window: Any) -> None:
    window = open_window(store)
    window.show_all.setChecked(True)
    window.tree.select_form("G")
    window.check_action.trigger()
    grid = window.views["G"].indicators
    layout = grid.layout()
    targets = [
        layout.itemAtPosition(r, 4).widget()
        for r in range(layout.rowCount())
        if layout.itemAtPosition(r, 4) is not None
        and layout.itemAtPosition(r, 4).widget().objectName() == "muted"
    ]
    assert targets
    shown = [e.message_label for e in grid.editors.values() if e.message_label.isVisibleTo(window)]
    assert shown
    for message in shown:
        for target in targets:
            assert not message.geometry().intersects(target.geometry()), message.text()


def test_errors_and_warnings_differ_in_colour_sign_and_word(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    period = store.current_period()
    key = "1.1:tech_invest"
    store.set_baseline(
        period.previous_year(), {key: "1.00"}, source="test", signature_status="valid"
    )
    window = open_window(store)
    window.tree.select_form(FORM)
    editor = window.views[FORM].indicators.editors[key]
    editor.input.setFocus()
    type_text(qtbot, editor.input, "9.00")  # nine times last year's: a warning
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    window.check_action.trigger()

    assert editor.input.property("problem") == "warning"
    assert editor.message_label.property("level") == "warning"
    assert "⚠ 提示：" in editor.message_label.text() and "✖" not in editor.message_label.text()
    window.problems.this_form.setChecked(True)
    panel = window.problems.list
    kinds = {panel.topLevelItem(i).text(0) for i in range(panel.topLevelItemCount())}
    assert kinds == {"错误", "提示"}
    colours = {
        panel.topLevelItem(i).text(0): panel.topLevelItem(i).foreground(0).color().name()
        for i in range(panel.topLevelItemCount())
    }
    assert colours["错误"] != colours["提示"]
    error_icon = severity_icon("error").pixmap(16).toImage()
    warning_icon = severity_icon("warning").pixmap(16).toImage()
    assert error_icon != warning_icon
    assert state_icon("errors").pixmap(16).toImage() == error_icon
    summary = window.problems.summary.text()
    assert "✖" in summary and "⚠" in summary and "提示" in summary


def test_errors_and_warnings_are_named_in_english_too(
    qtbot: Any, store: Any, open_window: Any, english: None
) -> None:
    period = store.current_period()
    key = "1.1:tech_invest"
    store.set_baseline(
        period.previous_year(), {key: "1.00"}, source="test", signature_status="valid"
    )
    window = open_window(store)
    window.tree.select_form(FORM)
    editor = window.views[FORM].indicators.editors[key]
    editor.input.setFocus()
    type_text(qtbot, editor.input, "9.00")
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    window.check_action.trigger()
    assert "⚠ Warning: " in editor.message_label.text()
    panel = window.problems.list
    window.problems.this_form.setChecked(True)
    kinds = {panel.topLevelItem(i).text(0) for i in range(panel.topLevelItemCount())}
    assert kinds == {"Error", "Warning"}
    assert "Errors: " in window.problems.summary.text()
