"""审核 one received submission: queries on places of it, and a decision (queries only, 退回
with a reason, or 采用).

On the left every place a query can point at (the submission as a whole, each form, its
indicator values, narrative sections and table cells), with the value as received; on the
right the checks the program already knows as ready-made questions, the question being
written, the queries raised so far, and the decision. Keyboard: Tab between the parts, Enter
on a place or a suggestion moves to the question, Enter in the question adds the query, Del
removes the selected query, Esc cancels. The dialog only collects: the signed feedback file is
made by the same core as ``ecodesk review`` (:func:`ecodesk.services.review.review_submission`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.ui.consolidation.review_view import cell

KEY_ROLE = Qt.ItemDataRole.UserRole


class _PlaceTree(QTreeWidget):
    """Enter on a place moves on to the question (the tree's own Enter would do nothing)."""

    def __init__(self, dialog: ReviewDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current_key():
            self.dialog.question.setFocus()
            return
        super().keyPressEvent(event)

    def current_key(self) -> str:
        item = self.currentItem()
        return str(item.data(0, KEY_ROLE) or "") if item is not None else ""


class _Suggestions(QListWidget):
    def __init__(self, dialog: ReviewDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.dialog.use_suggestion(self.currentItem())
            return
        super().keyPressEvent(event)


class _QueryList(QTableWidget):
    """Del (or Backspace) removes the selected query."""

    def __init__(self, dialog: ReviewDialog) -> None:
        super().__init__(0, 2)
        self.dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.dialog.remove_query()
            return
        super().keyPressEvent(event)


class ReviewDialog(QDialog):
    """``data`` the received :class:`~ecodesk.submission.SubmissionData`, ``suggestions`` the
    core's :class:`~ecodesk.services.review.Suggestion` list."""

    def __init__(
        self,
        pack: Any,
        data: Any,
        suggestions: list[Any],
        *,
        file_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.pack, self.data = pack, data
        self.labels: dict[str, str] = {}  # place key → what it is called, with its value
        self.setWindowTitle(
            self.tr("审核 {unit} {period}第{r}版").format(
                unit=data.unit.display_name, period=data.period.label, r=data.revision
            )
        )
        self.resize(1100, 660)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "选择要查询的位置（指标数值、表格单元格、章节，或整份报表），写下问题后按 Enter 加入查询；"
                "右侧是程序的检查给出的建议问题。最后选择审核结论，生成审核意见书，用本单位的密钥签名。"
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        if file_name:
            source = QLabel(self.tr("所审核的文件：{name}").format(name=file_name))
            source.setObjectName("muted")
            layout.addWidget(source)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("位置（收到的数值）：")))
        self.places = _PlaceTree(self)
        self.places.setObjectName("reviewPlaces")
        self.places.setHeaderLabels([self.tr("位置"), self.tr("收到的数值")])
        self.places.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.places.setColumnWidth(0, 260)
        left_layout.addWidget(self.places)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("建议的查询（程序的检查，Enter 选用）：")))
        self.suggestions = _Suggestions(self)
        self.suggestions.setObjectName("reviewSuggestions")
        self.suggestions.setWordWrap(True)
        self.suggestions.itemDoubleClicked.connect(self.use_suggestion)
        right_layout.addWidget(self.suggestions, 2)
        ask = QHBoxLayout()
        self.place_label = QLabel(objectName="sectionTitle")
        self.place_label.setWordWrap(True)
        right_layout.addWidget(self.place_label)
        self.question = QLineEdit(objectName="reviewQuestion")
        self.question.setPlaceholderText(self.tr("查询内容，例如：比上年增幅较大，请核实口径"))
        self.question.returnPressed.connect(self.add_query)
        self.add_button = QPushButton(self.tr("加入查询"), objectName="addQuery")
        self.add_button.clicked.connect(self.add_query)
        ask.addWidget(self.question, 1)
        ask.addWidget(self.add_button)
        right_layout.addLayout(ask)
        right_layout.addWidget(QLabel(self.tr("已提出的查询（Del 删除）：")))
        self.queries = _QueryList(self)
        self.queries.setObjectName("reviewQueryList")
        self.queries.setHorizontalHeaderLabels([self.tr("位置"), self.tr("查询内容")])
        self.queries.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.queries.setColumnWidth(0, 200)
        self.queries.verticalHeader().setVisible(False)
        self.queries.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.queries.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        right_layout.addWidget(self.queries, 2)
        splitter.addWidget(right)
        splitter.setSizes([440, 640])
        layout.addWidget(splitter, 1)

        decision_box = QGroupBox(self.tr("审核结论"))
        grid = QGridLayout(decision_box)
        self.only_queries = QRadioButton(self.tr("只提查询，不退回"), objectName="decisionQueries")
        self.return_it = QRadioButton(self.tr("退回修改"), objectName="decisionReturn")
        self.accept_it = QRadioButton(self.tr("采用"), objectName="decisionAccept")
        self.decisions = QButtonGroup(self)
        for column, radio in enumerate((self.only_queries, self.return_it, self.accept_it)):
            self.decisions.addButton(radio)
            grid.addWidget(radio, 0, column)
        self.only_queries.setChecked(True)
        grid.addWidget(QLabel(self.tr("退回原因：")), 1, 0)
        self.reason = QLineEdit(objectName="returnReason")
        self.reason.setPlaceholderText(self.tr("退回时必须写明：请单位核实或更正什么"))
        self.reason.returnPressed.connect(self.accept)
        grid.addWidget(self.reason, 1, 1, 1, 3)
        grid.setColumnStretch(3, 1)
        self.return_it.toggled.connect(self._decision_changed)
        layout.addWidget(decision_box)

        self.message = QLabel(objectName="fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.write_button = QPushButton(self.tr("生成审核意见书…"), objectName="primary")
        self.write_button.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        for button in (self.add_button, self.write_button, cancel):
            button.setAutoDefault(False)  # Enter adds a query in the question, never signs
        buttons.addWidget(self.write_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)

        self._fill_places()
        self._fill_suggestions(suggestions)
        self.places.currentItemChanged.connect(lambda *_: self._show_place())
        self._decision_changed()
        whole = self.places.topLevelItem(0)
        if whole is not None:
            self.places.setCurrentItem(whole)
        self.places.setFocus()

    # ------------------------------------------------------------------ places

    def _place(self, parent: QTreeWidget | QTreeWidgetItem, key: str) -> QTreeWidgetItem | None:
        from ecodesk.review.keys import resolve_query_key

        try:
            place = resolve_query_key(self.pack, self.data, key)
        except EcoDeskError:
            return None  # a place of this pack the submission does not have
        item = QTreeWidgetItem(parent, [place.label, place.value])
        item.setData(0, KEY_ROLE, place.key)
        item.setToolTip(0, place.key)
        item.setToolTip(1, place.value)
        self.labels[place.key] = f"{place.label}（{place.value}）" if place.value else place.label
        return item

    def _fill_places(self) -> None:
        from ecodesk.review.keys import WHOLE_SUBMISSION

        self._place(self.places, WHOLE_SUBMISSION)
        for form in self.data.forms:
            if form not in self.pack.forms:
                continue
            top = self._place(self.places, form)
            if top is None:
                continue
            for field in self.pack.input_fields(form, self.data.unit.division_code):
                self._place(top, field.key)
            for section in self.pack.narratives:
                self._place(top, f"{form}:{section.code}")
            for table in self.pack.form(form).tables:
                rows = self.data.rows(form, table.code)
                if not rows:
                    continue
                holder = QTreeWidgetItem(top, [table.name, self.tr("{n} 行").format(n=len(rows))])
                for n in range(1, len(rows) + 1):
                    row_item = QTreeWidgetItem(holder, [self.tr("第{n}行").format(n=n), ""])
                    for column in table.columns:
                        self._place(row_item, f"{form}:{table.code}#{n}.{column.code}")
        self.places.expandToDepth(0)

    def find_place(self, key: str) -> QTreeWidgetItem | None:
        def walk(item: QTreeWidgetItem | None) -> QTreeWidgetItem | None:
            if item is None:
                return None
            if item.data(0, KEY_ROLE) == key:
                return item
            for i in range(item.childCount()):
                found = walk(item.child(i))
                if found is not None:
                    return found
            return None

        for i in range(self.places.topLevelItemCount()):
            found = walk(self.places.topLevelItem(i))
            if found is not None:
                return found
        return None

    def select_place(self, key: str) -> None:
        item = self.find_place(key)
        if item is None:
            raise KeyError(key)
        self.places.setCurrentItem(item)
        self.places.scrollToItem(item)

    def _show_place(self) -> None:
        key = self.places.current_key()
        self.place_label.setText(
            self.tr("查询位置：{place}").format(place=self.labels.get(key, key))
            if key
            else self.tr("请在左侧选择一个位置（指标、单元格、章节或整份报表）")
        )

    # ------------------------------------------------------------------ suggestions

    def _fill_suggestions(self, suggestions: list[Any]) -> None:
        for s in suggestions:
            label = self.labels.get(s.key, s.key)
            item = QListWidgetItem(f"{label}：{s.question}")
            item.setData(KEY_ROLE, (s.key, s.question))
            item.setToolTip(s.question)
            self.suggestions.addItem(item)
        if not suggestions:
            item = QListWidgetItem(self.tr("程序的检查没有发现需要查询的地方。"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.suggestions.addItem(item)

    def use_suggestion(self, item: QListWidgetItem) -> None:
        chosen = item.data(KEY_ROLE)
        if not chosen:
            return
        key, question = chosen
        if self.find_place(key) is not None:
            self.select_place(key)
        self.question.setText(question)
        self.question.setFocus()

    # ------------------------------------------------------------------ queries

    def add_query(self) -> None:
        key, question = self.places.current_key(), self.question.text().strip()
        if not key:
            self._say(self.tr("请先在左侧选择要查询的位置。"))
            self.places.setFocus()
            return
        if not question:
            self._say(self.tr("请写下要问的问题，再加入查询。"))
            self.question.setFocus()
            return
        row = self.queries.rowCount()
        self.queries.insertRow(row)
        place = QTableWidgetItem(self.labels.get(key, key))
        place.setData(KEY_ROLE, key)
        place.setToolTip(key)
        self.queries.setItem(row, 0, place)
        asked = QTableWidgetItem(question)
        asked.setToolTip(question)
        self.queries.setItem(row, 1, asked)
        self.question.clear()
        self.message.hide()
        if self.accept_it.isChecked():
            self.only_queries.setChecked(True)  # a query means not accepted yet
        self.places.setFocus()

    def remove_query(self) -> None:
        row = self.queries.currentRow()
        if row >= 0:
            self.queries.removeRow(row)

    def query_list(self) -> list[tuple[str, str]]:
        """(place key, question) of every query raised, in order."""
        return [
            (str(cell(self.queries, r, 0).data(KEY_ROLE)), cell(self.queries, r, 1).text())
            for r in range(self.queries.rowCount())
        ]

    # ------------------------------------------------------------------ decision

    def _decision_changed(self) -> None:
        self.reason.setEnabled(self.return_it.isChecked())

    def decision(self) -> str | None:
        """``"return"``, ``"accept"`` or None (queries only), as :func:`review_submission` takes it."""
        if self.return_it.isChecked():
            return "return"
        if self.accept_it.isChecked():
            return "accept"
        return None

    def reason_text(self) -> str:
        return self.reason.text().strip() if self.return_it.isChecked() else ""

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def accept(self) -> None:
        """Closes only with a decision the core accepts (its own check, said in the dialog)."""
        from ecodesk.services.review import check_review_request

        try:
            check_review_request(self.decision(), self.reason_text(), self.query_list())  # type: ignore[arg-type]
        except EcoDeskError as exc:
            self._say(str(exc))
            if self.return_it.isChecked() and not self.reason_text():
                self.reason.setFocus()
            return
        super().accept()
