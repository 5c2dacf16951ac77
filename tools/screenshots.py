#!/usr/bin/env python3
"""Save screenshots of the window on demo data, so anyone can look at it.

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python tools/screenshots.py shots/
    QT_SCALE_FACTOR=1.5 ... python tools/screenshots.py shots-150/ --size 1280x720

Writes main.png, form.png (a filled form scrolled to its table), problems.png, overview.png,
overview-charts.png, first-run.png, print-preview.png and print-preview-page.png
(the submission sheet's preview: fit width, then fit page at the last page), and
consolidation-files/-matrix/-indicators/-warnings/-adopt.png (the consolidation window on eight
counties' signed sample workbooks, and its confirmation before adopting the result) into the folder.
Works offscreen too (QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--size", default="1366x768", help="window size, e.g. 1366x768 or 1920x1080"
    )
    parser.add_argument("--county", default="360730", help="division code of the demo data")
    parser.add_argument("--form", default="1.1", help="the form shown filled")
    parser.add_argument("--language", default="zh_CN", help="zh_CN (default) or en")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.store import Store, settings
    from ecodesk.ui.app import application, apply_language
    from ecodesk.ui.dialogs.profile_dialog import ProfileDialog
    from ecodesk.ui.main_window import MainWindow

    app = application()
    pack = bundled_pack()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def save(widget: object, name: str) -> None:
        settle()
        path = args.out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        print(path)

    with tempfile.TemporaryDirectory(prefix="ecodesk-shots-") as tmp:
        data_dir = Path(tmp)
        dialog = ProfileDialog(pack, first_run=True)
        dialog.show()
        save(dialog, "first-run-empty.png")
        dialog.division.setCurrentIndex(dialog.division.findData(args.county))
        dialog.department.setEditText("县生态环境局")
        save(dialog, "first-run.png")
        dialog.close()
        with Store.open(data_dir, pack=pack) as store:
            fill_demo(store, args.county)
            store.settings_set(settings.LANGUAGE, args.language)
            apply_language(store, data_dir)
            window = MainWindow(store, pack, data_dir)
            window.resize(width, height)
            window.show()
            window.tree.select_form("G" if "G" in window.tree.forms() else window.tree.forms()[0])
            save(window, "main.png")

            window.tree.select_form(args.form)
            view = window.views[args.form]
            if view.tables:
                view.focus_field(next(iter(view.tables)))
            save(window, "form.png")

            # a value the parser refuses: marked at the field and listed in the problems panel
            editor = next(iter(view.indicators.editors.values()))
            window.session.edit_value(editor.key, "二十多家", "screenshot")
            window.session.recheck_now()
            view.focus_field(editor.key)
            save(window, "problems.png")
            window.session.undo_group.undo()

            window.overview_action.setChecked(True)
            save(window, "overview.png")
            window.overview.tabs.setCurrentIndex(1)  # type: ignore[union-attr]
            save(window, "overview-charts.png")

            from ecodesk.services.printing import print_for_preview
            from ecodesk.ui.dialogs.print_preview_dialog import PrintPreviewDialog

            sheet = print_for_preview(store, window.session.period, data_dir / "cache" / "print")
            preview = PrintPreviewDialog(sheet, data_dir / "报送单.pdf", window)
            preview.resize(width * 3 // 4, height - 40)
            preview.show()
            save(preview, "print-preview.png")
            preview.zoom.setCurrentIndex(preview.zoom.findData("page"))
            preview.go_to_page(len(preview.pages) - 1)
            save(preview, "print-preview-page.png")
            preview.close()

            # the consolidating role: eight counties' signed workbooks, one altered, one unregistered
            inbox, registry = data_dir / "收到的报表", data_dir / "密钥登记"
            received_workbooks(pack, inbox, registry, data_dir / "keys")
            store.settings_set(settings.CONSOLIDATION_FOLDER, str(inbox))
            store.settings_set(settings.KEY_REGISTRY, str(registry))
            window.open_consolidation()
            consolidation = window.consolidation
            assert consolidation is not None
            consolidation.resize(width, height - 40)
            scanned = (
                QEventLoop()
            )  # not a processEvents() loop: PySide6 6.12 loses a reference to None per call
            consolidation.scanned.connect(scanned.quit)
            scanned.exec()
            save(consolidation, "consolidation-files.png")
            for tab, name in ((1, "matrix"), (2, "indicators"), (3, "warnings")):
                consolidation.tabs.setCurrentIndex(tab)
                save(consolidation, f"consolidation-{name}.png")
            from ecodesk.services.consolidate import plan_adoption
            from ecodesk.ui.consolidation.adopt_dialog import AdoptDialog

            adopt = AdoptDialog(
                plan_adoption(store, consolidation.consolidation), pack, consolidation
            )
            adopt.show()
            save(adopt, "consolidation-adopt.png")
            adopt.close()
            consolidation.close()
            window.close()
    QApplication.processEvents()
    return 0


def received_workbooks(pack: object, inbox: Path, registry: Path, keys_home: Path) -> None:
    """Counties' signed sample workbooks as the city receives them: one altered after signing
    (a figure changed in Excel), one signed with a key nobody registered."""
    from datetime import datetime

    import openpyxl

    from ecodesk.demo import sample_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.submission import AcceptedWarning, Period
    from ecodesk.workbook.writer import write_signed_workbook

    inbox.mkdir(parents=True)
    divisions = [d for d in pack.catalog.divisions if d.kind != "功能区"][:8]  # type: ignore[attr-defined]
    for i, division in enumerate(divisions):
        data = sample_submission(pack, division.code, Period(2025))  # type: ignore[arg-type]
        data.status = "signed"
        if i == 1:  # a warning the county accepted, with its explanation
            field = next(k for k in data.values if k.startswith("1."))
            data.accepted.append(
                AcceptedWarning(
                    problem_id=f"yoy:{field}",
                    form=field.split(":")[0],
                    field=field,
                    message="与上年相比变化超过30%",
                    explanation="新建项目集中投产，数据已与县统计局核实",
                )
            )
        # sent in the days before 2025's due date (2026-01-20), one county four days late
        late = i == 6
        meta = ExportMeta(
            exported_at=datetime(2026, 1, 24 if late else 12 + i, 9, 30).astimezone(),
            program_version="screenshots",
            due=pack.calendar.submission_deadline(data.period, data.forms).due,  # type: ignore[attr-defined]
            late_reason="汛期抢险，乡镇数据汇总延误，经市领导小组办公室同意后补报" if late else "",
        )
        keys = KeyStore(keys_home / division.code)
        key = keys.unlock_or_create("screenshots")
        if i != 5:
            write_registrations(keys, registry / division.code, data.unit)
        path = inbox / f"{division.name}.xlsx"
        write_signed_workbook(pack, data, path, key=key, meta=meta)  # type: ignore[arg-type]
        if i == 3:
            wb = openpyxl.load_workbook(path)
            sheet = wb.worksheets[1]
            cell = next(
                c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))
            )
            cell.value = cell.value * 2
            wb.save(path)


if __name__ == "__main__":
    sys.exit(main())
