"""The menu operations run the real core services off the UI thread and report in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from ecodesk.signing.keys import group_fingerprint
from ecodesk.ui.dialogs.restore_dialog import RestoreDialog
from tests.ui.conftest import click, when_modal


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch) -> Any:
    def choose(path: Path) -> None:
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
        )
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
        )

    return choose


def test_backup_then_restore_brings_old_values_back(
    qtbot: Any,
    store: Any,
    open_window: Any,
    pack: Any,
    tmp_path: Path,
    save_to: Any,
    no_dialogs: list[Any],
) -> None:
    key = next(f.key for f in pack.input_fields("1.1", "360730") if f.type == "number")
    period = store.current_period()
    store.set_value(period, key, "100")
    window = open_window(store)
    backup = tmp_path / "备份.sqlite3"
    save_to(backup)
    window.operations.actions["backup"].trigger()
    qtbot.waitUntil(lambda: any(title == "备份完成" for title, _ in no_dialogs), timeout=10_000)
    assert backup.exists()

    window.session.edit_value(key, "999", "test")
    assert window.session.store.load(period).value(key) == "999"

    def choose_file(dialog: RestoreDialog) -> None:
        click(qtbot, dialog.other)  # 选择其他备份文件… (the file dialog answers with the backup)
        when_modal(
            qtbot,
            QMessageBox,
            lambda box: click(qtbot, box.button(box.StandardButton.Yes)),
            "确认恢复",
        )
        click(qtbot, dialog.restore_button)

    when_modal(qtbot, RestoreDialog, choose_file)
    window.operations.actions["restore"].trigger()
    qtbot.waitUntil(lambda: any(title == "恢复完成" for title, _ in no_dialogs), timeout=10_000)
    assert window.session.value(key) == "100"
    assert window.session.store.load(period).value(key) == "100"
    window.session.store.close()


def test_restore_refuses_a_file_that_is_not_a_backup(
    qtbot: Any,
    store: Any,
    open_window: Any,
    pack: Any,
    tmp_path: Path,
    save_to: Any,
    no_dialogs: list[Any],
) -> None:
    key = next(f.key for f in pack.input_fields("1.1", "360730") if f.type == "number")
    store.set_value(store.current_period(), key, "42")
    junk = tmp_path / "不是备份.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    window = open_window(store)
    save_to(junk)
    refused: list[str] = []

    def choose_junk(dialog: RestoreDialog) -> None:
        click(qtbot, dialog.other)
        when_modal(
            qtbot,
            QMessageBox,
            lambda box: click(qtbot, box.button(box.StandardButton.Yes)),
            "确认恢复",
        )
        click(qtbot, dialog.restore_button)
        refused.append(dialog.message.text())
        dialog.reject()

    when_modal(qtbot, RestoreDialog, choose_junk)
    window.operations.actions["restore"].trigger()
    message = refused[0]
    assert "Traceback" not in message and message
    # nothing saved is lost, and the window keeps working on the same data
    assert window.session.store.load(window.session.period).value(key) == "42"
    window.session.edit_value(key, "43", "test")
    assert window.session.store.load(window.session.period).value(key) == "43"
    window.session.store.close()


def test_print_previews_a_fresh_sheet_from_the_data_folders_cache(
    qtbot: Any,
    store: Any,
    open_window: Any,
    data_dir: Path,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.ui.dialogs.print_preview_dialog import PrintPreviewDialog

    shown: list[tuple[Path, int, str]] = []
    monkeypatch.setattr(
        PrintPreviewDialog,
        "exec",
        lambda self: shown.append((self.pdf, len(self.pages), self.suggested.name)) or 0,
    )
    window = open_window(store)
    for printed in (1, 2):  # the second print replaces the first in the cache
        window.operations.actions["print"].trigger()
        qtbot.waitUntil(lambda n=printed: len(shown) == n or bool(no_dialogs), timeout=20_000)
    assert no_dialogs == []
    (first, _, _), (pdf, pages, name) = shown
    assert pdf.parent == data_dir / "cache" / "print" and pdf.read_bytes().startswith(b"%PDF")
    assert not first.exists() and list(pdf.parent.iterdir()) == [pdf]
    assert pages >= 1 and name.startswith("宁都县工信局_") and name.endswith("_第1版.pdf")


def test_export_refuses_while_errors_remain(
    store: Any, open_window: Any, no_dialogs: list[Any]
) -> None:
    window = open_window(store)
    window.operations.actions["export"].trigger()
    assert no_dialogs and no_dialogs[0][0] == "还不能签名"
    assert window.problems.all_forms.isChecked()
    assert not window.session.frozen


def test_signed_export_of_demo_data_freezes_the_period(
    qtbot: Any,
    data_dir: Path,
    pack: Any,
    open_window: Any,
    tmp_path: Path,
    save_to: Any,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.verify import verify_workbook
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from tests.ui.conftest import type_text

    def answer(dialog: PassphraseDialog) -> int:
        assert dialog.creating_key, "no key yet: the passphrase is asked twice"
        type_text(qtbot, dialog.passphrase, "赣州生态2026")
        type_text(qtbot, dialog.repeat, "赣州生态2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    with Store.open(data_dir, pack=pack) as store:
        fill_demo(store, "360730")
        window = open_window(store)
        out = tmp_path / "报表.xlsx"
        save_to(out)
        signed: list[tuple[str, list[str]]] = []

        def close_signed(box: QMessageBox) -> None:
            signed.append((box.text(), [b.text() for b in box.buttons()]))
            click(qtbot, box.button(QMessageBox.StandardButton.Close))

        when_modal(qtbot, QMessageBox, close_signed, "已签名导出")
        window.operations.actions["export"].trigger()
        qtbot.waitUntil(lambda: bool(signed), timeout=30_000)
        assert no_dialogs == []
        text, buttons = signed[0]
        # the fingerprint reads as on the printed sheet; next steps are offered
        fingerprint = window.session.store.signature(window.session.period, 1)[0]
        assert group_fingerprint(fingerprint) in text
        assert "打印已签名的报送单" in buttons and "打开所在文件夹" in buttons
        assert window.session.frozen
        assert window.operations.actions["export_again"].isEnabled()
        assert "只读" in window.windowTitle()

        # the key registration the level above needs, then verifying as the level above does
        registry = tmp_path / "registry"
        registry.mkdir()
        monkeypatch.setattr(
            QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(registry))
        )
        window.operations.actions["public_key"].trigger()
        qtbot.waitUntil(lambda: len(no_dialogs) == 1, timeout=20_000)
        assert no_dialogs[0][0] == "已导出密钥登记文件", no_dialogs
        assert list(registry.glob("*.ecodesk-key.json"))

        from ecodesk.ui.dialogs.verify_results_dialog import VerifyResultsDialog

        shown: list[list[str]] = []
        monkeypatch.setattr(
            QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(out)], ""))
        )
        monkeypatch.setattr(
            VerifyResultsDialog,
            "exec",
            lambda d: (
                shown.append(
                    [d.list.topLevelItem(i).text(1) for i in range(d.list.topLevelItemCount())]
                )
                or 0
            ),
        )
        window.operations.actions["verify"].trigger()
        qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
        expected = verify_workbook(out, registry)
        assert expected.status == "valid"
        assert shown == [[expected.message]]


def test_import_last_years_workbook_fills_the_last_year_column(
    qtbot: Any,
    store: Any,
    open_window: Any,
    pack: Any,
    tmp_path: Path,
    save_to: Any,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.demo import sample_submission
    from ecodesk.services.export import export_submission
    from ecodesk.store import Store
    from ecodesk.submission import Period
    from ecodesk.ui.dialogs.import_preview_dialog import ImportPreviewDialog
    from tests.ui.conftest import PROFILE

    # last year's signed workbook, made by the same unit on another machine
    other = tmp_path / "other-machine"
    other.mkdir()
    with Store.open(other, pack=pack) as old:
        old.save_profile(PROFILE)
        last_year = sample_submission(pack, PROFILE.division_code, Period(2025))
        old.write_submission(last_year)
        workbook = tmp_path / "2025年报送.xlsx"
        export_submission(
            old,
            Period(2025),
            workbook,
            passphrase="赣州生态2025",
            data_dir=other,
            late_reason="补报",  # 2025 is past its due date whenever this runs
        )

    seen: list[bool] = []

    shown_cells: list[str] = []

    def confirm(dialog: ImportPreviewDialog) -> int:
        # no key registry here: the signer is unknown, so the clerk must confirm explicitly
        seen.append(dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled())
        table = dialog.values
        shown_cells.extend(
            table.item(r, c).text()
            for r in range(table.rowCount())
            for c in range(table.columnCount())
        )
        assert dialog.confirm is not None
        dialog.confirm.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ImportPreviewDialog, "exec", confirm)
    store.set_current_period(Period(2026))
    window = open_window(store)
    save_to(workbook)
    window.operations.actions["import"].trigger()
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=30_000)
    assert no_dialogs[0][0] == "已导入", no_dialogs
    assert seen == [False]
    key = next(
        f.key
        for f in pack.input_fields("1.1", PROFILE.division_code)
        if f.type == "number" and last_year.value(f.key)
    )
    assert window.session.previous(key) == last_year.value(key)
    window.tree.select_form("1.1")
    assert window.views["1.1"].indicators.previous_labels[key].text() == last_year.value(key)
    # the preview read like a document: form titles and indicator names, no internal keys
    assert shown_cells and f"1.1 {pack.form('1.1').title}" in shown_cells
    assert pack.input_field(key).label in shown_cells
    assert not any(":" in cell and cell.split(":")[0] in pack.forms for cell in shown_cells)

    # undo it from the window: 撤销导入 is enabled now, and greyed again once undone
    undo = window.operations.actions["undo_import"]
    assert undo.isEnabled()
    undo.trigger()  # the question is answered 是 (no_dialogs)
    qtbot.waitUntil(lambda: any(t == "已撤销导入" for t, _ in no_dialogs), timeout=20_000)
    asked = next(text for t, text in no_dialogs if t == "撤销导入")
    assert workbook.name in asked
    assert window.session.previous(key) in (None, "")
    assert not undo.isEnabled()


def test_signed_period_is_exported_again_after_the_passphrase_is_checked_first(
    qtbot: Any,
    data_dir: Path,
    pack: Any,
    open_window: Any,
    tmp_path: Path,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.services.keys import export_public_key
    from ecodesk.services.verify import verify_workbook
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from tests.ui.conftest import type_text

    asked_for_file: list[str] = []
    again = tmp_path / "再次导出.xlsx"

    def save_dialog(*args: Any, **kwargs: Any) -> tuple[str, str]:
        asked_for_file.append("save")
        return str(again), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    seen: list[str] = []

    def answer(dialog: PassphraseDialog) -> int:
        assert not dialog.creating_key
        dialog.show()
        type_text(qtbot, dialog.passphrase, "wrong-passphrase")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        click(qtbot, ok)
        # found out at once, in the dialog, before any file is chosen
        seen.append(dialog.message.text())
        assert asked_for_file == [] and dialog.result() == 0
        assert dialog.forgotten.isVisible()  # the way out when it is truly forgotten
        dialog.passphrase.clear()
        type_text(qtbot, dialog.passphrase, "赣州生态2026")
        click(qtbot, ok)
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    with Store.open(data_dir, pack=pack) as store:
        fill_demo(store, "360730")
        period = store.current_period()
        first = tmp_path / "第一次.xlsx"
        assert store.load(period).status != "signed"
        export_submission(store, period, first, passphrase="赣州生态2026", data_dir=data_dir)
        registry = tmp_path / "registry"
        registry.mkdir()
        export_public_key(data_dir, store.profile(), registry)
        digest = store.signature(period, store.load(period).revision)
        window = open_window(store)
        assert window.session.frozen
        done: list[str] = []

        def close_signed(box: QMessageBox) -> None:
            done.append(box.text())
            click(qtbot, box.button(QMessageBox.StandardButton.Close))

        when_modal(qtbot, QMessageBox, close_signed, "已签名导出")
        window.operations.actions["export_again"].trigger()
        qtbot.waitUntil(lambda: bool(done), timeout=30_000)
        assert seen and "口令不正确" in seen[0]
        assert asked_for_file == ["save"]
        result = verify_workbook(again, registry)
        assert result.status == "valid", result.message
        # the same frozen revision: no correction revision, the same data as signed before
        assert store.load(period).revision == result.workbook.data.revision  # type: ignore[union-attr]
        assert store.signature(period, store.load(period).revision) == digest
        original = verify_workbook(first, registry).workbook.data  # type: ignore[union-attr]
        assert result.workbook.data.values == original.values  # type: ignore[union-attr]
        assert result.workbook.data.tables == original.tables  # type: ignore[union-attr]
        assert no_dialogs == []


def test_forgotten_passphrase_new_key_from_the_window_then_registration(
    qtbot: Any,
    store: Any,
    data_dir: Path,
    open_window: Any,
    tmp_path: Path,
    no_dialogs: list[Any],
    monkeypatch: Any,
) -> None:
    from ecodesk.signing.keys import KeyStore
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from tests.ui.conftest import type_text

    keys = KeyStore(data_dir)
    old = keys.create("忘掉的口令2025").fingerprint
    registry = tmp_path / "登记"
    registry.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(registry))
    )

    def new_passphrase(dialog: PassphraseDialog) -> int:
        assert dialog.creating_key and dialog.windowTitle() == "设定新口令"
        type_text(qtbot, dialog.passphrase, "新的口令2026")
        type_text(qtbot, dialog.repeat, "新的口令2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", new_passphrase)
    explained: list[str] = []

    def forgotten(box: QMessageBox) -> None:
        explained.append(box.text())
        click(qtbot, next(b for b in box.buttons() if b.text() == "旧口令已遗忘"))

    window = open_window(store)
    when_modal(qtbot, QMessageBox, forgotten, "更换签名密钥")
    window.operations.actions["rotate_key"].trigger()
    qtbot.waitUntil(lambda: any(t == "已导出密钥登记文件" for t, _ in no_dialogs), timeout=30_000)
    assert explained and "必须重新向上级登记" in explained[0]
    new = keys.fingerprint()
    assert new != old and old in {k.fingerprint for k in keys.retired()}
    asked = next(text for t, text in no_dialogs if t == "已更换签名密钥")
    assert group_fingerprint(new) in asked
    assert any(new in p.read_text(encoding="utf-8") for p in registry.glob("*.ecodesk-key.json"))
    keys.unlock("新的口令2026")  # the new key opens with the new passphrase
