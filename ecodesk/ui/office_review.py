"""The office inside the window: who is signed in, each form's review state in the plan tree,
a returned form's comment above the form, and the 审核 menu (审核通过, 退回修改, 切换用户).

Hooked into the main window by :meth:`OfficeReview.attach` (a few lines in ``main_window``), so
the window and the tree stay as they are where people are off: no column, no menu entries
enabled, nothing to sign in to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QMessageBox, QVBoxLayout

from ecodesk.errors import EcoDeskError
from ecodesk.store import office, people
from ecodesk.ui.dialogs.reason_dialog import ask_reason

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

REVIEW_COLUMN = (
    4  # after the tree's own columns (form, state, who is working, due: plan_tree.DEADLINE_COLUMN)
)
STATE_COLORS = {
    "unreviewed": "#6b7280",
    "reviewed": "#15803d",
    "returned": "#b91c1c",
    "changed": "#b45309",
}


class OfficeReview(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reviews: dict[str, office.FormReview] = {}
        self.note = QLabel(objectName="officeNote")  # a returned form's comment, above the form
        self.note.setWordWrap(True)
        self.note.hide()
        self.who = QLabel(objectName="signedIn")
        self.review_action = QAction(self.tr("审核通过"), window, objectName="action_review_form")
        self.review_action.setShortcut("Ctrl+Shift+A")
        self.review_action.triggered.connect(self.review_current)
        self.return_action = QAction(self.tr("退回修改…"), window, objectName="action_return_form")
        self.return_action.triggered.connect(self.return_current)
        self.switch_action = QAction(self.tr("切换用户…"), window, objectName="action_switch_user")
        self.switch_action.triggered.connect(self.switch_user)
        self.people_action = QAction(self.tr("人员和角色…"), window, objectName="action_people")
        self.people_action.triggered.connect(self.edit_people)

    def build_menu(self, menu: QMenu) -> None:
        menu.addAction(self.review_action)
        menu.addAction(self.return_action)
        menu.addSeparator()
        menu.addAction(self.switch_action)

    def attach(self) -> None:
        """Called once the window has its session and tree."""
        window = self.window
        holder = window.banner.parentWidget()
        layout = holder.layout() if holder is not None else None
        assert isinstance(layout, QVBoxLayout)  # the banner's column above the form
        layout.insertWidget(layout.indexOf(window.banner) + 1, self.note)
        window.statusBar().addPermanentWidget(self.who)
        window.session.loaded.connect(self.refresh)
        window.session.saved.connect(self.refresh)
        window.tree.formSelected.connect(lambda _form: self._show_note())
        window.show_all.toggled.connect(lambda _on: self.refresh())  # the tree was rebuilt
        self.refresh()

    # ------------------------------------------------------------------ state → window

    @property
    def on(self) -> bool:
        return people.people_required(self.window.session.store)

    def refresh(self) -> None:
        window = self.window
        session = window.session
        if session.data is None:
            return
        on = self.on
        person = session.store.person
        self.who.setText(
            self.tr("登录：{name}（{roles}）").format(name=person.name, roles=person.roles_text)
            if person is not None
            else ""
        )
        if person is not None and session.data is not None:
            # the profile's typed 填报人 is not who is working: the status bar names them
            window.unit_label.setText(session.data.unit.display_name + " ")
        self.reviews = office.form_reviews(session.store, session.period) if on else {}
        is_reviewer = person is not None and person.has(people.REVIEWER)
        for action in (self.review_action, self.return_action):
            action.setEnabled(on and is_reviewer and not session.frozen)
        self.switch_action.setEnabled(on)
        self._show_states(on)
        self._show_note()

    def _show_states(self, on: bool) -> None:
        tree = self.window.tree
        if not on:
            if tree.columnCount() > REVIEW_COLUMN:
                tree.setColumnCount(REVIEW_COLUMN)
            return
        if tree.columnCount() <= REVIEW_COLUMN:
            tree.setColumnCount(REVIEW_COLUMN + 1)
            tree.headerItem().setText(REVIEW_COLUMN, self.tr("审核"))
        for form in tree.forms():
            item = tree.item_of(form)
            review = office.state_of(self.reviews, form)
            item.setText(REVIEW_COLUMN, review.label)
            item.setForeground(REVIEW_COLUMN, QColor(STATE_COLORS[review.state]))
            tip = ""
            if review.reviewer and review.at:
                tip = self.tr("{person} {at}").format(
                    person=review.reviewer, at=review.at.astimezone().strftime("%m-%d %H:%M")
                )
            if review.comment:
                tip += "\n" + review.comment
            item.setToolTip(REVIEW_COLUMN, tip.strip())
            item.setData(REVIEW_COLUMN, Qt.ItemDataRole.UserRole + 1, review.state)

    def _show_note(self) -> None:
        form = self.window.tree.current_form()
        review = office.state_of(self.reviews, form) if form else None
        if review is None or not review.comment or review.state == "reviewed":
            self.note.hide()
            return
        if review.state == "returned":
            text = self.tr("审核人 {person} 退回修改：{comment}")
        else:
            text = self.tr("已修改，待审核人复审。{person} 的意见：{comment}")
        self.note.setText(text.format(person=review.reviewer, comment=review.comment))
        self.note.show()

    # ------------------------------------------------------------------ the actions

    def _form(self) -> str | None:
        form = self.window.tree.current_form()
        if form is None:
            self.window.statusBar().showMessage(self.tr("请先在左侧选择一张表单。"), 6000)
        return form

    def review_current(self) -> None:
        form = self._form()
        if form is None:
            return
        self.window.flush()
        try:
            office.review_form(self.window.session.store, self.window.session.period, form)
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, self.tr("审核"), str(exc))
            return
        self.refresh()
        self.window.statusBar().showMessage(self.tr("表 {form}：已审核").format(form=form), 6000)

    def return_current(self) -> None:
        form = self._form()
        if form is None:
            return
        self.window.flush()
        comment, ok = ask_reason(
            self.window,
            self.tr("退回修改"),
            self.tr("表 {form} 需要怎样修改？（填报人会在目录和表单上看到）").format(form=form),
        )
        if not ok:
            return
        try:
            office.return_form(self.window.session.store, self.window.session.period, form, comment)
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, self.tr("退回修改"), str(exc))
            return
        self.refresh()
        self.window.statusBar().showMessage(
            self.tr("表 {form}：已退回修改").format(form=form), 6000
        )

    def switch_user(self) -> None:
        from ecodesk.ui.dialogs.sign_in_dialog import SignInDialog

        self.window.flush()
        store = self.window.session.store
        dialog = SignInDialog(store, self.window)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.window.session.reload()
        finally:
            dialog.deleteLater()

    def edit_people(self) -> None:
        from ecodesk.ui.dialogs.people_dialog import PeopleDialog
        from ecodesk.ui.dialogs.sign_in_dialog import sign_in_at_start

        self.window.flush()
        store = self.window.session.store
        dialog = PeopleDialog(store, self.window)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        if self.on and store.person is None:  # just turned on: whoever works here signs in
            sign_in_at_start(store, self.window)
        self.window.session.reload()
