"""One form, generated from its definition: indicators, the four narratives, the tables."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
)

from ecodesk.forms.keys import CellKey, TableKey, parse_problem_location
from ecodesk.forms.rules.tables import blank_row
from ecodesk.ui import style
from ecodesk.ui.session import EditSession
from ecodesk.ui.widgets.attachments_panel import AttachmentsPanel, local_files
from ecodesk.ui.widgets.indicator_grid import IndicatorGrid
from ecodesk.ui.widgets.narrative_edit import NarrativeEdit
from ecodesk.ui.widgets.table_editor import TableEditor


class FormView(QWidget):
    def __init__(self, session: EditSession, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formPage")
        self.session, self.form = session, form
        definition = session.pack.form(form)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.scroll_area = scroll  # not ``scroll``: that is QWidget.scroll, which it would hide
        page = QWidget(objectName="formPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.setSpacing(8)
        title = QLabel(f"{form}　{definition.title}", objectName="formTitle")
        layout.addWidget(title)
        if definition.intro:
            intro = QLabel(definition.intro, objectName="formIntro")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        plan_text = self._plan_text()
        if plan_text:
            toggle = QToolButton(text=self.tr("查看行动方案原文"), checkable=True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            text = QLabel(plan_text, objectName="muted")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.hide()
            toggle.toggled.connect(text.setVisible)
            layout.addWidget(toggle, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(text)

        self.indicators = IndicatorGrid(session, form)
        self.indicators.focused.connect(self._show_help)
        if self.indicators.editors:
            layout.addWidget(QLabel(self.tr("一、主要指标"), objectName="sectionTitle"))
            layout.addWidget(self.indicators)

        self.narratives: dict[str, NarrativeEdit] = {}
        layout.addWidget(QLabel(self.tr("二、工作情况"), objectName="sectionTitle"))
        for spec in session.pack.narratives:
            edit = NarrativeEdit(session, form, spec)
            edit.focused.connect(self._show_help)
            self.narratives[edit.key] = edit
            layout.addWidget(edit)

        self.tables: dict[str, TableEditor] = {}
        specs = session.pack.tables(form, session.division)
        if specs:
            layout.addWidget(QLabel(self.tr("三、明细表"), objectName="sectionTitle"))
        for spec in specs:
            editor = TableEditor(session, form, spec)
            editor.focused.connect(self._show_help)
            self.tables[editor.key] = editor
            layout.addWidget(editor)
        self.attachments_title = QLabel(self.tr("四、佐证材料"), objectName="sectionTitle")
        layout.addWidget(self.attachments_title)
        self.attachments = AttachmentsPanel(session, form)
        self.last_key = ""  # the input the clerk was last in: 附件… offers it as the place
        self._help_before_drag: str | None = None  # the strip says where a drop would go
        self.attachments.place_hint = self.current_place
        layout.addWidget(self.attachments)
        self.retired = self._retired_section()
        if self.retired is not None:
            layout.addWidget(self.retired)
        layout.addStretch(1)
        scroll.setWidget(page)
        self.page = page
        self._watch_drops(page)
        outer.addWidget(scroll)

        self.help_strip = QLabel(objectName="helpStrip")
        self.help_strip.setWordWrap(True)
        self.help_strip.setText(
            self.tr(
                "Tab 或回车到下一项，↑/↓ 上下移动，Ctrl+Z 撤销、Ctrl+Y 重做；"
                "鼠标停在指标上可看方案原文，F1 查看当前项的填报说明。"
            )
        )
        outer.addWidget(self.help_strip)

        QShortcut(
            QKeySequence(QKeySequence.StandardKey.HelpContents),
            self,
            self.show_help_popup,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        session.valueChanged.connect(self._value_changed)
        session.narrativeChanged.connect(self._narrative_changed)
        session.tableChanged.connect(self._table_changed)
        session.remoteChanged.connect(self._remote_changed)
        session.problemsChanged.connect(self.show_problems)
        session.attachmentsChanged.connect(self.show_evidence_marks)
        session.tableChanged.connect(lambda _key: self.show_evidence_marks())
        self.show_problems()
        self.show_evidence_marks()

    def _retired_section(self) -> QLabel | None:
        """Values of this form's fields the form pack in use no longer asks for: kept, shown
        as 已停用, never exported (the core sets them aside, see Store.load)."""
        from ecodesk.packs.installed import retired_values

        data = self.session.data
        mine = {
            k: v for k, v in (data.retired if data else {}).items() if k.split(":")[0] == self.form
        }
        if not mine:
            return None
        lines = [
            self.tr("{name}：{value}　［已停用］").format(name=r.label or r.key, value=r.text)
            for r in retired_values(getattr(self.session.store, "data_dir", None), mine)
        ]
        label = QLabel(
            self.tr("已停用的指标（新表单包不再要求，数据保留在本机，不再导出）")
            + "\n"
            + "\n".join(lines),
            objectName="retiredValues",
        )
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _plan_text(self) -> str:
        definition = self.session.pack.form(self.form)
        if definition.task:
            return self.session.pack.task(definition.task).text
        return "\n\n".join(g.text for g in self.session.pack.catalog.goal_groups)

    # ------------------------------------------------------------------ help

    def help_for(self, key: str) -> str:
        if key in self.indicators.editors:
            field = self.indicators.editors[key].field
            indicator = self.session.pack.indicator(self.form, field.indicator)
            parts = [f"<b>{field.label}</b>", field.help, indicator.plan_sentence]
            return "<br>".join(p for p in dict.fromkeys(parts) if p)
        if key in self.narratives:
            spec = self.narratives[key].spec
            return f"<b>{spec.name}</b><br>{spec.hint}"
        if key in self.tables:
            spec = self.tables[key].spec
            return f"<b>{spec.name}</b><br>{spec.help}"
        return ""

    def _show_help(self, key: str) -> None:
        self.last_key = key
        text = self.help_for(key)
        if text:
            self.help_strip.setText(text)

    def show_help_popup(self) -> None:
        """F1: the plan's text for the field that has the focus, next to it."""
        focus = QApplication.focusWidget()
        key = self._key_of(focus)
        text = self.help_for(key) if key else ""
        if text and focus is not None:
            self.help_strip.setText(text)
            QWhatsThis.showText(focus.mapToGlobal(focus.rect().bottomLeft()), text, focus)

    def _key_of(self, widget: QWidget | None) -> str | None:
        for group in (self.indicators.editors, self.narratives, self.tables):
            for key, editor in group.items():
                if widget is not None and (widget is editor or editor.isAncestorOf(widget)):
                    return key
        return None

    # ------------------------------------------------------------------ session → widgets

    def _value_changed(self, key: str) -> None:
        if key in self.indicators.editors:
            self.indicators.editors[key].show_value()
            self.indicators.refresh_figures()

    def _remote_changed(self, key: str, who: str) -> None:
        """Someone else saved ``key``: where the clerk is typing in it, say so beside it."""
        editor = self.indicators.editors.get(key) or self.narratives.get(key)
        if editor is None or not editor.pending():
            return
        label = getattr(editor, "message_label", None) or getattr(editor, "message", None)
        if label is not None:
            label.setText(
                self.tr("{who} 刚保存了此项的新值；您的输入保存时会请您选择保留哪一个。").format(
                    who=who
                )
            )
            label.setVisible(True)

    def _narrative_changed(self, key: str) -> None:
        if key in self.narratives:
            self.narratives[key].show_value()

    def _table_changed(self, key: str) -> None:
        if key in self.tables:
            self.tables[key].show_value()
            self.show_problems()

    def show_problems(self) -> None:
        problems = self.session.form_problems(self.form)
        for key, editor in self.indicators.editors.items():
            if not editor.pending():  # don't overwrite the verdict on what is being typed
                editor.show_problems([p for p in problems if p.field == key])
        for key, edit in self.narratives.items():
            edit.show_problems([p for p in problems if p.field == key])
        for editor in self.tables.values():
            editor.show_problems(
                [p for p in problems if p.field and _table_of(p.field) == editor.table_key]
            )
        self.indicators.refresh_figures()

    def flush(self) -> None:
        """Save whatever is still waiting for the typing pause (before close or period change)."""
        for editor in self.indicators.editors.values():
            if editor.pending():
                editor.commit()
        for edit in self.narratives.values():
            if edit.pending():
                edit.commit()

    def focus_field(self, field: str | None) -> None:
        """Bring the input behind ``field`` (a problem's location) into view and focus it."""
        target: QWidget | None = None
        if field in self.indicators.editors:
            target = self.indicators.editors[field]
        elif field in self.narratives:
            target = self.narratives[field]
        elif field:
            for editor in self.tables.values():
                if field == editor.key or _table_of(field) == editor.table_key:
                    cell = parse_problem_location(field)
                    if isinstance(cell, CellKey):
                        editor.focus_cell(cell.index, cell.column)
                    target = editor
                    break
        if target is None:
            return
        self.scroll_area.ensureWidgetVisible(target, 50, 80)
        if target.focusProxy() is not None and not isinstance(target, TableEditor):
            target.setFocus()
        elif isinstance(target, TableEditor):
            target.view.setFocus()

    # ------------------------------------------------------------------ files dropped on the form

    def _watch_drops(self, page: QWidget) -> None:
        """Files dropped anywhere on the form become 佐证材料 of the place under the cursor.
        Widgets that take drops themselves (a line edit would paste the file's path) are
        watched so that a drop of files reaches the form instead; other drops pass."""
        page.setAcceptDrops(True)
        for widget in [page, *page.findChildren(QWidget)]:
            if widget is page or widget.acceptDrops():
                widget.installEventFilter(self)

    def show_evidence_marks(self) -> None:
        """A paperclip on each table row, and a note on each indicator, that has 佐证材料."""
        counts: dict[str, int] = {}
        for attachment in self.session.attachments(self.form):
            form, sep, code = attachment.key.partition(":")
            place = f"{form}{sep}{code.partition('.')[0]}"  # a part's file counts for its indicator
            counts[place] = counts.get(place, 0) + 1
        shown: set[str] = set()
        for key, label in self.indicators.labels.items():
            field = self.indicators.editors[key].field
            place = f"{self.form}:{field.indicator}"
            text = field.label + (" *" if field.required else "")
            if counts.get(place) and place not in shown:  # on the indicator's first line
                shown.add(place)
                note = self.tr("附件 {n}").format(n=counts[place])
                label.setText(f'{escape(text)} <span style="color:{style.ACCENT}">· {note}</span>')
                label.setTextFormat(Qt.TextFormat.RichText)
            else:
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setText(text)
        for editor in self.tables.values():
            prefix = f"{self.form}:{editor.spec.code}#"
            editor.model.set_evidence(
                {
                    int(key[len(prefix) :]) - 1: n
                    for key, n in counts.items()
                    if key.startswith(prefix) and key[len(prefix) :].isdigit()
                }
            )

    def current_place(self) -> str:
        """The attachment key of the input the clerk was last in (an indicator, the current
        filled row of a table), else the form: where 附件… proposes to attach."""
        if self.last_key in self.indicators.editors:
            return f"{self.form}:{self.indicators.editors[self.last_key].field.indicator}"
        if self.last_key in self.tables:
            editor = self.tables[self.last_key]
            row = editor.view.currentIndex().row()
            rows = self.session.rows(self.form, editor.spec.code)
            if 0 <= row < len(rows) and not blank_row(rows[row]):
                return f"{self.form}:{editor.spec.code}#{row + 1}"
        return self.form

    def drop_key(self, widget: QWidget, pos: QPoint) -> str:
        """The attachment key of the place at ``pos`` in ``widget``: an indicator, a filled
        table row, or else the form."""
        point = widget.mapToGlobal(pos)
        for field_editor in self.indicators.editors.values():
            if field_editor.rect().contains(field_editor.mapFromGlobal(point)):
                return f"{self.form}:{field_editor.field.indicator}"
        for table_editor in self.tables.values():
            viewport = table_editor.view.viewport()
            local = viewport.mapFromGlobal(point)
            if viewport.rect().contains(local):
                row = table_editor.view.rowAt(local.y())
                code = table_editor.spec.code
                rows = self.session.rows(self.form, code)
                if 0 <= row < len(rows) and not blank_row(rows[row]):
                    return f"{self.form}:{code}#{row + 1}"
        return self.form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kinds = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if event.type() == QEvent.Type.DragLeave and self._help_before_drag is not None:
            self.help_strip.setText(self._help_before_drag)  # the drag went elsewhere
            self._help_before_drag = None
        if event.type() not in kinds or not isinstance(watched, QWidget):
            return super().eventFilter(watched, event)
        assert isinstance(event, QDropEvent)  # DragEnter and DragMove events are drop events
        paths = local_files(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if not paths:
            return super().eventFilter(watched, event)
        key = self.drop_key(watched, event.position().toPoint())
        if event.type() == QEvent.Type.Drop:
            event.acceptProposedAction()
            if self._help_before_drag is not None:
                self.help_strip.setText(self._help_before_drag)
                self._help_before_drag = None
            self.attachments.ask_and_attach(paths, key)
            return True
        event.acceptProposedAction()
        if self._help_before_drag is None:
            self._help_before_drag = self.help_strip.text()
        self.help_strip.setText(
            self.tr("松开鼠标，把 {n} 个文件作为佐证材料附到：{place}").format(
                n=len(paths), place=self.attachments.place_label(key)
            )
        )
        return True

    def editor_widgets(self) -> dict[str, Any]:
        return {**self.indicators.editors, **self.narratives, **self.tables}


def _table_of(field: str) -> TableKey | None:
    """The table a problem's field names (the whole table or one of its cells), if any."""
    location = parse_problem_location(field)
    return location.table_key if isinstance(location, CellKey) else location
