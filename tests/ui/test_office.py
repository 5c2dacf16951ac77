"""People and roles in the window, on both engines: signing in, the first head's account, the
review actions in the 审核 menu, the review states in the tree and a return's comment on the form.

Driven with the keyboard and the mouse (QTest), on real stores: the SQLite file and a real
PostgreSQL server (a shared store, where everyone signs in).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from ecodesk.store.office import form_reviews
from ecodesk.store.people import FILLER, HEAD, REVIEWER, add_person
from ecodesk.ui.dialogs.person_dialog import PersonDialog
from ecodesk.ui.dialogs.reason_dialog import ReasonDialog
from ecodesk.ui.dialogs.sign_in_dialog import SignInDialog, sign_in_at_start
from ecodesk.ui.office_review import REVIEW_COLUMN
from tests.ui.conftest import answer_next_box, type_text, when_modal

KEY = "1.1:upgraded_firms"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every store the test opens is on this engine (a fresh database per test on the server)."""
    from ecodesk.store.engine import ENV_DATABASE_URL

    if request.param == "sqlite":
        yield "sqlite"
        return
    server = request.getfixturevalue("postgresql_server")
    name = server.new_database()
    monkeypatch.setenv(ENV_DATABASE_URL, server.url(name))
    try:
        yield "postgresql"
    finally:
        server.drop_database(name)


@pytest.fixture
def office(engine: str, store: Any) -> Any:
    """宁都县工信局 with its head, a filler and a reviewer; forms G, 1.1 and 2.1."""
    store.set_responsible_forms(["G", "1.1", "2.1"])
    add_person(store, "黄建华", [HEAD], "head-pass-1")
    add_person(store, "刘志明", [FILLER], "filler-pass")
    add_person(store, "陈丽萍", [REVIEWER], "review-pass")
    store.sign_out()
    return store


def _ok(dialog: Any) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    QTest.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def _toggle(box: Any) -> None:
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Space)


def test_signing_in_says_a_wrong_password_and_stays_open(qtbot: Any, office: Any) -> None:
    dialog = SignInDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [dialog.name.itemText(i) for i in range(dialog.name.count())]
    assert names == ["黄建华", "刘志明", "陈丽萍"]
    type_text(qtbot, dialog.name.lineEdit(), "刘志明")
    QTest.keyClick(dialog.name, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.password, "filler-pasS")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "姓名或口令不对" in dialog.message.text()
    assert dialog.password.text() == "" and office.person is None
    QTest.keyClicks(dialog.password, "filler-pass")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert office.person is not None and office.person.name == "刘志明"


def test_the_first_person_on_a_shared_store_creates_the_head(
    qtbot: Any, engine: str, store: Any
) -> None:
    from ecodesk.store.people import list_people, people_required

    if engine == "sqlite":
        assert sign_in_at_start(store) is True  # a single person's file: nothing to sign in to
        assert not people_required(store) and list_people(store) == []
        return

    def fill(dialog: PersonDialog) -> None:
        assert dialog.windowTitle() == "建立单位负责人账号"
        assert dialog.role_boxes[HEAD].isChecked()
        type_text(qtbot, dialog.name, "黄建华")
        _toggle(dialog.role_boxes[HEAD])  # unticked: the first account must be the head
        QTest.keyClicks(dialog.password, "head-pass-1")
        QTest.keyClicks(dialog.again, "head-pass-1")
        _ok(dialog)
        assert dialog.isVisible() and "必须是单位负责人" in dialog.message.text()
        _toggle(dialog.role_boxes[HEAD])
        _ok(dialog)

    when_modal(qtbot, PersonDialog, fill)
    assert sign_in_at_start(store) is True
    assert [(p.name, sorted(p.roles)) for p in list_people(store)] == [
        ("黄建华", sorted([HEAD, FILLER]))
    ]
    assert store.person is not None and store.person.name == "黄建华"


