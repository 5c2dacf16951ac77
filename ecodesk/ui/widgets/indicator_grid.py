"""The indicators of a form as a grid: name, input, unit, last year, the plan's target, progress."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from ecodesk.forms.loader import input_fields_of
from ecodesk.ui.session import EditSession
from ecodesk.ui.widgets.field_editor import FieldEditor

COL_LABEL, COL_INPUT, COL_UNIT, COL_PREVIOUS, COL_TARGET, COL_PROGRESS = range(6)


def _main_lines(session: EditSession, form: str) -> dict[str, Any]:
    """The indicator's own line (not its parts) by indicator code."""
    return {line.code: line for line in session.indicator_lines(form) if not line.part}


class IndicatorGrid(QWidget):
    focused = Signal(str)

    def __init__(self, session: EditSession, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.form = session, form
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}  # field key → its label (the form marks evidence)
        self._progress: dict[str, QProgressBar | QLabel] = {}
        self._computed: dict[str, QLabel] = {}
        self._targets: dict[str, QLabel] = {}
        self.previous_labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        headers = [
            self.tr("指标"),
            self.tr("本期填报"),
            self.tr("单位"),
            self.tr("上年"),
            self.tr("方案目标"),
            self.tr("目标进度"),
        ]
        for col, text in enumerate(headers):
            grid.addWidget(QLabel(text, objectName="headerCell"), 0, col)
        grid.setColumnStretch(COL_LABEL, 3)
        grid.setColumnStretch(COL_TARGET, 2)
        grid.setColumnMinimumWidth(COL_INPUT, 150)
        row = 1
        lines = _main_lines(session, form)
        for indicator in session.pack.indicators(form, session.division):
            fields = input_fields_of(form, indicator)
            first_row = row
            for field in fields:
                label = QLabel(field.label + (" *" if field.required else ""))
                label.setWordWrap(True)
                label.setToolTip(field.help)
                message = QLabel(objectName="fieldError")
                message.setWordWrap(True)
                message.hide()
                editor = FieldEditor(session, field, message)
                editor.focused.connect(self.focused)
                editor.moveRequested.connect(partial(self._move, field.key))
                label.setBuddy(editor.input)
                self.editors[field.key] = editor
                self.labels[field.key] = label
                grid.addWidget(label, row, COL_LABEL)
                grid.addWidget(editor, row, COL_INPUT)
                grid.addWidget(QLabel(field.unit, objectName="muted"), row, COL_UNIT)
                previous = QLabel(session.previous(field.key) or "—", objectName="muted")
                self.previous_labels[field.key] = previous
                grid.addWidget(previous, row, COL_PREVIOUS)
                # under the input, unit and last year only: the 方案目标 column beside it spans
                # these rows, so a wider message would be printed over the target
                grid.addWidget(message, row + 1, COL_INPUT, 1, COL_TARGET - COL_INPUT)
                row += 2
            if indicator.kind == "ratio":
                computed = QLabel(objectName="muted")
                self._computed[indicator.code] = computed
                grid.addWidget(
                    QLabel(
                        self.tr("＝ {name}（自动计算）").format(name=indicator.name),
                        objectName="muted",
                    ),
                    row,
                    COL_LABEL,
                )
                grid.addWidget(computed, row, COL_INPUT, 1, 2)
                row += 1
            text = lines[indicator.code].target if indicator.code in lines else ""
            if text:
                target = QLabel(text, objectName="muted")
                self._targets[indicator.code] = target
                target.setWordWrap(True)
                target.setToolTip(text)
                grid.addWidget(
                    target,
                    first_row,
                    COL_TARGET,
                    max(1, row - first_row),
                    1,
                    Qt.AlignmentFlag.AlignTop,
                )
            if indicator.numeric_target is not None:
                bar = QProgressBar()
                bar.setRange(0, 100)
                bar.setFixedWidth(110)
                bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                self._progress[indicator.code] = bar
                grid.addWidget(bar, first_row, COL_PROGRESS, Qt.AlignmentFlag.AlignTop)
        grid.setRowStretch(row, 1)
        self.refresh_figures()

    def _move(self, key: str, step: int) -> None:
        """Enter, ↓ and ↑ in a field: the field below or above; past the last field on to the
        form's next input, before the first one to what precedes the grid."""
        keys = list(self.editors)
        at = keys.index(key) + step
        if 0 <= at < len(keys):
            reason = (
                Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason
            )
            self.editors[keys[at]].input.setFocus(reason)  # selects the text: typing replaces it
        else:
            self.editors[key].move_focus(step > 0)

    def refresh_figures(self) -> None:
        """Computed rates, targets and progress, as the printed sheet shows them."""
        lines = _main_lines(self.session, self.form)
        for code, label in self._computed.items():
            line = lines[code]
            label.setText(f"{line.this_value} {line.unit}" if line.this_value else "—")
        for code, target in self._targets.items():
            target.setText(lines[code].target)
            target.setToolTip(lines[code].target)
        for code, bar in self._progress.items():
            percent = lines[code].progress_number
            if percent is None:
                bar.setValue(0)
                bar.setFormat("—")
                bar.setToolTip(self.tr("填报后显示完成进度"))
            else:
                bar.setValue(int(max(0, min(100, percent))))
                bar.setFormat(f"{percent:.0f}%")
                bar.setToolTip(
                    self.tr("已完成 {year} 年目标的 {p}%").format(
                        year=self.session.pack.catalog.plan.years[-1], p=f"{percent:.1f}"
                    )
                )
