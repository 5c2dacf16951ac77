"""佐证材料 in the form view: drops on the form, an indicator or a table row, the required
description, thumbnails of a real PDF and a real PNG, double-click to open, undoable removal,
a signed revision frozen, the evidence warning cleared by an attachment."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.attachments.files import make_docx, make_pdf, make_png
from tests.ui.conftest import type_text

FORM = "4.1"
WATERSHEDS = [
    {"name": "梅江小流域", "location": "梅江镇", "area": "12", "status": "已建成", "year": "2025"},
    {"name": "青塘小流域", "location": "青塘镇", "area": "8", "status": "在建", "year": ""},
]


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop_files(target: Any, pos: QPoint, *paths: Path) -> tuple[bool, bool]:
    """A real drag entering ``target`` at ``pos`` and the drop there: (enter accepted, drop accepted)."""
    mime = _mime(*paths)
    enter = QDragEnterEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def describe_and_add(qtbot: Any, view: Any, *notes: str) -> None:
    dialog = view.attachments.dialog
    assert dialog is not None, "a drop asks for the descriptions first"
    for edit, note in zip(dialog.notes, notes, strict=True):
        edit.setFocus()
        type_text(qtbot, edit, note)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(view.session.attachFinished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def view(store: Any, open_window: Any) -> Any:
    window = open_window(store)
    window.show_all.setChecked(True)
    window.tree.select_form(FORM)
    view = window.views[FORM]
    view.session.edit_rows(FORM, "watersheds", WATERSHEDS, "test rows")
    view.session.recheck_now()
    return view


def test_a_pdf_dropped_on_a_table_row_is_attached_to_that_row(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "梅江小流域验收意见.pdf")
    session = view.session
    evidence = [p for p in session.problems if p.id == "evidence:4.1:watersheds#1"]
    assert evidence, "a built watershed without evidence is a warning before the drop"
    table = view.tables[f"{FORM}:watersheds"].view
    rect = table.visualRect(table.model().index(0, 0))
    entered, dropped = drop_files(table.viewport(), rect.center(), pdf)
    assert entered and dropped
    dialog = view.attachments.dialog
    assert dialog.key == "4.1:watersheds#1"
    describe_and_add(qtbot, view, "小流域验收意见")
    (attached,) = session.attachments(FORM)
    assert (attached.key, attached.name, attached.note) == (
        "4.1:watersheds#1",
        "梅江小流域验收意见.pdf",
        "小流域验收意见",
    )
    assert attached.kind == "pdf" and attached.size == pdf.stat().st_size
    item = view.attachments.list.item(0)
    assert "梅江小流域验收意见.pdf" in item.text() and "第1行" in item.text()
    assert "小流域验收意见" in item.text()
    session.recheck_now()
    assert not [p for p in session.problems if p.id == "evidence:4.1:watersheds#1"]


def test_files_dropped_on_an_indicator_go_to_the_indicator(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    png = make_png(tmp_path / "现场照片.png")
    docx = make_docx(tmp_path / "会议纪要.docx")
    editor = view.indicators.editors[f"{FORM}:soil_water_demos"]
    entered, dropped = drop_files(editor.input, editor.input.rect().center(), png, docx)
    assert entered and dropped
    assert view.attachments.dialog.key == f"{FORM}:soil_water_demos"
    assert editor.input.text() == "", "the line edit did not take the files' paths as text"
    describe_and_add(qtbot, view, "现场照片", "会议纪要")
    assert [(a.key, a.kind) for a in view.session.attachments(FORM)] == [
        (f"{FORM}:soil_water_demos", "png"),
        (f"{FORM}:soil_water_demos", "docx"),
    ]
    assert view.attachments.list.count() == 2


def test_a_drop_elsewhere_on_the_form_goes_to_the_form(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "工作方案.pdf")
    entered, dropped = drop_files(view.page, QPoint(5, 5), pdf)
    assert entered and dropped
    assert view.attachments.dialog.key == FORM


def test_a_description_is_required_for_every_file(qtbot: Any, view: Any, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf")
    png = make_png(tmp_path / "b.png")
    drop_files(view.page, QPoint(5, 5), pdf, png)
    dialog = view.attachments.dialog
    assert not dialog.ok_button.isEnabled()
    assert "a.pdf" in dialog.missing.text() and "b.png" in dialog.missing.text()
    dialog.notes[0].setFocus()
    type_text(qtbot, dialog.notes[0], "验收意见")
    dialog.notes[1].setFocus()
    type_text(qtbot, dialog.notes[1], "   ")  # blanks are no description
    assert not dialog.ok_button.isEnabled()
    assert "b.png" in dialog.missing.text() and "a.pdf" not in dialog.missing.text()
    qtbot.keyClick(dialog.notes[1], Qt.Key.Key_Return)  # Enter does not slip past the check
    assert dialog.isVisible() and view.session.attachments(FORM) == []
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert view.session.attachments(FORM) == []


def test_a_refused_type_is_reported_by_name_and_nothing_is_attached(
    qtbot: Any, view: Any, tmp_path: Path, no_dialogs: list[tuple[str, str]]
) -> None:
    fake = tmp_path / "验收报告.pdf"
    fake.write_bytes(b"MZ" + b"\x00" * 200)  # an executable that calls itself a PDF
    drop_files(view.page, QPoint(5, 5), fake)
    describe_and_add(qtbot, view, "验收报告")
    assert view.session.attachments(FORM) == []
    ((title, text),) = no_dialogs
    assert "验收报告.pdf" in text and "可执行程序" in text


def test_thumbnails_of_a_real_pdf_and_png_and_an_icon_for_a_document(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    from ecodesk.ui.widgets.attachment_thumbnails import kind_icon, render_thumbnail

    pdf = make_pdf(tmp_path / "验收.pdf")
    png = make_png(tmp_path / "photo.png", colour=(200, 30, 30))  # 48 × 32, red
    docx = make_docx(tmp_path / "纪要.docx")
    page = render_thumbnail(pdf, "pdf")
    assert (page.width(), page.height()) == (51, 72)  # A4 stands upright
    assert page.pixelColor(2, 2).name() == "#ffffff"  # the page's white, not the icon's frame
    photo = render_thumbnail(png, "png")
    assert (photo.width(), photo.height()) == (72, 48)
    assert photo.pixelColor(36, 24).red() > 180 and photo.pixelColor(36, 24).green() < 60
    assert render_thumbnail(docx, "docx") == kind_icon("docx")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    assert render_thumbnail(broken, "pdf") == kind_icon("pdf")

    drop_files(view.page, QPoint(5, 5), pdf, png)
    describe_and_add(qtbot, view, "验收意见", "现场照片")
    cache = view.attachments.thumbnails
    for attachment in view.session.attachments(FORM):
        qtbot.waitUntil(lambda a=attachment: cache.get(a.sha256) is not None, timeout=10_000)
    icon = view.attachments.list.item(1).icon().pixmap(72, 72).toImage()
    assert icon.pixelColor(36, 36).red() > 180  # the photo itself, not the PNG icon
    rendered = cache.rendered
    view.attachments.show_attachments()  # a second showing reuses the cache
    assert cache.rendered == rendered


class _Viewer(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.urls.append(url)


def test_double_click_opens_a_read_only_copy_under_its_own_name(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "验收意见.pdf")
    drop_files(view.page, QPoint(5, 5), pdf)
    describe_and_add(qtbot, view, "验收意见")
    pdf.unlink()  # the clerk deletes the original: the evidence is kept
    viewer = _Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")
    try:
        panel = view.attachments
        centre = panel.list.visualItemRect(panel.list.item(0)).center()
        # as a mouse does it: a click, then the second press that Qt reports as a double-click
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mousePress(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    (url,) = viewer.urls
    opened = Path(url.toLocalFile())
    assert opened.name == "验收意见.pdf"
    assert opened.read_bytes().startswith(b"%PDF")
    assert not opened.stat().st_mode & stat.S_IWUSR


def test_removing_goes_through_the_undo_stack(qtbot: Any, view: Any, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "验收意见.pdf")
    drop_files(view.page, QPoint(5, 5), pdf)
    describe_and_add(qtbot, view, "验收意见")
    panel = view.attachments
    window = view.window()
    window.activateWindow()  # back from the dialog
    qtbot.waitUntil(window.isActiveWindow)
    panel.list.setCurrentRow(0)
    assert panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert view.session.attachments(FORM) == [] and panel.list.count() == 0
    focus = QApplication.focusWidget()
    assert focus is panel.attach_button, "the emptied list hands the focus to 附件…"
    qtbot.keyClick(focus, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (back,) = view.session.attachments(FORM)
    assert back.name == "验收意见.pdf" and panel.list.count() == 1
    qtbot.keyClick(focus, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert view.session.attachments(FORM) == []


def test_a_signed_revision_cannot_lose_or_gain_attachments(
    qtbot: Any, view: Any, store: Any, tmp_path: Path, no_dialogs: list[tuple[str, str]]
) -> None:
    pdf = make_pdf(tmp_path / "验收意见.pdf")
    drop_files(view.page, QPoint(5, 5), pdf)
    describe_and_add(qtbot, view, "验收意见")
    period = view.session.period
    store.mark_signed(period, 1, fingerprint="AB:CD", digest="0" * 64, workbook_path=None)
    view.session.reload()
    panel = view.attachments
    panel.list.setCurrentRow(0)
    assert not panel.remove_button.isEnabled() and not panel.attach_button.isEnabled()
    assert "已签名" in panel.remove_button.toolTip() and "已签名" in panel.hint.text()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert len(view.session.attachments(FORM)) == 1
    drop_files(view.page, QPoint(5, 5), make_png(tmp_path / "more.png"))
    assert panel.dialog is None and "已签名" in no_dialogs[-1][1]


def test_the_button_proposes_the_row_the_clerk_was_in(
    qtbot: Any, view: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    pdf = make_pdf(tmp_path / "青塘小流域在建照片.pdf")
    asked: list[str] = []

    def choose(_parent: Any, _title: str, _folder: str, patterns: str) -> tuple[list[str], str]:
        asked.append(patterns)
        return [str(pdf)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(choose))
    table = view.tables[f"{FORM}:watersheds"]
    table.focus_cell(1, "name")  # the clerk was in the second row
    qtbot.mouseClick(view.attachments.attach_button, Qt.MouseButton.LeftButton)
    assert "*.pdf" in asked[0] and "*.ofd" in asked[0] and "*.exe" not in asked[0]
    assert view.attachments.dialog.key == f"{FORM}:watersheds#2"
    describe_and_add(qtbot, view, "在建现场照片")
    assert [a.key for a in view.session.attachments(FORM)] == [f"{FORM}:watersheds#2"]


def test_a_picture_too_large_to_decode_gets_the_icon(tmp_path: Path) -> None:
    import struct
    import zlib

    from ecodesk.ui.widgets.attachment_thumbnails import kind_icon, render_thumbnail

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    # 60000 × 60000 pixels declared (14 GB decoded) in a file of a few hundred bytes
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    assert render_thumbnail(bomb, "png") == kind_icon("png")


def test_attaching_is_undone_and_redone_like_an_edit(qtbot: Any, view: Any, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "验收意见.pdf")
    help_before = view.help_strip.text()
    table = view.tables[f"{FORM}:watersheds"].view
    mime = _mime(pdf)
    move = QDragEnterEvent(
        table.visualRect(table.model().index(0, 0)).center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(table.viewport(), move)
    assert "梅江小流域" in view.help_strip.text()  # says where the drop would go
    QApplication.sendEvent(table.viewport(), QDragLeaveEvent())
    assert view.help_strip.text() == help_before
    drop_files(view.page, QPoint(5, 5), pdf)
    describe_and_add(qtbot, view, "验收意见")
    assert view.help_strip.text() == help_before
    stack = view.session.undo_stack(FORM)
    assert stack.undoText() == "添加附件“验收意见.pdf”"
    stack.undo()
    assert view.session.attachments(FORM) == [] and view.attachments.list.count() == 0
    stack.redo()
    (back,) = view.session.attachments(FORM)
    assert back.note == "验收意见" and view.attachments.list.count() == 1


def test_an_evidence_warning_offers_to_attach_to_its_claim(
    qtbot: Any, view: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from ecodesk.ui.widgets.problems_panel import PROBLEM_ROLE

    pdf = make_pdf(tmp_path / "验收意见.pdf")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(pdf)], ""))
    )
    window = view.window()
    view.session.edit_value(f"{FORM}:soil_water_demos", "好几个", "test")  # an error, not a claim
    view.session.recheck_now()
    panel = window.problems
    panel.all_forms.setChecked(True)
    items = [panel.list.topLevelItem(i) for i in range(panel.list.topLevelItemCount())]
    other = next(i for i in items if not i.data(0, PROBLEM_ROLE).id.startswith("evidence:"))
    panel.list.setCurrentItem(other)
    assert not panel.attach_button.isEnabled()  # only a claim that needs evidence offers it
    claim = next(i for i in items if i.data(0, PROBLEM_ROLE).id == "evidence:4.1:watersheds#1")
    panel.list.setCurrentItem(claim)
    assert panel.attach_button.isEnabled()
    qtbot.mouseClick(panel.attach_button, Qt.MouseButton.LeftButton)
    assert view.attachments.dialog.key == "4.1:watersheds#1"
    describe_and_add(qtbot, view, "验收意见")
    assert not [p for p in view.session.problems if p.id == "evidence:4.1:watersheds#1"]


def test_rows_and_indicators_with_evidence_are_marked(
    qtbot: Any, view: Any, tmp_path: Path
) -> None:
    from PySide6.QtGui import QIcon

    model = view.tables[f"{FORM}:watersheds"].model
    label = view.indicators.labels[f"{FORM}:soil_water_demos"]
    assert model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole) is None
    assert "附件" not in label.text()
    table = view.tables[f"{FORM}:watersheds"].view
    drop_files(
        table.viewport(),
        table.visualRect(table.model().index(0, 0)).center(),
        make_pdf(tmp_path / "a.pdf"),
    )
    describe_and_add(qtbot, view, "验收意见")
    editor = view.indicators.editors[f"{FORM}:soil_water_demos"]
    drop_files(editor.input, editor.input.rect().center(), make_png(tmp_path / "b.png"))
    describe_and_add(qtbot, view, "照片")
    assert isinstance(
        model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole), QIcon
    )
    assert "1 个" in model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(1, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole) is None
    assert "附件 1" in label.text()
    view.session.undo_stack(FORM).undo()  # the photo goes: the indicator's mark goes with it
    assert "附件" not in label.text()


def _panel_rows(view: Any) -> dict[str, str]:
    """What the panel shows: each file's name → the watershed on the row the panel names."""
    import re

    rows = view.tables[f"{FORM}:watersheds"].model.rows()
    shown = {}
    for i in range(view.attachments.list.count()):
        text = view.attachments.list.item(i).text()
        match = re.search(r"第(\d+)行", text)
        assert match, text
        name = next(a.name for a in view.session.attachments(FORM) if a.name in text)
        shown[name] = rows[int(match[1]) - 1]["name"]
    return shown


