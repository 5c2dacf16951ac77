"""A Qt table model over the rows of one repeatable table (values kept as typed text)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ecodesk.forms.schema import TableSpec
from ecodesk.submission import TableRow
from ecodesk.ui import style
from ecodesk.ui.icons import paperclip_icon, severity_icon
from ecodesk.ui.states import labelled
from ecodesk.ui.widgets.marking import open_problems, worst_severity

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Edits are not applied here: ``cellEdited`` asks the owner, who saves and calls ``set_rows``."""

    cellEdited = Signal(int, str, str)  # noqa: N815 — row, column code, text

    def __init__(self, spec: TableSpec, parent: Any = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._rows: list[TableRow] = []
        self._cell_problems: dict[tuple[int, str], list[Any]] = {}
        self._evidence: dict[int, int] = {}  # row → number of 佐证材料 attached to it
        self.read_only = False

    def set_evidence(self, counts: dict[int, int]) -> None:
        """Rows (0-based) with attachments get a paperclip in their header."""
        if counts != self._evidence:
            self._evidence = dict(counts)
            if self._rows:
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)

    def set_rows(self, rows: list[TableRow]) -> None:
        """Show ``rows``, telling the view only what changed.

        Never a model reset: a reset throws away the view's current cell and any open editor,
        and every saved edit comes back here while the view is still closing that editor (Tab,
        Enter), so a reset sent the clerk to row 1, column 1 and made Qt complain that
        ``commitData`` was called with an editor that does not belong to the view."""
        new = [dict(r) for r in rows]
        old_count, new_count = len(self._rows), len(new)
        if new_count < old_count:
            self.beginRemoveRows(QModelIndex(), new_count, old_count - 1)
            del self._rows[new_count:]
            self.endRemoveRows()
        columns = [c.code for c in self.spec.columns]
        for row in range(min(old_count, new_count)):
            changed = [
                i
                for i, code in enumerate(columns)
                if self._rows[row].get(code, "") != new[row].get(code, "")
            ]
            self._rows[row] = new[row]
            if changed:
                self.dataChanged.emit(self.index(row, min(changed)), self.index(row, max(changed)))
        if new_count > old_count:
            self.beginInsertRows(QModelIndex(), old_count, new_count - 1)
            self._rows.extend(new[old_count:])
            self.endInsertRows()

    def rows(self) -> list[TableRow]:
        return [dict(r) for r in self._rows]

    def set_cell_problems(self, problems: dict[tuple[int, str], list[Any]]) -> None:
        self._cell_problems = problems
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.spec.columns) - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.spec.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Vertical and self._evidence.get(section):
            if role == Qt.ItemDataRole.DecorationRole:
                return paperclip_icon()
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("本行附有 {n} 个佐证材料").format(n=self._evidence[section])
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        column = self.spec.columns[section]
        label = f"{column.name}（{column.unit}）" if column.unit else column.name
        return f"{label} *" if column.required else label

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.spec.columns[index.column()]
        text = self._rows[index.row()].get(column.code, "")
        problems = self._cell_problems.get((index.row(), column.code), [])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and column.type in (
            "number",
            "integer",
            "year",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        worst = worst_severity(problems)
        if role == Qt.ItemDataRole.BackgroundRole and worst:
            return QBrush(QColor(style.ERROR_BG if worst == "error" else style.WARNING_BG))
        if role == Qt.ItemDataRole.DecorationRole and worst:
            return severity_icon(worst)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(labelled(p, p.message) for p in open_problems(problems)) or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self.spec.columns[index.column()]
        text = "" if value is None else str(value)
        if self._rows[index.row()].get(column.code, "") == text:
            return False
        self.cellEdited.emit(index.row(), column.code, text)
        return True
