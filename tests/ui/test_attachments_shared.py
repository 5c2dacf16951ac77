"""On a shared PostgreSQL store the form view of another PC shows, and opens, what PC A attached:
the thumbnail comes from the bytes fetched from the database (off the UI thread)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.attachments.files import make_png
from tests.postgresql import PostgresServer
from tests.ui.conftest import PROFILE

FORM = "1.1"


@pytest.fixture
def server(postgresql_server: PostgresServer) -> Iterator[str]:
    name = postgresql_server.new_database(migrated=True)
    try:
        yield postgresql_server.url(name)
    finally:
        postgresql_server.drop_database(name)


def test_pc_b_sees_the_thumbnail_of_a_photo_attached_on_pc_a(
    qtbot: Any, tmp_path: Path, server: str, pack: Any, no_dialogs: list[Any]
) -> None:
    from ecodesk.attachments import attach
    from ecodesk.store import Store
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow

    a, b = tmp_path / "PC-A", tmp_path / "PC-B"
    a.mkdir()
    b.mkdir()
    photo = make_png(tmp_path / "现场照片.png", colour=(211, 41, 17))  # bytes no other test has
    with Store.open(a, url=server, pack=pack) as store:
        store.save_profile(PROFILE)
        made = attach(store, store.current_period(), FORM, photo, "现场照片")
    application()
    store = Store.open(b, url=server, pack=pack)
    try:
        window = MainWindow(store, pack, b)
        qtbot.addWidget(window)
        window.show()
        window.show_all.setChecked(True)
        window.tree.select_form(FORM)
        panel = window.views[FORM].attachments
        assert panel.list.count() == 1
        cache = panel.thumbnails
        qtbot.waitUntil(lambda: cache.get(made.sha256) is not None, timeout=15_000)
        icon = panel.list.item(0).icon().pixmap(72, 72).toImage()
        assert icon.pixelColor(36, 36).red() > 180  # the photo itself, not the PNG icon
        stored = b / "attachments" / made.sha256[:2] / made.sha256
        assert stored.read_bytes() == photo.read_bytes()  # fetched into B's own folder
        window.close()
    finally:
        store.close()
    assert no_dialogs == []


def test_pc_b_opens_a_file_attached_on_pc_a_and_is_told_when_its_shared_copy_is_damaged(
    qtbot: Any, tmp_path: Path, server: str, pack: Any, no_dialogs: list[tuple[str, str]]
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from ecodesk.attachments import attach
    from ecodesk.store import Store
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow
    from tests.attachments.files import make_docx, make_pdf
    from tests.attachments.test_shared_store import _spoil
    from tests.ui.test_attachments_view import _Viewer

    a, b = tmp_path / "PC-A", tmp_path / "PC-B"
    a.mkdir()
    b.mkdir()
    pdf = make_pdf(tmp_path / "验收报告.pdf", text="shared")
    docx = make_docx(tmp_path / "会议纪要.docx", text="共用数据库")
    with Store.open(a, url=server, pack=pack) as store:
        store.save_profile(PROFILE)
        period = store.current_period()
        attach(store, period, FORM, pdf, "验收报告")
        spoilt = attach(store, period, FORM, docx, "会议纪要")
    _spoil(server, spoilt.sha256)
    application()
    store = Store.open(b, url=server, pack=pack)
    viewer = _Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")
    try:
        window = MainWindow(store, pack, b)
        qtbot.addWidget(window)
        window.show()
        window.show_all.setChecked(True)
        window.tree.select_form(FORM)
        panel = window.views[FORM].attachments
        assert panel.list.count() == 2
        panel.open_attachment(window.session.attachments(FORM)[0])
        ((url),) = viewer.urls
        assert Path(QUrl(url).toLocalFile()).read_bytes() == pdf.read_bytes()
        panel.open_attachment(window.session.attachments(FORM)[1])
        assert len(viewer.urls) == 1, "a damaged copy is never handed to a viewer"
        ((title, text),) = [d for d in no_dialogs if "会议纪要.docx" in d[1]]
        assert title == "无法打开附件" and "已损坏" in text
        window.close()
    finally:
        QDesktopServices.unsetUrlHandler("file")
        store.close()
