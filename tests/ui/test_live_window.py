"""An open window on a store shared with others (two ``Store`` objects are two PCs):
the conflict dialog, others' saves arriving (NOTIFY on PostgreSQL, polling on SQLite), presence
in the tree, and a server that goes away and comes back.

The PostgreSQL half runs against the real server the tests start (tests/postgresql.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
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
    window.live.poll_now()  # (the window reads the change; the tests below wait for it instead)
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
    window.live.poll_now()
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
    window.live.poll_now()
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
