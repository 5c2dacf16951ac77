"""文件 → 更新表单包: what the city's new pack changes, shown before the clerk confirms.

The pack was verified before this dialog opens (the core refuses an unsigned, altered or
foreign pack, and an older one); the dialog only shows the diff and asks.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.packs.installed import InstallPlan
from ecodesk.signing.keys import group_fingerprint
from ecodesk.ui.dialogs.buttons import ok_cancel

_COLOURS = {"added": "#1b7f3b", "removed": "#b3261e", "changed": "#8a5a00"}


class PackInstallDialog(QDialog):
    def __init__(self, plan: InstallPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packInstallDialog")
        self.setWindowTitle(self.tr("更新表单包"))
        self.resize(880, 560)
        new = plan.pack_file.pack
        old = plan.current.pack
        layout = QVBoxLayout(self)
        head = QLabel(
            self.tr("市里下发的表单包 {new}（{released} 发布），替换正在使用的 {old}").format(
                new=new.version, released=new.manifest.released, old=old.version
            ),
            objectName="pageTitle",
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        signer = plan.pack_file.signature
        facts = QLabel(
            self.tr("方案：{title}\n签名有效：市里的表单包密钥 {fp}").format(
                title=new.catalog.plan.title,
                fp=group_fingerprint(signer.fingerprint if signer else "")[:39],
            ),
            objectName="muted",
        )
        facts.setWordWrap(True)
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(facts)
        self.summary = QLabel(plan.diff.summary(), objectName="packDiffSummary")
        layout.addWidget(self.summary)

        words = {
            "added": self.tr("新增"),
            "removed": self.tr("删除"),
            "changed": self.tr("修改"),
        }
        self.table = QTableWidget(len(plan.diff.changes), 4, objectName="packDiff")
        self.table.setHorizontalHeaderLabels(
            [self.tr("变化"), self.tr("类别"), self.tr("项目"), self.tr("说明")]
        )
        for row, change in enumerate(plan.diff.changes):
            texts = (words[change.action], change.area, change.subject, change.detail)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setToolTip(text)
                if column == 0:
                    item.setForeground(QBrush(QColor(_COLOURS[change.action])))
                self.table.setItem(row, column, item)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 380)
        header.setStretchLastSection(True)
        # wrapped texts need their rows as tall as the columns' final widths make them
        header.sectionResized.connect(self._fit_rows)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        notes = [
            self.tr("已填写的数据按指标代码保留；改名的指标带着原来的数据。"),
            self.tr("删除的指标，已填的数据仍保留在本机，显示为“已停用”，不再导出。"),
            self.tr("已签名导出的报送不会改变。"),
            self.tr("如有问题，可用“文件 → 撤销表单包更新”恢复原来的表单包。"),
        ]
        if plan.rotates_anchor:
            notes.append(self.tr("此表单包更换了市里的表单包密钥：以后只接受新密钥签名的表单包。"))
        note = QLabel("\n".join(f"· {n}" for n in notes), objectName="packInstallNotes")
        note.setWordWrap(True)
        layout.addWidget(note)

        buttons = ok_cancel(self, self.tr("安装"), safe_default=True)
        self.install_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.install_button.setObjectName("installPack")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelPack")
        layout.addWidget(buttons)

    def _fit_rows(self) -> None:
        self.table.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit_rows()
