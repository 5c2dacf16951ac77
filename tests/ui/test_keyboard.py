"""The keyboard works like a spreadsheet: keys typed the way a clerk types them, to whatever
widget has the focus, on the real main window over a real data folder."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView

from ecodesk.ui.widgets.table_editor import TableEditor

CTRL = Qt.KeyboardModifier.ControlModifier


def focus() -> Any:
    widget = QApplication.focusWidget()
    assert widget is not None, "something must have the keyboard focus"
    return widget


def press(
    qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """One key, delivered where a person's key goes: to the focused widget."""
    qtbot.keyClick(focus(), key, modifier)


def typed(qtbot: Any, text: str) -> None:
    for char in text:  # each character to whatever has the focus by then
        qtbot.keyClicks(focus(), char)


def click_cell(qtbot: Any, view: QTableView, row: int, column: int) -> None:
    rect = view.visualRect(view.model().index(row, column))
    view.scrollTo(view.model().index(row, column))
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def current(view: QTableView) -> tuple[int, int]:
    index = view.currentIndex()
    return index.row(), index.column()


@pytest.fixture
def mines(store: Any, open_window: Any) -> tuple[Any, TableEditor]:
    window = open_window(store)
    window.show_all.setChecked(True)
    window.tree.select_form("4.1")
    editor = window.views["4.1"].tables["4.1:mines"]
    editor.add_row()
    editor.add_row()
    return window, editor


def test_table_keeps_its_place_after_tab_enter_and_arrows(
    qtbot: Any, store: Any, mines: tuple[Any, TableEditor], qtlog: Any
) -> None:
    window, editor = mines
    view = editor.view
    col = {c: i for i, c in enumerate(editor.columns)}
    click_cell(qtbot, view, 0, col["planned_area"])

    typed(qtbot, "0.7")
    press(qtbot, Qt.Key.Key_Tab)  # to the next cell of the same row, editing it
    assert current(view) == (0, col["area"])
    typed(qtbot, "1.2")
    press(qtbot, Qt.Key.Key_Return)  # commit and go down, as in WPS/Excel
    assert current(view) == (1, col["area"])
    assert view.state() != QAbstractItemView.State.EditingState

    press(qtbot, Qt.Key.Key_Left)  # arrows move between cells
    assert current(view) == (1, col["planned_area"])
    typed(qtbot, "0.5")
    press(qtbot, Qt.Key.Key_Up)  # an arrow while typing commits and moves too
    assert current(view) == (0, col["planned_area"])
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)  # last column: 进展 (a choice)
    assert current(view) == (1, col["status"])
    press(qtbot, Qt.Key.Key_Tab)  # after the last cell: out of the table, not to row 1, col 1
    assert focus() is editor.add_button
    assert current(view) == (1, col["status"])

    rows = store.load(store.current_period()).rows("4.1", "mines")
    assert [r.get("planned_area") for r in rows] == ["0.7", "0.5"]
    assert [r.get("area") for r in rows] == ["1.2", ""]
    messages = [r.message for r in qtlog.records]
    assert not [m for m in messages if "does not belong to this view" in m], messages


def test_tab_at_the_end_of_a_row_goes_to_the_next_row(
    qtbot: Any, store: Any, mines: tuple[Any, TableEditor]
) -> None:
    _, editor = mines
    view = editor.view
    last = len(editor.columns) - 2  # 已完成治理面积, a number, before 进展
    click_cell(qtbot, view, 0, last)
    typed(qtbot, "2")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)  # past 进展
    assert current(view) == (1, 0)
    typed(qtbot, "ab")
    press(qtbot, Qt.Key.Key_Return)
    rows = store.load(store.current_period()).rows("4.1", "mines")
    assert rows[0]["area"] == "2" and rows[1]["name"] == "ab"


def number_editors(window: Any, form: str) -> list[Any]:
    editors = window.views[form].indicators.editors.values()
    return [e for e in editors if e.field.type == "number"]


