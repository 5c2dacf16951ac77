"""Who reports: division, department and the people. Shown on first run and from the settings.

The division starts empty (a preselected county is how a unit ends up reporting for the wrong
one); the department is found from what the clerk types (县生态环境局, 生态环境局 …) among the
plan's departments as that division names them; the forms the unit will report on are shown as
the choice is made and confirmed before the first save.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.departments import (
    ReportingScope,
    department_named,
    find_departments,
    local_departments,
    reporting_scope,
)
from ecodesk.forms.loader import FormPack
from ecodesk.submission import UnitProfile


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
        self.first_run = first_run
        self.setWindowTitle(
            self.tr("欢迎使用生态文明建设报送系统") if first_run else self.tr("单位信息")
        )
        self.setMinimumWidth(560)
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
        city = pack.catalog.city
        self.division.addItem(
            self.tr("{name}（{code}，市本级）").format(name=city.name, code=city.code), city.code
        )
        for d in pack.catalog.divisions:
            self.division.addItem(f"{d.name}（{d.code}）", d.code)
        self.division.setPlaceholderText(self.tr("请选择本单位所在的县（市、区）"))
        self.division.setCurrentIndex(-1)
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.setEditable(True)
        line = self.department.lineEdit()
        assert line is not None  # an editable combo box has one
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line.setPlaceholderText(self.tr("先选择行政区划，再选择或输入，如 林业局"))
        # the completer lists what the core finds for the typed text, not Qt's prefix match
        self._matches = QStringListModel(self)
        completer = QCompleter(self._matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.department.setCompleter(completer)
        line.textEdited.connect(self._search)
        self.department.currentTextChanged.connect(self._show_scope)
        self.division.currentIndexChanged.connect(self._division_changed)
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
        self.scope_label = QLabel(objectName="helpStrip")
        self.scope_label.setWordWrap(True)
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.scope_label)
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
        self._show_scope()

    # ------------------------------------------------------------------ the department

    def _division_changed(self) -> None:
        typed = self.department.currentText()
        code = self.division.currentData()
        self.department.blockSignals(True)
        self.department.clear()
        if code:
            self.department.addItems([d.name for d in local_departments(self.pack, code)])
        self.department.setCurrentIndex(-1)
        self.department.setEditText(typed)
        self.department.blockSignals(False)
        self._show_scope()

    def _search(self, text: str) -> None:
        code = self.division.currentData()
        if not code or not text.strip():
            self._matches.setStringList([])
            return
        self._matches.setStringList([d.name for d in find_departments(self.pack, code, text)])

    def scope(self) -> ReportingScope | None:
        """The forms the unit will report on, once division and department are chosen."""
        code = self.division.currentData()
        department = self.department.currentText().strip()
        if not code or not department:
            return None
        return reporting_scope(self.pack, code, department)

    def _scope_text(self, scope: ReportingScope, *, compact: bool = False) -> str:
        if compact:
            names = "、".join(scope.forms)
        else:
            names = "\n".join(f"{code}  {self.pack.form(code).title}" for code in scope.forms)
        if scope.department is None:
            return self.tr(
                "“{name}”不是行动方案列出的部门，无法判断负责哪些任务，将填报全部 {n} 张表单"
                "（以后可在“设置 → 语言和负责任务”中去掉不负责的表单）：\n{names}"
            ).format(name=self.department.currentText().strip(), n=len(scope.forms), names=names)
        return self.tr("{unit}将填报以下 {n} 张表单：\n{names}").format(
            unit=scope.department.full_name, n=len(scope.forms), names=names
        )

    def _show_scope(self) -> None:
        scope = self.scope()
        if scope is None:
            self.scope_label.setText(self.tr("选择行政区划和部门后，这里列出本单位要填报的表单。"))
            self.scope_label.setProperty("level", "")
        else:
            self.scope_label.setText(self._scope_text(scope, compact=True))
            self.scope_label.setProperty("level", "" if scope.recognised else "warning")
        self.scope_label.style().unpolish(self.scope_label)
        self.scope_label.style().polish(self.scope_label)

    # ------------------------------------------------------------------ saving

    def _show(self, profile: UnitProfile) -> None:
        index = self.division.findData(profile.division_code)
        if index >= 0:
            self.division.setCurrentIndex(index)
        known = (
            department_named(self.pack, profile.division_code, profile.department)
            if index >= 0
            else None
        )
        self.department.setCurrentText(known.name if known else profile.department)
        self.preparer.setText(profile.preparer)
        self.reviewer.setText(profile.reviewer)
        self.head.setText(profile.head)
        self.phone.setText(profile.phone)

    def missing(self) -> list[str]:
        names = []
        if not self.division.currentData():
            names.append(self.tr("行政区划"))
        if not self.department.currentText().strip():
            names.append(self.tr("填报部门"))
        if not self.preparer.text().strip():
            names.append(self.tr("填报人"))
        if not self.phone.text().strip():
            names.append(self.tr("联系电话"))
        return names

    def confirm_scope(self, scope: ReportingScope) -> bool:
        """Before the first save: the clerk sees and confirms which forms the unit reports on."""
        box = QMessageBox(
            QMessageBox.Icon.Question if scope.recognised else QMessageBox.Icon.Warning,
            self.tr("确认本单位填报的表单"),
            self._scope_text(scope),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmScope")
        box.setInformativeText(self.tr("确认无误请点“确定”；需要修改请点“取消”返回。"))
        return box.exec() == QMessageBox.StandardButton.Ok

    def accept(self) -> None:
        missing = self.missing()
        if missing:
            self.message.setText(self.tr("请填写：{names}。").format(names="、".join(missing)))
            self.message.show()
            return
        scope = self.scope()
        if self.first_run and scope is not None and not self.confirm_scope(scope):
            return
        super().accept()

    def profile(self) -> UnitProfile:
        code = self.division.currentData()
        typed = self.department.currentText().strip()
        known = department_named(self.pack, code, typed)
        return UnitProfile(
            division_code=code,
            division_name=self.pack.division(code).name,
            department=known.name if known else typed,
            preparer=self.preparer.text().strip(),
            reviewer=self.reviewer.text().strip(),
            phone=self.phone.text().strip(),
            head=self.head.text().strip(),
        )
