"""Recovery without a command line: a damaged database at start-up, restore from the menu,
undo an import, a new key for a forgotten passphrase, the baseline template, Qt's Chinese."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from tests.ui.conftest import PROFILE, click, when_modal


def wreck(db: Path) -> None:
    """Keep SQLite's header, scramble every page after the first: 'disk image is malformed'."""
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data)):
        data[i] = 0x5A if i % 7 else 0x00
    db.write_bytes(bytes(data))


def _drop_file_log(data_dir: Path) -> None:
    root = logging.getLogger()
    for handler in [
        h for h in root.handlers if str(data_dir) in str(getattr(h, "baseFilename", ""))
    ]:
        root.removeHandler(handler)
        handler.close()


def damaged_data_folder(data_dir: Path, pack: Any) -> tuple[Path, str]:
    """A data folder whose database is damaged, with yesterday's good copy among the backups."""
    from ecodesk.store import Store
    from ecodesk.store.backup import backups_dir, copy_database

    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(PROFILE)
        key = next(f.key for f in pack.input_fields("1.1", "360730") if f.type == "number")
        store.set_value(store.current_period(), key, "321")
        db = store.db_path
    # today's automatic copy was made when the folder was first opened (still empty): replace it
    copy_database(db, backups_dir(db) / f"daily-{date.today():%Y-%m-%d}.sqlite3")
    wreck(db)
    return db, key


def test_damaged_database_at_start_up_offers_a_restore_and_restores(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.store import Store
    from ecodesk.ui.app import application, run_app
    from ecodesk.ui.dialogs.restore_dialog import RestoreDialog
    from ecodesk.ui.main_window import MainWindow

    application()
    db, key = damaged_data_folder(data_dir, pack)
    shown: dict[str, Any] = {}

    def in_dialog(dialog: RestoreDialog) -> None:
        shown["title"] = dialog.windowTitle()
        shown["texts"] = " ".join(
            w.text()
            for w in dialog.findChildren(QWidget)
            if hasattr(w, "text") and isinstance(w.text(), str)
        )
        shown["backups"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        when_modal(qtbot, QMessageBox, confirm, "确认恢复")
        click(qtbot, dialog.restore_button)

    def confirm(box: QMessageBox) -> None:
        shown["confirm"] = [b.text() for b in box.buttons()]
        when_modal(qtbot, QMessageBox, done, "恢复完成")
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))

    def done(box: QMessageBox) -> None:
        shown["done"] = box.text()
        click(qtbot, box.buttons()[0])

    when_modal(qtbot, RestoreDialog, in_dialog)
    opened: list[str] = []

    def event_loop(app: Any) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        opened.append(window.session.value(key))
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert run_app(str(data_dir)) == 0
    _drop_file_log(data_dir)
    # the dialog spoke Chinese only, listed the automatic backup by date, confirmed with 是/否
    assert shown["title"] == "数据文件已损坏"
    assert "malformed" not in shown["texts"] and "ecodesk restore" not in shown["texts"]
    assert shown["backups"] and shown["backups"][0].startswith(f"{date.today():%Y-%m-%d}")
    assert "每日自动备份" in shown["backups"][0]
    assert sorted(shown["confirm"]) == sorted(["是", "否"]) or "是(&Y)" in shown["confirm"]
    assert "已从备份恢复" in shown["done"]
    # the window opened on the restored data; the damaged file was kept aside, not deleted
    assert opened == ["321"]
    assert list((data_dir / "backups").glob("before-restore-*.sqlite3"))
    with Store.open(data_dir, pack=pack) as store:
        assert store.load(store.current_period()).value(key) == "321"


def test_damaged_database_quit_leaves_everything_as_it_was(
    qtbot: Any, data_dir: Path, pack: Any, monkeypatch: Any
) -> None:
    from ecodesk.ui.app import application, run_app
    from ecodesk.ui.dialogs.restore_dialog import RestoreDialog

    application()
    db, _ = damaged_data_folder(data_dir, pack)
    before = db.read_bytes()
    when_modal(
        qtbot,
        RestoreDialog,
        lambda d: click(qtbot, d.findChild(QPushButton, "quit")),
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert run_app(str(data_dir)) == 1
    _drop_file_log(data_dir)
    assert db.read_bytes() == before


def test_restore_dialog_shows_the_cores_refusal_and_changes_nothing(
    qtbot: Any, data_dir: Path, pack: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from ecodesk.services.recovery import restore_backup
    from ecodesk.ui.app import application
    from ecodesk.ui.dialogs.restore_dialog import RestoreDialog

    application()
    db, _ = damaged_data_folder(data_dir, pack)
    before = db.read_bytes()
    junk = tmp_path / "不是备份.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(junk), ""))
    )
    dialog = RestoreDialog(data_dir, lambda p: restore_backup(data_dir, p), damaged=True)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.other)
    assert dialog.chosen() == junk
    when_modal(
        qtbot, QMessageBox, lambda box: click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    )
    click(qtbot, dialog.restore_button)
    assert dialog.isVisible() and dialog.result() == 0
    assert "不能用" in dialog.message.text() and "当前数据没有任何改动" in dialog.message.text()
    assert db.read_bytes() == before


def test_qt_standard_buttons_speak_chinese(qtbot: Any) -> None:
    from ecodesk.ui.app import application

    application()
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "t",
        "t",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Ok
        | QMessageBox.StandardButton.Cancel,
    )
    qtbot.addWidget(box)
    texts = {
        b: box.button(b).text().replace("(&Y)", "").replace("(&N)", "")
        for b in (
            QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Ok,
            QMessageBox.StandardButton.Cancel,
        )
    }
    assert texts[QMessageBox.StandardButton.Yes] == "是"
    assert texts[QMessageBox.StandardButton.No] == "否"
    assert texts[QMessageBox.StandardButton.Ok] == "确定"
    assert texts[QMessageBox.StandardButton.Cancel] == "取消"
