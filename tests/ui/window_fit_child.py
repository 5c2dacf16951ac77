"""Run in a child process by test_window_fit.py, with the screen under test set up by the
environment (offscreen screen size, QT_SCALE_FACTOR): opens every top-level window and dialog
of the program on a demo data folder and prints, one JSON line each, its frame and the
screen's available area.

    python -m tests.ui.window_fit_child DATA_DIR
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def report(name: str, window: Any) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()
    frame, area = window.frameGeometry(), window.screen().availableGeometry()
    buttons = [
        b.mapTo(window, b.rect().bottomRight())
        for b in window.findChildren(_button_class())
        if b.isVisibleTo(window) and not _scrolled(b)
    ]
    return {
        "name": name,
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "area": [area.x(), area.y(), area.width(), area.height()],
        "size": [window.width(), window.height()],
        # the lowest, rightmost corner of any visible button, in the window's coordinates
        "buttons_reach": [
            max((p.x() for p in buttons), default=0),
            max((p.y() for p in buttons), default=0),
        ],
        "dpr": window.devicePixelRatio(),
    }


def table_columns(window: Any) -> list[dict[str, Any]]:
    """Where the last column of each table of form 4.1 ends, against the visible width."""
    from PySide6.QtWidgets import QApplication

    window.show_all.setChecked(True)
    window.tree.select_form("4.1")
    for _ in range(3):
        QApplication.processEvents()
    found = []
    for key, editor in window.views["4.1"].tables.items():
        header = editor.view.horizontalHeader()
        last = header.count() - 1
        found.append(
            {
                "table": key,
                "last_column_right": header.sectionPosition(last) + header.sectionSize(last),
                "viewport_width": editor.view.viewport().width(),
            }
        )
    return found


def _scrolled(widget: Any) -> bool:
    """Whether ``widget`` sits on a scroll area's page (a form's 附件… at its end): reached by
    scrolling, so its place on the page says nothing about the window's size."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            if parent.widget().isAncestorOf(widget):
                return True
        parent = parent.parentWidget()
    return False


def _button_class() -> type:
    from PySide6.QtWidgets import QAbstractButton

    return QAbstractButton


def windows(data_dir: Path) -> Iterator[tuple[str, Callable[[], Any]]]:
    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.forms.rules import Problem
    from ecodesk.services.printing import print_for_preview
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.about_dialog import AboutDialog
    from ecodesk.ui.dialogs.accept_warning_dialog import AcceptWarningDialog
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from ecodesk.ui.dialogs.print_preview_dialog import PrintPreviewDialog
    from ecodesk.ui.dialogs.profile_dialog import ProfileDialog
    from ecodesk.ui.dialogs.reason_dialog import ReasonDialog
    from ecodesk.ui.dialogs.settings_dialog import SettingsDialog
    from ecodesk.ui.dialogs.verify_results_dialog import VerifyResultsDialog
    from ecodesk.ui.main_window import MainWindow

    pack = bundled_pack()
    store = Store.open(data_dir, pack=pack)
    fill_demo(store, "360730")
    main = MainWindow(store, pack, data_dir)
    yield "main window", lambda: main
    yield "first run", lambda: ProfileDialog(pack, first_run=True)
    yield "settings", lambda: SettingsDialog(pack, "zh_CN", list(pack.forms), main)
    yield "about", lambda: AboutDialog(pack, data_dir, main)
    yield "passphrase", lambda: PassphraseDialog(creating_key=True, parent=main)
    warning = Problem(id="yoy:1.1:x", severity="warning", form="1.1", field=None, message="变化大")
    yield "accept warning", lambda: AcceptWarningDialog(warning, main)
    yield "reason", lambda: ReasonDialog("建立修订版", "请写明更正原因", "", main)

    def preview() -> Any:
        sheet = print_for_preview(store, main.session.period, data_dir / "cache" / "print")
        return PrintPreviewDialog(sheet, data_dir / "报送单.pdf", main)

    yield "print preview", preview
    yield "verify results", lambda: VerifyResultsDialog([], main)

    def consolidation() -> Any:
        main.open_consolidation()
        return main.consolidation

    yield "consolidation", consolidation


def main() -> int:
    from ecodesk.ui.app import application

    data_dir = Path(sys.argv[1])
    application()
    for name, make in windows(data_dir):
        window = make()
        window.show()
        found = report(name, window)
        if name == "main window":
            panel = window.problems.list
            found["problem_rows"] = panel.viewport().height() / (panel.fontMetrics().height() + 8)
            found["tables"] = table_columns(window)
        print(json.dumps(found, ensure_ascii=False), flush=True)
        if name != "main window":
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
