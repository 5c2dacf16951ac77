"""The print preview on real sheets: every page shown, lazily; printed with each page's own
orientation and the chosen range; saved as the very same PDF; refusals in Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from ecodesk.ui.dialogs.print_preview_dialog import PAGE_GAP, PrintPreviewDialog


@pytest.fixture(scope="module")
def demo_sheet(tmp_path_factory: pytest.TempPathFactory, pack: Any) -> Path:
    """The demo county's current submission, printed the way the window prints it."""
    from ecodesk.services.printing import print_for_preview
    from ecodesk.services.sample import fill_demo
    from ecodesk.store import Store

    folder = tmp_path_factory.mktemp("demo")
    with Store.open(folder, pack=pack) as store:
        fill_demo(store, "360730")
        return print_for_preview(store, store.current_period(), folder / "cache" / "print")


@pytest.fixture(scope="module")
def mixed_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short sheet whose wide table has a landscape page between portrait ones."""
    from ecodesk.forms.loader import PACK_DIR, load_pack
    from ecodesk.report.sheet import write_submission_sheet
    from tests.report.conftest import ALL_KINDS_FORM, make_submission

    folder = tmp_path_factory.mktemp("mixed")
    shutil.copytree(PACK_DIR, folder / "pack")
    (folder / "pack" / "1_2.yaml").write_text(ALL_KINDS_FORM, encoding="utf-8")
    pack = load_pack(folder / "pack")
    return write_submission_sheet(
        pack, make_submission(pack), folder / "sheet.pdf", fingerprint=None, digest=None
    )


@pytest.fixture
def preview(qtbot: Any, tmp_path: Path) -> Any:
    from ecodesk.ui.app import application

    application()

    def opener(pdf: Path) -> PrintPreviewDialog:
        dialog = PrintPreviewDialog(pdf, tmp_path / "宁都县_2026_第1版.pdf")
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog):
            dialog.show()
        dialog.grab()  # paint now, as the screen would
        return dialog

    return opener


def pdf_printer(out: Path) -> QPrinter:
    """What the print dialog would hand back, printing to a file at a low resolution (fast)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    printer.setResolution(72)
    return printer