def test_deleting_a_row_keeps_the_files_of_the_others_on_their_rows_and_ctrl_z_restores_it(
    qtbot: Any, view: Any, store: Any, tmp_path: Path
) -> None:
    from ecodesk.attachments import attach

    three = [*WATERSHEDS, {**WATERSHEDS[1], "name": "石上小流域", "location": "石上镇"}]
    session = view.session
    session.edit_rows(FORM, "watersheds", three, "third row")
    files = {}
    for n, row in enumerate(three, start=1):
        path = make_pdf(tmp_path / f"{row['name']}验收.pdf", text=row["location"])
        attach(store, session.period, f"{FORM}:watersheds#{n}", path, f"{row['name']}验收")
        files[path.name] = row["name"]
    session.reload()
    assert _panel_rows(view) == files
    editor = view.tables[f"{FORM}:watersheds"]
    table = editor.view
    window = view.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(0, 0)).center(),
    )
    assert editor._selected_rows() == [0]
    notices: list[str] = []
    session.notice.connect(notices.append)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert [r["name"] for r in editor.model.rows()] == ["青塘小流域", "石上小流域"]
    # the clerk is told the file went with its row, and how to get both back
    assert notices == ["删除的行上有 1 个附件，已随行一起移除；按 Ctrl+Z 可连同附件恢复。"]
    assert window.statusBar().currentMessage() == notices[0]
    assert _panel_rows(view) == {k: v for k, v in files.items() if v != "梅江小流域"}
    assert [a.key for a in session.attachments(FORM)] == [
        f"{FORM}:watersheds#1",
        f"{FORM}:watersheds#2",
    ]
    # the store agrees (another window, the export, read it from there)
    from ecodesk.attachments import list_attachments

    assert sorted(a.key for a in list_attachments(store, session.period)) == [
        f"{FORM}:watersheds#1",
        f"{FORM}:watersheds#2",
    ]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r["name"] for r in editor.model.rows()] == [r["name"] for r in three]
    assert _panel_rows(view) == files
    assert view.attachments.list.count() == 3
    qtbot.keyClick(table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # and again
    assert _panel_rows(view) == {k: v for k, v in files.items() if v != "梅江小流域"}
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _panel_rows(view) == files
    assert sorted(a.key for a in list_attachments(store, session.period)) == [
        f"{FORM}:watersheds#{n}" for n in (1, 2, 3)
    ]


def test_a_row_inserted_above_moves_the_files_down_with_their_rows(
    qtbot: Any, view: Any, store: Any, tmp_path: Path
) -> None:
    from ecodesk.attachments import attach

    session = view.session
    files = {}
    for n, row in enumerate(WATERSHEDS, start=1):
        path = make_pdf(tmp_path / f"{row['name']}验收.pdf", text=row["location"])
        attach(store, session.period, f"{FORM}:watersheds#{n}", path, f"{row['name']}验收")
        files[path.name] = row["name"]
    session.reload()
    editor = view.tables[f"{FORM}:watersheds"]
    table = editor.view
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.model().index(0, 0)).center(),
    )
    qtbot.mouseClick(editor.insert_button, Qt.MouseButton.LeftButton)
    assert [r["name"] for r in editor.model.rows()] == ["", "梅江小流域", "青塘小流域"]
    assert _panel_rows(view) == files
    assert sorted(a.key for a in session.attachments(FORM)) == [
        f"{FORM}:watersheds#2",
        f"{FORM}:watersheds#3",
    ]
    assert table.currentIndex().row() == 0  # the new row, ready to be typed in
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [r["name"] for r in editor.model.rows()] == ["梅江小流域", "青塘小流域"]
    assert _panel_rows(view) == files
