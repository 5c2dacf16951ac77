"""登录: who is working, on a store where people and roles are on (always on a shared server).

Shown at start, over the window, before any data is read. A wrong name or password is said in
the dialog (the same sentence for both), the password is cleared and the dialog stays; closing
it closes the program (nothing is shown to someone who did not sign in).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.store.people import FILLER, HEAD, add_person, has_people, list_people, people_required


class SignInDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("登录"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        unit = store.profile()
        intro = QLabel(
            self.tr("{unit}：请选择您的姓名并输入口令。").format(unit=unit.display_name)
            if unit is not None
            else self.tr("请选择您的姓名并输入口令。")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QComboBox()
        self.name.setObjectName("signInName")
        self.name.setEditable(True)  # a long list is typed into, as everywhere else
        for person in list_people(store):
            self.name.addItem(f"{person.name}", person.name)
            self.name.setItemData(self.name.count() - 1, person.roles_text, 3)  # tooltip role
        self.name.setCurrentText(name)
        if not name:
            self.name.setCurrentIndex(-1)
        form.addRow(self.tr("姓名"), self.name)
        self.password = QLineEdit(objectName="signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("口令"), self.password)
        layout.addLayout(form)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        hint = QLabel(self.tr("忘记口令请找单位负责人重设。"), objectName="muted")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if name else self.name).setFocus()

    def accept(self) -> None:
        name = self.name.currentText().strip()
        try:
            self.store.sign_in(name, self.password.text())
        except EcoDeskError as exc:
            self.message.setText(str(exc))
            self.message.show()
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()


def sign_in_at_start(store: Any, parent: QWidget | None = None) -> bool:
    """At start, over the window: where people are required, the first person creates the
    head's account, everyone else signs in. False when the person closed the dialog (the
    program then closes); True at once where people are off."""
    if not people_required(store):
        return True
    if not has_people(store):
        from ecodesk.ui.dialogs.person_dialog import PersonDialog

        def create(dialog: PersonDialog) -> None:
            add_person(store, dialog.name.text(), dialog.roles(), dialog.password.text())

        first = PersonDialog(parent, first=True, roles=frozenset({HEAD, FILLER}), on_save=create)
        try:
            return first.exec() == QDialog.DialogCode.Accepted  # the head is signed in
        finally:
            first.deleteLater()
    dialog = SignInDialog(store, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
