"""Restore from a backup, without a command line: at start-up when the database is damaged,
and from 文件 → 从备份恢复.

The automatic backups are listed with their dates (newest first); another file can be chosen.
The choice is confirmed (是/否), then restored by the core (which checks the file and keeps
the current data aside first); a refusal is shown here in Chinese and nothing changes, so the
clerk can choose another backup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.services.recovery import list_backups


class RestoreDialog(QDialog):
    """``restore(path)`` does the work and returns where the replaced data was kept."""

    def __init__(
        self,
        data_dir: Path,
        restore: Callable[[Path], Path | None],
        *,
        damaged: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self._restore = restore
        self.kept: Path | None = None
        self.restored_from: Path | None = None
        self.setWindowTitle(self.tr("数据文件已损坏") if damaged else self.tr("从备份恢复"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        if damaged:
            text = self.tr(
                "本机的数据文件已损坏，程序无法打开它。请从下面的自动备份中选择一份恢复"
                "（通常选最近的一份）；也可以选择保存在其他地方的备份文件。\n"
                "恢复前，损坏的文件会另存到备份文件夹，不会被删除。"
            )
        else:
            text = self.tr(
                "选择一份备份来替换当前的全部数据（通常选最近的一份）。"
                "恢复前，当前数据会先另存一份到备份文件夹。"
            )
        intro = QLabel(text, objectName="restoreIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("backups")
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        backups = list_backups(self.data_dir)
        for backup in backups:
            item = QListWidgetItem(backup.label)
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            item.setToolTip(str(backup.path))
            self.list.addItem(item)
        if not backups:
            empty = QListWidgetItem(self.tr("（备份文件夹中没有自动备份，请选择其他备份文件）"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)
        else:
            self.list.setCurrentRow(0)
        self.other = QPushButton(self.tr("选择其他备份文件…"), objectName="otherBackup")
        self.other.clicked.connect(self._choose_file)
        layout.addWidget(self.other, alignment=Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(
            self.tr("从备份恢复"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setObjectName("restore")
        self.buttons.addButton(
            self.tr("退出程序") if damaged else self.tr("取消"),
            QDialogButtonBox.ButtonRole.RejectRole,
        ).setObjectName("quit" if damaged else "cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def chosen(self) -> Path | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择备份文件"),
            str(self.data_dir),
            self.tr("EcoDesk 数据备份 (*.sqlite3);;所有文件 (*)"),
        )
        if not path:
            return
        item = QListWidgetItem(self.tr("其他文件：{name}").format(name=Path(path).name))
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setToolTip(path)
        self.list.insertItem(0, item)
        self.list.setCurrentRow(0)

    def confirm(self, label: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("确认恢复"),
            self.tr("用这份备份替换当前数据吗？\n{label}").format(label=label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmRestore")
        box.setInformativeText(self.tr("当前数据会先另存一份到备份文件夹。"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        path = self.chosen()
        if path is None:
            return
        item = self.list.currentItem()
        if not self.confirm(item.text() if item is not None else str(path)):
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.kept = self._restore(path)
        except EcoDeskError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.restored_from = path
        super().accept()
