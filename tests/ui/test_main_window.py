"""The main window on a real store: typing, checking, pasting, undo, and finding it all again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from ecodesk.forms.rules import check_field
from ecodesk.submission import Period
from tests.ui.conftest import type_text

FORM = "1.1"


def first_number_field(pack: Any, form: str = FORM) -> Any:
    return next(f for f in pack.input_fields(form, "360730") if f.type == "number" and f.required)


def editor_input(window: Any, key: str) -> QLineEdit:
    return window.views[window.tree.current_form()].indicators.editors[key].input


def type_into(qtbot: Any, widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    type_text(qtbot, widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def problems_for(window: Any, key: str) -> list[Any]:
    return [p for p in window.session.problems if p.field == key]


def test_typed_indicator_is_saved_checked_and_found_again_after_restart(
    qtbot: Any, store: Any, open_window: Any, pack: Any, data_dir: Path
) -> None:
    from ecodesk.store import Store

    field = first_number_field(pack)
    window = open_window(store)
    window.tree.select_form(FORM)
    before = problems_for(window, field.key)
    assert any(p.severity == "error" for p in before), "an empty required field is an error"
    assert window.problems.list.topLevelItemCount() == 0, "but a blank form is not shown red"
    window.views[FORM].setFocus()
    qtbot.keyClick(window.views[FORM], Qt.Key.Key_F5)  # 全面检查 shows what is missing
    panel_rows_before = window.problems.list.topLevelItemCount()

    type_into(qtbot, editor_input(window, field.key), "１,２３４")

    qtbot.waitUntil(lambda: not any(p.severity == "error" for p in problems_for(window, field.key)))
    assert window.problems.list.topLevelItemCount() < panel_rows_before
    assert store.load(store.current_period()).value(field.key) == "１,２３４"
    assert "最后保存于" in window.saved_label.text()
    window.close()
    store.close()

    with Store.open(data_dir, pack=pack) as again:
        window2 = open_window(again)
        window2.tree.select_form(FORM)
        assert editor_input(window2, field.key).text() == "１,２３４"
        window2.close()


def test_invalid_number_is_marked_at_once_with_the_cores_message(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    field = first_number_field(pack)
    window = open_window(store)
    window.tree.select_form(FORM)
    line = editor_input(window, field.key)
    line.setFocus()
    type_text(qtbot, line, "十几家")

    # no waiting: the mark comes with the keystroke, before anything is committed
    assert line.property("problem") == "error"
    editor = window.views[FORM].indicators.editors[field.key]
    assert editor.message_label.isVisibleTo(window)
    data = window.session.data
    data.values[field.key] = "十几家"
    expected = [p.message for p in check_field(pack, data, field.key) if p.severity == "error"]
    assert expected and expected[0] in editor.message_label.text()

    line.selectAll()
    qtbot.keyClicks(line, "120")
    assert line.property("problem") != "error"
    assert not editor.message_label.isVisibleTo(window)


def test_enter_moves_to_the_next_input(qtbot: Any, store: Any, open_window: Any, pack: Any) -> None:
    window = open_window(store)
    window.tree.select_form(FORM)
    editors = list(window.views[FORM].indicators.editors.values())
    editors[0].input.setFocus()
    qtbot.keyClick(editors[0].input, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is editors[1].input


def test_undo_and_redo_write_through_to_the_store(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    field = first_number_field(pack)
    window = open_window(store)
    window.tree.select_form(FORM)
    line = editor_input(window, field.key)
    type_into(qtbot, line, "12")
    type_into(qtbot, line, "5")  # appended: "125"
    assert store.load(store.current_period()).value(field.key) == "125"

    window.undo_action.trigger()
    assert line.text() == "12"
    assert store.load(store.current_period()).value(field.key) == "12"
    window.undo_action.trigger()
    assert line.text() == ""
    assert store.load(store.current_period()).value(field.key) == ""
    window.redo_action.trigger()
    assert store.load(store.current_period()).value(field.key) == "12"


def test_paste_rows_from_a_spreadsheet_then_undo(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    spec = pack.tables(FORM, "360730")[0]
    columns = [c.code for c in spec.columns]
    window = open_window(store)
    window.tree.select_form(FORM)
    editor = window.views[FORM].tables[f"{FORM}:{spec.code}"]
    lines = []
    for i in range(3):
        cells = [
            f"项目{i}"
            if j == 0
            else (
                "12.5"
                if c.type in ("number", "integer")
                else (c.choices[0] if c.choices else f"内容{i}{j}")
            )
            for j, c in enumerate(spec.columns)
        ]
        lines.append("\t".join(cells))
    QGuiApplication.clipboard().setText("\r\n".join(lines) + "\r\n")  # as Excel puts it

    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    stored = store.load(store.current_period()).rows(FORM, spec.code)
    assert [r[columns[0]] for r in stored] == ["项目0", "项目1", "项目2"]
    assert editor.model.rowCount() == 3
    window.undo_action.trigger()
    assert store.load(store.current_period()).rows(FORM, spec.code) == []
    assert editor.model.rowCount() == 0


def test_bad_table_cell_is_marked(qtbot: Any, store: Any, open_window: Any, pack: Any) -> None:
    spec = pack.tables(FORM, "360730")[0]
    number_col = next(i for i, c in enumerate(spec.columns) if c.type == "number")
    window = open_window(store)
    window.tree.select_form(FORM)
    editor = window.views[FORM].tables[f"{FORM}:{spec.code}"]
    editor.add_row()
    editor.model.setData(editor.model.index(0, number_col), "很多")
    window.session.recheck_now()
    index = editor.model.index(0, number_col)
    assert editor.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert editor.model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_clicking_a_problem_goes_to_its_field(
    qtbot: Any, store: Any, open_window: Any, pack: Any
) -> None:
    window = open_window(store)
    window.tree.select_form(FORM)
    window.check_action.trigger()  # F5
    panel = window.problems
    panel.this_form.setChecked(True)
    item = next(
        panel.list.topLevelItem(i)
        for i in range(panel.list.topLevelItemCount())
        if panel.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1).field
        in window.views[FORM].indicators.editors
    )
    problem = item.data(0, Qt.ItemDataRole.UserRole + 1)
    panel.list.setCurrentItem(item)
    panel._activated(item)
    assert QApplication.focusWidget() is window.views[FORM].indicators.editors[problem.field].input


def test_accepting_a_warning_asks_for_an_explanation(
    qtbot: Any, store: Any, open_window: Any, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.ui.dialogs.accept_warning_dialog import AcceptWarningDialog

    period = store.current_period()
    field = next(f for f in pack.input_fields(FORM, "360730") if f.key == "1.1:tech_invest")
    store.set_baseline(
        period.previous_year(), {field.key: "1.00"}, source="test", signature_status="valid"
    )
    window = open_window(store)
    window.tree.select_form(FORM)
    type_into(qtbot, editor_input(window, field.key), "9.00")
    window.session.recheck_now()
    warning = next(
        p
        for p in window.session.form_problems(FORM)
        if p.severity == "warning" and p.field == field.key
    )

    def answer(dialog: AcceptWarningDialog) -> int:
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        type_text(qtbot, dialog.explanation, "新建两个技改项目集中投产")
        dialog.accept()
        return int(AcceptWarningDialog.DialogCode.Accepted)

    monkeypatch.setattr(AcceptWarningDialog, "exec", answer)
    window.accept_warning(warning)

    stored = store.load(period).accepted
    assert [(a.problem_id, a.explanation) for a in stored] == [
        (warning.id, "新建两个技改项目集中投产")
    ]
    again = next(p for p in window.session.problems if p.id == warning.id)
    assert again.explanation == "新建两个技改项目集中投产"

    window.problems.all_forms.setChecked(True)
    items = [
        window.problems.list.topLevelItem(i)
        for i in range(window.problems.list.topLevelItemCount())
    ]
    window.problems.list.setCurrentItem(
        next(i for i in items if i.data(0, Qt.ItemDataRole.UserRole + 1).id == warning.id)
    )
    assert window.problems.withdraw_button.isEnabled()
    window.problems.withdraw_button.click()
    assert store.load(period).accepted == []
    assert next(p for p in window.session.problems if p.id == warning.id).explanation is None


def test_tree_shows_only_responsible_forms_until_show_all(
    store: Any, open_window: Any, pack: Any
) -> None:
    store.set_responsible_forms(["1.1", "2.2"])
    window = open_window(store)
    assert window.tree.forms() == ["1.1", "2.2"]
    window.show_all.setChecked(True)
    assert window.tree.forms() == list(pack.forms)


def test_new_revision_makes_a_signed_period_editable_again(
    qtbot: Any, store: Any, open_window: Any, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.ui.dialogs import reason_dialog

    field = first_number_field(pack)
    period = Period(2025)
    store.set_value(period, field.key, "7")
    store.mark_signed(period, 1, fingerprint="AB:CD", digest="0" * 64, workbook_path=None)

    def answer(dialog: Any) -> int:  # the reason typed, then 确定
        type_text(qtbot, dialog.explanation, "更正技改投资额")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(reason_dialog.ReasonDialog, "exec", answer)
    window = open_window(store)
    window.change_period(period)
    window.operations.actions["revision"].trigger()
    assert not window.session.frozen
    assert window.session.data.revision == 2
    window.tree.select_form(FORM)
    line = editor_input(window, field.key)
    assert line.isEnabled() and line.text() == "7"
    type_into(qtbot, line, "1")
    assert store.load(period).value(field.key) == "71"
    assert store.load(period, 1).value(field.key) == "7", (
        "the signed revision stays as it was signed"
    )


def test_signed_period_is_read_only(qtbot: Any, store: Any, open_window: Any, pack: Any) -> None:
    field = first_number_field(pack)
    period = Period(2025)
    store.set_value(period, field.key, "7")
    store.mark_signed(period, 1, fingerprint="AB:CD", digest="0" * 64, workbook_path=None)
    window = open_window(store)
    window.change_period(period)
    window.tree.select_form(FORM)
    assert not editor_input(window, field.key).isEnabled()
    assert window.tree.state_text(FORM) == "已签名"
    assert "只读" in window.windowTitle()


def test_no_attribute_of_ours_hides_a_qt_method(qtbot: Any, store: Any, open_window: Any) -> None:
    """An attribute named like a Qt method (``FormView.scroll``, ``PassphraseDialog.create``)
    hides that method from everything that calls it on the widget, Qt's own Python code and
    ours; checked on every object of the window with every form built, and on the passphrase
    dialog in both its modes."""
    from PySide6.QtCore import QObject, Signal, SignalInstance

    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog

    window = open_window(store)
    window.show_all.setChecked(True)
    for form in window.tree.forms():
        window.tree.select_form(form)
    assert set(window.views) == set(window.tree.forms())
    dialogs = [PassphraseDialog(creating_key=mode, parent=window) for mode in (True, False)]
    hidden = set()
    for obj in [window, *window.findChildren(QObject), *dialogs]:
        qt_classes = [c for c in type(obj).__mro__ if c.__module__.startswith("PySide6.")]
        for name, value in vars(obj).items():
            if isinstance(value, SignalInstance):  # PySide keeps a bound signal there
                continue
            if any(
                hasattr(c, name) and not isinstance(getattr(c, name), Signal) for c in qt_classes
            ):
                hidden.add(f"{type(obj).__name__}.{name}")
    assert hidden == set()
    view = window.views[window.tree.forms()[0]]
    view.scroll(0, 0)  # QWidget.scroll again, not the scroll area
    assert view.scroll_area.widget() is not None
