"""Start the window: Qt application, fonts, language, crash handling, first-run setup.

Window first: the main window's shell is shown and painted before the form pack and the store
are loaded (see :mod:`ecodesk.ui.startup`); nothing imported before it shows may pull in
SQLAlchemy, pydantic or the export/print/signing libraries (tests/ui/test_startup.py).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ecodesk.errors import EcoDeskError
from ecodesk.logs import setup_file_logging
from ecodesk.paths import resolve_data_dir
from ecodesk.store import settings
from ecodesk.store.errors import StoreDamaged
from ecodesk.ui import style
from ecodesk.ui.crash import install_excepthook
from ecodesk.ui.fonts import install_fonts
from ecodesk.ui.icons import app_icon
from ecodesk.ui.screen_fit import install_screen_fitter
from ecodesk.ui.translations import DEFAULT_LANGUAGE, install_language, install_qt_translations

if TYPE_CHECKING:
    from ecodesk.forms.loader import FormPack

log = logging.getLogger(__name__)

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
        install_screen_fitter(app)  # every window fits the screen's available area
        use_qt_translations(DEFAULT_LANGUAGE)  # before the first dialog, even a start-up error
        app.setProperty("ecodeskReady", True)
    return app


def use_qt_translations(language: str) -> None:
    """Qt's own words (确定/取消/是/否, file and print dialogs) in ``language``."""
    for old in _qt_translators:
        QApplication.removeTranslator(old)
    _qt_translators[:] = install_qt_translations(language)


def apply_language(store: Any, data_dir: Path) -> None:
    """The window's language as stored in ``store`` (Chinese unless set)."""
    install_language_setting(store.settings_get(settings.LANGUAGE), data_dir)


def install_language_setting(language: str | None, data_dir: Path) -> None:
    """Install the translator for ``language`` (settings.LANGUAGE; None or empty: Chinese)."""
    language = language or DEFAULT_LANGUAGE
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


def load_pack_and_store(data_dir: Path) -> tuple[FormPack, Any, Any]:
    """What the window needs behind it: the data folder's form pack (the city's installed one,
    or the program's own), the store (checked, backed up,
    upgraded) and, when the unit is set up, its current submission read and checked (for
    :meth:`EditSession.load`; None on a first run). Pure core, no Qt: safe in a worker thread."""
    from ecodesk.packs.installed import active_pack
    from ecodesk.review.unit import problems_with_queries
    from ecodesk.services.export import reconcile_export

    pack = active_pack(data_dir)
    store = open_store(data_dir, pack)
    try:
        # an export a crash cut short is finished or undone (under the data folder's lock)
        reconcile_export(store)
    except BaseException:  # the window is not opened: nor is the store left open
        store.close()
        raise
    prepared = None
    try:
        if store.profile() is not None:
            data = store.load(store.current_period())
            prepared = (data, problems_with_queries(store, data))
    except Exception:  # the window reads it again itself, and says what is wrong there
        log.warning("the submission was not read ahead of the window", exc_info=True)
    return pack, store, prepared


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
    """``ecodesk`` with no sub-command: the window on the data folder ``data_dir``.

    The window shows first (its shell), then the form pack and the store load behind it; a
    damaged database, a first run (no profile) and a refused store are handled as before, over
    the window (see :func:`_run_window`).

    Before anything, the window takes the data folder's lock (:mod:`ecodesk.store.lock`) and
    holds it for its whole life: a second window, or a ``restore`` from the command line, is
    refused and told who holds it (a message box here, before any window)."""
    from ecodesk.notices import listening
    from ecodesk.store import lock

    folder = resolve_data_dir(data_dir)
    log_path = setup_file_logging(folder)
    logging.captureWarnings(True)  # library warnings (openpyxl …) to the log file, not a console
    app = application()
    install_excepthook(log_path)
    try:
        lock.acquire(folder, "EcoDesk 窗口")
    except EcoDeskError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("App", "无法打开数据"), str(exc))
        return 1
    notices: list[str] = []  # what start-up must tell the clerk (a backup skipped on a full disk)
    try:
        with listening(notices.append):
            return _run_window(app, folder, notices)
    finally:
        lock.release(folder)


def _show_notices(window: QWidget, notices: list[str]) -> None:
    """What start-up needs the clerk to know, in a message box that does not block the window
    (the clerk may go on working, or free space first)."""
    if not notices:
        return
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("App", "请注意"),
        "\n\n".join(notices),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setModal(False)
    box.setObjectName("startupNotices")
    box.show()
    notices.clear()


def settle_heap() -> None:
    """Leave what the opened window holds out of the cyclic collector's full sweeps.

    Qt's wrappers, the form pack and the store live until the program closes; a full sweep
    walked all of them whenever one ran, holding the UI thread up to about 90 ms while a folder
    of received workbooks was being verified (benchmarks/bench_consolidation_window.py). Frozen
    objects are still freed as usual when nothing refers to them any more; only a reference
    cycle among them would wait for the program's end.
    """
    gc.collect()
    gc.freeze()


def _mention_deadlines(store: Any, window: Any, notices: list[str]) -> None:
    """A due date within a week joins the start-up notices, once per period per day."""
    from ecodesk.services.deadlines import deadline_notice

    try:
        notice = deadline_notice(store, window.session.today())
    except EcoDeskError as exc:  # a notice is not worth refusing to start over
        log.warning("deadline notice skipped: %s", exc)
        return
    if notice:
        notices.append(notice)


def _run_window(app: QApplication, folder: Path, notices: list[str]) -> int:
    from ecodesk.ui.main_window import MainWindow
    from ecodesk.ui.startup import (
        StartupProbe,
        database_file,
        load_in_background,
        read_settings,
        show_and_paint,
    )

    probe = StartupProbe()
    # before the window: its language and place, read without the ORM (see ecodesk.ui.startup)
    language, geometry = settings.LANGUAGE.name, settings.WINDOW_GEOMETRY.name
    early = read_settings(database_file(folder), [language, geometry])
    install_language_setting(early.get(language), folder)
    window = MainWindow(None, None, folder)
    window.restore_geometry_setting(early.get(geometry))
    show_and_paint(window)
    if probe.shown():
        window.close()
        return 0
    # behind the window: the form pack, the store, the current submission (a worker thread)
    while True:
        try:
            pack, store, prepared = load_in_background(lambda: load_pack_and_store(folder))
            break
        except StoreDamaged as damaged:  # offer a backup, in Chinese, over the window
            from ecodesk.ui.recovery import recover_damaged_store

            if not recover_damaged_store(folder, damaged, window):
                window.close()
                return 1  # the clerk chose to quit; the damaged file is left as it was
        except EcoDeskError as exc:
            QMessageBox.critical(
                window, QCoreApplication.translate("App", "无法打开数据"), str(exc)
            )
            window.close()
            return 1
    try:
        if not window.isVisible():  # closed while it was opening
            return 0
        if store.profile() is None:
            prepared = None  # the first-run answers decide what is read
            if not ensure_profile(store, pack, window):
                window.close()
                return 0
        from ecodesk.ui.dialogs.sign_in_dialog import sign_in_at_start

        if not sign_in_at_start(store, window):  # a shared store: each person signs in
            window.close()
            return 0
        window.attach(store, pack, prepared)
        _mention_deadlines(store, window, notices)
        settle_heap()
        _show_notices(window, notices)
        probe.when_ready(window)
        close_after_smoke_test(window)
        return int(app.exec())
    finally:
        from ecodesk.ui.workers import finish_background_work

        finish_background_work()  # before the store closes and the program's libraries go
        store.close()
