"""A repeatable table of a form: a QTableView with paste from Excel/WPS, add and remove rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.keys import CellKey, TableKey, parse_problem_location
from ecodesk.forms.schema import TableSpec
from ecodesk.ui.session import EditSession
from ecodesk.ui.widgets.marking import show_messages
from ecodesk.ui.widgets.paste import parse_tab_separated, paste_grid
from ecodesk.ui.widgets.rows_model import RowsModel
from ecodesk.ui.widgets.sheet_view import SheetView

ROW_HEIGHT = 30
MAX_VISIBLE_ROWS = 10


class TableEditor(QWidget):
    focused = Signal(str)  # "form:table"

    def __init__(
        self, session: EditSession, form: str, spec: TableSpec, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.form, self.spec = session, form, spec
        self.columns = [c.code for c in spec.columns]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        title = QLabel(f"<b>{spec.name}</b>")
        title.setToolTip(spec.help)
        hint = QLabel(
            self.tr("可从 Excel/WPS 复制多行后在表格中按 Ctrl+V 粘贴；带 * 的列必填。"),
            objectName="muted",
        )
        hint.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(hint)
        self.model = RowsModel(spec, self)
        self.model.cellEdited.connect(self._cell_edited)
        self.view = SheetView(spec)
        self.view.setObjectName(f"table:{self.key}")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.view.installEventFilter(self)
        header = self.view.horizontalHeader()
        for i in range(len(spec.columns)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        self.fit_columns(720)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加一行"))
        self.insert_button = QPushButton(self.tr("在上方插入一行"))
        self.insert_button.setToolTip(self.tr("在当前行的上方插入一个空行；各行的附件随所在行移动"))
        self.remove_button = QPushButton(self.tr("删除选中行"))
        self.paste_button = QPushButton(self.tr("粘贴"))
        self.add_button.clicked.connect(self.add_row)
        self.insert_button.clicked.connect(self.insert_row)
        self.remove_button.clicked.connect(self.remove_selected_rows)
        self.paste_button.clicked.connect(self.paste)
        for b in (self.add_button, self.insert_button, self.remove_button, self.paste_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = QLabel(objectName="muted")
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.setFocusProxy(self.view)
        self.show_value()

    def fit_columns(self, width: int) -> None:
        """Share ``width`` among the columns by the definition's weights, each at least as wide
        as its heading, and shrink the widest ones first when they do not all fit — so the
        last column (often 进展) is on screen instead of behind a scroll bar."""
        header = self.view.horizontalHeader()
        weights = [c.width for c in self.spec.columns]
        total = sum(weights)
        minimum = [header.sectionSizeHint(i) + 8 for i in range(len(weights))]
        widths = [max(m, int(width * w / total)) for m, w in zip(minimum, weights, strict=True)]
        excess = sum(widths) - width
        spare = [w - m for w, m in zip(widths, minimum, strict=True)]
        if excess > 0 and sum(spare) > 0:
            cut = min(1.0, excess / sum(spare))
            widths = [int(w - s * cut) for w, s in zip(widths, spare, strict=True)]
        for i, w in enumerate(widths):
            header.resizeSection(i, w)

    @property
    def table_key(self) -> TableKey:
        return TableKey(self.form, self.spec.code)

    @property
    def key(self) -> str:
        return str(self.table_key)

    def show_value(self) -> None:
        rows = self.session.rows(self.form, self.spec.code)
        self.model.read_only = self.session.frozen
        self.model.set_rows(rows)
        for b in (self.add_button, self.insert_button, self.remove_button, self.paste_button):
            b.setEnabled(not self.session.frozen)
        self.count_label.setText(self.tr("共 {n} 行").format(n=len(rows)))
        visible = min(max(len(rows), 3), MAX_VISIBLE_ROWS)
        scrollbar = self.view.horizontalScrollBar().sizeHint().height()
        self.view.setFixedHeight(
            self.view.horizontalHeader().sizeHint().height() + visible * ROW_HEIGHT + scrollbar + 6
        )

    def _save(
        self, rows: list[dict[str, str]], label: str, origin: list[int | None] | None = None
    ) -> None:
        """Save ``rows``; ``origin[i]``: the row that row ``i`` was (``None``: new), so that
        evidence on a row stays on it. By default every row stays in its place."""
        if origin is None:
            count = self.model.rowCount()
            origin = [i if i < count else None for i in range(len(rows))]
        self.session.edit_rows(self.form, self.spec.code, rows, label, origin)

    def _cell_edited(self, row: int, column: str, text: str) -> None:
        rows = self.model.rows()
        rows[row][column] = text
        self._save(
            rows, self.tr("修改“{table}”第 {row} 行").format(table=self.spec.name, row=row + 1)
        )

    def add_row(self) -> None:
        rows = self.model.rows() + [{c: "" for c in self.columns}]
        self._save(rows, self.tr("在“{table}”添加一行").format(table=self.spec.name))
        self.view.setCurrentIndex(self.model.index(len(rows) - 1, 0))
        self.view.setFocus()

    def insert_row(self) -> None:
        """A blank row above the current one (at the end when none is current); the rows below
        move down, and the evidence attached to them with them."""
        current = self.view.currentIndex()
        count = self.model.rowCount()
        at = current.row() if current.isValid() else count
        rows = self.model.rows()
        rows.insert(at, {c: "" for c in self.columns})
        origin: list[int | None] = [*range(at), None, *range(at, count)]
        self._save(
            rows,
            self.tr("在“{table}”第 {row} 行上方插入一行").format(table=self.spec.name, row=at + 1),
            origin,
        )
        self.view.setCurrentIndex(self.model.index(at, 0))
        self.view.setFocus()

    def _selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})

    def remove_selected_rows(self) -> None:
        selected = set(self._selected_rows())
        if not selected:
            return
        kept = [i for i in range(self.model.rowCount()) if i not in selected]
        rows = self.model.rows()
        self._save(
            [rows[i] for i in kept],
            self.tr("删除“{table}”中的 {n} 行").format(table=self.spec.name, n=len(selected)),
            list(kept),
        )

    def paste(self) -> None:
        grid = parse_tab_separated(QGuiApplication.clipboard().text())
        if not grid or self.session.frozen:
            return
        current = self.view.currentIndex()
        start_row = current.row() if current.isValid() else self.model.rowCount()
        start_column = current.column() if current.isValid() else 0
        rows = paste_grid(self.model.rows(), self.columns, grid, start_row, start_column)
        self._save(
            rows, self.tr("向“{table}”粘贴 {n} 行").format(table=self.spec.name, n=len(grid))
        )

    def clear_selected_cells(self) -> None:
        rows = self.model.rows()
        for index in self.view.selectionModel().selectedIndexes():
            rows[index.row()][self.columns[index.column()]] = ""
        self._save(rows, self.tr("清除“{table}”中的内容").format(table=self.spec.name))

    def show_problems(self, problems: list[Any]) -> None:
        """Problems of this table: per cell ("form:table:<t>:<row>:<col>") and for the whole table."""
        cells: dict[tuple[int, str], list[Any]] = {}
        general = []
        for p in problems:
            cell = parse_problem_location(p.field) if p.field else None
            if isinstance(cell, CellKey) and cell.table_key == self.table_key:
                cells.setdefault((cell.index, cell.column), []).append(p)
                continue
            general.append(p)
        self.model.set_cell_problems(cells)
        show_messages(self.message, general)

    def focus_cell(self, row: int, column: str) -> None:
        if column in self.columns and 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, self.columns.index(column)))
        self.view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.view:
            if event.type() == QEvent.Type.Resize:
                frame = self.view.frameWidth() * 2 + self.view.verticalHeader().width()
                self.fit_columns(max(0, self.view.width() - frame - 2))
            elif event.type() == QEvent.Type.FocusIn:
                self.focused.emit(self.key)
            elif (
                event.type() == QEvent.Type.KeyPress
                and self.view.state() != QAbstractItemView.State.EditingState
            ):
                if event.matches(QKeySequence.StandardKey.Paste):
                    self.paste()
                    return True
                if (
                    event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                    and not self.session.frozen
                ):
                    self.clear_selected_cells()
                    return True
        return super().eventFilter(watched, event)