def _reviews(window: Any) -> dict[str, str]:
    return {f: window.tree.item_of(f).text(REVIEW_COLUMN) for f in window.tree.forms()}


def test_the_reviewer_reviews_and_returns_and_the_filler_sees_it(
    qtbot: Any, office: Any, open_window: Any
) -> None:
    office.sign_in("陈丽萍", "review-pass")
    window = open_window(office)
    qtbot.waitUntil(lambda: window.tree.current_form() is not None)
    assert window.tree.headerItem().text(REVIEW_COLUMN) == "审核"
    assert _reviews(window) == {"G": "待审核", "1.1": "待审核", "2.1": "待审核"}
    assert "登录：陈丽萍（审核人）" in window.office.who.text()

    window.tree.select_form("1.1")
    QTest.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _reviews(window)["1.1"] == "已审核"

    window.tree.select_form("2.1")

    def comment(dialog: ReasonDialog) -> None:
        type_text(qtbot, dialog.explanation, "请补充工作进展")
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, ReasonDialog, comment)
    window.office.return_action.trigger()
    assert _reviews(window)["2.1"] == "退回修改"
    assert "请补充工作进展" in window.tree.item_of("2.1").toolTip(REVIEW_COLUMN)
    assert window.office.note.isVisible() and "请补充工作进展" in window.office.note.text()

    # 切换用户: the filler signs in, sees the return, and her change needs review again
    def sign_in(dialog: SignInDialog) -> None:
        type_text(qtbot, dialog.name.lineEdit(), "刘志明")
        QTest.keyClicks(dialog.password, "filler-pass")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    when_modal(qtbot, SignInDialog, sign_in)
    window.office.switch_action.trigger()
    qtbot.waitUntil(lambda: "刘志明" in window.office.who.text())
    assert not window.office.review_action.isEnabled()  # a filler reviews nothing
    window.tree.select_form("1.1")
    window.show_form("1.1")
    editor = window.views["1.1"].indicators.editors[KEY]
    editor.input.setFocus()
    QTest.keyClicks(editor.input, "31")
    QTest.keyClick(editor.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _reviews(window)["1.1"] == "已修改待复审")
    assert form_reviews(office, window.session.period)["1.1"].state == "changed"
    assert office.audit_log(window.session.period, limit=5)[0].person in ("刘志明",)


def test_without_people_the_window_is_as_before(qtbot: Any, store: Any, open_window: Any) -> None:
    """A single person's SQLite file (a shared store always has people: see above)."""
    window = open_window(store)
    qtbot.waitUntil(lambda: window.tree.current_form() is not None)
    assert window.tree.columnCount() == REVIEW_COLUMN
    assert not window.office.review_action.isEnabled()
    assert window.office.who.text() == "" and window.office.note.isHidden()


def test_the_head_adds_a_person_in_the_people_dialog(qtbot: Any, office: Any) -> None:
    from ecodesk.store.people import list_people
    from ecodesk.ui.dialogs.people_dialog import PeopleDialog

    office.sign_in("刘志明", "filler-pass")
    dialog = PeopleDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 3

    def add(person: PersonDialog, name: str) -> None:
        type_text(qtbot, person.name, name)
        _toggle(person.role_boxes[REVIEWER])
        QTest.keyClicks(person.password, "second-reviewer")
        QTest.keyClicks(person.again, "second-reviewer")
        _ok(person)
        if person.isVisible():  # refused by the store: said in the dialog, then given up
            seen.append(person.message.text())
            person.reject()

    seen: list[str] = []
    when_modal(qtbot, PersonDialog, lambda person: add(person, "王审核"))
    QTest.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert seen and "刘志明 不是单位负责人，不能添加人员" in seen[0]
    assert dialog.table.rowCount() == 3

    office.sign_in("黄建华", "head-pass-1")
    when_modal(qtbot, PersonDialog, lambda person: add(person, "王审核"))
    QTest.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 4
    assert dialog.table.item(3, 0).text() == "王审核" and dialog.table.item(3, 1).text() == "审核人"
    assert "王审核" in [p.name for p in list_people(office)]


