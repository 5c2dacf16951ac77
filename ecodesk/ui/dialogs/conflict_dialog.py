"""Two people changed the same value: show both, who made the other change and when, and let the
clerk choose. Nothing is overwritten without this choice, and what the clerk typed is never lost
(kept in the store, or put on the clipboard when the other value is taken)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.store.errors import ValueConflict
from ecodesk.ui.session import ConflictResolver

STATUS_MS = 15_000


class ConflictDialog(QDialog):
    """Keep mine (overwrite the other value knowingly) or take theirs; closing takes theirs."""

    def __init__(self, conflict: ValueConflict, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("别人也改了这一项"))
        layout = QVBoxLayout(self)
        who = self.who()
        when = conflict.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if conflict.at else "—"
        intro = QLabel(
            self.tr(
                "在您修改“{label}”期间，{who} 于 {when} 保存了另一个值。请决定保留哪一个："
            ).format(label=label, who=who, when=when)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.mine_label = self._value_label(conflict.mine, "mineValue")
        self.theirs_label = self._value_label(conflict.theirs, "theirsValue")
        form.addRow(self.tr("您输入的："), self.mine_label)
        form.addRow(self.tr("{who} 保存的：").format(who=who), self.theirs_label)
        form.addRow(self.tr("您开始修改时是："), self._value_label(conflict.based_on, "baseValue"))
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.keep_mine = QPushButton(self.tr("保留我的值"))
        self.keep_mine.setObjectName("keepMine")
        self.keep_mine.setToolTip(self.tr("用您输入的值覆盖对方的值（会记入修改记录）"))
        self.take_theirs = QPushButton(self.tr("采用对方的值"))
        self.take_theirs.setObjectName("takeTheirs")
        self.take_theirs.setToolTip(self.tr("保留对方的值；您输入的值会复制到剪贴板"))
        buttons.addButton(self.keep_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_theirs, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter never overwrites someone else's work by accident: the focused button would
        # otherwise become the default, and "keep mine" comes first
        self.keep_mine.setAutoDefault(False)
        self.take_theirs.setDefault(True)
        self.take_theirs.setFocus()

    def who(self) -> str:
        by = self.conflict.by
        if by is None:
            return self.tr("其他人")
        preparer, os_user = by
        if preparer and os_user:
            return self.tr("{preparer}（电脑用户 {os_user}）").format(
                preparer=preparer, os_user=os_user
            )
        return preparer or os_user or self.tr("其他人")

    def _value_label(self, value: str | None, name: str) -> QLabel:
        label = QLabel(value if value else self.tr("（空）"))
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label


def conflict_resolver(parent: QWidget) -> ConflictResolver:
    """What the session asks on a conflict: this dialog over ``parent`` (the main window)."""

    def resolve(conflict: ValueConflict, label: str) -> bool:
        dialog = ConflictDialog(conflict, label, parent)
        try:
            keep_mine = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
        if not keep_mine and conflict.mine:
            QGuiApplication.clipboard().setText(conflict.mine)
            if isinstance(parent, QMainWindow):
                parent.statusBar().showMessage(
                    QCoreApplication.translate(
                        "ConflictDialog", "已采用对方的值；您输入的“{mine}”已复制到剪贴板。"
                    ).format(mine=conflict.mine),
                    STATUS_MS,
                )
        return keep_mine

    return resolve
