#!/usr/bin/env python3
"""Save screenshots of the window on demo data, so anyone can look at it.

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python tools/screenshots.py shots/
    QT_SCALE_FACTOR=1.5 ... python tools/screenshots.py shots-150/ --size 1280x720

Writes main.png, form.png (a filled form scrolled to its table), problems.png, overview.png,
overview-charts.png, first-run.png, print-preview.png and print-preview-page.png
(the submission sheet's preview: fit width, then fit page at the last page), and
consolidation-files/-matrix/-indicators/-warnings/-adopt.png (the consolidation window on eight
counties' signed sample workbooks, and its confirmation before adopting the result),
form-attachments.png and attach-dialog.png (佐证材料 on form 4.1: thumbnails, the description
asked for each file), consolidation-evidence.png (each unit's files and the claims without
evidence across units, two counties having sent packages) and pack-install.png (文件 → 更新表单包:
the diff of the city's next form pack) into the folder.
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
        evidence = evidence_files(data_dir / "佐证材料")
        with Store.open(data_dir, pack=pack) as store:
            fill_demo(store, args.county)
            attach_demo_evidence(store, evidence)
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

            # 佐证材料: the form's attachments with their thumbnails, and the description dialog
            window.tree.select_form(EVIDENCE_FORM)
            evidence_view = window.views[EVIDENCE_FORM]
            panel = evidence_view.attachments
            for attachment in window.session.attachments(EVIDENCE_FORM):
                while panel.thumbnails.get(attachment.sha256) is None:
                    app.processEvents()
            panel.show_attachments()
            evidence_view.scroll_area.ensureWidgetVisible(panel, 0, 0)
            evidence_view.scroll_area.ensureWidgetVisible(evidence_view.attachments_title, 0, 40)
            save(window, "form-attachments.png")
            from ecodesk.ui.dialogs.attach_dialog import AttachDialog

            dialog_files = [evidence["photo"], evidence["minutes"]]
            attach_dialog = AttachDialog(
                dialog_files, panel.places(), f"{EVIDENCE_FORM}:soil_water_demos", window
            )
            attach_dialog.notes[0].setText("示范工程现场照片")
            attach_dialog.show()
            save(attach_dialog, "attach-dialog.png")
            attach_dialog.close()

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
            received_workbooks(pack, inbox, registry, data_dir / "keys", evidence)
            resubmitted = reviewed_and_resubmitted(store, data_dir, pack, inbox, registry)
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
            consolidation.tabs.setCurrentWidget(consolidation.evidence)
            save(consolidation, "consolidation-evidence.png")
            review_shots(consolidation, pack, resubmitted, save, width, height)
            from ecodesk.services.consolidate import plan_adoption
            from ecodesk.ui.consolidation.adopt_dialog import AdoptDialog

            adopt = AdoptDialog(
                plan_adoption(store, consolidation.consolidation), pack, consolidation
            )
            adopt.show()
            save(adopt, "consolidation-adopt.png")
            adopt.close()
            consolidation.close()

            # 文件 → 更新表单包: the city's next pack, signed with a throwaway key of this run
            from ecodesk.demo.pack_update import sample_pack_update
            from ecodesk.packs.bundle import build_pack_file, sign_pack_file
            from ecodesk.packs.installed import prepare_install
            from ecodesk.packs.trust import Anchor
            from ecodesk.signing.keys import KeyStore
            from ecodesk.ui.dialogs.pack_install_dialog import PackInstallDialog

            city_key = KeyStore(data_dir / "city-pack-key").create("screenshot city key")
            pack_file = data_dir / "赣州市表单包2026.2.ecodesk-pack"
            build_pack_file(sample_pack_update(data_dir / "pack-2026.2"), pack_file)
            sign_pack_file(pack_file, city_key)
            install = PackInstallDialog(
                prepare_install(data_dir, pack_file, Anchor(city_key.public_key)), window
            )
            install.show()
            save(install, "pack-install.png")
            install.close()
            window.close()
    QApplication.processEvents()
    return 0


REVIEW_PASSPHRASE = "screenshots only"


def reviewed_and_resubmitted(
    store: object, data_dir: Path, pack: object, inbox: Path, registry: Path
) -> str:
    """The office's review, through the same core as ``ecodesk review``: the first county reviewed gets
    two queries and resubmits a second revision answering one with one value corrected, the
    second is returned with a reason, the third accepted. Returns the first county's name."""
    from dataclasses import replace
    from datetime import datetime

    from ecodesk.services.review import review_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.submission import QueryAnswer
    from ecodesk.workbook.reader import read_signed_workbook
    from ecodesk.workbook.writer import write_signed_workbook

    KeyStore(data_dir).unlock_or_create(REVIEW_PASSPHRASE)
    files = sorted(inbox.glob("*.xlsx"))
    names = [d.name for d in pack.catalog.divisions if d.kind != "功能区"][:8]  # type: ignore[attr-defined]
    # plain workbooks that verify (0 and 2 came as packages, 3 was altered, 5 is unregistered)
    chosen = [names[i] for i in (1, 4, 7)]
    first, second, third = (inbox / f"{n}.xlsx" for n in chosen)
    assert {first, second, third} <= set(files)
    wb = read_signed_workbook(first)
    number = next(
        k
        for k, v in wb.data.values.items()
        if k.startswith("1.1:") and v.replace(".", "").isdigit()
    )
    queries = [
        (number, "比上年增幅较大，请核实是否含跨年度项目"),
        ("1.1:progress", "请补充重点项目的具体进展"),
    ]

    def review(path: Path, decision: str | None, reason: str, asked: list) -> object:  # type: ignore[type-arg]
        return review_submission(
            store,
            data_dir,
            path,
            registry,
            decision=decision,  # type: ignore[arg-type]
            reason=reason,
            queries=asked,
            out_path=data_dir / "审核意见" / f"{path.stem}.xlsx",
            passphrase=REVIEW_PASSPHRASE,
        )

    (data_dir / "审核意见").mkdir()
    sent = review(first, None, "", queries)
    review(second, "return", "项目表与指标合计不一致，请核实后重报", [])
    review(third, "accept", "", [])
    old = float(wb.data.values[number])
    corrected = str(int(old * 0.9)) if old.is_integer() else f"{old * 0.9:.2f}"
    data = replace(
        wb.data,
        revision=2,
        supersedes=1,
        supersedes_digest=wb.digest,
        answers_feedback=sent.digest,  # type: ignore[attr-defined]
        answers=[QueryAnswer(1, number, queries[0][1], "已核实：原数含上年结转项目，已更正")],
        values={**wb.data.values, number: corrected},
    )
    key = KeyStore(data_dir / "keys" / data.unit.division_code).unlock("screenshots")
    meta = ExportMeta(exported_at=datetime.now().astimezone(), program_version="screenshots")
    write_signed_workbook(pack, data, inbox / f"{chosen[0]}-第2版.xlsx", key=key, meta=meta)  # type: ignore[arg-type]
    return chosen[0]