def test_the_program_asks_who_signs_in_after_the_window_shows(
    qtbot: Any, office: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real start (run_app): the window first, then the sign-in over it; closing the sign-in
    closes the program; signing in opens the forms as that person."""
    import sys

    from PySide6.QtWidgets import QApplication

    from ecodesk.ui.app import run_app
    from ecodesk.ui.main_window import MainWindow
    from tests.ui.test_app import _drop_file_log

    office.close()  # the program opens its own
    seen: list[Any] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        seen.append((window.session.store.person.name, window.office.who.text()))
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def quit_(dialog: SignInDialog) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.append([w.isVisible() for w in windows])  # the window is already there
        dialog.reject()

    when_modal(qtbot, SignInDialog, quit_)
    assert run_app(str(data_dir)) == 0
    assert seen == [[True]]

    def sign_in(dialog: SignInDialog) -> None:
        type_text(qtbot, dialog.name.lineEdit(), "陈丽萍")
        QTest.keyClicks(dialog.password, "review-pass")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    seen.clear()
    when_modal(qtbot, SignInDialog, sign_in)
    assert run_app(str(data_dir)) == 0
    assert seen == [("陈丽萍", "登录：陈丽萍（审核人）")]
    _drop_file_log(data_dir)


def test_signing_in_the_window_is_refused_before_the_passphrase(
    qtbot: Any, office: Any, open_window: Any, no_dialogs: list[tuple[str, str]]
) -> None:
    from ecodesk.demo import sample_submission
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog

    office.sign_in("刘志明", "filler-pass")
    period = office.current_period()
    office.write_submission(sample_submission(office.pack, "360730", period))
    window = open_window(office)
    qtbot.waitUntil(lambda: window.tree.current_form() is not None)
    asked: list[object] = []
    when_modal(qtbot, PassphraseDialog, lambda d: (asked.append(d), d.reject()))
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(no_dialogs))
    title, text = no_dialogs[-1]
    assert title == "还不能签名" and "刘志明 不是单位负责人，不能签名" in text
    assert not asked and office.load(period).status != "signed"


def test_a_change_the_reviewer_has_not_seen_yet_stops_the_review(
    qtbot: Any, office: Any, open_window: Any, data_dir: Path, pack: Any
) -> None:
    """Another PC's filler changes 1.1 just before the reviewer presses Ctrl+Shift+A, before
    the window has shown it: the review is refused with who changed it, the window then shows
    the change, and the next Ctrl+Shift+A reviews what is now on screen."""
    from ecodesk.store import Store

    office.sign_in("陈丽萍", "review-pass")
    window = open_window(office)
    qtbot.waitUntil(lambda: window.tree.current_form() is not None)
    window.live._poll.setInterval(600_000)  # the window reads changes only when the test says
    qtbot.waitUntil(lambda: not window.live.polling)
    if window.live.listener is not None:  # (PostgreSQL: hold off the notifications' read too)
        window.live._soon.setInterval(600_000)
    window.tree.select_form("1.1")
    with Store.open(data_dir, pack=pack) as other_pc:
        other_pc.sign_in("刘志明", "filler-pass")
        other_pc.set_value(window.session.period, KEY, "77")
    seen: list[Any] = []
    answer_next_box(qtbot, QMessageBox.StandardButton.Ok, seen)
    review = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_A, review)
    qtbot.waitUntil(lambda: bool(seen))
    assert "刘志明" in seen[0][1] and "修改了表 1.1" in seen[0][1]
    assert _reviews(window)["1.1"] == "待审核"
    qtbot.waitUntil(lambda: window.session.value(KEY) == "77")  # now shown…
    window.office.review_action.trigger()  # …and reviewed
    assert _reviews(window)["1.1"] == "已审核"
