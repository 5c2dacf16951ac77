"""Start-up: the Chinese font, the first-run dialog, the crash handler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from ecodesk.ui.dialogs.profile_dialog import ProfileDialog
from tests.ui.conftest import type_text


def test_bundled_font_draws_chinese(qtbot: Any) -> None:
    from ecodesk.ui.app import application

    app = application()
    family = app.font().family()
    assert family in QFontDatabase.families()
    metrics = QFontMetrics(app.font())
    # on these machines no system font has Chinese glyphs: only the bundled one can draw them
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "赣州生态文明建设高地")


def fill_profile(qtbot: Any, dialog: ProfileDialog, *, preparer: str) -> None:
    dialog.division.setCurrentIndex(dialog.division.findData("360732"))
    dialog.department.setCurrentText("")
    type_text(qtbot, dialog.department.lineEdit(), "县林业局")
    type_text(qtbot, dialog.preparer, preparer)
    type_text(qtbot, dialog.reviewer, "刘芳")
    qtbot.keyClicks(dialog.phone, "0797-5321234")


def test_first_run_dialog_creates_the_profile(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.store import Store
    from ecodesk.ui.app import application, ensure_profile

    application()

    def run(dialog: ProfileDialog) -> int:
        fill_profile(qtbot, dialog, preparer="王芳")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", run)
    with Store.open(data_dir, pack=pack) as store:
        assert ensure_profile(store, pack) is True
        profile = store.profile()
        forms = store.responsible_forms()
    assert profile is not None
    assert (
        profile.division_code,
        profile.division_name,
        profile.department,
        profile.preparer,
        profile.phone,
    ) == ("360732", "兴国县", "县林业局", "王芳", "0797-5321234")
    # 县林业局 answers for the tasks 市林业局 leads, not for every form
    led = {t.code for t in pack.catalog.tasks if "市林业局" in t.lead_departments}
    assert led and set(forms) - {"G"} == led


def test_first_run_refuses_missing_fields_and_saves_nothing(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.store import Store
    from ecodesk.ui.app import application, ensure_profile

    application()
    seen: list[str] = []

    def run(dialog: ProfileDialog) -> int:
        fill_profile(qtbot, dialog, preparer="")
        dialog.accept()  # refused: the dialog stays open and says what is missing
        seen.append(dialog.message.text())
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(ProfileDialog, "exec", run)
    with Store.open(data_dir, pack=pack) as store:
        assert ensure_profile(store, pack) is False
        assert store.profile() is None
    assert seen and "填报人" in seen[0]


def test_unexpected_exception_shows_chinese_dialog_and_logs(
    qtbot: Any, data_dir: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ecodesk.logs import setup_file_logging
    from ecodesk.ui.app import application
    from ecodesk.ui.crash import install_excepthook

    application()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    log_path = setup_file_logging(data_dir)
    install_excepthook(log_path)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert shown and "意外问题" in shown[0] and str(log_path) in shown[0]
    assert "ZeroDivisionError" in log_path.read_text(encoding="utf-8")
    assert "Traceback" not in shown[0]
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "baseFilename", None) == str(log_path)]:
        root.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize("language", ["en"])
def test_language_switch_translates_window_and_core(
    qtbot: Any, tmp_path: Path, language: str
) -> None:
    from PySide6.QtCore import QCoreApplication

    from ecodesk import i18n
    from ecodesk.submission import Period
    from ecodesk.ui.app import application
    from ecodesk.ui.translations import install_language

    application()
    translator = install_language(language, tmp_path)
    try:
        assert translator is not None
        assert QCoreApplication.translate("MainWindow", "文件(&F)") == "&File"
        assert Period(2026, 3).label == "Q3 2026"  # a core string, through the same translator
    finally:
        if translator is not None:
            QApplication.removeTranslator(translator)
        i18n.install_translator(None)
    assert Period(2026).label == "2026年度"


def test_run_app_opens_the_window_on_the_data_folder(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.store import Store
    from ecodesk.ui.app import run_app
    from ecodesk.ui.main_window import MainWindow
    from tests.ui.conftest import PROFILE

    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(PROFILE)
    seen: list[str] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        seen.append(window.windowTitle())
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert run_app(str(data_dir)) == 0
    assert seen and "宁都县" in seen[0]
    assert (data_dir / "logs" / "ecodesk.log").exists()
    _drop_file_log(data_dir)


def test_run_app_on_a_damaged_database_says_so_and_changes_nothing(
    qtbot: Any, data_dir: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ecodesk.store.engine import default_db_path
    from ecodesk.ui.app import run_app

    db = default_db_path(data_dir)
    db.parent.mkdir(parents=True, exist_ok=True)
    junk = b"this is not a database" * 200
    db.write_bytes(junk)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, title, text, *a: shown.append(text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert run_app(str(data_dir)) == 1
    assert shown and "Traceback" not in shown[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in shown[0]), shown[0]
    assert db.read_bytes() == junk
    _drop_file_log(data_dir)


def _drop_file_log(data_dir: Path) -> None:
    root = logging.getLogger()
    for handler in [
        h for h in root.handlers if str(data_dir) in str(getattr(h, "baseFilename", ""))
    ]:
        root.removeHandler(handler)
        handler.close()


def test_the_edit_in_progress_is_saved_before_the_crash_dialog(
    qtbot: Any, store: Any, open_window: Any, pack: Any, data_dir: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ecodesk.logs import setup_file_logging
    from ecodesk.submission import Period
    from ecodesk.ui.crash import install_excepthook
    from tests.ui.conftest import type_text
    from tests.ui.test_main_window import FORM, editor_input, first_number_field

    field = first_number_field(pack)
    window = open_window(store)
    window.tree.select_form(FORM)
    line = editor_input(window, field.key)
    line.setFocus()
    type_text(qtbot, line, "4321")  # still waiting for its commit delay
    period: Period = window.session.period
    assert store.load(period).values.get(field.key) != "4321"

    stored_when_shown: list[str | None] = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: stored_when_shown.append(store.load(period).values.get(field.key)) or 0,
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(setup_file_logging(data_dir))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert stored_when_shown == ["4321"]
    _drop_file_log(data_dir)


def test_a_second_window_is_refused_with_the_holder_named(
    qtbot: Any, data_dir: Path, no_dialogs: list[tuple[str, str]]
) -> None:
    """Issue 20 (2): another EcoDesk holds the data folder: a message box names it, before any
    window is made (the real run_app; the holder is a separate process)."""
    from ecodesk.ui.app import run_app
    from tests.store.test_lock import _hold

    holder = _hold(data_dir, "EcoDesk 窗口")
    try:
        assert run_app(str(data_dir)) == 1
    finally:
        holder.kill()
        holder.wait()
    assert len(no_dialogs) == 1
    title, text = no_dialogs[0]
    assert "正在被另一个 EcoDesk 使用" in text and f"进程号 {holder.pid}" in text
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not (data_dir / "ecodesk.sqlite3").exists()  # refused before the store was opened
