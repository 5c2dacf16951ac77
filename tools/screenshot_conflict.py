#!/usr/bin/env python3
"""Save a screenshot of the conflict dialog over a window whose tree shows who else is working
(two ``Store`` objects on one SQLite file play the two PCs of an office); with ``--table``, the
same dialog for a cell of a table both changed.

    Xvfb :96 -screen 0 1366x768x24 &
    DISPLAY=:96 QT_QPA_PLATFORM=xcb python tools/screenshot_conflict.py docs/screenshots/conflict.png
    DISPLAY=:96 QT_QPA_PLATFORM=xcb python tools/screenshot_conflict.py --table docs/screenshots/conflict-table.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any


def main() -> int:
    args = sys.argv[1:]
    table = "--table" in args
    args = [a for a in args if a != "--table"]
    out = Path(args[0] if args else "conflict.png")
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

        def read_changes() -> None:  # (the window reads them on a thread of its own)
            window.live.poll_now()
            while window.live.polling:
                app.processEvents()

        window.tree.select_form("1.1")
        read_changes()
        if table:
            shoot_table(app, window, other, period, out)
            window.close()
            other.close()
            store.close()
            print(out)
            return 0
        editor = window.views["1.1"].indicators.editors[key]
        editor.input.setFocus()
        editor.input.setText("15")
        editor._typed("15")
        other.set_value(period, key, "14", based_on="12")
        read_changes()

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


def shoot_table(app: Any, window: Any, other: Any, period: Any, out: Path) -> None:
    """The clerk types 2600 into 本年完成投资 of a project while 王芳 saves 2450 there."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QAbstractItemDelegate, QLineEdit

    from ecodesk.ui.dialogs.conflict_dialog import ConflictDialog

    rows = [
        {"name": "稀土新材料产线技改", "company": "赣州金环磁选", "industry": "有色",
         "total_investment": "12000", "investment": "2300", "status": "在建"},
        {"name": "水泥窑协同处置改造", "company": "宁都南方水泥", "industry": "建材",
         "total_investment": "5200", "investment": "1800", "status": "在建"},
    ]  # fmt: skip
    window.session.store.set_table_rows(period, "1.1", "projects", rows)
    window.session.reload()
    editor = window.views["1.1"].tables["1.1:projects"]
    window.views["1.1"].scroll_area.ensureWidgetVisible(editor, 50, 200)
    view = editor.view
    index = view.model().index(0, editor.columns.index("investment"))
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    app.processEvents()
    field = view.viewport().findChild(QLineEdit)  # the open cell editor
    field.selectAll()  # type: ignore[union-attr]
    field.insert("2600")  # type: ignore[union-attr]
    seen = other.load(period).rows("1.1", "projects")
    theirs = [dict(r) for r in seen]
    theirs[0]["investment"] = "2450"
    other.set_table_rows(period, "1.1", "projects", theirs, based_on=seen)

    def shoot() -> None:
        dialog = QGuiApplication.instance().activeModalWidget()  # type: ignore[union-attr]
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(50, shoot)
            return
        app.processEvents()
        QGuiApplication.primaryScreen().grabWindow(0).save(str(out))
        dialog.reject()

    QTimer.singleShot(300, shoot)
    view.commitData(field)  # type: ignore[arg-type]
    view.closeEditor(field, QAbstractItemDelegate.EndEditHint.NoHint)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
