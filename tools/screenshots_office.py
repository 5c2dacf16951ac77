#!/usr/bin/env python3
"""Screenshots of people and roles inside an office, on demo data.

    Xvfb :97 -screen 0 1366x768x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb python tools/screenshots_office.py docs/screenshots

Writes office-sign-in.png (the sign-in over the window at start, the whole screen) and
office-review.png (the filler's window: each form's review state in the tree, a returned
form's comment above the form).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMS = ["G", "1.1", "1.2", "2.1", "3.1", "5.1"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--size", default="1366x768", help="window size")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.store import Store
    from ecodesk.store.office import return_form, review_form
    from ecodesk.store.people import FILLER, HEAD, REVIEWER, add_person
    from ecodesk.ui.app import application
    from ecodesk.ui.dialogs.sign_in_dialog import SignInDialog
    from ecodesk.ui.main_window import MainWindow

    app = application()
    pack = bundled_pack()

    def settle() -> None:
        for _ in range(10):
            app.processEvents()

    with tempfile.TemporaryDirectory(prefix="ecodesk-office-shots-") as tmp:
        folder = Path(tmp) / "office"
        with Store.open(folder, pack=pack) as store:
            fill_demo(store, "360730")
            store.set_responsible_forms(FORMS)
            add_person(store, "黄建华", [HEAD], "head-pass-1")
            add_person(store, "刘志明", [FILLER], "filler-pass")
            add_person(store, "陈丽萍", [REVIEWER], "review-pass")
            period = store.current_period()
            store.sign_in("陈丽萍", "review-pass")
            for form in ("G", "1.1", "1.2", "3.1"):
                review_form(store, period, form)
            return_form(
                store, period, "2.1", "重点工作进展写得太简略：请补充各乡镇的完成情况和下步计划。"
            )
            store.sign_in("刘志明", "filler-pass")
            store.set_narrative(
                period, "3.1", "problems", "部分乡镇监测设备老化，数据传输不稳定，正在更换。"
            )

            window = MainWindow(store, pack, folder)
            window.resize(width, height)
            window.move(0, 0)
            window.show()
            settle()
            window.tree.select_form("2.1")
            settle()
            path = args.out / "office-review.png"
            window.grab().save(str(path))
            print(path)

            store.sign_out()
            window.office.refresh()
            dialog = SignInDialog(store, window, name="刘志明")

            def shoot() -> None:
                settle()
                shot = args.out / "office-sign-in.png"
                QApplication.primaryScreen().grabWindow(0).save(str(shot))
                print(shot)
                dialog.reject()

            QTimer.singleShot(300, shoot)
            dialog.exec()
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
