"""Ask for the signing key's passphrase (twice when the key is being created)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    def __init__(self, *, create: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.create = create
        self.setWindowTitle(self.tr("创建签名密钥") if create else self.tr("输入签名口令"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        if create:
            text = self.tr(
                "本单位还没有签名密钥。请设定一个口令（至少 {n} 位）来保护它，"
                "以后每次签名导出都要输入。口令丢失无法找回，请妥善保管。"
            ).format(n=MIN_LENGTH)
        else:
            text = self.tr("签名导出需要本单位签名密钥的口令。")
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passphrase = QLineEdit(objectName="passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("口令"), self.passphrase)
        self.repeat = QLineEdit(objectName="repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        if create:
            form.addRow(self.tr("再输一次"), self.repeat)
        layout.addLayout(form)
        self.message = QLabel(objectName="fieldError")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        text = self.passphrase.text()
        problem = ""
        if not text:
            problem = self.tr("请输入口令。")
        elif self.create and len(text) < MIN_LENGTH:
            problem = self.tr("口令至少要 {n} 位。").format(n=MIN_LENGTH)
        elif self.create and text != self.repeat.text():
            problem = self.tr("两次输入的口令不一致，请重新输入。")
        if problem:
            self.message.setText(problem)
            self.message.show()
            return
        super().accept()

    def value(self) -> str:
        return self.passphrase.text()
