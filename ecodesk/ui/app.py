"""Start the window: Qt application, fonts, language, crash handling, first-run setup."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack, bundled_pack
from ecodesk.logs import setup_file_logging
from ecodesk.paths import resolve_data_dir
from ecodesk.store.errors import StoreDamaged
from ecodesk.ui import style
from ecodesk.ui.crash import install_excepthook
from ecodesk.ui.fonts import install_fonts
from ecodesk.ui.icons import app_icon
from ecodesk.ui.translations import DEFAULT_LANGUAGE, install_language, install_qt_translations

log = logging.getLogger(__name__)

LANGUAGE_SETTING = "language"
_keep_alive: list[QTranslator] = []
_qt_translators: list[QTranslator] = []  # Qt's own (OK/Cancel, file and print dialogs)


def application() -> QApplication:
    """The QApplication, made once, with the font, look and icon of EcoDesk."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if not app.property("ecodeskReady"):
        app.setApplicationName("EcoDesk")
        app.setOrganizationName("EcoDesk")
        app.setApplicationDisplayName("生态文明建设报送")
        app.setWindowIcon(app_icon())
        install_fonts(app)
        app.setStyle("Fusion")  # the same look on every platform, a sound base for the stylesheet
        app.setStyleSheet(style.STYLESHEET)
        use_qt_translations(DEFAULT_LANGUAGE)  # before the first dialog, even a start-up error
        app.setProperty("ecodeskReady", True)
    return app


def use_qt_translations(language: str) -> None:
    """Qt's own words (确定/取消/是/否, file and print dialogs) in ``language``."""
    for old in _qt_translators:
        QApplication.removeTranslator(old)
    _qt_translators[:] = install_qt_translations(language)


def apply_language(store: Any, data_dir: Path) -> None:
    language = store.settings_get(LANGUAGE_SETTING, DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
    use_qt_translations(language)
    for old in _keep_alive:
        QApplication.removeTranslator(old)
    _keep_alive.clear()
    translator = install_language(language, data_dir / "cache")
    if translator is not None:
        _keep_alive.append(translator)


def ensure_profile(store: Any, pack: FormPack, parent: QWidget | None = None) -> bool:
    """First run: ask who reports. False when the clerk closes the dialog without saving."""
    if store.profile() is not None:
        return True
    from ecodesk.ui.dialogs.profile_dialog import ProfileDialog

    dialog = ProfileDialog(pack, first_run=True, parent=parent)
    if dialog.exec() != ProfileDialog.DialogCode.Accepted:
        return False
    profile, scope = dialog.profile(), dialog.scope()
    store.save_profile(profile)
    if scope is not None:
        store.set_responsible_forms(scope.forms)
    return True


def open_store(data_dir: Path, pack: FormPack) -> Any:
    from ecodesk.store import Store

    return Store.open(data_dir, pack=pack)


SMOKE_QUIT_VARIABLE = "ECODESK_SMOKE_QUIT_MS"


def close_after_smoke_test(window: QWidget) -> None:
    """For the packaging smoke test: ``ECODESK_SMOKE_QUIT_MS=1500`` closes the window after
    it has been shown for that long, the normal way (pending edits are flushed)."""
    value = os.environ.get(SMOKE_QUIT_VARIABLE, "").strip()
    if not value:
        return
    try:
        delay = max(0, int(value))
    except ValueError:
        log.warning("%s=%r is not a number of milliseconds; ignored", SMOKE_QUIT_VARIABLE, value)
        return
    log.info("smoke test: closing the window after %d ms", delay)
    QTimer.singleShot(delay, window.close)


def run_app(data_dir: str | None) -> int:
    """``ecodesk`` with no sub-command: the window on the data folder ``data_dir``."""
    folder = resolve_data_dir(data_dir)
    log_path = setup_file_logging(folder)
    app = application()
    install_excepthook(log_path)
    pack = bundled_pack()
    store = None
    while store is None:
        try:
            store = open_store(folder, pack)
        except StoreDamaged as damaged:
            from ecodesk.ui.recovery import recover_damaged_store

            if not recover_damaged_store(folder, damaged):
                return 1  # the clerk chose to quit; the damaged file is left as it was
        except EcoDeskError as exc:
            QMessageBox.critical(None, QCoreApplication.translate("App", "无法打开数据"), str(exc))
            return 1
    try:
        apply_language(store, folder)
        if not ensure_profile(store, pack):
            return 0
        from ecodesk.ui.main_window import MainWindow

        window = MainWindow(store, pack, folder)
        window.show()
        close_after_smoke_test(window)
        return int(app.exec())
    finally:
        store.close()
