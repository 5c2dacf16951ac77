"""关于 dialog, and the window closing itself for the packaging smoke test."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDesktopServices

from ecodesk import __version__


def _cells(table: Any) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_about_shows_versions_data_folder_and_licences(
    qtbot: Any, store: Any, pack: Any, data_dir: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTableWidget

    from ecodesk.ui.app import application
    from ecodesk.ui.dialogs.about_dialog import AboutDialog

    application()
    dialog = AboutDialog(pack, data_dir)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert f"EcoDesk {__version__}" in texts
    assert pack.version in texts
    assert str(data_dir) in dialog.findChild(QLabel, "dataFolder").text()

    rows = _cells(dialog.findChild(QTableWidget, "components"))
    by_name = {row[0]: row for row in rows}
    qt = by_name["Qt 6 / PySide6"]
    assert qt[1] == metadata.version("PySide6-Essentials") and qt[2] == "LGPL-3.0"
    assert by_name["openpyxl"][1] == metadata.version("openpyxl")
    assert any("WenQuanYi" in name for name in by_name)
    assert all(row[2] for row in rows), "every component names its licence"
    licence = dialog.findChild(QPlainTextEdit, "fontLicence").toPlainText()
    assert "Apache-2.0" in licence and "WenQuanYi" in licence

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    dialog.findChild(QPushButton, "openDataFolder").click()
    assert opened == [str(data_dir)]


def test_about_from_the_help_menu(
    qtbot: Any, store: Any, open_window: Any, monkeypatch: Any
) -> None:
    from ecodesk.ui.dialogs.about_dialog import AboutDialog

    window = open_window(store)
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    next(a for a in help_menu.actions() if a.text() == "关于").trigger()
    assert len(shown) == 1 and shown[0].data_dir == window.data_dir


def test_window_closes_itself_for_the_smoke_test(tmp_path: Path) -> None:
    """What packaging/build.py runs against the bundle, here against the source."""
    data = tmp_path / "data"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        ECODESK_SMOKE_QUIT_MS="200",
        ECODESK_HOME=str(data),
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    demo = subprocess.run(
        [sys.executable, "-m", "tests.as_of", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr
    run = subprocess.run(
        [sys.executable, "-m", "tests.as_of"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    log = (data / "logs" / "ecodesk.log").read_text(encoding="utf-8")
    assert "smoke test: closing the window after 200 ms" in log


def test_a_bad_smoke_value_is_ignored(qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QWidget

    from ecodesk.ui.app import close_after_smoke_test

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    monkeypatch.setenv("ECODESK_SMOKE_QUIT_MS", "soon")
    close_after_smoke_test(widget)
    qtbot.wait(50)
    assert widget.isVisible()
    monkeypatch.setenv("ECODESK_SMOKE_QUIT_MS", "10")
    close_after_smoke_test(widget)
    qtbot.waitUntil(lambda: not widget.isVisible(), timeout=2000)
