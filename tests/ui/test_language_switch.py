"""Choosing another language in the settings shows the window in it at once, nothing lost."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from ecodesk import i18n
from ecodesk.store import settings
from ecodesk.submission import Period
from tests.ui.test_main_window import FORM, first_number_field


def _menu_titles(window: Any) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_switching_to_english_and_back_rebuilds_the_window_in_place(
    qtbot: Any, store: Any, open_window: Any, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.ui import app as app_module
    from ecodesk.ui.dialogs.settings_dialog import SettingsDialog
    from ecodesk.ui.main_window import MainWindow

    field = first_number_field(pack)
    store.set_value(Period(2025), field.key, "77")
    window = open_window(store)
    window.change_period(Period(2025))
    window.tree.select_form(FORM)
    assert "文件(&F)" in _menu_titles(window)

    chosen = {"language": "en"}
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: SettingsDialog.DialogCode.Accepted)
    monkeypatch.setattr(SettingsDialog, "chosen_language", lambda self: chosen["language"])
    try:
        window.operations.edit_settings()
        english = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        qtbot.addWidget(english)
        assert english is not window and not window.isVisible()
        assert "&File" in _menu_titles(english)
        assert english.session.period == Period(2025) and english.tree.current_form() == FORM
        assert english.session.value(field.key) == "77"
        assert Period(2026).label != "2026年度"  # the core's words follow the window's language
        assert store.settings_get(settings.LANGUAGE) == "en"

        chosen["language"] = "zh_CN"
        english.operations.edit_settings()
        chinese = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        qtbot.addWidget(chinese)
        assert "文件(&F)" in _menu_titles(chinese) and Period(2026).label == "2026年度"
    finally:
        for translator in app_module._keep_alive:
            QApplication.removeTranslator(translator)
        app_module._keep_alive.clear()
        i18n.install_translator(None)