def test_down_and_up_move_between_fields_and_never_edit_the_value(
    qtbot: Any, store: Any, open_window: Any
) -> None:
    window = open_window(store)
    window.tree.select_form("1.1")
    editors = list(window.views["1.1"].indicators.editors.values())
    first, second = editors[0], editors[1]
    first.input.setFocus()
    typed(qtbot, "2.5")
    press(qtbot, Qt.Key.Key_Down)
    assert focus() is second.input
    typed(qtbot, "9")
    press(qtbot, Qt.Key.Key_Up)
    assert focus() is first.input
    assert first.text() == "2.5" and second.text() == "9"
    period = store.current_period()
    assert store.load(period).value(first.key) == "2.5"
    assert store.load(period).value(second.key) == "9"


def test_ctrl_z_undoes_the_last_edit_after_moving_to_the_next_field(
    qtbot: Any, store: Any, open_window: Any
) -> None:
    window = open_window(store)
    window.tree.select_form("1.1")
    first, second = number_editors(window, "1.1")[:2]
    first.input.setFocus()
    typed(qtbot, "12")
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is not first.input
    press(qtbot, Qt.Key.Key_Z, CTRL)
    period = store.current_period()
    assert store.load(period).value(first.key) == ""
    assert first.text() == ""
    press(qtbot, Qt.Key.Key_Y, CTRL)
    assert store.load(period).value(first.key) == "12"
    assert first.text() == "12"

    # typing not yet saved is undone as one step too, from inside the field
    second.input.setFocus()
    typed(qtbot, "34")
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert second.text() == "" and store.load(period).value(second.key) == ""
    assert store.load(period).value(first.key) == "12"


def test_each_form_has_its_own_undo_history(qtbot: Any, store: Any, open_window: Any) -> None:
    window = open_window(store)
    window.show_all.setChecked(True)
    window.tree.select_form("1.1")
    a = number_editors(window, "1.1")[0]
    a.input.setFocus()
    typed(qtbot, "5")
    press(qtbot, Qt.Key.Key_Return)
    window.tree.select_form("1.2")
    b = number_editors(window, "1.2")[0]
    b.input.setFocus()
    typed(qtbot, "6")
    press(qtbot, Qt.Key.Key_Return)
    window.tree.select_form("1.1")
    a.input.setFocus()
    press(qtbot, Qt.Key.Key_Z, CTRL)  # undoes 1.1's edit, not the later one in 1.2
    period = store.current_period()
    assert store.load(period).value(a.key) == ""
    assert store.load(period).value(b.key) == "6"
    press(qtbot, Qt.Key.Key_Z, CTRL)  # nothing more in 1.1's history: 1.2 untouched
    assert store.load(period).value(b.key) == "6"


def test_ctrl_enter_confirms_a_multi_line_reason(qtbot: Any, store: Any) -> None:
    from ecodesk.forms.rules import Problem
    from ecodesk.ui.app import application
    from ecodesk.ui.dialogs.accept_warning_dialog import AcceptWarningDialog

    application()
    problem = Problem(id="yoy:1.1:x", severity="warning", form="1.1", field=None, message="变化大")
    dialog = AcceptWarningDialog(problem)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.explanation.setFocus()
    typed(qtbot, "new")
    press(qtbot, Qt.Key.Key_Return)  # a plain Enter is a new line of the reason
    typed(qtbot, "line")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.result() == AcceptWarningDialog.DialogCode.Accepted
    assert dialog.text() == "new\nline"


def test_ctrl_z_in_an_open_cell_undoes_through_the_forms_history(
    qtbot: Any, store: Any, mines: tuple[Any, TableEditor]
) -> None:
    _, editor = mines
    view = editor.view
    col = editor.columns.index("planned_area")
    click_cell(qtbot, view, 0, col)
    typed(qtbot, "0.7")
    press(qtbot, Qt.Key.Key_Return)
    click_cell(qtbot, view, 1, col)
    typed(qtbot, "0.9")  # still open
    press(qtbot, Qt.Key.Key_Z, CTRL)  # saves 0.9, then undoes it
    rows = store.load(store.current_period()).rows("4.1", "mines")
    assert [r.get("planned_area") for r in rows] == ["0.7", ""]
    press(qtbot, Qt.Key.Key_Z, CTRL)
    rows = store.load(store.current_period()).rows("4.1", "mines")
    assert [r.get("planned_area") for r in rows] == ["", ""]
    assert current(view) == (1, col), "the place is kept"
