"""The window's export with evidence attached: the save dialog offers a package, the package is written."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.conftest import click, when_modal


def test_export_with_attachments_offers_and_writes_a_package(
    qtbot: Any,
    data_dir: Path,
    pack: Any,
    open_window: Any,
    tmp_path: Path,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.attachments import attach
    from ecodesk.demo import fill_demo
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from tests.attachments.files import make_pdf
    from tests.ui.conftest import type_text

    def answer(dialog: PassphraseDialog) -> int:
        type_text(qtbot, dialog.passphrase, "赣州生态2026")
        type_text(qtbot, dialog.repeat, "赣州生态2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    offered: list[tuple[str, str]] = []
    out = tmp_path / "报送包.zip"

    def save_dialog(parent: Any, title: str, suggested: str, kinds: str) -> tuple[str, str]:
        offered.append((suggested, kinds))
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    with Store.open(data_dir, pack=pack) as store:
        fill_demo(store, "360730")
        period = store.current_period()
        attach(store, period, "1.1", make_pdf(tmp_path / "验收报告.pdf"), "项目验收报告")
        window = open_window(store)
        signed: list[str] = []

        def close_signed(box: QMessageBox) -> None:
            signed.append(box.text())
            click(qtbot, box.button(QMessageBox.StandardButton.Close))

        when_modal(qtbot, QMessageBox, close_signed, "已签名导出")
        window.operations.actions["export"].trigger()
        qtbot.waitUntil(lambda: bool(signed), timeout=30_000)
    assert no_dialogs == []
    ((suggested, kinds),) = offered
    assert suggested.endswith(".zip") and "*.zip" in kinds
    assert "这是一个报送包：签名报表和 1 个附件" in signed[0] and str(out) in signed[0]
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == ["报送包.xlsx", "附件/1.1 推动传统产业改造升级 - 验收报告.pdf"]


def test_import_of_last_year_offers_and_reads_a_package(
    qtbot: Any,
    data_dir: Path,
    pack: Any,
    open_window: Any,
    tmp_path: Path,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    """文件 → 导入上年数据: the dialog lets the clerk pick last year's package (.zip) as well as
    a workbook or the city's template (.xlsx), and the package chosen is read and previewed."""
    from ecodesk.attachments import attach
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.store import Store
    from ecodesk.submission import Period
    from ecodesk.ui.dialogs.import_preview_dialog import ImportPreviewDialog
    from tests.attachments.files import make_pdf
    from tests.ui.conftest import PROFILE
    from tests.workbook.helpers import PASSPHRASE

    last_year = Period(2025)
    office = tmp_path / "last-years-pc"  # where last year's package was made and signed
    with Store.open(office, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        store.new_revision(last_year, "补充佐证材料")
        attach(store, last_year, "1.1", make_pdf(tmp_path / "验收报告.pdf"), "项目验收报告")
        package = export_submission(
            store, last_year, tmp_path / "2025年报送包.zip", passphrase=PASSPHRASE, data_dir=office
        ).path
    assert package.suffix == ".zip"
    offered: list[str] = []

    def open_dialog(parent: Any, title: str, folder: str, kinds: str) -> tuple[str, str]:
        offered.append(kinds)
        return str(package), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_dialog))
    previewed: list[Any] = []

    def look(dialog: ImportPreviewDialog) -> None:
        previewed.append(dialog.preview)
        dialog.reject()

    with Store.open(data_dir, pack=pack) as store:  # this year's PC, nothing of 2025 yet
        store.save_profile(PROFILE)
        window = open_window(store)
        assert window.session.period == Period(2026)
        when_modal(qtbot, ImportPreviewDialog, look)
        window.operations.actions["import"].trigger()
        qtbot.waitUntil(lambda: bool(previewed or no_dialogs), timeout=30_000)
    assert no_dialogs == []
    (kinds,) = offered
    first, *others = kinds.split(";;")
    assert "*.xlsx" in first and "*.zip" in first, "one entry shows workbooks and packages"
    assert any("*.zip" in k for k in others) and any("*.xlsx" in k for k in others)
    (preview,) = previewed
    assert preview.baseline_period == last_year
    assert preview.items, "the package's figures are offered for import"
