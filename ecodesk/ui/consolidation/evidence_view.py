"""The receiver's 佐证材料 tab: each unit's evidence files by form (double-click opens one), and
the claims without evidence across units — what the summary workbook's 无佐证的填报 sheet lists.

A file is opened from the package it came in, after the package's checks (the bytes must hash
as the unit signed them), as a copy in a temporary folder under the name the signed records
give; a file missing from the package or altered is shown in red and not opened.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.consolidation.model import UnitAttachment, unit_id
from ecodesk.errors import EcoDeskError
from ecodesk.ui import style
from ecodesk.ui.widgets.attachment_size import human_size

log = logging.getLogger(__name__)

FILE_ROLE = Qt.ItemDataRole.UserRole
MAX_LINES = 2


class EvidenceView(QWidget):
    opened = Signal(str)  # the local copy handed to the system viewer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receivedEvidence")
        self.files: list[UnitAttachment] = []
        self.unbacked: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 4, 0, 0)
        self.files_title = QLabel(objectName="sectionTitle")
        top_layout.addWidget(self.files_title)
        self.tree = QTreeWidget()
        self.tree.setObjectName("receivedAttachments")
        self.tree.setHeaderLabels(
            [
                self.tr("单位 / 表单 / 文件"),
                self.tr("附在"),
                self.tr("说明"),
                self.tr("大小"),
                self.tr("核对"),
            ]
        )
        header = self.tree.header()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((300, 220, 200, 70)):
            self.tree.setColumnWidth(column, width)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemDoubleClicked.connect(self._open_item)
        top_layout.addWidget(self.tree)
        splitter.addWidget(top)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        self.claims_title = QLabel(objectName="sectionTitle")
        bottom_layout.addWidget(self.claims_title)
        self.claims = QTableWidget(0, 6, objectName="unbackedClaims")
        self.claims.setHorizontalHeaderLabels(
            [
                self.tr("单位"),
                self.tr("表"),
                self.tr("填报内容"),
                self.tr("填报值"),
                self.tr("应附佐证材料"),
                self.tr("单位的说明"),
            ]
        )
        self.claims.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((120, 40, 430, 110, 250)):
            self.claims.setColumnWidth(column, width)
        self.claims.verticalHeader().setVisible(False)
        self.claims.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.claims.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.claims.setAlternatingRowColors(True)
        self.claims.setWordWrap(True)
        bottom_layout.addWidget(self.claims)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)
        self.clear()

    # ------------------------------------------------------------------ showing

    def clear(self) -> None:
        self.files, self.unbacked = [], []
        self.tree.clear()
        self.claims.setRowCount(0)
        self._titles()

    def title(self) -> str:
        """The tab's title: the number of claims without evidence when there are any."""
        if self.unbacked:
            return self.tr("佐证材料（{n} 项无佐证）").format(n=len(self.unbacked))
        return self.tr("佐证材料")

    def _titles(self) -> None:
        self.files_title.setText(
            self.tr("各单位报送的佐证材料（{n} 个文件，双击打开）").format(n=len(self.files))
        )
        self.claims_title.setText(
            self.tr("无佐证材料的填报（{n} 项）").format(n=len(self.unbacked))
        )

    def show_summary(self, summary: Any) -> None:
        """``summary``: a Summary — its checked attachments and its claims without evidence."""
        from ecodesk.consolidation.labels import unit_labels

        self.files = list(summary.attachments)
        self.unbacked = list(summary.unbacked)
        labels = unit_labels(summary)
        pack = summary.pack
        self.tree.clear()
        by_unit: dict[tuple[str, str], QTreeWidgetItem] = {}
        by_form: dict[tuple[tuple[str, str], str], QTreeWidgetItem] = {}
        for data in summary.submissions:  # every unit, also the ones that sent no file
            uid = unit_id(data.unit)
            count = sum(1 for f in self.files if unit_id(f.unit) == uid)
            missing = sum(1 for c in self.unbacked if unit_id(c.unit) == uid)
            name = labels.get(uid) or data.unit.display_name
            files = self.tr("{n} 个文件").format(n=count) if count else self.tr("无附件")
            text = self.tr("{unit}（{files}）").format(unit=name, files=files)
            if missing:
                text = self.tr("{unit}（{files}；{n} 项无佐证）").format(
                    unit=name, files=files, n=missing
                )
            item = QTreeWidgetItem([text])
            self.tree.addTopLevelItem(item)
            by_unit[uid] = item
        for found in self.files:
            uid = unit_id(found.unit)
            parent = by_unit.get(uid)
            if parent is None:
                continue
            form_item = by_form.get((uid, found.form))
            if form_item is None:
                title = pack.form(found.form).title if found.form in pack.forms else ""
                form_item = QTreeWidgetItem([f"{found.form} {title}".strip()])
                parent.addChild(form_item)
                by_form[(uid, found.form)] = form_item
            f = found.file
            status = self.tr("一致") if found.ok else self._status_text(found.status)
            item = QTreeWidgetItem([f.name, f.label, f.note, human_size(f.size), status])
            item.setData(0, FILE_ROLE, self.files.index(found))
            item.setToolTip(1, f.label)
            item.setToolTip(2, f.note)
            item.setToolTip(0, self.tr("SHA-256 {hash}\n双击打开").format(hash=f.sha256))
            if not found.ok:
                for column in range(5):
                    item.setForeground(column, QBrush(QColor(style.ERROR)))
                item.setToolTip(4, found.detail)
            form_item.addChild(item)
        self.tree.expandAll()
        self._show_claims(labels)
        self._titles()

    def _status_text(self, status: str) -> str:
        return {
            "missing": self.tr("缺失"),
            "altered": self.tr("与签名不符"),
            "refused": self.tr("内容可疑"),
        }.get(status, status)

    def _show_claims(self, labels: dict[tuple[str, str], str]) -> None:
        self.claims.setRowCount(len(self.unbacked))
        for row, claim in enumerate(self.unbacked):
            cells = [
                labels.get(unit_id(claim.unit)) or claim.unit.display_name,
                claim.form,
                claim.subject,
                claim.value,
                claim.what,
                claim.explanation or self.tr("（未说明）"),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(claim.reason if column == 4 else text)
                if column == 5 and not claim.explanation:
                    item.setForeground(QBrush(QColor(style.ERROR)))
                self.claims.setItem(row, column, item)
        # rows as tall as their text but at most two lines: the whole text is in the tooltip
        self.claims.resizeRowsToContents()
        limit = self.claims.fontMetrics().lineSpacing() * MAX_LINES + 10
        for row in range(self.claims.rowCount()):
            self.claims.setRowHeight(row, min(self.claims.rowHeight(row), limit))

    # ------------------------------------------------------------------ opening

    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, FILE_ROLE)
        if index is not None:
            self.open_file(self.files[int(index)])

    def open_file(self, found: UnitAttachment) -> None:
        """Copy the checked file out of its package and hand it to the system viewer."""
        from ecodesk.attachments.package import extract_attachment

        if not found.ok or found.package is None:
            QMessageBox.warning(
                self,
                self.tr("无法打开附件"),
                found.detail
                or self.tr(
                    "报送包中没有“{name}”：对方只报送了工作簿，请索要报送包（.zip）。"
                ).format(name=found.file.name),
            )
            return
        temp = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation))
        folder = Path(tempfile.mkdtemp(prefix="ecodesk-received-", dir=temp))
        try:
            copy = extract_attachment(found.package, found.file, folder)
        except (EcoDeskError, OSError) as exc:
            log.warning("cannot open %s from %s: %s", found.file.name, found.package, exc)
            QMessageBox.warning(self, self.tr("无法打开附件"), str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            QMessageBox.information(
                self,
                self.tr("无法打开附件"),
                self.tr("没有找到能打开“{name}”的程序。文件在：{path}").format(
                    name=found.file.name, path=copy
                ),
            )
            return
        self.opened.emit(str(copy))
