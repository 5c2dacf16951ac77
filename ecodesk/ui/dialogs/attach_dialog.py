"""Attach files as 佐证材料: where they belong and one short description per file (required).

The place is chosen once for all the files (the field they were dropped on, or the form);
a description is asked for each file because a reviewer reads it beside the file's name
("项目验收报告", "现场照片（东侧）"). 确定 stays disabled until every file has one, and the
label under the list says which are still missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecodesk.ui.dialogs.buttons import ok_cancel
from ecodesk.ui.widgets.attachment_size import human_size

NOTE_MAX_CHARS = 500  # the store's limit (ecodesk.attachments.records.MAX_NOTE_CHARS)


@dataclass(frozen=True)
class PlaceChoice:
    """A place a file can be attached to: its key and how the clerk reads it."""

    key: str
    label: str


class AttachDialog(QDialog):
    def __init__(
        self,
        paths: list[Path],
        places: list[PlaceChoice],
        place: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加佐证材料"))
        self.setMinimumWidth(560)
        self.paths = paths
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "佐证材料随报表一起签名报送。请为每个文件写一句说明，"
                "如“项目验收报告”“现场照片（东侧）”。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        where = QFormLayout()
        self.place = QComboBox()
        self.place.setObjectName("attachPlace")
        for choice in places:
            self.place.addItem(choice.label, choice.key)
        at = self.place.findData(place)
        self.place.setCurrentIndex(max(0, at))
        where.addRow(self.tr("附在："), self.place)
        layout.addLayout(where)

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("文件"), objectName="muted"), 0, 0)
        grid.addWidget(QLabel(self.tr("大小"), objectName="muted"), 0, 1)
        grid.addWidget(QLabel(self.tr("说明（必填）"), objectName="muted"), 0, 2)
        self.notes: list[QLineEdit] = []
        for row, path in enumerate(paths, start=1):
            name = QLabel(path.name)
            name.setToolTip(str(path))
            name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0)
            try:
                size = human_size(path.stat().st_size)
            except OSError:
                size = self.tr("无法读取")
            grid.addWidget(QLabel(size, objectName="muted"), row, 1)
            note = QLineEdit(objectName=f"note{row - 1}")
            note.setMaxLength(NOTE_MAX_CHARS)
            note.setPlaceholderText(self.tr("这份文件证明什么"))
            note.textChanged.connect(self._update)
            grid.addWidget(note, row, 2)
            self.notes.append(note)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)

        self.missing = QLabel(objectName="muted")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        self.buttons = ok_cancel(self, self.tr("添加"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(self.buttons)
        self._update()
        if self.notes:
            self.notes[0].setFocus()

    def _update(self) -> None:
        empty = [
            p.name for p, n in zip(self.paths, self.notes, strict=True) if not n.text().strip()
        ]
        self.ok_button.setEnabled(not empty)
        self.missing.setText(
            self.tr("还需填写说明：{names}").format(names="、".join(empty)) if empty else ""
        )

    def accept(self) -> None:
        if all(n.text().strip() for n in self.notes):
            super().accept()

    @property
    def key(self) -> str:
        return str(self.place.currentData())

    def files(self) -> list[tuple[Path, str]]:
        """(file, description) for each file, in the order they were given."""
        return [(p, n.text().strip()) for p, n in zip(self.paths, self.notes, strict=True)]