def sizes_mm(path: Path) -> list[tuple[int, int]]:
    return [
        (round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
        for p in PdfReader(str(path)).pages
    ]


def print_and_wait(qtbot: Any, dialog: PrintPreviewDialog, printer: QPrinter) -> None:
    task = dialog.print_with(printer)
    qtbot.waitUntil(lambda: task.finished, timeout=30_000)


def test_demo_sheet_opens_with_every_page_rendering_only_those_in_view(
    demo_sheet: Path, preview: Any, qtbot: Any
) -> None:
    count = len(PdfReader(str(demo_sheet)).pages)
    assert count > 20  # a long sheet, as a county lead office prints it
    dialog = preview(demo_sheet)
    assert len(dialog.page_widgets) == count
    assert dialog.page_count.text() == f"页，共 {count} 页"
    assert dialog.page_field.text() == "1"
    assert 1 <= dialog.cache.rendered <= 3

    dialog.page_field.clear()
    qtbot.keyClicks(dialog.page_field, "999")  # past the end: the last page
    qtbot.keyClick(dialog.page_field, Qt.Key.Key_Return)
    dialog.grab()
    assert dialog.current_page() == count - 1 and dialog.page_field.text() == str(count)
    assert not dialog.next_button.isEnabled()
    assert dialog.cache.rendered <= 8  # the pages between were never drawn


def test_keyboard_pages_prints_and_closes(
    demo_sheet: Path, preview: Any, qtbot: Any, monkeypatch: Any
) -> None:
    asked: list[int] = []
    monkeypatch.setattr(
        QPrintDialog, "exec", lambda self: asked.append(1) or QDialog.DialogCode.Rejected
    )
    dialog = preview(demo_sheet)
    dialog.pages_area.setFocus()
    qtbot.keyClick(dialog.pages_area, Qt.Key.Key_PageDown)
    qtbot.keyClick(dialog.pages_area, Qt.Key.Key_PageDown)
    assert dialog.page_field.text() == "3"
    qtbot.keyClick(dialog.pages_area, Qt.Key.Key_PageUp)
    assert dialog.page_field.text() == "2"
    qtbot.keyClick(dialog.pages_area, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1]
    qtbot.keyClick(dialog.pages_area, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_zoom_fits_width_page_or_a_percentage(mixed_sheet: Path, preview: Any) -> None:
    dialog = preview(mixed_sheet)
    viewport = dialog.pages_area.viewport()
    landscape = next(i for i, s in enumerate(dialog.pages.sizes) if s.landscape)
    wide, tall = dialog.page_widgets[landscape], dialog.page_widgets[0]
    assert dialog.zoom.currentData() == "width"
    assert wide.width() > wide.height() and tall.width() < tall.height()
    assert (
        abs(wide.width() - (viewport.width() - 2 * PAGE_GAP)) <= 1
    )  # the widest page fills the width
    assert dialog.pages_area.horizontalScrollBar().maximum() == 0

    dialog.zoom.setCurrentIndex(dialog.zoom.findData("page"))
    assert tall.height() <= viewport.height() - 2 * PAGE_GAP and wide.width() <= viewport.width()

    dialog.zoom.setCurrentIndex(dialog.zoom.findData(1.0))
    assert tall.width() == round(
        dialog.pages.sizes[0].width * dialog.logicalDpiX() / 72
    )  # true size
    dialog.zoom_by(+1)
    assert dialog.zoom.currentData() == 1.25


def test_printing_keeps_page_count_and_each_pages_orientation(
    mixed_sheet: Path, preview: Any, qtbot: Any, tmp_path: Path
) -> None:
    dialog = preview(mixed_sheet)
    out = tmp_path / "printed.pdf"
    print_and_wait(qtbot, dialog, pdf_printer(out))
    assert sizes_mm(out) == sizes_mm(mixed_sheet)
    assert (297, 210) in sizes_mm(out) and sizes_mm(out)[0] == (210, 297)
    assert dialog.status.text() == f"已送往打印机：{len(dialog.pages)} 页。"


def test_printing_honours_the_page_range_and_current_page(
    demo_sheet: Path, preview: Any, qtbot: Any, tmp_path: Path
) -> None:
    dialog = preview(demo_sheet)
    printer = pdf_printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 4)
    print_and_wait(qtbot, dialog, printer)
    assert len(PdfReader(str(tmp_path / "range.pdf")).pages) == 3

    dialog.go_to_page(6)
    printer = pdf_printer(tmp_path / "current.pdf")
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    print_and_wait(qtbot, dialog, printer)
    assert len(PdfReader(str(tmp_path / "current.pdf")).pages) == 1


def test_cancelling_the_print_dialog_prints_nothing(
    demo_sheet: Path, preview: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    dialog = preview(demo_sheet)
    out = tmp_path / "never.pdf"
    dialog.printer = pdf_printer(out)
    dialog.print_button.click()
    assert dialog.task is None and not out.exists()
    assert dialog.status.text() == ""


def test_save_as_copies_the_vector_pdf_byte_for_byte(
    demo_sheet: Path, preview: Any, monkeypatch: Any, tmp_path: Path, no_dialogs: list[Any]
) -> None:
    dialog = preview(demo_sheet)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    chosen = tmp_path / "交县办" / "报送单"  # typed without the extension
    chosen.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(chosen), ""))
    )
    dialog.save_button.click()
    target = chosen.with_name("报送单.pdf")
    assert target.read_bytes() == demo_sheet.read_bytes()
    assert saved == [str(target)] and no_dialogs == []
    assert list(target.parent.iterdir()) == [target]


def test_save_as_over_a_file_held_open_refuses_in_chinese_and_changes_nothing(
    demo_sheet: Path, preview: Any, monkeypatch: Any, tmp_path: Path, no_dialogs: list[Any]
) -> None:
    import ecodesk.report.output

    target = tmp_path / "已打开的报送单.pdf"
    target.write_bytes(b"%PDF-1.4 the copy open in a reader")

    def locked(src: Any, dst: Any) -> None:  # what Windows answers while a reader holds the file
        raise PermissionError(13, "The process cannot access the file", str(dst))

    monkeypatch.setattr(ecodesk.report.output.os, "replace", locked)
    dialog = preview(demo_sheet)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    assert dialog.save_to(target) is False
    assert len(no_dialogs) == 1
    title, message = no_dialogs[0]
    assert title == "另存为 PDF" and "正被其他程序" in message and str(target) in message
    assert target.read_bytes() == b"%PDF-1.4 the copy open in a reader"
    assert list(tmp_path.iterdir()) == [target]  # no half-written temporary left behind
    assert saved == []


def test_open_with_another_program_hands_over_the_cached_pdf(
    demo_sheet: Path, preview: Any, monkeypatch: Any
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    dialog = preview(demo_sheet)
    dialog.open_button.click()
    assert opened == [str(demo_sheet)]
