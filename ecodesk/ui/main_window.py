"""The main window: plan tree on the left, the form (or the overview) in the middle, problems below."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ecodesk.errors import EcoDeskError
from ecodesk.store import settings
from ecodesk.ui.dialogs.accept_warning_dialog import AcceptWarningDialog
from ecodesk.ui.icons import app_icon
from ecodesk.ui.operations import Operations
from ecodesk.ui.screen_fit import fit_to_screen
from ecodesk.ui.undo_keys import redo_keys, undo_keys

# The window shows before the form pack (pydantic) and the store (SQLAlchemy) are loaded: what
# needs them is imported when the window is filled (attach), not when this module is.
if TYPE_CHECKING:
    from ecodesk.forms.loader import FormPack
    from ecodesk.submission import Period
    from ecodesk.ui.office_review import OfficeReview
    from ecodesk.ui.session import EditSession
    from ecodesk.ui.widgets.form_view import FormView
    from ecodesk.ui.widgets.period_selector import PeriodSelector
    from ecodesk.ui.widgets.plan_tree import PlanTree
    from ecodesk.ui.widgets.problems_panel import ProblemsPanel

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1280, 760)  # shrunk to the screen's available area when larger

_open_windows: list[MainWindow] = []  # windows made by reopen_in_language (run_app holds the first)


class _UndoAction(QAction):
    """Undo or redo under a fixed label; what it would undo or redo shows as its tooltip.

    The tooltip is set by a method of the action itself, so the connection to the session's
    undo stack ends with the action (the stack, made later, outlives it when the window goes)."""

    def __init__(self, text: str, tip: str, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.setEnabled(False)
        self._tip = tip

    def show_what(self, what: str) -> None:
        self.setToolTip(self._tip.format(what=what))


class MainWindow(QMainWindow):
    # set by attach, once the form pack and the store are there
    pack: FormPack
    session: EditSession
    tree: PlanTree
    problems: ProblemsPanel
    period_selector: PeriodSelector
    office: OfficeReview

    def __init__(
        self,
        store: Any | None,
        pack: FormPack | None,
        data_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        """The window on ``store``. With ``store`` and ``pack`` None, only its shell (menus,
        toolbar, a tree saying 正在打开…), shown at start-up while they load; :meth:`attach`
        then fills it."""
        super().__init__(parent)
        self.data_dir = data_dir
        self._saved_at_shown: datetime | None = None
        self.setWindowIcon(app_icon())
        self.setMinimumSize(1000, 620)
        self.attached = False
        self.operations = Operations(self)
        self.views: dict[str, FormView] = {}
        self.overview: QWidget | None = None
        self.consolidation: QWidget | None = None  # the consolidation window, once opened

        opening = QTreeWidget()  # stands where the plan tree comes, with the same look
        opening.setObjectName("planTree")
        opening.header().setStretchLastSection(False)
        opening.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        opening.setHeaderLabels(
            [
                QCoreApplication.translate("PlanTree", "行动方案"),
                QCoreApplication.translate("PlanTree", "状态"),
            ]
        )
        item = QTreeWidgetItem([self.tr("正在打开…")])
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        opening.addTopLevelItem(item)
        self.stack = QStackedWidget()
        # who returned (or queried, or accepted) which revision, when and why
        self.banner = QLabel()
        self.banner.setObjectName("feedbackBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(4)
        upper_layout.addWidget(self.banner)
        upper_layout.addWidget(self.stack)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(upper)
        self.right.addWidget(QWidget())  # the problems panel's place
        self.right.setStretchFactor(0, 2)
        self.right.setStretchFactor(1, 1)
        # about a third of the height for the problems: five rows at 1366×768, not two
        self.right.setSizes([440, 200])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(opening)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 1000])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        # nothing to act on yet: every action waits for the data (attach gives them back)
        self._held = [
            a
            for a in self.findChildren(QAction)
            # not the toolbar's widgets, nor the menus themselves: they open, their items wait
            if a.isEnabled() and not isinstance(a, QWidgetAction) and a.menu() is None
        ]
        for action in self._held:
            action.setEnabled(False)
        self.show_all.setEnabled(False)
        self.state_label.setText(self.tr("正在打开…"))
        if store is not None and pack is not None:
            self.attach(store, pack)
            self.restore_geometry_setting(store.settings_get(settings.WINDOW_GEOMETRY))

    def attach(self, store: Any, pack: FormPack, prepared: Any = None) -> None:
        """Fill the shell: the session on ``store``, the plan tree, the problems, the first form.

        ``prepared``: the current submission already read and checked (see EditSession.load)."""
        from ecodesk.ui.session import EditSession
        from ecodesk.ui.widgets.period_selector import PeriodSelector
        from ecodesk.ui.widgets.plan_tree import PlanTree
        from ecodesk.ui.widgets.problems_panel import ProblemsPanel

        assert not self.attached
        self.pack = pack
        self.session = EditSession(store, pack, self)
        self.tree = PlanTree(pack)
        self.tree.formSelected.connect(self.show_form)
        self.problems = ProblemsPanel(self.session)
        self.problems.goToProblem.connect(self.go_to_problem)
        self.problems.acceptRequested.connect(self.accept_warning)
        self.problems.withdrawRequested.connect(lambda p: self.session.withdraw_warning(p.id))
        self.problems.answerRequested.connect(self.operations.answer_query)
        self.problems.attachRequested.connect(self.attach_evidence)
        for splitter, index, widget in (
            (self.splitter, 0, self.tree),
            (self.right, 1, self.problems),
        ):
            placeholder = splitter.replaceWidget(index, widget)
            if placeholder is not None:
                placeholder.deleteLater()
        self.period_selector = PeriodSelector()
        self.period_selector.periodChosen.connect(self.change_period)
        self.toolbar.insertWidget(self._period_slot, self.period_selector)
        self.toolbar.removeAction(self._period_slot)
        # the placeholder's action (and with it the placeholder) goes now, while the window is
        # whole: left as an orphan child of the toolbar it was released during the window's own
        # destruction, which crashed Qt (QWidgetAction::releaseWidget → QScreen::virtualSiblings)
        self._period_slot.deleteLater()
        self._connect_undo_stack(self.session.undo_group)
        self.pack_label.setText(self.tr("表单版本 {v}").format(v=pack.version))
        self.state_label.clear()
        for action in self._held:
            action.setEnabled(True)
        self.show_all.setEnabled(True)
        self.attached = True

        self.session.loaded.connect(self._loaded)
        self.session.loaded.connect(self.operations.update_actions)
        self.session.problemsChanged.connect(self._update_states)
        self.session.problemsChanged.connect(self._update_banner)
        self.session.saved.connect(self._update_saved)
        self.session.editRefused.connect(self._edit_refused)
        self.session.notice.connect(self._notice)
        from ecodesk.ui.office_review import OfficeReview  # people and roles (issue 19)

        self.office = OfficeReview(self)
        self.office.build_menu(self.review_menu)
        self.office.attach()
        self.session.load(prepared=prepared)
        from ecodesk.ui.live_updates import install_live_updates

        self.live = install_live_updates(self)  # several people on one store

    # ------------------------------------------------------------------ building

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("工具栏"))
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.toolbar = bar
        bar.addWidget(QLabel(self.tr(" 报送期 ")))
        slot = QComboBox()  # the period selector's place until the data is there
        slot.setEnabled(False)
        slot.setObjectName("periodSelector")
        slot.setMinimumContentsLength(10)
        self._period_slot = bar.addWidget(slot)
        bar.addSeparator()
        self.show_all = QCheckBox(self.tr("显示全部任务"))
        self.show_all.setObjectName("showAll")
        self.show_all.setToolTip(self.tr("默认只显示本单位负责的任务"))
        self.show_all.toggled.connect(self.rebuild_tree)
        bar.addWidget(self.show_all)
        bar.addSeparator()
        # fixed labels (the stack's own actions change width with every edit); what is undone
        # shows as tooltip. Linked to the session's undo stack in _connect_undo_stack.
        self.undo_action = _UndoAction(self.tr("撤销"), self.tr("撤销：{what}"), self)
        self.undo_action.setShortcuts(undo_keys())
        self.redo_action = _UndoAction(self.tr("重做"), self.tr("重做：{what}"), self)
        self.redo_action.setShortcuts(redo_keys())  # Ctrl+Y as in WPS/Excel
        bar.addAction(self.undo_action)
        bar.addAction(self.redo_action)
        bar.addSeparator()
        self.overview_action = QAction(self.tr("进度总览"), self, checkable=True)
        self.overview_action.setShortcut("Ctrl+T")
        self.overview_action.toggled.connect(self.toggle_overview)
        bar.addAction(self.overview_action)
        self.check_action = QAction(self.tr("全面检查"), self)
        self.check_action.setShortcut("F5")
        self.check_action.setToolTip(self.tr("检查全部表单，结果列在下方问题面板（F5）"))
        self.check_action.triggered.connect(self.check_all)
        bar.addAction(self.check_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.unit_label = QLabel()
        self.unit_label.setObjectName("muted")
        bar.addWidget(self.unit_label)

    def _connect_undo_stack(self, group: Any) -> None:
        """``group``: the session's QUndoGroup, whose active stack is the current form's."""
        self.undo_action.triggered.connect(self.undo)
        group.canUndoChanged.connect(self.undo_action.setEnabled)
        group.undoTextChanged.connect(self.undo_action.show_what)
        self.redo_action.triggered.connect(self.redo)
        group.canRedoChanged.connect(self.redo_action.setEnabled)
        group.redoTextChanged.connect(self.redo_action.show_what)

    def _build_menus(self) -> None:
        ops = self.operations
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        file_menu.setToolTipsVisible(True)
        for action in ops.file_actions():
            if action is None:
                file_menu.addSeparator()
            else:
                file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("退出(&X)"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        view_menu = self.menuBar().addMenu(self.tr("查看(&V)"))
        show_all = view_menu.addAction(self.tr("显示全部任务"))
        show_all.setCheckable(True)
        show_all.toggled.connect(self.show_all.setChecked)
        self.show_all.toggled.connect(show_all.setChecked)
        view_menu.addAction(self.overview_action)
        view_menu.addAction(self.check_action)
        consolidate_menu = self.menuBar().addMenu(self.tr("汇总(&C)"))
        consolidate_action = consolidate_menu.addAction(
            self.tr("汇总收到的报表…"), self.open_consolidation
        )
        consolidate_action.setObjectName("action_consolidate")
        consolidate_menu.addSeparator()
        consolidate_menu.addActions(ops.consolidation_actions())
        self.review_menu = self.menuBar().addMenu(self.tr("审核(&R)"))  # filled by attach
        settings_menu = self.menuBar().addMenu(self.tr("设置(&S)"))
        settings_menu.addAction(self.tr("单位信息…"), ops.edit_profile)
        settings_menu.addAction(self.tr("语言和负责任务…"), ops.edit_settings)
        settings_menu.addAction(self.tr("数据库…"), ops.edit_database)
        settings_menu.addAction(self.tr("人员和角色…"), ops.edit_people)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.tr("打开数据文件夹所在位置"), ops.show_data_dir)
        help_menu.addAction(self.tr("关于"), ops.about)

    def _build_status_bar(self) -> None:
        self.saved_label = QLabel()
        self.saved_label.setObjectName("savedLabel")
        self.state_label = QLabel()
        self.pack_label = QLabel()
        self.pack_label.setObjectName("muted")
        bar = self.statusBar()
        bar.addWidget(self.state_label, 1)
        bar.addPermanentWidget(self.saved_label)
        bar.addPermanentWidget(self.pack_label)

    def restore_geometry_setting(self, saved: str | None) -> None:
        """Place the window as ``saved`` (settings.WINDOW_GEOMETRY); the default size without it."""
        # kept in the data folder, so each unit's window opens the way it was left
        if not (saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))):
            self.resize(DEFAULT_SIZE)
        fit_to_screen(self)  # a size saved on a larger monitor, or the default on a small one

    # ------------------------------------------------------------------ session → window

    def _loaded(self) -> None:
        from ecodesk.ui.widgets.period_selector import offered_periods

        data = self.session.data
        assert data is not None
        for view in self.views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self.views = {}
        if self.overview is not None:
            self.stack.removeWidget(self.overview)
            self.overview.deleteLater()
            self.overview = None
            self.overview_action.setChecked(False)
        self.period_selector.set_periods(
            offered_periods(self.pack, self.session.store.periods()), data.period
        )
        profile = data.unit
        self.unit_label.setText(
            self.tr("{unit}　填报人：{preparer} ").format(
                unit=profile.display_name, preparer=profile.preparer
            )
        )
        title = self.tr("EcoDesk 报送 — {unit} — {period}").format(
            unit=profile.display_name, period=data.period.label
        )
        if self.session.frozen:
            title += self.tr("（第 {r} 版，已签名，只读）").format(r=data.revision)
        self.setWindowTitle(title)
        self.rebuild_tree()
        self._update_saved()

    def rebuild_tree(self) -> None:
        forms = (
            list(self.pack.forms)
            if self.show_all.isChecked()
            else self.session.store.responsible_forms()
        )
        self.tree.build(forms)
        self._update_states()
        if self.isVisible():
            self._select_first_form()
        else:
            # the window appears first; building the first form waits for the next turn of the event loop
            QTimer.singleShot(0, self._select_first_form)

    def _select_first_form(self) -> None:
        if self.tree.current_form() is None and self.tree.forms():
            self.tree.select_form(self.tree.forms()[0])

    def _update_states(self) -> None:
        self.tree.update_states(self.session.form_state)
        self.tree.update_deadlines(
            self.session.deadline_status(),
            self.session.deadline_status,
            submitted=self.session.frozen,
        )
        if self.overview is not None and hasattr(self.overview, "refresh"):
            self.overview.refresh()
        form = self.tree.current_form()
        if form:
            self.state_label.setText(
                self.tr("当前表单：{form}　状态：{state}").format(
                    form=form, state=self.tree.state_text(form)
                )
            )

    def _update_banner(self) -> None:
        from ecodesk.review.unit import period_banner

        if self.session.data is None:
            return
        text = period_banner(self.session.store, self.session.period)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _update_saved(self) -> None:
        """The time of the last save, read from the store (after a save here, or loading);
        others' saves come with the live updates (:meth:`show_saved_at`), read off the UI thread."""
        self.show_saved_at(self.session.last_saved_at())

    def show_saved_at(self, at: datetime | None) -> None:
        shown = self._saved_at_shown
        if at is not None and shown is not None:
            try:
                if at < shown:
                    return  # (someone else's older change, read late)
            except TypeError:  # one without a time zone: show the newer news
                pass
        self._saved_at_shown = at
        if at is None:
            self.saved_label.setText(self.tr("尚未保存任何内容"))
        else:
            local = at.astimezone() if at.tzinfo else at
            self.saved_label.setText(
                self.tr("已自动保存 · 最后保存于 {time}").format(
                    time=local.strftime("%m-%d %H:%M:%S")
                )
            )

    def _notice(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def _edit_refused(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("不能修改"), message)

    # ------------------------------------------------------------------ navigation

    def current_view(self) -> FormView | None:
        widget = self.stack.currentWidget()
        return next((view for view in self.views.values() if view is widget), None)

    def show_form(self, form: str) -> None:
        from ecodesk.ui.states import form_has_input

        leaving = self.current_view()
        data = self.session.data
        if leaving is not None and data is not None:
            leaving.flush()
            if leaving.form != form and form_has_input(self.pack, data, leaving.form):
                self.session.finish(leaving.form)  # left after typing in it: show what is missing
        if form not in self.views:
            from ecodesk.ui.widgets.form_view import FormView

            view = FormView(self.session, form)
            self.views[form] = view
            self.stack.addWidget(view)
        self.overview_action.setChecked(False)
        self.stack.setCurrentWidget(self.views[form])
        self.session.set_active_form(form)
        self.problems.set_form(form)
        self._update_states()

    def go_to_problem(self, problem: Any) -> None:
        if problem.form not in self.tree.forms():
            self.show_all.setChecked(True)
        self.tree.select_form(problem.form)
        if problem.form in self.views:
            self.views[problem.form].focus_field(problem.field)

    def attach_evidence(self, problem: Any) -> None:
        """添加佐证材料…: choose files for the claim a warning names (its id holds the key)."""
        self.go_to_problem(problem)
        if problem.form in self.views:
            key = str(problem.id).partition(":")[2]
            self.views[problem.form].attachments.choose_files_for(key)

    def change_period(self, period: Period) -> None:
        if self.current_view() is not None:
            self.current_view().flush()
        self.session.load(period)

    def toggle_overview(self, on: bool) -> None:
        if on:
            if self.overview is None:
                from ecodesk.ui.widgets.overview import Overview  # QtCharts only when asked for

                self.overview = Overview(self.session)
                self.overview.formChosen.connect(self._overview_form_chosen)
                self.stack.addWidget(self.overview)
            self.overview.refresh()
            self.stack.setCurrentWidget(self.overview)
            self.problems.hide()  # the overview needs the room; problems belong to a form
        else:
            self.problems.show()
            form = self.tree.current_form()
            if form in self.views:
                self.stack.setCurrentWidget(self.views[form])

    def _overview_form_chosen(self, form: str) -> None:
        if form not in self.tree.forms():
            self.show_all.setChecked(True)
        self.tree.select_form(form)
        self.show_form(form)

    def open_consolidation(self) -> None:
        """The consolidating role: verify and add up the workbooks received from the level below.

        Its module is imported only when first asked for, so start-up does not pay for it."""
        from ecodesk.ui.consolidation.window import ConsolidationWindow

        if self.consolidation is None:
            self.consolidation = ConsolidationWindow(
                self.session, self.data_dir, self, flush=self.flush
            )
        self.consolidation.show()
        self.consolidation.raise_()
        self.consolidation.activateWindow()

    def check_all(self) -> None:
        from ecodesk.forms.rules import has_blocking_errors

        self.flush()
        self.session.finish()  # F5 shows everything, missing values included
        self.session.recheck_now()
        self.problems.all_forms.setChecked(True)
        problems = self.session.problems
        if has_blocking_errors(problems):
            errors = sum(1 for p in problems if p.severity == "error")
            self.statusBar().showMessage(
                self.tr("检查完毕：还有 {n} 项错误，见下方问题面板。").format(n=errors), 10_000
            )
            return
        if not self.session.frozen:
            self.session.store.mark_checked(self.session.period)
        self.statusBar().showMessage(self.tr("检查完毕：没有错误，可以签名导出。"), 10_000)

    def undo(self) -> None:
        """Ctrl+Z: what is still being typed is saved first, so it is undone as one step."""
        self.flush()
        self.session.undo_group.undo()

    def redo(self) -> None:
        self.flush()
        self.session.undo_group.redo()

    def accept_warning(self, problem: Any) -> None:
        dialog = AcceptWarningDialog(problem, self)
        if dialog.exec() == AcceptWarningDialog.DialogCode.Accepted:
            self.session.accept_warning(problem, dialog.text())

    def flush(self) -> None:
        for view in self.views.values():
            view.flush()

    def reopen_in_language(self, pack: FormPack | None = None) -> MainWindow:
        """Show the window again in the language just chosen in the settings (or with the form
        ``pack`` just installed), at the same place, period and form. Every edit is already in
        the store, so nothing is lost by rebuilding."""
        from ecodesk.ui.app import apply_language

        self.flush()
        store, period, form = self.session.store, self.session.period, self.tree.current_form()
        apply_language(store, self.data_dir)
        again = MainWindow(store, pack or self.pack, self.data_dir)
        _open_windows.append(again)  # no caller holds it: keep it alive while it is open
        again.setGeometry(self.geometry())
        again.show_all.setChecked(self.show_all.isChecked())
        if self.consolidation is not None:
            self.consolidation.close()
        again.show()
        if period is not None and period != again.session.period:
            again.change_period(period)
        if form:
            again.tree.select_form(form)
        self.close()
        if self in _open_windows:
            _open_windows.remove(self)
        self.deleteLater()
        return again

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.flush()
        if not self.attached:  # closed while opening: nothing to keep
            super().closeEvent(event)
            return
        self.live.stop()
        try:
            geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
            self.session.store.settings_set(settings.WINDOW_GEOMETRY, geometry)
        except EcoDeskError as exc:  # a window size is not worth a dialog at closing time
            log.warning("window geometry not saved: %s", exc)
        super().closeEvent(event)
