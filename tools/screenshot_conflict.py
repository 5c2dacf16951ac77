#!/usr/bin/env python3
"""Save a screenshot of the conflict dialog over a window whose tree shows who else is working
(two ``Store`` objects on one SQLite file play the two PCs of an office).

    Xvfb :96 -screen 0 1366x768x24 &
    DISPLAY=:96 QT_QPA_PLATFORM=xcb python tools/screenshot_conflict.py docs/screenshots/conflict.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "conflict.png")
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from ecodesk.forms.loader import bundled_pack
    from ecodesk.store import Store, live
    from ecodesk.submission import Period, UnitProfile
    from ecodesk.ui.app import application
    from ecodesk.ui.dialogs.conflict_dialog import ConflictDialog
    from ecodesk.ui.main_window import MainWindow

    app = application()
    pack = bundled_pack()
    period, key = Period(2026), "1.1:upgraded_firms"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = Store.open(data, pack=pack)
        store.save_profile(
            UnitProfile("360730", "宁都县", "县工信局", preparer="张敏", reviewer="李强", phone="")
        )
        store.set_current_period(period)
        store.set_value(period, key, "12")
        other = Store.open(data, pack=pack)
        live.beat(other, "wang", person="王芳", period=str(period), form="1.2")
        live.beat(other, "li", person="李强", period=str(period), form="2.1")
        window = MainWindow(store, pack, data)
        window.resize(1366, 740)
        window.show()
        app.processEvents()
        window.tree.select_form("1.1")
        window.live.poll_now()
        editor = window.views["1.1"].indicators.editors[key]
        editor.input.setFocus()
        editor.input.setText("15")
        editor._typed("15")
        other.set_value(period, key, "14", based_on="12")
        window.live.poll_now()

        def shoot() -> None:
            dialog = QGuiApplication.instance().activeModalWidget()  # type: ignore[union-attr]
            if not isinstance(dialog, ConflictDialog):
                QTimer.singleShot(50, shoot)
                return
            app.processEvents()
            QGuiApplication.primaryScreen().grabWindow(0).save(str(out))
            dialog.reject()

        QTimer.singleShot(300, shoot)
        editor.commit()
        window.close()
        other.close()
        store.close()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