def review_shots(
    cw: object, pack: object, resubmitted: str, save: object, width: int, height: int
) -> None:
    """The 审核 tab, the review dialog on a county waiting for review, and the diff."""
    from ecodesk.services.review import suggest_queries
    from ecodesk.ui.consolidation.diff_dialog import DiffDialog
    from ecodesk.ui.consolidation.review_dialog import ReviewDialog
    from ecodesk.ui.consolidation.window import REVIEW_TAB

    cw.tabs.setCurrentIndex(REVIEW_TAB)  # type: ignore[attr-defined]
    cw.review.select_unit(resubmitted)  # type: ignore[attr-defined]
    save(cw, "consolidation-review.png")  # type: ignore[operator]
    unit = cw.review.current_unit()  # type: ignore[attr-defined]
    diff = DiffDialog(pack, cw.unit_revisions(unit), cw)  # type: ignore[arg-type, attr-defined]
    diff.resize(min(width - 120, 1000), 420)
    diff.show()
    save(diff, "review-diff.png")  # type: ignore[operator]
    diff.close()
    from ecodesk.consolidation.model import unit_id

    review = cw.consolidation.summary.review  # type: ignore[attr-defined]
    waiting = next(
        r
        for r in cw.consolidation.received  # type: ignore[attr-defined]
        if r.status == "used" and review[unit_id(r.data.unit)].state == "待审核"
    )
    peers = [r.data for r in cw.consolidation.received if r.status == "used" and r is not waiting]  # type: ignore[attr-defined]
    dialog = ReviewDialog(
        pack,
        waiting.data,
        suggest_queries(pack, waiting.data, peers),
        file_name=waiting.path.name,
        parent=cw,  # type: ignore[arg-type]
    )
    dialog.resize(min(width - 60, 1100), height - 80)
    dialog.show()
    number = next(
        k
        for k in dialog.labels
        if k.startswith("1.1:")
        and k.count(":") == 1
        and "#" not in k
        and not k.endswith("progress")
    )
    for key, question in (
        (number, "比上年增幅较大，请核实口径"),
        ("1.1:progress", "请补充重点项目的具体进展"),
    ):
        dialog.select_place(key)
        dialog.question.setText(question)
        dialog.add_query()
    cell = next((k for k in dialog.labels if k.startswith("1.1:") and "#" in k), None)
    if cell:
        dialog.select_place(cell)
        dialog.question.setText("本年完成投资是否含上年结转？")
        dialog.add_query()
    dialog.return_it.setChecked(True)
    dialog.reason.setText("技改投资与项目表合计不一致，请核实后重报")
    if dialog.suggestions.count():
        dialog.suggestions.setCurrentRow(0)
    dialog.select_place(number)
    save(dialog, "review-dialog.png")  # type: ignore[operator]
    dialog.close()


