"""The consolidation window's 佐证材料 tab on real packages: each unit's files by form, opened
from the package by double-click, an altered file shown in red and not opened, and the claims
without evidence across units."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from ecodesk.store import settings
from tests.consolidation.evidence_units import (
    NINGDU,
    YUDU_EXPLANATION,
    EvidenceInbox,
    build_evidence_inbox,
)
from tests.ui.consolidation.test_window import open_consolidation


@pytest.fixture(scope="module")
def evidence_inbox(pack: Any, tmp_path_factory: pytest.TempPathFactory) -> EvidenceInbox:
    return build_evidence_inbox(pack, tmp_path_factory.mktemp("evidence"))


def _received(tmp_path: Path, store: Any, evidence_inbox: EvidenceInbox) -> Path:
    folder = tmp_path / "收到的报表"
    shutil.copytree(evidence_inbox.inbox, folder)
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(evidence_inbox.registry))
    return folder


class _Viewer(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.urls.append(url)


def _file_items(cw: Any) -> list[Any]:
    tree = cw.evidence.tree
    items = []
    for u in range(tree.topLevelItemCount()):
        unit = tree.topLevelItem(u)
        for f in range(unit.childCount()):
            form = unit.child(f)
            items += [form.child(i) for i in range(form.childCount())]
    return items


def _double_click(qtbot: Any, tree: Any, item: Any) -> None:
    tree.scrollToItem(item)
    centre = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mousePress(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_each_units_files_by_form_and_the_claims_without_evidence(
    qtbot: Any,
    store: Any,
    open_window: Any,
    tmp_path: Path,
    evidence_inbox: EvidenceInbox,
) -> None:
    _received(tmp_path, store, evidence_inbox)
    cw = open_consolidation(qtbot, open_window(store))
    tab = cw.tabs.indexOf(cw.evidence)
    assert cw.tabs.tabText(tab) == "佐证材料（2 项无佐证）"
    tree = cw.evidence.tree
    units = {tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())}
    assert any("宁都" in u and "2 个文件" in u for u in units)
    assert any("于都" in u and "无附件" in u for u in units)
    files = _file_items(cw)
    assert [(i.parent().text(0)[:3], i.text(0), i.text(2), i.text(4)) for i in files] == [
        ("4.1", "梅江小流域验收意见.pdf", "小流域验收意见", "一致"),
        ("4.1", "青塘小流域现场照片.png", "现场照片", "一致"),
    ]
    claims = cw.evidence.claims
    rows = {
        claims.item(r, 3).text(): [claims.item(r, c).text() for c in range(6)]
        for r in range(claims.rowCount())
    }
    assert set(rows) == {"已完成核算", "已建成"}
    assert "宁都" in rows["已完成核算"][0] and rows["已完成核算"][5] == "（未说明）"
    assert "于都" in rows["已建成"][0] and rows["已建成"][5] == YUDU_EXPLANATION
    assert "贡江小流域" in rows["已建成"][2]

    viewer = _Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")
    try:
        cw.tabs.setCurrentIndex(tab)
        _double_click(qtbot, tree, files[0])
    finally:
        QDesktopServices.unsetUrlHandler("file")
    (url,) = viewer.urls
    opened = Path(url.toLocalFile())
    assert opened.read_bytes() == evidence_inbox.pdf_bytes
    assert opened.name.endswith("梅江小流域验收意见.pdf")


def test_an_altered_file_is_shown_in_red_and_not_opened(
    qtbot: Any,
    store: Any,
    open_window: Any,
    tmp_path: Path,
    evidence_inbox: EvidenceInbox,
    no_dialogs: list[Any],
) -> None:
    folder = _received(tmp_path, store, evidence_inbox)
    package = folder / evidence_inbox.packages[NINGDU].name
    altered = package.with_suffix(".tmp")
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(altered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".pdf"):
                data = data[:200] + bytes([data[200] ^ 1]) + data[201:]  # one bit of the report
            dst.writestr(info, data)
    altered.replace(package)
    cw = open_consolidation(qtbot, open_window(store))
    pdf_item = next(i for i in _file_items(cw) if i.text(0).endswith(".pdf"))
    assert pdf_item.text(4) == "与签名不符"
    assert pdf_item.foreground(0).color().name() == "#c62828"
    viewer = _Viewer()
    QDesktopServices.setUrlHandler("file", viewer, "show")
    try:
        cw.tabs.setCurrentIndex(cw.tabs.indexOf(cw.evidence))
        _double_click(qtbot, cw.evidence.tree, pdf_item)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert viewer.urls == []
    assert no_dialogs and no_dialogs[-1][0] == "无法打开附件"
