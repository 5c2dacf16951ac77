"""Window first: the window shows before the heavy libraries load, and start-up still behaves.

The import discipline is checked on the real program in a child process:
``ECODESK_STARTUP_PROBE=shown`` makes it print ``sorted(sys.modules)`` once its window has been
painted and quit there, before anything else loads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import PROFILE

ROOT = Path(__file__).resolve().parents[2]
# what must not be imported before the window shows: the export, print and signing libraries,
# and what the window defers until it has shown (the ORM and migrations, the form schema, charts)
HEAVY = (
    "openpyxl",
    "reportlab",
    "cryptography",
    "pypdfium2",
    "sqlalchemy",
    "alembic",
    "pydantic",
    "yaml",
    "PySide6.QtCharts",
)


def start(data: Path, stage: str) -> dict[str, dict[str, Any]]:
    """Run ``python -m ecodesk --data-dir data`` with the probe; its reports by stage."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ECODESK_STARTUP_PROBE=stage)
    env.pop("ECODESK_SMOKE_QUIT_MS", None)
    run = subprocess.run(
        [sys.executable, "-m", "tests.as_of", "--data-dir", str(data)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    reports = {}
    for line in run.stdout.splitlines():
        if line.startswith("ECODESK_STARTUP "):
            _, name, detail = line.split(" ", 2)
            reports[name] = json.loads(detail)
    return reports


def make_store(data: Path, pack: Any, **settings: str) -> None:
    from ecodesk.store import Store
    from ecodesk.store.settings import Setting

    with Store.open(data, pack=pack) as store:
        store.save_profile(PROFILE)
        for key, value in settings.items():
            store.settings_set(Setting(key, "for the test"), value)


def test_no_heavy_module_is_imported_before_the_window_shows(data_dir: Path, pack: Any) -> None:
    make_store(data_dir, pack, language="en")
    reports = start(data_dir, "shown")
    assert list(reports) == ["shown"]  # and it stopped there
    modules = set(reports["shown"]["modules"])
    assert {"PySide6.QtWidgets", "ecodesk.ui.main_window", "ecodesk.ui.app"} <= modules
    early = sorted({h for m in modules for h in HEAVY if m == h or m.startswith(h + ".")})
    assert early == [], f"imported before the window shows: {early}"


def test_first_run_shows_the_window_without_heavy_modules_and_creates_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "new"
    reports = start(data, "shown")
    modules = set(reports["shown"]["modules"])
    assert not any(m == h or m.startswith(h + ".") for m in modules for h in HEAVY)
    assert not (data / "ecodesk.sqlite3").exists()  # the early settings read writes nothing


def test_the_first_form_is_ready_after_the_window(data_dir: Path, pack: Any) -> None:
    make_store(data_dir, pack)
    reports = start(data_dir, "ready")
    assert list(reports) == ["shown", "ready"]
    assert reports["ready"]["form"]  # a form is built and current
    assert reports["ready"]["longest_stall_s"] >= 0


# ---------------------------------------------------------------------- early settings


def test_early_settings_read_the_store_without_the_orm(data_dir: Path, pack: Any) -> None:
    from ecodesk.store.engine import DB_FILENAME
    from ecodesk.ui.startup import DB_FILENAME as EARLY_DB_FILENAME
    from ecodesk.ui.startup import database_file, read_settings

    assert EARLY_DB_FILENAME == DB_FILENAME
    make_store(data_dir, pack, language="en", **{"ui.geometry": "AdnQywADAAA="})
    found = read_settings(database_file(data_dir), ["language", "ui.geometry", "absent"])
    assert found == {"language": "en", "ui.geometry": "AdnQywADAAA="}


def test_early_settings_in_a_folder_whose_name_looks_like_uri_syntax(
    tmp_path: Path, pack: Any
) -> None:
    from ecodesk.ui.startup import database_file, read_only_uri, read_settings

    data = tmp_path / "数据 100% #1"
    make_store(data, pack, language="en")
    assert read_settings(database_file(data), ["language"]) == {"language": "en"}
    odd = tmp_path / "x?mode=rwc&y"
    make_store(odd, pack, language="en")
    assert read_settings(database_file(odd), ["language"]) == {"language": "en"}
    assert read_only_uri(Path("/a b/c#d?.sqlite3")) == "file:///a%20b/c%23d%3F.sqlite3?mode=ro"


def test_early_settings_of_a_missing_or_damaged_database_are_the_defaults(
    data_dir: Path, pack: Any
) -> None:
    from ecodesk.ui.startup import SETTING_MAX_CHARS, database_file, read_settings

    db = database_file(data_dir)
    assert read_settings(db, ["language"]) == {}
    assert not db.exists()
    junk = b"this is not a database" * 200
    db.write_bytes(junk)
    assert read_settings(db, ["language"]) == {}
    assert db.read_bytes() == junk
    db.unlink()
    with sqlite3.connect(db) as conn:  # a database, but not EcoDesk's
        conn.execute("CREATE TABLE other (x)")
    assert read_settings(db, ["language"]) == {}
    db.unlink()
    make_store(data_dir, pack, language="x" * (SETTING_MAX_CHARS + 1), other="fine")
    assert read_settings(db, ["language", "other"]) == {"other": "fine"}


def test_run_app_shows_the_stored_language_from_the_first_paint(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk import i18n
    from ecodesk.ui import app as app_module
    from ecodesk.ui.app import run_app
    from ecodesk.ui.main_window import MainWindow

    make_store(data_dir, pack, language="en")
    seen: list[list[str]] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        seen.append([a.text() for a in window.menuBar().actions()])
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        assert run_app(str(data_dir)) == 0
    finally:
        app_module.install_language_setting(None, data_dir)
        i18n.install_translator(None)
        _drop_file_log(data_dir)
    assert seen and seen[0][0] == "&File"


def _drop_file_log(data_dir: Path) -> None:
    import logging

    root = logging.getLogger()
    for handler in [
        h for h in root.handlers if str(data_dir) in str(getattr(h, "baseFilename", ""))
    ]:
        root.removeHandler(handler)
        handler.close()


# ---------------------------------------------------------------------- first run, shell


@pytest.mark.parametrize("accept", [False, True])
def test_first_run_dialog_appears_over_the_opening_window(
    qtbot: Any, data_dir: Path, monkeypatch: Any, accept: bool
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ecodesk.ui.app import run_app
    from ecodesk.ui.dialogs.profile_dialog import ProfileDialog
    from ecodesk.ui.main_window import MainWindow
    from tests.ui.conftest import answer_next_box
    from tests.ui.test_app import fill_profile

    parents: list[Any] = []

    def run(dialog: ProfileDialog) -> int:
        parents.append((dialog.parentWidget(), dialog.parentWidget().isVisible()))
        if accept:
            fill_profile(qtbot, dialog, preparer="王芳")
            answer_next_box(qtbot, QMessageBox.StandardButton.Ok, [])  # the forms in scope: OK
            dialog.accept()
        else:
            dialog.reject()
        return dialog.result()

    titles: list[str] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        titles.append(window.windowTitle())
        window.close()
        return 0

    monkeypatch.setattr(ProfileDialog, "exec", run)
    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        assert run_app(str(data_dir)) == 0
    finally:
        _drop_file_log(data_dir)
    assert len(parents) == 1
    window, visible = parents[0]
    assert isinstance(window, MainWindow) and visible  # the window was there first
    if accept:
        assert titles and "兴国县" in titles[0]
    else:
        assert titles == [] and not window.isVisible()  # closed, nothing run


def test_the_opening_window_holds_every_action_until_its_data_is_there(
    qtbot: Any, store: Any, pack: Any, data_dir: Path
) -> None:
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow

    application()
    window = MainWindow(None, None, data_dir)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    menu_actions = [a for a in window.findChildren(QAction) if a.menu() is None and a.text()]
    assert menu_actions and not any(a.isEnabled() for a in menu_actions)
    assert all(a.isEnabled() for a in window.menuBar().actions())  # the menus open
    assert not window.show_all.isEnabled()
    assert window.current_view() is None
    qtbot.keyClick(window, Qt.Key.Key_F5)  # nothing to check yet: nothing happens
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == ""

    window.attach(store, pack)
    assert window.check_action.isEnabled() and window.show_all.isEnabled()
    assert window.tree.forms() and window.current_view() is not None
    assert "宁都县" in window.windowTitle()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert "检查完毕" in window.statusBar().currentMessage()


def test_the_submission_read_ahead_is_the_one_the_window_would_read(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    """At start-up the current submission is read and checked off the UI thread; the window
    must show exactly what it shows when it reads the store itself."""
    from ecodesk.store import Store
    from ecodesk.ui.app import run_app
    from ecodesk.ui.main_window import MainWindow

    make_store(data_dir, pack)
    with Store.open(data_dir, pack=pack) as store:
        form = store.responsible_forms()[0]
        field = next(f for f in pack.input_fields(form, PROFILE.division_code))
        store.set_value(store.current_period(), field.key, "-5")  # something to complain about
    started: list[tuple[list[str], dict[str, str], str]] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        started.append(
            (
                sorted(p.id for p in window.session.problems),
                {f: window.tree.state_text(f) for f in window.tree.forms()},
                window.windowTitle(),
            )
        )
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        assert run_app(str(data_dir)) == 0
    finally:
        _drop_file_log(data_dir)
    with Store.open(data_dir, pack=pack) as store:
        itself = MainWindow(store, pack, data_dir)
        qtbot.addWidget(itself)
        expected = (
            sorted(p.id for p in itself.session.problems),
            {f: itself.tree.state_text(f) for f in itself.tree.forms()},
            itself.windowTitle(),
        )
        itself.close()
    assert started == [expected]
    assert expected[0]  # the test has problems to compare


def test_closing_the_window_while_it_opens_ends_the_program(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from PySide6.QtCore import QTimer

    from ecodesk.store import Store
    from ecodesk.ui.app import run_app
    from ecodesk.ui.main_window import MainWindow

    make_store(data_dir, pack)
    reached: list[bool] = []
    closed: list[bool] = []

    def close_when_shown() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                closed.append(widget.attached)
                widget.close()
                timer.stop()

    timer = QTimer(interval=1)
    timer.timeout.connect(close_when_shown)
    timer.start()
    monkeypatch.setattr(QApplication, "exec", lambda app: reached.append(True) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        assert run_app(str(data_dir)) == 0
    finally:
        timer.stop()
        _drop_file_log(data_dir)
    assert closed == [False] and reached == []  # closed before its data came: no event loop
    with Store.open(data_dir, pack=pack) as store:  # and the store was let go
        store.save_profile(PROFILE)


# ---------------------------------------------------------------------- closed at once

# when the child closes the window: as soon as it shows, as soon as it has its data, or after
# that many milliseconds (at whatever stage the loading then is on this machine)
CLOSING_MOMENTS = ["shown", "attached", "shown", "attached", "attached", "200", "attached", "900"]


def test_closing_the_window_at_once_while_start_up_work_runs_ends_the_program_cleanly(
    tmp_path: Path, pack: Any
) -> None:
    """A person closes the window right after it appears, again and again: while the store is
    still loading behind it, or just after its first form came with the thumbnails of its PDF
    drawings still rendering on the pool. Each time the real program, in a process of its own,
    ends with code 0 and no crash, and the data is untouched. (It crashed at exit when the
    interpreter's end tore pypdfium2 down under a thumbnail still rendering.)"""
    from ecodesk.attachments import attach, list_attachments
    from ecodesk.store import Store
    from tests.attachments.files import make_drawing_pdf

    data = tmp_path / "data"
    make_store(data, pack)
    with Store.open(data, pack=pack) as store:
        form, period = store.responsible_forms()[0], store.current_period()
        for n in range(4):
            drawing = make_drawing_pdf(tmp_path / f"图纸{n}.pdf", seed=n)
            attach(store, period, form, drawing, f"设计图纸{n}")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("ECODESK_SMOKE_QUIT_MS", None)
    env.pop("ECODESK_STARTUP_PROBE", None)
    closed: list[tuple[str, bool, int]] = []
    for moment in CLOSING_MOMENTS:
        run = subprocess.run(
            [sys.executable, "-X", "faulthandler", "-m", "tests.ui.close_early_child"]
            + [str(data), moment],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, (moment, run.stdout, run.stderr[-4000:])
        assert "Fatal Python error" not in run.stderr and "EXIT 0" in run.stdout
        line = next(x for x in run.stdout.splitlines() if x.startswith("CLOSED "))
        fields = dict(part.split("=") for part in line.split()[1:])
        closed.append((moment, fields["attached"] == "True", int(fields["pool"])))
    assert all(not attached for moment, attached, _ in closed if moment == "shown")
    at_attach = [busy for moment, attached, busy in closed if moment == "attached" and attached]
    assert len(at_attach) == CLOSING_MOMENTS.count("attached")
    assert any(at_attach), closed  # thumbnails were rendering when the window closed
    with Store.open(data, pack=pack) as store:
        assert store.profile() == PROFILE
        assert len(list_attachments(store, store.current_period())) == 4
