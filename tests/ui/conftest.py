"""Fixtures for the window tests: a real store in a temporary data folder, a real main window."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ecodesk.submission import UnitProfile

PROFILE = UnitProfile(
    division_code="360730",
    division_name="宁都县",
    department="县工信局",
    preparer="张敏",
    reviewer="李强",
    phone="0797-6831234",
)


@pytest.fixture
def store(data_dir: Path, pack: Any) -> Iterator[Any]:
    from ecodesk.store import Store

    s = Store.open(data_dir, pack=pack)
    s.save_profile(PROFILE)
    yield s
    s.close()


@pytest.fixture
def open_window(qtbot: Any, data_dir: Path, pack: Any) -> Callable[[Any], Any]:
    """Open a main window on a store, the way the program does at start-up."""
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow

    application()

    def opener(store: Any) -> Any:
        window = MainWindow(store, pack, data_dir)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):  # keyboard focus needs an active window
            window.show()
            window.activateWindow()
        return window

    return opener


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes are recorded instead of blocking the test."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str) -> Any:
        def box(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            shown.append((title, text))
            return (
                QMessageBox.StandardButton.Yes
                if kind == "question"
                else QMessageBox.StandardButton.Ok
            )

        return box

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return shown


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type ``text`` key by key; QTest only knows ASCII keys, so other characters (全角, 汉字)
    arrive as key events carrying their text, the way an input method delivers them."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


@pytest.fixture
def english(qapp: Any, tmp_path: Path) -> Iterator[None]:
    """The English translation installed for the window and the core, removed afterwards."""
    from PySide6.QtCore import QCoreApplication

    from ecodesk import i18n
    from ecodesk.ui.translations import install_language

    translator = install_language("en", tmp_path)
    assert translator is not None
    yield
    QCoreApplication.removeTranslator(translator)
    i18n.install_translator(None)


def answer_next_box(qtbot: Any, button: Any, seen: list[Any]) -> None:
    """When the next modal message box opens, record it (title, text, button texts) and click
    ``button`` on it with the mouse, the way a person answers it."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(
            (box.windowTitle(), box.text(), [b.text() for b in box.buttons()], box.objectName())
        )
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)


def when_modal(
    qtbot: Any, kind: type, act: Callable[[Any], None], title: str | None = None
) -> None:
    """Once a modal window of ``kind`` (titled ``title``) is up, ``act`` on it, as a person would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind) or (title is not None and widget.windowTitle() != title):
            QTimer.singleShot(20, poll)
            return
        act(widget)

    QTimer.singleShot(0, poll)


def click(qtbot: Any, button: Any) -> None:
    from PySide6.QtCore import Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture(autouse=True)
def _no_window_outlives_its_test() -> Iterator[None]:
    """Every top-level widget a test left open is deleted by Qt at the end of that test.

    A window made inside the program (``run_app`` builds its own MainWindow) is owned by Python
    only; left to the garbage collector it would be destroyed at a random later moment, in
    another test. Deleting it here makes a fault in a window's destruction fail the test that
    made the window (the main window's orphaned period placeholder once crashed a later test
    in QScreen::virtualSiblings; fixed in MainWindow.attach).

    Only the windows nothing else owns are deleted: a parentless window or dialog. A dialog
    with a parent goes with its parent; a popup (a completer's list, a combo box's list, a
    menu) and a tooltip belong to what shows them, which keeps a plain pointer to them and
    deletes them itself. ``topLevelWidgets()`` lists all of them in a random order (a hash
    set): deleting the first-run dialog's completer list before the window made the
    completer delete it a second time, in about one run in three of test_startup.py.
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThreadPool
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
    # a test's pool work (thumbnails, attaching files) does not run on into the next test
    QThreadPool.globalInstance().waitForDone(10_000)
    owned_by_nothing = (Qt.WindowType.Window, Qt.WindowType.Dialog)
    for widget in QApplication.topLevelWidgets():
        if widget.parent() is None and widget.windowType() in owned_by_nothing:
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
