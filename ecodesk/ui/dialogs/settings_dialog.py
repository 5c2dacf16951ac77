"""Settings: the language of the window and the tasks this unit reports on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.loader import FormPack
from ecodesk.ui.dialogs.buttons import ok_cancel
from ecodesk.ui.translations import LANGUAGES


class SettingsDialog(QDialog):
    def __init__(
        self, pack: FormPack, language: str, responsible: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumSize(520, 560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox(objectName="language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        form.addRow(self.tr("界面语言"), self.language)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(
                self.tr("本单位负责填报的任务（只显示勾选的表单，可随时在主窗口中“显示全部”）：")
            )
        )
        self.forms = QListWidget(objectName="responsibleForms")
        for code, definition in pack.forms.items():
            item = QListWidgetItem(f"{code}  {definition.title}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if code in responsible else Qt.CheckState.Unchecked
            )
            self.forms.addItem(item)
        layout.addWidget(self.forms)
        self.message = QLabel(objectName="fieldError")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = ok_cancel(self, self.tr("保存"))
        layout.addWidget(buttons)

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def responsible_forms(self) -> list[str]:
        return [
            self.forms.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.forms.count())
            if self.forms.item(i).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        if not self.responsible_forms():
            self.message.setText(self.tr("请至少勾选一项任务。"))
            self.message.show()
            return
        super().accept()
