"""设置 → 人员和角色: the office's people (the head adds them, changes roles, resets passwords,
stops accounts) and, on a single person's SQLite file, whether people and roles are on."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.store import people
from ecodesk.ui.dialogs.person_dialog import PersonDialog


class PeopleDialog(QDialog):
    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.changed = False  # people turned on or off: the window reloads
        self.setObjectName("peopleDialog")
        self.setWindowTitle(self.tr("人员和角色"))
        self.setMinimumSize(560, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "填报人填写表单，审核人逐张审核（审核通过或退回修改），单位负责人在全部审核通过后签名导出。"
                "一人可兼多个角色。只有单位负责人可以添加人员、调整角色和重设口令。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.enabled = QCheckBox(
            self.tr("启用人员和角色（每人登录，导出前单位内审核）"), objectName="peopleEnabled"
        )
        self.enabled.setVisible(store.db_path is not None)  # a shared server: always on
        layout.addWidget(self.enabled)
        self.table = QTableWidget(0, 3, objectName="peopleTable")
        self.table.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("角色"), self.tr("状态")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加人员…"), objectName="addPerson")
        self.roles_button = QPushButton(self.tr("调整角色…"), objectName="changeRoles")
        self.password_button = QPushButton(self.tr("修改/重设口令…"), objectName="setPassword")
        self.stop_button = QPushButton(self.tr("停用"), objectName="stopPerson")
        for button in (self.add_button, self.roles_button, self.password_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add)
        self.roles_button.clicked.connect(self.change_roles)
        self.password_button.clicked.connect(self.change_password)
        self.stop_button.clicked.connect(self.stop)
        self.refresh()
        self.enabled.toggled.connect(self.switch)

    def refresh(self) -> None:
        found = people.list_people(self.store, include_inactive=True)
        self.table.setRowCount(len(found))
        for row, person in enumerate(found):
            state = self.tr("可登录") if person.active else self.tr("已停用")
            for column, text in enumerate((person.name, person.roles_text, state)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.enabled.blockSignals(True)
        self.enabled.setChecked(people.people_enabled(self.store))
        self.enabled.blockSignals(False)
        first = not found
        self.add_button.setText(self.tr("建立单位负责人账号…") if first else self.tr("添加人员…"))
        for button in (self.roles_button, self.password_button, self.stop_button):
            button.setEnabled(not first)

    def _say(self, exc: EcoDeskError) -> None:
        self.message.setText(str(exc))
        self.message.show()

    def _selected(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0)
        return item.text() if item is not None else None

    def add(self) -> None:
        first = not people.has_people(self.store)

        def save(dialog: PersonDialog) -> None:
            people.add_person(
                self.store, dialog.name.text(), dialog.roles(), dialog.password.text()
            )

        dialog = PersonDialog(self, first=first, on_save=save)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed = self.changed or first
            self.message.hide()
            self.refresh()

    def change_roles(self) -> None:
        name = self._selected()
        if name is None:
            return
        current = next(
            p for p in people.list_people(self.store, include_inactive=True) if p.name == name
        )

        def save(dialog: PersonDialog) -> None:
            people.set_roles(self.store, name, dialog.roles())

        dialog = PersonDialog(
            self, name=name, roles=current.roles, ask_password=False, on_save=save
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def change_password(self) -> None:
        name = self._selected()
        if name is None:
            return
        own = self.store.person is not None and self.store.person.name == name

        def save(dialog: PersonDialog) -> None:
            old = None
            if own:
                from PySide6.QtWidgets import QInputDialog, QLineEdit

                old, ok = QInputDialog.getText(
                    self,
                    self.tr("原口令"),
                    self.tr("请输入您现在的口令："),
                    QLineEdit.EchoMode.Password,
                )
                if not ok:
                    raise EcoDeskError(self.tr("没有修改口令。"))
            people.set_password(self.store, name, dialog.password.text(), old_password=old)

        dialog = PersonDialog(self, name=name, ask_roles=False, on_save=save)
        dialog.exec()

    def stop(self) -> None:
        name = self._selected()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("停用"),
            self.tr("停用 {name}？停用后不能再登录，修改记录中仍保留其姓名。").format(name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            people.deactivate(self.store, name)
        except EcoDeskError as exc:
            self._say(exc)
            return
        self.refresh()

    def switch(self, on: bool) -> None:
        try:
            people.set_people_enabled(self.store, on)
        except EcoDeskError as exc:
            self._say(exc)
            self.refresh()
            return
        self.changed = True
        self.message.hide()
