"""Ask for the signing key's passphrase (twice when the key is being created).

With ``check``, the passphrase is tried on the key before the dialog closes: a wrong one is
said at once, in the dialog, before any file is chosen or any work starts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.ui.dialogs.buttons import ok_cancel

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    def __init__(
        self,
        *,
        creating_key: bool,
        parent: QWidget | None = None,
        check: Callable[[str], object] | None = None,
        title: str | None = None,
        intro: str | None = None,
    ) -> None:
        super().__init__(parent)
        # not ``create``: that is QWidget.create, which this attribute would hide
        self.creating_key = creating_key
        self.check = check
        self.setWindowTitle(
            title or (self.tr("创建签名密钥") if creating_key else self.tr("输入签名口令"))
        )
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        if creating_key:
            text = self.tr(
                "本单位还没有签名密钥。请设定一个口令（至少 {n} 位）来保护它，"
                "以后每次签名导出都要输入。口令丢失无法找回，请妥善保管。"
            ).format(n=MIN_LENGTH)
        else:
            text = self.tr("签名导出需要本单位签名密钥的口令。")
        label = QLabel(intro or text)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.passphrase = QLineEdit(objectName="passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("口令"), self.passphrase)
        self.repeat = QLineEdit(objectName="repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        if creating_key:
            form.addRow(self.tr("再输一次"), self.repeat)
        layout.addLayout(form)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = ok_cancel(self, self.tr("确定"))
        # shown after a wrong passphrase: the way out when it is forgotten
        self.forgotten = buttons.addButton(
            self.tr("忘记口令，更换密钥…"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.forgotten.setObjectName("forgotten")
        self.forgotten.hide()
        self.wants_new_key = False
        self.forgotten.clicked.connect(self._forgotten)
        layout.addWidget(buttons)

    def accept(self) -> None:
        text = self.passphrase.text()
        problem = ""
        if not text:
            problem = self.tr("请输入口令。")
        elif self.creating_key and len(text) < MIN_LENGTH:
            problem = self.tr("口令至少要 {n} 位。").format(n=MIN_LENGTH)
        elif self.creating_key and text != self.repeat.text():
            problem = self.tr("两次输入的口令不一致，请重新输入。")
        if not problem and self.check is not None:
            problem = self._checked(text)
        if problem:
            self.message.setText(problem)
            self.message.show()
            self.forgotten.setVisible(self.check is not None and not self.creating_key)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        super().accept()

    def _forgotten(self) -> None:
        self.wants_new_key = True
        self.reject()

    def _checked(self, text: str) -> str:
        """The key's own answer to the passphrase: '' when it unlocks, else why not."""
        assert self.check is not None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.check(text)
        except EcoDeskError as exc:
            return str(exc)
        finally:
            QGuiApplication.restoreOverrideCursor()
        return ""

    def value(self) -> str:
        return self.passphrase.text()
