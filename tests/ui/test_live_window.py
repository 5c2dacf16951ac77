"""An open window on a store shared with others (two ``Store`` objects are two PCs):
the conflict dialog, others' saves arriving (NOTIFY on PostgreSQL, polling on SQLite), presence
in the tree, and a server that goes away and comes back.

The PostgreSQL half runs against the real server the tests start (tests/postgresql.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import text

from ecodesk.store import Store, live
from ecodesk.store.engine import ENV_DATABASE_URL
from ecodesk.submission import Period
from ecodesk.ui.dialogs.conflict_dialog import ConflictDialog
from ecodesk.ui.live_updates import POLL_MS
from tests.ui.conftest import PROFILE, click, when_modal

P = Period(2026)
KEY = "1.1:upgraded_firms"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "postgresql":
        server = request.getfixturevalue("postgresql_server")
        name = server.new_database()
        monkeypatch.setenv(ENV_DATABASE_URL, server.url(name))
        yield "postgresql"
        server.drop_database(name)
    else:
        yield "sqlite"


@pytest.fixture
def store(engine_name: str, data_dir: Path, pack: Any) -> Iterator[Store]:
    s = Store.open(data_dir, pack=pack)
    s.save_profile(PROFILE)
    yield s
    s.close()


@pytest.fixture
def other_pc(store: Store, data_dir: Path, pack: Any) -> Iterator[Store]:
    with Store.open(data_dir, pack=pack) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _no_dialog_left_waiting() -> Iterator[None]:
    """A failed test leaves a conflicting edit pending: closing its window must not wait for a
    click that never comes (the other person's value is kept)."""
    yield
    from PySide6.QtWidgets import QApplication

    from ecodesk.ui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.attached:
            widget.session.conflict_resolver = lambda _conflict, _label: False


def read_now(qtbot: Any, window: Any) -> None:
    """Have the window read the others' changes now, and wait until they are shown."""
    with qtbot.waitSignal(window.live.polled, timeout=10_000):
        window.live.poll_now()


def _editor(window: Any, key: str = KEY) -> Any:
    window.tree.select_form(key.partition(":")[0])
    return window.views[key.partition(":")[0]].indicators.editors[key]


def _type_while_someone_saves(qtbot: Any, window: Any, other_pc: Store) -> Any:
    """The clerk types 3 into a field showing 1; before they finish, another PC saves 2 there."""
    editor = _editor(window)
    editor.input.setFocus()
    editor.input.selectAll()
    qtbot.keyClicks(editor.input, "3")
    assert editor.pending()
    other_pc.set_value(P, KEY, "2", based_on="1")
    read_now(qtbot, window)  # (the window reads the change; the tests below wait for it instead)
    assert editor.text() == "3"  # not overwritten under the clerk's fingers…
    assert window.session.value(KEY) == "2"
    assert "刚保存了此项的新值" in editor.message_label.text()  # …and marked
    return editor


def _start(qtbot: Any, open_window: Any, store: Store) -> Any:
    store.set_value(P, KEY, "1")
    window = open_window(store)
    qtbot.waitUntil(lambda: window.tree.current_form() is not None)
    return window


def test_keep_mine_overwrites_knowingly_and_undo_brings_theirs_back(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window = _start(qtbot, open_window, store)
    editor = _type_while_someone_saves(qtbot, window, other_pc)
    seen: list[tuple[str, str, str]] = []

    def keep_mine(dialog: ConflictDialog) -> None:
        seen.append((dialog.mine_label.text(), dialog.theirs_label.text(), dialog.who()))
        click(qtbot, dialog.keep_mine)

    when_modal(qtbot, ConflictDialog, keep_mine)
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    assert seen and seen[0][:2] == ("3", "2")
    assert PROFILE.preparer in seen[0][2]  # who made the other change
    assert other_pc.load(P).value(KEY) == "3"
    assert [(e.old, e.new) for e in store.audit_log(P) if e.field == "upgraded_firms"][:2] == [
        ("2", "3"),
        ("1", "2"),
    ]
    stack = window.session.undo_stack("1.1")
    assert stack.count() == 1
    window.undo()  # what was there just before the clerk's save: the other person's value
    assert other_pc.load(P).value(KEY) == "2"
    assert editor.text() == "2"
    window.redo()
    assert other_pc.load(P).value(KEY) == "3"


def test_take_theirs_keeps_the_other_value_and_the_typed_one_on_the_clipboard(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window = _start(qtbot, open_window, store)
    editor = _type_while_someone_saves(qtbot, window, other_pc)
    when_modal(qtbot, ConflictDialog, lambda d: click(qtbot, d.take_theirs))
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    assert other_pc.load(P).value(KEY) == "2"
    assert editor.text() == "2"
    assert QGuiApplication.clipboard().text() == "3"  # what was typed is not lost
    assert "剪贴板" in window.statusBar().currentMessage()
    assert window.session.undo_stack("1.1").count() == 0  # the edit did nothing: no history
    assert [e.new for e in store.audit_log(P) if e.field == "upgraded_firms"] == ["2", "1"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Return])
def test_closing_the_dialog_or_pressing_enter_overwrites_nothing(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store, key: Qt.Key
) -> None:
    window = _start(qtbot, open_window, store)
    editor = _type_while_someone_saves(qtbot, window, other_pc)
    when_modal(qtbot, ConflictDialog, lambda d: qtbot.keyClick(d.focusWidget() or d, key))
    qtbot.keyClick(editor.input, Qt.Key.Key_Return)
    assert other_pc.load(P).value(KEY) == "2"


def test_others_saves_appear_in_the_open_window(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store, engine_name: str
) -> None:
    """On PostgreSQL the server's notification brings it (the poll is slowed to its safety
    interval first, so only the notification can be in time); on SQLite the poll does."""
    window = _start(qtbot, open_window, store)
    editor = _editor(window)
    if engine_name == "postgresql":
        assert window.live.listener is not None
        qtbot.waitUntil(window.live.listener.listening.is_set, timeout=10_000)
        window.live._poll.setInterval(600_000)
        timeout = 3000
    else:
        assert window.live.listener is None
        timeout = POLL_MS * 3
    other_pc.set_value(P, KEY, "7")
    other_pc.set_narrative(P, "1.1", "progress", "王芳写的进展")
    qtbot.waitUntil(lambda: editor.text() == "7", timeout=timeout)
    narrative = window.views["1.1"].narratives["1.1:progress"]
    qtbot.waitUntil(lambda: narrative.edit.toPlainText() == "王芳写的进展", timeout=timeout)
    assert window.session.undo_stack("1.1").count() == 0  # not the clerk's own edits


def test_presence_appears_in_the_tree_and_expires(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window = _start(qtbot, open_window, store)
    window.tree.select_form("1.1")
    live.beat(other_pc, "pc-of-wang", person="王芳", period=str(P), form="1.2")
    read_now(qtbot, window)
    assert window.tree.presence_text("1.2") == "王芳"
    assert not window.tree.isColumnHidden(2)
    assert window.tree.presence_text("1.1") == ""
    # the window says where its clerk is, for the others
    assert [(p.person, p.form) for p in live.present(other_pc) if p.client != "pc-of-wang"] == [
        (store.os_user, "1.1")
    ]
    with other_pc.engine.begin() as conn:  # Wang's PC crashed: no heartbeat for a while
        conn.execute(
            text("UPDATE presence SET seen_epoch = seen_epoch - :s WHERE client = 'pc-of-wang'"),
            {"s": live.PRESENCE_EXPIRY_S + 5},
        )
    read_now(qtbot, window)
    assert window.tree.presence_text("1.2") == ""
    assert window.tree.isColumnHidden(2)
    window.close()  # closing the window removes its own row
    assert live.present(other_pc) == []


def test_a_server_restart_loses_nothing_and_the_window_reconnects(
    qtbot: Any, open_window: Any, data_dir: Path, pack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.postgresql import PostgresServer

    server = PostgresServer().start()
    try:
        server.prepare_migrated_template()
        monkeypatch.setenv(ENV_DATABASE_URL, server.url(server.new_database()))
        with Store.open(data_dir, pack=pack) as shared:
            shared.save_profile(PROFILE)
            window = _start(qtbot, open_window, shared)
            first = _editor(window)
            first.input.setFocus()
            first.input.selectAll()
            qtbot.keyClicks(first.input, "12")
            qtbot.keyClick(first.input, Qt.Key.Key_Return)  # saved: acknowledged
            assert shared.load(P).value(KEY) == "12"

            server.halt()  # the server goes away (pg_ctl stop) mid-session
            second = _editor(window, "1.1:tech_invest")
            second.input.setFocus()
            qtbot.keyClicks(second.input, "45")
            qtbot.keyClick(second.input, Qt.Key.Key_Return)
            banner = window.live.banner
            qtbot.waitUntil(banner.isVisible, timeout=10_000)
            assert "连接断了" in banner.text() and "不会丢失" in banner.text()
            assert "连接中断" in window.statusBar().currentMessage()
            assert second.text() == "45"  # what was typed stays in the editor
            assert window.session.unsent == ["1.1:tech_invest"]

            server.resume()
            qtbot.waitUntil(lambda: not banner.isVisible(), timeout=20_000)
            assert window.session.unsent == []
            data = shared.load(P)
            assert (data.value(KEY), data.value("1.1:tech_invest")) == ("12", "45")
            window.close()
    finally:
        server.stop()


def test_files_another_pc_attaches_and_moves_with_its_rows_appear_in_the_open_window(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store, engine_name: str, tmp_path: Path
) -> None:
    from ecodesk.attachments import attach
    from tests.attachments.files import make_pdf

    rows = [{"name": "梅江镇技改"}, {"name": "黄陂镇扩建"}]
    other_pc.set_table_rows(P, "1.1", "projects", rows)
    window = _start(qtbot, open_window, store)
    window.tree.select_form("1.1")
    panel = window.views["1.1"].attachments
    timeout = 3000 if engine_name == "postgresql" else POLL_MS * 3
    if engine_name == "postgresql":
        qtbot.waitUntil(window.live.listener.listening.is_set, timeout=10_000)
    made = attach(other_pc, P, "1.1:projects#2", make_pdf(tmp_path / "黄陂验收.pdf"), "黄陂验收")
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=timeout)
    assert "第2行" in panel.list.item(0).text()
    other_pc.set_table_rows(P, "1.1", "projects", rows[1:])  # they delete row 1
    qtbot.waitUntil(lambda: "第1行" in panel.list.item(0).text(), timeout=timeout)
    assert [a.key for a in window.session.attachments("1.1")] == ["1.1:projects#1"]
    assert window.session.attachments("1.1")[0].id == made.id


# ------------------------------------------------------------------ tables

TABLE_KEY = "1.1:projects"
ROWS = [
    {
        "name": "甲项目",
        "company": "甲公司",
        "industry": "化工",
        "investment": "100",
        "status": "在建",
    },
    {
        "name": "乙项目",
        "company": "乙公司",
        "industry": "钢铁",
        "investment": "200",
        "status": "谋划",
    },
]


def _table(qtbot: Any, open_window: Any, store: Store) -> tuple[Any, Any]:
    store.set_table_rows(P, "1.1", "projects", ROWS)
    window = _start(qtbot, open_window, store)
    window.tree.select_form("1.1")
    return window, window.views["1.1"].tables[TABLE_KEY]


def _type_in_cell(qtbot: Any, editor: Any, row: int, column: str, text: str) -> None:
    """Click the cell and type over it (the editor opens with the first key, as in WPS)."""
    view = editor.view
    index = view.model().index(row, editor.columns.index(column))
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    for char in text:
        qtbot.keyClicks(QApplication.focusWidget(), char)
    assert editor.editing()


def _cell_typed_while_someone_saves(qtbot: Any, window: Any, editor: Any, other_pc: Store) -> None:
    """The clerk types 300 over 本年完成投资 of row 1; before they press Enter, another PC
    saves 250 there. The window hears of it, but what is being typed stays."""
    _type_in_cell(qtbot, editor, 0, "investment", "300")
    seen = other_pc.load(P).rows("1.1", "projects")
    changed = [dict(r) for r in seen]
    changed[0]["investment"] = "250"
    other_pc.set_table_rows(P, "1.1", "projects", changed, based_on=seen)
    read_now(qtbot, window)
    assert window.session.rows("1.1", "projects")[0]["investment"] == "250"
    assert QApplication.focusWidget().text() == "300"  # the open cell editor: not replaced
    assert "刚保存了此表" in editor.message.text()


def test_a_table_cell_changed_by_both_asks_and_keep_mine_overwrites_knowingly(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window, editor = _table(qtbot, open_window, store)
    _cell_typed_while_someone_saves(qtbot, window, editor, other_pc)
    seen: list[tuple[str, str, str, str]] = []

    def keep_mine(dialog: ConflictDialog) -> None:
        intro = dialog.findChild(QLabel).text()
        seen.append((dialog.mine_label.text(), dialog.theirs_label.text(), dialog.who(), intro))
        click(qtbot, dialog.keep_mine)

    when_modal(qtbot, ConflictDialog, keep_mine)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert seen and seen[0][:2] == ("300", "250")
    assert PROFILE.preparer in seen[0][2]  # who made the other change
    assert "重点技术改造项目 第 1 行“本年完成投资”" in seen[0][3]
    assert other_pc.load(P).rows("1.1", "projects")[0]["investment"] == "300"
    assert editor.model.index(0, editor.columns.index("investment")).data() == "300"
    window.undo()  # back to what was there just before: the other person's value
    assert other_pc.load(P).rows("1.1", "projects")[0]["investment"] == "250"
    assert editor.model.index(0, editor.columns.index("investment")).data() == "250"


def test_a_table_cell_changed_by_both_take_theirs_keeps_theirs(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window, editor = _table(qtbot, open_window, store)
    _cell_typed_while_someone_saves(qtbot, window, editor, other_pc)
    when_modal(qtbot, ConflictDialog, lambda d: click(qtbot, d.take_theirs))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert other_pc.load(P).rows("1.1", "projects")[0]["investment"] == "250"
    qtbot.waitUntil(lambda: not editor.editing())
    assert editor.model.index(0, editor.columns.index("investment")).data() == "250"
    assert QGuiApplication.clipboard().text() == "300"  # what was typed is not lost
    assert window.session.undo_stack("1.1").count() == 0  # the edit did nothing
    assert len([e for e in store.audit_log(P) if e.action == "set_table"]) == 2


def test_different_cells_of_a_table_merge_without_asking(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    window, editor = _table(qtbot, open_window, store)
    window.session.conflict_resolver = lambda conflict, _label: pytest.fail(str(conflict))
    _type_in_cell(qtbot, editor, 1, "investment", "222")
    seen = other_pc.load(P).rows("1.1", "projects")
    other_pc.set_table_rows(
        P, "1.1", "projects", [{**seen[0], "company": "王芳改的"}, seen[1]], based_on=seen
    )
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    rows = other_pc.load(P).rows("1.1", "projects")
    assert (rows[0]["company"], rows[1]["investment"]) == ("王芳改的", "222")
    assert editor.model.index(0, editor.columns.index("company")).data() == "王芳改的"
    window.undo()  # takes back the clerk's change only
    rows = other_pc.load(P).rows("1.1", "projects")
    assert (rows[0]["company"], rows[1]["investment"]) == ("王芳改的", "200")


# ------------------------------------------------------------------ a slow server


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)
def test_a_slow_server_never_stalls_the_window(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    """A poll whose query waits 3 s on the server (another connection holds the audit log
    locked, as a long maintenance job would) leaves the UI thread free: its events keep being
    processed all along, and the poll's answer arrives once the server gives it."""
    window = _start(qtbot, open_window, store)
    assert window.live.listener is not None
    qtbot.waitUntil(window.live.listener.listening.is_set, timeout=10_000)
    window.live._poll.setInterval(600_000)  # only the poll this test asks for
    qtbot.waitUntil(lambda: not window.live.polling, timeout=10_000)
    locked, released = threading.Event(), threading.Event()

    def maintenance() -> None:
        with other_pc.engine.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            conn.execute(text("SELECT pg_sleep(3)"))
        released.set()

    holder = threading.Thread(target=maintenance)
    holder.start()
    assert locked.wait(10)
    ticks: list[float] = [time.monotonic()]
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    asked = time.monotonic()
    with qtbot.waitSignal(window.live.polled, timeout=20_000):
        window.live.poll_now()
        assert window.live.polling  # under way on the database thread, waiting for the lock
    answered = time.monotonic()
    timer.stop()
    holder.join()
    assert released.is_set()
    assert answered - asked > 2.0  # the query really waited for the server…
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 20 and max(gaps) < 1.5, max(gaps)  # …and the window did not
    assert window.live.online  # slow is not lost


def test_others_changes_are_checked_and_a_signing_is_read_again_off_the_ui_thread(
    qtbot: Any, open_window: Any, store: Store, other_pc: Store
) -> None:
    """Another PC's value makes the form inconsistent: the window's problems say so (checked
    on the database thread). Another PC's signing makes the window read the submission again
    as a whole (on that thread too), and show it signed: read only."""
    window = _start(qtbot, open_window, store)
    other_pc.set_value(P, "1.1:upgraded_firms_year", "5")  # more this year than in total (1)
    read_now(qtbot, window)
    qtbot.waitUntil(
        lambda: any("累计数应包含本年数" in str(p.message) for p in window.session.problems)
    )
    other_pc.set_value(P, KEY, "88")
    other_pc.mark_signed(P, 1, fingerprint="ab" * 16, digest="cd" * 32, workbook_path=None)
    with qtbot.waitSignal(window.session.loaded, timeout=10_000):  # read again as a whole
        read_now(qtbot, window)
    assert window.session.frozen and window.session.value(KEY) == "88"
    assert _editor(window).text() == "88" and not _editor(window).input.isEnabled()
    assert not any("累计数应包含本年数" in str(p.message) for p in window.session.problems)
