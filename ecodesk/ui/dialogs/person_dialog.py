"""One person of the office: name, roles, password (typed twice). Used to add a person, to set
up the office's first account (the head's), to change roles and to reset a password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.store.people import FILLER, HEAD, MIN_PASSWORD, REVIEWER
from ecodesk.ui.dialogs.buttons import ok_cancel


class PersonDialog(QDialog):
    """``first``: the office's first account, which must be the head's. ``name`` given: that
    person's roles (``password=False``) or password (``roles=False``) are changed."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        first: bool = False,
        name: str = "",
        roles: frozenset[str] = frozenset(),
        ask_roles: bool = True,
        ask_password: bool = True,
        on_save: Callable[[PersonDialog], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("personDialog")
        self.first = first
        self.on_save = on_save  # the store's rules: a refusal is shown here, the dialog stays
        self.setWindowTitle(
            self.tr("建立单位负责人账号")
            if first
            else (self.tr("人员：{name}").format(name=name) if name else self.tr("添加人员"))
        )
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        if first:
            intro = QLabel(
                self.tr(
                    "这个数据库还没有人员账号。请先建立单位负责人的账号：之后由单位负责人添加填报人和审核人，"
                    "每人用自己的姓名和口令登录。一人可兼多个角色。"
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit(objectName="personName")
        self.name.setText(name)
        self.name.setReadOnly(bool(name))
        form.addRow(self.tr("姓名"), self.name)
        self.role_boxes: dict[str, QCheckBox] = {}
        if ask_roles:
            row = QHBoxLayout()
            for role, text in (
                (FILLER, self.tr("填报人")),
                (REVIEWER, self.tr("审核人")),
                (HEAD, self.tr("单位负责人")),
            ):
                box = QCheckBox(text, objectName=f"role_{role}")
                box.setChecked(role in roles or (first and role == HEAD))
                row.addWidget(box)
                self.role_boxes[role] = box
            form.addRow(self.tr("角色"), row)
        self.password = QLineEdit(objectName="personPassword")
        self.again = QLineEdit(objectName="personPasswordAgain")
        if ask_password:
            for edit in (self.password, self.again):
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.password.setPlaceholderText(self.tr("至少 {n} 个字符").format(n=MIN_PASSWORD))
            form.addRow(self.tr("口令"), self.password)
            form.addRow(self.tr("再输入一次"), self.again)
        self.ask_password = ask_password
        layout.addLayout(form)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = ok_cancel(self, self.tr("保存"))
        layout.addWidget(buttons)

    def roles(self) -> list[str]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def accept(self) -> None:
        """What the dialog can tell by itself is said here; the store's rules by the caller."""
        if not self.name.text().strip():
            self.show_error(self.tr("请填写姓名。"))
            return
        if self.role_boxes and not self.roles():
            self.show_error(self.tr("请至少选择一个角色。"))
            return
        if self.first and HEAD not in self.roles():
            self.show_error(self.tr("第一个账号必须是单位负责人。"))
            return
        if self.ask_password and self.password.text() != self.again.text():
            self.show_error(self.tr("两次输入的口令不一致。"))
            self.again.clear()
            return
        if self.on_save is not None:
            try:
                self.on_save(self)
            except EcoDeskError as exc:
                self.show_error(str(exc))
                return
        super().accept()
