"""Settings → 数据库: the address of the office's server is saved for the next start, or refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from ecodesk.store.engine import resolve_url, saved_url_file
from ecodesk.ui.dialogs.database_dialog import DatabaseDialog


def _dialog(qtbot: Any, data_dir: Path) -> DatabaseDialog:
    dialog = DatabaseDialog(data_dir, resolve_url(data_dir))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(dialog: DatabaseDialog, text: str) -> None:
    dialog.address.selectAll()
    QTest.keyClick(dialog.address, Qt.Key.Key_Delete)
    QTest.keyClicks(dialog.address, text)


def _save(dialog: DatabaseDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    QTest.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_server_address_is_saved_for_the_next_start(qtbot: Any, data_dir: Path) -> None:
    dialog = _dialog(qtbot, data_dir)
    assert "本机数据文件" in dialog.current.text()
    _type(dialog, "postgresql://clerk:pw@10.0.0.5/ecodesk")
    _save(dialog)
    assert dialog.result() == DatabaseDialog.DialogCode.Accepted
    assert resolve_url(data_dir) == "postgresql+psycopg://clerk:pw@10.0.0.5/ecodesk"

    again = _dialog(qtbot, data_dir)  # shows what was saved, the password hidden where it is in use
    assert again.address.text() == "postgresql+psycopg://clerk:pw@10.0.0.5/ecodesk"
    again2 = DatabaseDialog(data_dir, resolve_url(data_dir))
    qtbot.addWidget(again2)
    assert "pw" not in again2.current.text() and "***" in again2.current.text()

    _type(again, "")  # empty: back to the local file
    _save(again)
    assert not saved_url_file(data_dir).exists()
    assert resolve_url(data_dir).startswith("sqlite:///")


def test_a_malformed_address_is_explained_and_nothing_is_saved(qtbot: Any, data_dir: Path) -> None:
    dialog = _dialog(qtbot, data_dir)
    _type(dialog, "mysql://root@server/ecodesk")
    _save(dialog)
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "格式不对" in dialog.message.text()
    assert not saved_url_file(data_dir).exists()
