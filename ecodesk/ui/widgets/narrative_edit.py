"""One of the four narrative sections of a progress report, with its character count."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ecodesk.forms.schema import Narrative
from ecodesk.ui.session import EditSession
from ecodesk.ui.undo_keys import is_undo_or_redo
from ecodesk.ui.widgets.marking import mark

COMMIT_DELAY_MS = 900


class NarrativeEdit(QWidget):
    focused = Signal(str)  # "form:section"

    def __init__(
        self, session: EditSession, form: str, spec: Narrative, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.form, self.spec = session, form, spec
        self._timer = QTimer(self, singleShot=True, interval=COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit)
        self._typing_from: str | None = None  # as in FieldEditor: the text typing started from
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        title = QLabel(f"<b>{spec.name}</b>　<span style='color:#667085'>{spec.hint}</span>")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName(f"narrative:{self.key}")
        self.edit.setAccessibleName(spec.name)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(spec.hint)
        self.edit.setMinimumHeight(84)
        self.edit.setMaximumHeight(150)
        self.edit.textChanged.connect(self._typed)
        self.edit.installEventFilter(self)
        layout.addWidget(self.edit)
        self.count = QLabel(objectName="charCount")
        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        self.setFocusProxy(self.edit)
        self._showing = False
        self.show_value()

    @property
    def key(self) -> str:
        return f"{self.form}:{self.spec.code}"

    def show_value(self) -> None:
        if self.pending():  # never under the clerk's fingers
            return
        text = self.session.narrative(self.form, self.spec.code)
        if self.edit.toPlainText() != text:
            self._showing = True
            self.edit.setPlainText(text)
            self._showing = False
        self.edit.setReadOnly(self.session.frozen)
        self._update_count()

    def _update_count(self) -> None:
        n = len(self.edit.toPlainText().strip())
        text = self.tr("已写 {n} 字").format(n=n)
        limits = []
        if self.spec.min_chars:
            limits.append(self.tr("至少 {n} 字").format(n=self.spec.min_chars))
        limits.append(self.tr("最多 {n} 字").format(n=self.spec.max_chars))
        self.count.setText(f"{text}（{'，'.join(limits)}）")
        outside = (0 < n < self.spec.min_chars) or n > self.spec.max_chars
        self.count.setProperty("problem", "true" if outside else "false")
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)

    def _typed(self) -> None:
        self._update_count()
        if not self._showing:
            if self._typing_from is None:
                self._typing_from = self.session.narrative(self.form, self.spec.code)
            self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def commit(self) -> None:
        self._timer.stop()
        based_on, self._typing_from = self._typing_from, None
        if self.session.frozen:
            return
        self.session.edit_narrative(
            self.form,
            self.spec.code,
            self.edit.toPlainText(),
            self.tr("修改“{name}”").format(name=self.spec.name),
            based_on=based_on,
        )

    def show_problems(self, problems: list) -> None:  # type: ignore[type-arg]
        mark(self.edit, problems, self.message, self.spec.hint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.edit:
            if event.type() == QEvent.Type.FocusIn:
                self.focused.emit(self.key)
            elif event.type() == QEvent.Type.FocusOut and self.pending():
                self.commit()
            elif is_undo_or_redo(event):  # the form's history (see ecodesk.ui.undo_keys)
                if self.pending():
                    self.commit()
                return True
        return super().eventFilter(watched, event)
