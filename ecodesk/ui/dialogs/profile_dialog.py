"""Who reports: division, department and the people. Shown on first run and from the settings."""

from __future__ import annotations

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

from ecodesk.forms.loader import FormPack
from ecodesk.submission import UnitProfile

LEAD_OFFICE = "生态文明建设领导小组办公室"


class ProfileDialog(QDialog):
    def __init__(
        self,
        pack: FormPack,
        profile: UnitProfile | None = None,
        *,
        first_run: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setWindowTitle(
            self.tr("欢迎使用生态文明建设报送系统") if first_run else self.tr("单位信息")
        )
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        if first_run:
            intro = QLabel(
                self.tr(
                    "第一次使用，请先填写本单位信息。这些信息会印在报送单和签名报表的封面上，以后可在“设置 → 单位信息”中修改。"
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        form = QFormLayout()
        form.setSpacing(8)
        self.division = QComboBox()
        self.division.setObjectName("division")
        for d in pack.catalog.divisions:
            self.division.addItem(f"{d.name}（{d.code}）", d.code)
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.setEditable(True)
        # the county's lead office (生态文明办) reports on everything; then the departments of the catalog
        self.department.addItem(LEAD_OFFICE)
        self.department.addItems(sorted({d.county for d in pack.catalog.departments if d.county}))
        self.department.setCurrentText("")
        self.department.lineEdit().setPlaceholderText(self.tr("选择或输入，如 县林业局"))
        self.preparer = QLineEdit(objectName="preparer")
        self.reviewer = QLineEdit(objectName="reviewer")
        self.head = QLineEdit(objectName="head")
        self.phone = QLineEdit(objectName="phone")
        self.phone.setPlaceholderText(self.tr("如 0797-1234567 或手机号"))
        form.addRow(self.tr("行政区划 *"), self.division)
        form.addRow(self.tr("填报部门 *"), self.department)
        form.addRow(self.tr("填报人 *"), self.preparer)
        form.addRow(self.tr("审核人"), self.reviewer)
        form.addRow(self.tr("单位负责人"), self.head)
        form.addRow(self.tr("联系电话 *"), self.phone)
        layout.addLayout(form)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("退出") if first_run else self.tr("取消")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if profile is not None:
            self._show(profile)

    def _show(self, profile: UnitProfile) -> None:
        index = self.division.findData(profile.division_code)
        if index >= 0:
            self.division.setCurrentIndex(index)
        self.department.setCurrentText(profile.department)
        self.preparer.setText(profile.preparer)
        self.reviewer.setText(profile.reviewer)
        self.head.setText(profile.head)
        self.phone.setText(profile.phone)

    def missing(self) -> list[str]:
        names = []
        if not self.department.currentText().strip():
            names.append(self.tr("填报部门"))
        if not self.preparer.text().strip():
            names.append(self.tr("填报人"))
        if not self.phone.text().strip():
            names.append(self.tr("联系电话"))
        return names

    def accept(self) -> None:
        missing = self.missing()
        if missing:
            self.message.setText(self.tr("请填写：{names}。").format(names="、".join(missing)))
            self.message.show()
            return
        super().accept()

    def profile(self) -> UnitProfile:
        code = self.division.currentData()
        return UnitProfile(
            division_code=code,
            division_name=self.pack.division(code).name,
            department=self.department.currentText().strip(),
            preparer=self.preparer.text().strip(),
            reviewer=self.reviewer.text().strip(),
            phone=self.phone.text().strip(),
            head=self.head.text().strip(),
        )
