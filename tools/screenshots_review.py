#!/usr/bin/env python3
"""Screenshots of the way back (review, queries, answers), on demo data with real keys.

    Xvfb :97 -screen 0 1366x768x24 &
    DISPLAY=:97 QT_QPA_PLATFORM=xcb python tools/screenshots_review.py docs/screenshots

Writes review-feedback.png (the signed feedback workbook a county office sends back, as
LibreOffice prints it, when LibreOffice is installed), review-unit-queried.png (the unit's window
after importing it: the banner, the queried places framed, the 查询 in the problems panel) and
review-unit-answered.png (one query answered), and review-state.png (the summary workbook's
completeness sheet with the review state column, as LibreOffice prints it).
Works offscreen too (QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSPHRASE = "screenshots only"
QUERIES = [
    ("1.1:tech_invest", "技改投资比上年增长较多，请核实是否含跨年度项目"),
    ("1.1:progress", "请补充重点项目的具体进展"),
    ("1.1:projects#1.investment", "本年完成投资是否含上年结转？"),
]


def _office_png(xlsx: Path, out: Path, work: Path, *, crop_height: int = 0) -> None:
    """The workbook's first printed page as LibreOffice renders it (skipped without LibreOffice)."""
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        print(f"skipped {out.name}: LibreOffice or pdftoppm missing")
        return
    from tests.libreoffice import convert

    pdf = convert(xlsx, "pdf", work / xlsx.stem)
    crop = ["-r", "150", "-x", "0", "-y", "0", "-W", "1754", "-H", str(crop_height)]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            *(crop if crop_height else ["-r", "80"]),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(out.with_suffix("")),
        ],
        check=True,
    )
    print(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--size", default="1366x768", help="window size")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    from ecodesk.demo import fill_demo
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.services.consolidate import attach_review, consolidate, write_summary
    from ecodesk.services.export import export_submission
    from ecodesk.services.keys import export_public_key, trust_registration
    from ecodesk.services.review import apply_feedback, check_feedback, review_submission
    from ecodesk.signing.keys import KeyStore
    from ecodesk.store import Store
    from ecodesk.store.feedback import feedback_entries
    from ecodesk.submission import Period, UnitProfile
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow

    app = application()
    pack = bundled_pack()
    period = Period(2026)

    def save(widget: object, name: str) -> None:
        for _ in range(5):
            app.processEvents()
        path = args.out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        print(path)

    with tempfile.TemporaryDirectory(prefix="ecodesk-review-shots-") as tmp:
        t = Path(tmp)
        dept, county = t / "dept", t / "county"
        department = UnitProfile(
            "360730", "宁都县", "县林业局", preparer="李填报", reviewer="王审核"
        )
        office = UnitProfile("360730", "宁都县", "生态文明建设领导小组办公室", preparer="赵县审")
        for folder, profile in ((dept, department), (county, office)):
            with Store.open(folder, pack=pack) as store:
                fill_demo(store, "360730")
                store.save_profile(profile)
                store.set_responsible_forms(["1.1"])
            KeyStore(folder).create(PASSPHRASE)
        with Store.open(dept, pack=pack) as store:
            first = export_submission(store, period, t / "d1.xlsx", passphrase=PASSPHRASE)
            registration = export_public_key(dept, department, t / "dept-keys")
        county_reg = export_public_key(county, office, t / "county-keys")
        feedback = t / "宁都县县林业局-第1版-审核意见书.xlsx"
        with Store.open(county, pack=pack) as store:
            review_submission(
                store,
                county,
                first.path,
                t / "dept-keys",
                decision="return",
                reason="技改投资与重点项目表的本年完成投资合计不一致，请核实后重报",
                queries=QUERIES,
                out_path=feedback,
                passphrase=PASSPHRASE,
            )
        _office_png(feedback, args.out / "review-feedback.png", t / "office")
        trust_registration(dept, county_reg.registration)
        del registration

        with Store.open(dept, pack=pack) as store:
            apply_feedback(store, check_feedback(store, dept, feedback))
            window = MainWindow(store, pack, dept)
            window.resize(width, height)
            window.show()
            window.tree.select_form("1.1")
            window.problems.all_forms.setChecked(True)
            view = window.views["1.1"]
            view.focus_field("1.1:tech_invest")
            save(window, "review-unit-queried.png")

            from ecodesk.store.feedback import answer_query

            query = feedback_entries(store, "received")[0].queries[0]
            answer_query(store, query.id, "已核实：原数含跨年度项目投资，已更正为本年完成数")
            window.session.recheck_now()
            save(window, "review-unit-answered.png")
            window.close()
            for q in feedback_entries(store, "received")[0].queries[1:]:
                answer_query(store, q.id, "已补充说明")
            second = export_submission(store, period, t / "d2.xlsx", passphrase=PASSPHRASE)

        result = consolidate([first.path, second.path], t / "dept-keys", period=period)
        with Store.open(county, pack=pack) as store:
            attach_review(result, feedback_entries(store, "sent", period))
        summary = write_summary(result, t / "汇总.xlsx")
        import openpyxl

        wb = openpyxl.load_workbook(summary)
        wb.active = wb.sheetnames.index("完成情况")
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == "完成情况"
        only = t / "完成情况.xlsx"
        for name in list(wb.sheetnames):
            if name != "完成情况":
                del wb[name]
        wb.save(only)
        _office_png(only, args.out / "review-state.png", t / "office", crop_height=300)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
