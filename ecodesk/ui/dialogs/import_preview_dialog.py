"""What importing last year's file would change, for the clerk to confirm before anything is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ImportPreviewDialog(QDialog):
    def __init__(self, preview: Any, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导入上年数据 — 预览"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "下面是导入后将发生的变化。确认无误后点“导入”；点“取消”则本机数据不做任何改动。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        text = QPlainTextEdit(objectName="importPreview")
        text.setReadOnly(True)
        text.setPlainText("\n".join(lines))
        layout.addWidget(text)
        self.confirm: QCheckBox | None = None
        if preview.other_unit:
            self.confirm = QCheckBox(
                self.tr(
                    "该文件属于{unit}，不是本单位的。我确认确属需要，仍要导入（将记入操作日志）。"
                ).format(unit=preview.source_unit_name)
            )
        elif preview.unknown_signer:
            self.confirm = QCheckBox(
                self.tr("签名人不在密钥登记中。我确认这是可信的上年文件（将记入操作日志）。")
            )
        if self.confirm is not None:
            self.confirm.setObjectName("confirmImport")
            layout.addWidget(self.confirm)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("导入"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.confirm is not None:
            self.confirm.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.confirm is None or self.confirm.isChecked()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def confirmed(self) -> bool:
        return self.confirm is not None and self.confirm.isChecked()
