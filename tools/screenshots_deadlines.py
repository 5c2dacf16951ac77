#!/usr/bin/env python3
"""Screenshots of the reporting calendar in the window, on demo data, for a chosen 'today'.

    Xvfb :95 -screen 0 1366x768x24 &
    DISPLAY=:95 QT_QPA_PLATFORM=xcb python tools/screenshots_deadlines.py docs/screenshots

Writes deadlines-tree.png (the plan tree's 截止 column beside a form) and deadlines-overview.png
(the overview's due line and column), as the window looks three days before 2026's due date
(``--today`` changes the day), deadlines-overdue.png (a correction of 2025 still unsent five
days after its due date, the main goals form with its own later date), and deadlines-late-reason.png (the late reason asked when the
export comes five days after it), and deadlines-consolidation.png (timeliness per county
in the consolidation window's completeness matrix).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--today", default="2027-01-17", help="the day the window believes it is")
    parser.add_argument("--county", default="360730", help="division code of the demo data")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    today = date.fromisoformat(args.today)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.services.consolidate import consolidate
    from ecodesk.services.export import export_lateness
    from ecodesk.store import Store
    from ecodesk.submission import Period
    from ecodesk.ui.app import application
    from ecodesk.ui.consolidation.completeness_view import CompletenessView
    from ecodesk.ui.main_window import MainWindow
    from ecodesk.ui.operations.submission import ask_late_reason

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from screenshots import received_workbooks

    app = application()
    pack = bundled_pack()

    def save(widget: object, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = args.out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        print(path)

    with tempfile.TemporaryDirectory(prefix="ecodesk-shots-") as tmp:
        data_dir = Path(tmp)
        with Store.open(data_dir, pack=pack) as store:
            fill_demo(store, args.county)
            window = MainWindow(store, pack, data_dir)
            window.resize(1366, 768)
            window.session.clock = lambda: datetime.combine(today, time(10)).astimezone()
            window.show()
            window.rebuild_tree()
            window.tree.select_form("1.1")
            save(window, "deadlines-tree.png")
            window.overview_action.setChecked(True)
            save(window, "deadlines-overview.png")
            window.overview_action.setChecked(False)

            # 2025 as it stood late in January 2026: overdue, and the main goals form (its own
            # date, 31 January) still open
            window.session.clock = lambda: datetime(2026, 1, 25, 10).astimezone()
            store.new_revision(Period(2025), "更正森林覆盖率")  # a draft again: not yet sent
            window.change_period(Period(2025))
            window.overview_action.setChecked(True)
            save(window, "deadlines-overdue.png")
            window.overview_action.setChecked(False)
            window.change_period(Period(2026))

            late_day = datetime(2027, 1, 25, 10).astimezone()
            window.session.clock = lambda: late_day
            late = export_lateness(store, window.session.period, late_day)
            assert late is not None and late.days_late

            def shoot_dialog() -> None:
                dialog = QApplication.activeModalWidget()
                if dialog is None:
                    QTimer.singleShot(50, shoot_dialog)
                    return
                dialog.explanation.setPlainText("乡镇数据 1 月 23 日才汇齐，经县牵头办同意后补报。")  # type: ignore[attr-defined]
                save(dialog, "deadlines-late-reason.png")
                dialog.reject()  # type: ignore[attr-defined]

            QTimer.singleShot(0, shoot_dialog)
            ask_late_reason(window, late)
            window.close()

            # the receiving end: eight counties' 2025 workbooks, one late with its reason
            inbox, registry = data_dir / "收到的报表", data_dir / "密钥登记"
            received_workbooks(pack, inbox, registry, data_dir / "keys")
            summary = consolidate([inbox], registry).summary
            view = CompletenessView()
            view.resize(1366, 560)
            view.show_summary(summary)
            view.show()
            save(view, "deadlines-consolidation.png")
            view.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