EVIDENCE_FORM = "4.1"


def evidence_files(folder: Path) -> dict[str, Path]:
    """Evidence a clerk would attach, drawn with Qt: an acceptance report (PDF), a site photo
    (PNG), a meeting minute (a minimal Word document)."""
    import zipfile

    from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
    from PySide6.QtGui import (
        QColor,
        QFont,
        QImage,
        QLinearGradient,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
    )

    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "梅江小流域竣工验收意见.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(20, 20, 20, 20),
        )
    )
    writer.setResolution(96)
    painter = QPainter(writer)
    width = writer.width()
    title = QFont()
    title.setPixelSize(30)
    title.setBold(True)
    painter.setFont(title)
    painter.setPen(QColor("#c00000"))
    painter.drawText(QRectF(0, 20, width, 50), Qt.AlignmentFlag.AlignCenter, "宁都县水利局")
    painter.drawLine(QPointF(0, 80), QPointF(width, 80))
    painter.setPen(QColor("black"))
    heading = QFont()
    heading.setPixelSize(22)
    heading.setBold(True)
    painter.setFont(heading)
    painter.drawText(
        QRectF(0, 110, width, 40), Qt.AlignmentFlag.AlignCenter, "梅江生态清洁小流域竣工验收意见"
    )
    body = QFont()
    body.setPixelSize(15)
    painter.setFont(body)
    lines = [
        "2026年10月18日，县水利局组织对梅江生态清洁小流域建设项目进行竣工验收。",
        "验收组查看了现场，听取了建设、设计、施工、监理单位的汇报，查阅了有关资料。",
        "项目完成综合治理面积12.0平方公里，各项措施按设计完成，质量合格。",
        "验收组同意该项目通过竣工验收。",
    ]
    for n, line in enumerate(lines):
        painter.drawText(QPointF(30, 200 + n * 34), line)
    painter.drawText(QPointF(width - 260, 420), "验收组组长：（签字）")
    painter.drawText(QPointF(width - 260, 454), "二〇二六年十月十八日")
    painter.end()

    photo = folder / "梅江小流域现场照片.png"
    image = QImage(800, 533, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(0, 0, 0, 300)
    sky.setColorAt(0, QColor("#7fb7e8"))
    sky.setColorAt(1, QColor("#d8ecfa"))
    painter.fillRect(0, 0, 800, 300, sky)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#3f7d4e"))
    painter.drawEllipse(QRectF(-200, 180, 700, 300))
    painter.setBrush(QColor("#2f6a3f"))
    painter.drawEllipse(QRectF(300, 200, 700, 300))
    painter.setBrush(QColor("#5e9ec9"))
    painter.drawRect(0, 400, 800, 133)
    painter.end()
    image.save(str(photo))

    minutes = folder / "专题会议纪要.docx"
    with zipfile.ZipFile(minutes, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>专题会议纪要</w:t></w:r></w:p></w:body></w:document>",
        )
    return {"report": pdf, "photo": photo, "minutes": minutes}


def attach_demo_evidence(store: object, files: dict[str, Path]) -> None:
    """The demo county backs a claim of form 4.1 and leaves the rest for the warnings."""
    from ecodesk.attachments import attach

    period = store.current_period()  # type: ignore[attr-defined]
    data = store.load(period)  # type: ignore[attr-defined]
    rows = data.tables.get(f"{EVIDENCE_FORM}:watersheds", [])
    place = f"{EVIDENCE_FORM}:watersheds#1" if rows else f"{EVIDENCE_FORM}:clean_watersheds"
    attach(store, period, place, files["report"], "小流域竣工验收意见")
    attach(store, period, place, files["photo"], "建成后现场照片")
    attach(store, period, EVIDENCE_FORM, files["minutes"], "生态修复工作专题会议纪要")


def received_workbooks(
    pack: object,
    inbox: Path,
    registry: Path,
    keys_home: Path,
    evidence: dict[str, Path] | None = None,
) -> None:
    """Counties' signed sample workbooks as the city receives them: one altered after signing
    (a figure changed in Excel), one signed with a key nobody registered, and two packages with
    evidence backing their first claims (the rest are the claims without evidence)."""
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
        if evidence and i in (0, 2):
            packed(pack, data, path, key, meta, evidence)
            continue
        write_signed_workbook(pack, data, path, key=key, meta=meta)  # type: ignore[arg-type]
        if i == 3:
            wb = openpyxl.load_workbook(path)
            sheet = wb.worksheets[1]
            cell = next(
                c for row in sheet.iter_rows() for c in row if isinstance(c.value, (int, float))
            )
            cell.value = cell.value * 2
            wb.save(path)


def packed(
    pack: object, data: object, path: Path, key: object, meta: object, evidence: dict[str, Path]
) -> None:
    """Sign ``data`` with evidence on its first two claims and write the package beside ``path``."""
    import hashlib

    from ecodesk.attachments.package import write_package
    from ecodesk.attachments.places import place_label
    from ecodesk.forms.rules.context import CheckContext
    from ecodesk.forms.rules.evidence import unbacked_claims
    from ecodesk.submission import AttachedFile
    from ecodesk.workbook.writer import write_signed_workbook

    claims = unbacked_claims(CheckContext.of(pack, data, set()))  # type: ignore[arg-type]
    chosen = [(evidence["report"], "pdf", "验收意见"), (evidence["photo"], "png", "现场照片")]
    files = []
    for n, (claim, (source, kind, note)) in enumerate(
        zip(claims[:2], chosen, strict=False), start=1
    ):
        content = source.read_bytes()
        files.append(
            (
                AttachedFile(
                    n=n,
                    key=claim.key,
                    label=place_label(pack, claim.key),  # type: ignore[arg-type]
                    name=source.name,
                    kind=kind,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    note=note,
                ),
                source,
            )
        )
    data.attachments = [f for f, _ in files]  # type: ignore[attr-defined]
    write_signed_workbook(pack, data, path, key=key, meta=meta)  # type: ignore[arg-type]
    write_package(path.with_suffix(".zip"), path, path.name, files)
    path.unlink()


if __name__ == "__main__":
    sys.exit(main())
