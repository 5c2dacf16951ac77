"""What importing last year's file would change, for the clerk to confirm before anything is
written: read like a document (where from, how it was verified, then the values by form and
indicator name, aligned in a table), never like a dump of internal keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.loader import FormPack
from ecodesk.importing.preview import ImportPreview
from ecodesk.ui.dialogs.buttons import ok_cancel

MAX_ROW_LINES = 3  # a long reason wraps to this many lines; the whole of it is in the tooltip


class ImportPreviewDialog(QDialog):
    def __init__(
        self, preview: ImportPreview, pack: FormPack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.preview, self.pack = preview, pack
        self.setWindowTitle(self.tr("导入上年数据 — 预览"))
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        summary = QLabel(self._summary(), objectName="importSummary")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(summary)

        changes = preview.changes
        same = len(preview.items) - len(changes)
        heading = QLabel(
            self.tr("将写入的上年值：{n} 项").format(n=len(changes))
            + (
                self.tr("（另有 {same} 项与本机已有的相同，不再列出）").format(same=same)
                if same
                else ""
            ),
            objectName="sectionTitle",
        )
        layout.addWidget(heading)
        self.values = self._table(
            "importValues",
            [
                self.tr("表单"),
                self.tr("指标"),
                self.tr("原值"),
                self.tr("新值"),
                self.tr("单位"),
                self.tr("变化"),
            ],
            [
                [
                    self._form_title(i.form),
                    i.label,
                    i.old if i.old is not None else "—",
                    i.new,
                    i.unit,
                    i.status_label,
                ]
                for i in changes
            ],
            tooltips=[i.key for i in changes],
            numeric=(2, 3),
        )
        layout.addWidget(self.values, 3)

        self.unmatched: QTableWidget | None = None
        if preview.unmatched:
            layout.addWidget(
                QLabel(
                    self.tr("不能导入的内容：{n} 项（本机数据不受影响）").format(
                        n=len(preview.unmatched)
                    ),
                    objectName="sectionTitle",
                )
            )
            self.unmatched = self._table(
                "importUnmatched",
                [self.tr("位置"), self.tr("名称"), self.tr("原因")],
                [[u.where, u.name or u.code, u.reason] for u in preview.unmatched],
                tooltips=[u.code for u in preview.unmatched],
            )
            layout.addWidget(self.unmatched, 1)

        extra = self._carry_over_text()
        if extra:
            # one line in the dialog; the list of tables in its tooltip
            more = QLabel(self._carry_over_line(), objectName="importExtra")
            more.setWordWrap(True)
            more.setTextFormat(Qt.TextFormat.PlainText)
            more.setToolTip(extra)
            layout.addWidget(more)

        self.confirm: QCheckBox | None = None
        if preview.other_unit:
            self.confirm = QCheckBox(
                self.tr(
                    "该文件属于{unit}，不是本单位的。我确认确属需要，仍要导入（将记入操作日志）。"
                ).format(unit=preview.source_unit_name)
            )
        elif preview.unknown_signer:
            self.confirm = QCheckBox(
                self.tr(
                    "无法确认签名人：签名密钥既不是本机的，也不在密钥登记文件夹中"
                    "（例如本单位去年在另一台电脑上导出的报表）。我确认这是可信的上年文件（将记入操作日志）。"
                )
            )
        if self.confirm is not None:
            self.confirm.setObjectName("confirmImport")
            layout.addWidget(self.confirm)
        self.buttons = ok_cancel(self, self.tr("导入"))
        layout.addWidget(self.buttons)
        if self.confirm is not None:
            self.confirm.toggled.connect(self._update)
        self._update()

    # ------------------------------------------------------------------ content

    def _form_title(self, code: str) -> str:
        form = self.pack.forms.get(code)
        return f"{code} {form.title}" if form is not None else code

    def _summary(self) -> str:
        p = self.preview
        if p.kind == "template":
            source = self.tr("市里下发的上年基数表")
        else:
            source = self.tr("{unit}的签名报表").format(unit=p.source_unit_name)
        lines = [
            self.tr("文件：{name}").format(name=p.path.name),
            self.tr("内容：{source}，{period}的数据，导入后作为{now}的“上年值”。").format(
                source=source, period=p.baseline_period.label, now=p.period.label
            ),
            self.tr("核验：{message}").format(message=p.verification_message),
        ]
        lines += [self.tr("说明：{note}").format(note=note) for note in p.notes]
        lines.append(
            self.tr("确认无误后点“导入”；点“取消”则本机数据不做任何改动。导入后可以撤销。")
        )
        return "\n".join(lines)

    def _carry_over_text(self) -> str:
        p = self.preview
        lines = []
        for carry in p.carry_over:
            cleared = (
                self.tr("，已清空“{cols}”待本年填写").format(cols="、".join(carry.cleared))
                if carry.cleared
                else ""
            )
            lines.append(
                self.tr("带入本年表格：{form}《{name}》未完成项目 {n} 行{cleared}").format(
                    form=self._form_title(carry.form),
                    name=carry.name,
                    n=len(carry.rows),
                    cleared=cleared,
                )
            )
        if p.plan_references:
            lines.append(
                self.tr("上年“下步计划”作为本年参考：{forms}").format(
                    forms="、".join(self._form_title(r.form) for r in p.plan_references)
                )
            )
        return "\n".join(lines)

    def _carry_over_line(self) -> str:
        p = self.preview
        parts = []
        if p.carry_over:
            parts.append(
                self.tr("带入本年表格的上年未完成项目：{tables} 个表格共 {rows} 行").format(
                    tables=len(p.carry_over), rows=sum(len(c.rows) for c in p.carry_over)
                )
            )
        if p.plan_references:
            parts.append(
                self.tr("上年“下步计划”作为本年参考：{n} 张表单").format(n=len(p.plan_references))
            )
        return "；".join(parts) + self.tr("（鼠标停留可看明细）")

    def _table(
        self,
        name: str,
        headers: list[str],
        rows: list[list[str]],
        *,
        tooltips: list[str],
        numeric: tuple[int, ...] = (),
    ) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers), objectName=name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n({tooltips[r]})" if c == 1 and tooltips[r] else text)
                if c in numeric:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the longest column (indicator name, reason) takes the room left and wraps in it
        wide = 1 if name == "importValues" else len(headers) - 1
        header.setSectionResizeMode(wide, QHeaderView.ResizeMode.Stretch)
        if name == "importValues":
            for column, width in ((0, 200), (2, 110), (3, 110)):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                table.setColumnWidth(column, width)
        header.sectionResized.connect(lambda *_: self._fit_rows(table))
        self._fit_rows(table)
        return table

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        for table in (self.values, self.unmatched):
            if table is not None:  # the stretched columns have their width only now
                self._fit_rows(table)

    @staticmethod
    def _fit_rows(table: QTableWidget) -> None:
        """Rows as tall as their wrapped text, at most a few lines (the rest is in the tooltip)."""
        table.resizeRowsToContents()
        limit = table.fontMetrics().lineSpacing() * MAX_ROW_LINES + 8
        for r in range(table.rowCount()):
            table.setRowHeight(r, min(table.rowHeight(r), limit))

    # ------------------------------------------------------------------ confirmation

    def _update(self) -> None:
        ok = self.confirm is None or self.confirm.isChecked()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def confirmed(self) -> bool:
        return self.confirm is not None and self.confirm.isChecked()
