"""The consolidation window: a folder of received workbooks verified (and watched), the summary,
its export, and up the chain the consolidation adopted as the unit's own submission.

Verifying and consolidating run on the pool (:func:`~ecodesk.ui.workers.run_in_background`);
a rescan of a watched folder re-verifies only new or changed files (``scan_folder(previous=…)``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk import clock
from ecodesk.errors import EcoDeskError
from ecodesk.store import settings
from ecodesk.submission import Period
from ecodesk.ui.consolidation.completeness_view import CompletenessView
from ecodesk.ui.consolidation.evidence_view import EvidenceView
from ecodesk.ui.consolidation.files_table import ReceivedFilesTable
from ecodesk.ui.consolidation.folder_watch import FolderWatcher
from ecodesk.ui.consolidation.indicators_view import IndicatorsView
from ecodesk.ui.consolidation.review_view import ReviewView
from ecodesk.ui.consolidation.warnings_view import WarningsTable
from ecodesk.ui.icons import app_icon
from ecodesk.ui.workers import BackgroundTask, Job, run_in_background

log = logging.getLogger(__name__)


FILES_TAB, MATRIX_TAB, INDICATORS_TAB, WARNINGS_TAB, REVIEW_TAB = range(5)


def with_review(store: Any, consolidation: Any) -> Any:
    """Each unit's review state (未收到 … 已采用) from this office's record of the feedback it sent."""
    from ecodesk.services.consolidate import attach_review
    from ecodesk.store.feedback import feedback_entries

    attach_review(consolidation, feedback_entries(store, "sent", consolidation.period))
    return consolidation


class ConsolidationWindow(QMainWindow):
    """Opened from the main window; ``session`` is its :class:`~ecodesk.ui.session.EditSession`."""

    scanned = Signal()  # a scan or a re-consolidation finished and the views show it
    adopted = Signal(object)  # the Period whose submission now holds the consolidation

    def __init__(
        self,
        session: Any,
        data_dir: Path,
        parent: QWidget | None = None,
        *,
        flush: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.data_dir = data_dir
        self._flush = flush or (lambda: None)
        self.received: list[Any] = []  # ReceivedWorkbook of the last scan
        self.verify_cache: Any = None  # verdicts by file content, made on the first scan
        self.consolidation: Any = None
        self.period: Period | None = None  # None: the latest period among the valid workbooks
        self.exported: set[Path] = set()  # summaries written from here: never read back as input
        self.task: BackgroundTask | None = None
        self._rescan_pending = False
        self.setWindowTitle(self.tr("汇总收到的报表"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(960, 600)
        self.resize(1240, 720)
        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self._folder_changed)
        self.export_task: BackgroundTask | None = None
        self.adopt_task: BackgroundTask | None = None
        self.review_task: BackgroundTask | None = None
        self.review_dialog: Any = None  # the open 审核 dialog, if any
        self.diff_dialog: Any = None  # the open 比较修订版 dialog, if any
        self._build()
        self._show_folders()

    # ------------------------------------------------------------------ building

    @property
    def store(self) -> Any:
        return self.session.store  # looked up each time: a restore replaces the store

    def _build(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(1, 1)
        self.folder_label = QLabel(objectName="folderPath")
        self.registry_label = QLabel(objectName="registryPath")
        choose_folder = QPushButton(self.tr("选择文件夹…"), objectName="chooseFolder")
        choose_folder.clicked.connect(self.choose_folder)
        choose_registry = QPushButton(self.tr("选择文件夹…"), objectName="chooseRegistry")
        choose_registry.clicked.connect(self.choose_registry)
        grid.addWidget(QLabel(self.tr("收到的报表：")), 0, 0)
        grid.addWidget(self.folder_label, 0, 1)
        grid.addWidget(choose_folder, 0, 2)
        grid.addWidget(QLabel(self.tr("密钥登记：")), 1, 0)
        grid.addWidget(self.registry_label, 1, 1)
        grid.addWidget(choose_registry, 1, 2)
        layout.addLayout(grid)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("报送期：")))
        self.period_box = QComboBox(objectName="consolidationPeriod")
        self.period_box.setMinimumContentsLength(10)
        self.period_box.setToolTip(self.tr("文件夹中有几个报送期的报表时，选择要汇总的报送期"))
        self.period_box.activated.connect(self._period_chosen)
        bar.addWidget(self.period_box)
        bar.addSpacing(12)
        self.watch_box = QCheckBox(
            self.tr("监视文件夹：放入新报表或报表有改动时自动核验"), objectName="watchFolder"
        )
        self.watch_box.setChecked(True)
        self.watch_box.toggled.connect(self._watch_toggled)
        bar.addWidget(self.watch_box)
        bar.addStretch(1)
        self.rescan_button = QPushButton(self.tr("重新核验"), objectName="rescan")
        self.rescan_button.setToolTip(self.tr("再次读取文件夹；只有新的或改动过的文件会重新核验"))
        self.rescan_button.clicked.connect(self.rescan)
        bar.addWidget(self.rescan_button)
        layout.addLayout(bar)

        self.banner = QLabel(objectName="helpStrip")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.files = ReceivedFilesTable()
        self.matrix = CompletenessView()
        self.indicators = IndicatorsView()
        self.warnings = WarningsTable()
        self.review = ReviewView()
        self.review.review_requested.connect(self.review_current)
        self.review.diff_requested.connect(self.diff_current)
        self.tabs.addTab(self.files, self.tr("收到的文件"))
        self.tabs.addTab(self.matrix, self.tr("完成情况"))
        self.tabs.addTab(self.indicators, self.tr("指标汇总"))
        self.tabs.addTab(self.warnings, self.tr("提示说明"))
        self.tabs.addTab(self.review, self.tr("审核"))
        self.evidence = EvidenceView()
        self.tabs.addTab(self.evidence, self.evidence.title())
        layout.addWidget(self.tabs, 1)

        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出汇总表…"), objectName="primary")
        self.export_button.setToolTip(
            self.tr(
                "生成汇总工作簿：完成情况、各指标分单位数值和合计、目标和上年对比、提示说明、图表"
            )
        )
        self.export_button.clicked.connect(self.export_summary)
        self.adopt_button = QPushButton(self.tr("作为本单位报送…"), objectName="adopt")
        self.adopt_button.setToolTip(
            self.tr("把汇总结果写入本单位的报送，检查、补充后签名报送上级")
        )
        self.adopt_button.clicked.connect(self.adopt)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.close)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.adopt_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.setCentralWidget(page)

    # ------------------------------------------------------------------ folders

    def folder(self) -> Path | None:
        text = self.store.settings_get(settings.CONSOLIDATION_FOLDER)
        return Path(text) if text else None

    def registry(self) -> Path | None:
        text = self.store.settings_get(settings.KEY_REGISTRY)
        return Path(text) if text else None

    def _show_folders(self) -> None:
        for label, path, missing in (
            (self.folder_label, self.folder(), self.tr("（未选择：请选择存放收到的报表的文件夹）")),
            (
                self.registry_label,
                self.registry(),
                self.tr("（未选择：请选择上级下发的各单位密钥登记文件夹）"),
            ),
        ):
            label.setText(str(path) if path else missing)
            label.setToolTip(str(path) if path else "")

    def _start_folder(self) -> str:
        folder = self.folder() or self.registry()
        return str(folder.parent if folder else Path.home())

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("选择存放收到的报表的文件夹"), self._start_folder()
        )
        if chosen:
            self.set_folder(Path(chosen))

    def choose_registry(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self,
            self.tr("选择密钥登记文件夹（上级下发的各单位密钥登记文件）"),
            self._start_folder(),
        )
        if chosen:
            self.set_registry(Path(chosen))

    def set_folder(self, folder: Path) -> None:
        """Consolidate ``folder`` from now on (remembered in the data folder's settings)."""
        if folder != self.folder():
            self.received, self.consolidation, self.period = [], None, None  # nothing to carry over
        self.store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
        self._show_folders()
        self.rescan()

    def set_registry(self, registry: Path) -> None:
        self.store.settings_set(settings.KEY_REGISTRY, str(registry))
        self._show_folders()
        self.rescan()

    def _watch_toggled(self, on: bool) -> None:
        if on:
            self._watch()
            self.rescan()  # what arrived while nobody watched
        else:
            self.watcher.stop()

    def _watch(self) -> None:
        if self.watch_box.isChecked():
            self.watcher.watch(self.folder(), [r.path for r in self.received])

    def _folder_changed(self) -> None:
        log.info("received folder changed; re-verifying what is new")
        self.rescan()

    # ------------------------------------------------------------------ scanning

    def _say(self, text: str, level: str = "") -> None:
        self.banner.setText(text)
        if self.banner.property("level") != level:
            self.banner.setProperty("level", level)
            self.banner.style().unpolish(self.banner)
            self.banner.style().polish(self.banner)

    def _can_scan(self) -> tuple[Path, Path] | None:
        folder, registry = self.folder(), self.registry()
        if folder is None:
            self._say(
                self.tr("请先选择存放收到的报表的文件夹（可含按单位分开的子文件夹）。"), "warning"
            )
        elif not folder.is_dir():
            self._say(
                self.tr(
                    "文件夹“{folder}”不存在或无法打开。请重新选择存放收到的报表的文件夹。"
                ).format(folder=folder),
                "error",
            )
        elif registry is None:
            self._say(
                self.tr(
                    "还没有选择密钥登记文件夹。没有它无法核验报表的签名，因此没有汇总。"
                    "请点“密钥登记”一行的“选择文件夹…”，选择上级下发的各单位密钥登记文件夹。"
                ),
                "error",
            )
        elif not registry.is_dir():
            self._say(
                self.tr(
                    "密钥登记文件夹“{folder}”不存在。请重新选择，没有它无法核验签名，因此没有汇总。"
                ).format(folder=registry),
                "error",
            )
        else:
            return folder, registry
        self._clear_views()
        self.watcher.stop()
        return None

    def rescan(self) -> None:
        """Verify what is new or changed in the folder and consolidate again, off the UI thread."""
        if self.task is not None:
            self._rescan_pending = True  # after the running one
            return
        where = self._can_scan()
        if where is None:
            return
        folder, registry = where
        previous, period, exported = list(self.received), self.period, set(self.exported)
        counted = self.tr("已核验 {done} / {total} 个文件")
        if self.verify_cache is None:
            from ecodesk.services.verify_cache import PersistentVerifyCache

            # kept in the data folder: reopening the window does not verify unchanged files again
            self.verify_cache = PersistentVerifyCache(Path(self.data_dir))
        cache = self.verify_cache
        store = self.store

        def work(job: Job) -> Any:
            from ecodesk.services.consolidate import (
                consolidate_received,
                verify_all,
                workbook_files,
            )

            def report(done: int, total: int, name: str) -> None:
                text = counted.format(done=done, total=total)
                job.progress(done, total, f"{text}  {name}" if name else text)

            files = [p for p in workbook_files(folder) if p.resolve() not in exported]
            received = verify_all(files, registry, progress=report, previous=previous, cache=cache)
            if not any(r.valid for r in received):
                return received, None
            periods = {r.period for r in received if r.valid}
            return received, with_review(
                store,
                consolidate_received(
                    received,
                    period=period if period in periods else None,
                    **_receiver_packs(store),
                ),
            )

        self._start(self.tr("正在核验收到的报表…"), work, self._scanned, cancellable=True)

    def _period_chosen(self, index: int) -> None:
        period = self.period_box.itemData(index)
        if period == self.period or not self.received or self.task is not None:
            return
        self.period = period
        # copies: the table keeps showing the last result while the new one is computed
        received = [replace(r) for r in self.received]
        store = self.store

        def work(job: Job) -> Any:
            from ecodesk.services.consolidate import consolidate_received

            return received, with_review(
                store, consolidate_received(received, period=period, **_receiver_packs(store))
            )

        self._start(self.tr("正在汇总…"), work, self._scanned)

    def _start(
        self,
        title: str,
        work: Callable[[Job], Any],
        done: Callable[[Any], None],
        *,
        cancellable: bool = False,
    ) -> None:
        self._set_busy(True)
        self.task = run_in_background(
            self, title, work, done, self._scan_failed, cancellable=cancellable
        )
        self.task.destroyed.connect(self._task_ended)

    def _task_ended(self) -> None:
        self.task = None
        self._set_busy(False)
        if self._rescan_pending:
            self._rescan_pending = False
            self.rescan()

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.rescan_button,
            self.period_box,
            self.export_button,
            self.adopt_button,
            self.review,
        ):
            widget.setEnabled(not busy)

    def _scanned(self, result: Any) -> None:
        received, consolidation = result
        self.received, self.consolidation = received, consolidation
        self.period = consolidation.period if consolidation else None
        self._watch()
        self.files.show_files(received)
        self.tabs.setTabText(FILES_TAB, self.tr("收到的文件（{n}）").format(n=len(received)))
        self._show_periods()
        if consolidation is None:
            self._clear_summary()
        else:
            summary = consolidation.summary
            self.matrix.show_summary(summary)
            self.indicators.show_summary(summary)
            self.warnings.show_summary(summary)
            self.tabs.setTabText(
                WARNINGS_TAB, self.tr("提示说明（{n}）").format(n=len(summary.warnings))
            )
            self.evidence.show_summary(summary)
            self.tabs.setTabText(self.tabs.indexOf(self.evidence), self.evidence.title())
            self._show_review(summary)
        self._report()
        self.scanned.emit()

    def _scan_failed(self, message: str, expected: bool) -> None:
        if not expected:
            message = self.tr("核验没有完成，原因未知。详细情况已记入日志：{path}").format(
                path=self.data_dir / "logs"
            )
        self._say(message, "error")

    def _show_periods(self) -> None:
        periods = sorted({r.period for r in self.received if r.valid}, reverse=True)
        self.period_box.clear()
        for p in periods:
            self.period_box.addItem(p.label, p)
        index = next((i for i, p in enumerate(periods) if p == self.period), -1)
        self.period_box.setCurrentIndex(index)

    def _report(self) -> None:
        received = self.received
        folder = self.folder()
        if not received:
            watching = self.tr("放入后会自动核验。") if self.watch_box.isChecked() else ""
            self._say(
                self.tr("文件夹“{folder}”中没有 .xlsx 报表，没有可以汇总的内容。{watching}").format(
                    folder=folder, watching=watching
                ),
                "warning",
            )
            return
        if self.consolidation is None:
            self._say(
                self.tr(
                    "收到 {n} 个文件，但没有一个有效的报表，没有汇总。每个文件的原因见“收到的文件”；"
                    "请让报送单位重新签名报送，或检查密钥登记文件夹是否选对。"
                ).format(n=len(received)),
                "error",
            )
            return
        c = self.consolidation
        if c.refused:
            text = self.tr(
                "收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。"
                "{period}汇总了 {units} 个单位。被拒收的文件请联系报送单位重新签名报送。"
            )
        else:
            text = self.tr(
                "收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。"
                "{period}汇总了 {units} 个单位。"
            )
        self._say(
            text.format(
                n=len(received),
                used=len(c.used),
                refused=len(c.refused),
                aside=len(c.set_aside),
                period=c.period.label,
                units=len(c.summary.submissions),
            ),
            "warning" if c.refused else "",
        )

    def _clear_views(self) -> None:
        self.received, self.consolidation = [], None
        self.files.setRowCount(0)
        self.period_box.clear()
        self.tabs.setTabText(FILES_TAB, self.tr("收到的文件"))
        self._clear_summary()

    def _clear_summary(self) -> None:
        self.matrix.clear()
        self.indicators.clear()
        self.warnings.setRowCount(0)
        self.tabs.setTabText(WARNINGS_TAB, self.tr("提示说明"))
        self.evidence.clear()
        self.tabs.setTabText(self.tabs.indexOf(self.evidence), self.evidence.title())
        self.review.clear()
        self.tabs.setTabText(REVIEW_TAB, self.tr("审核"))

    # ------------------------------------------------------------------ review

    def _show_review(self, summary: Any) -> None:
        self.review.show_summary(summary)
        waiting = sum(1 for r in summary.review.values() if r.state in ("待审核", "已重报"))
        self.tabs.setTabText(
            REVIEW_TAB,
            self.tr("审核（{n} 待审）").format(n=waiting) if waiting else self.tr("审核"),
        )

    def unit_revisions(self, unit: tuple[str, str]) -> list[Any]:
        """The unit's valid received files of the period shown, one per revision, oldest first."""
        from ecodesk.consolidation.model import unit_id

        c = self.consolidation
        if c is None:
            return []
        found: dict[int, Any] = {}
        for r in c.received:
            if r.valid and r.period == c.period and unit_id(r.data.unit) == unit:
                found.setdefault(r.revision, r)
        return [found[n] for n in sorted(found)]

    def review_current(self) -> None:
        """审核… the newest revision of the unit chosen in the 审核 tab."""
        from ecodesk.consolidation.model import unit_id
        from ecodesk.ui.operations.review import review_received

        title = self.tr("审核")
        unit = self.review.current_unit()
        if self._consolidated(title) is None or unit is None:
            return
        revisions = self.unit_revisions(unit)
        if not revisions:
            QMessageBox.information(
                self, title, self.tr("还没有收到这个单位有效的报表，没有可以审核的内容。")
            )
            return
        if self.registry() is None:
            return
        newest = revisions[-1]
        peers = [
            r.data
            for r in self.consolidation.received
            if r.status == "used" and unit_id(r.data.unit) != unit
        ]
        review_received(self, newest, peers)

    def diff_current(self) -> None:
        from ecodesk.ui.operations.review import show_diff

        unit = self.review.current_unit()
        if self._consolidated(self.tr("比较修订版")) is None or unit is None:
            return
        show_diff(self, self.unit_revisions(unit))

    # ------------------------------------------------------------------ export and adopt

    def _consolidated(self, title: str) -> Any:
        """The consolidation to act on, or ``None`` after saying why there is none."""
        c = self.consolidation
        if self.task is not None:
            QMessageBox.information(
                self, title, self.tr("正在核验收到的报表，请等核验完成后再试。")
            )
            return None
        if c is None or not c.summary.submissions:
            why = (
                self.banner.text()
                if self.banner.property("level") == "error"
                else self.tr("没有有效的报表可以汇总。")
            )
            QMessageBox.warning(
                self,
                title,
                self.tr("没有可以汇总的有效报表，什么也没有写入。\n\n{why}").format(why=why),
            )
            return None
        return c

    def _default_summary_path(self, consolidation: Any) -> Path:
        folder = self.store.settings_get(settings.CONSOLIDATION_EXPORT_FOLDER)
        if not folder:
            received = self.folder()
            folder = (
                str(received.parent) if received else str(Path.home())
            )  # not among the received files
        unit = self.session.profile.display_name if self.session.data else ""
        return Path(folder) / f"{unit}{consolidation.period.label}汇总_{clock.today():%Y%m%d}.xlsx"

    def export_summary(self) -> None:
        from ecodesk.consolidation.writer import check_output_path

        title = self.tr("导出汇总表")
        consolidation = self._consolidated(title)
        if consolidation is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("保存汇总表"),
            str(self._default_summary_path(consolidation)),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not chosen:
            return
        out = Path(chosen)
        if not out.suffix:
            out = out.with_suffix(".xlsx")
        try:
            check_output_path(out)  # before any work: a wrong name is said at once
        except EcoDeskError as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        self.store.settings_set(settings.CONSOLIDATION_EXPORT_FOLDER, str(out.parent))
        self.exported.add(out.resolve())

        def work(job: Job) -> Any:
            from ecodesk.services.consolidate import write_summary

            return write_summary(consolidation, out)

        def done(path: Any) -> None:
            self.statusBar().showMessage(self.tr("汇总表已保存：{path}").format(path=path), 15_000)
            QMessageBox.information(
                self, title, self.tr("汇总表已保存到：\n{path}").format(path=path)
            )

        def failed(message: str, expected: bool) -> None:
            if not expected:
                message = self.tr("汇总表没有保存，原因未知。详细情况已记入日志：{path}").format(
                    path=self.data_dir / "logs"
                )
            QMessageBox.warning(self, title, message)

        self.export_task = run_in_background(self, self.tr("正在生成汇总表…"), work, done, failed)
        self.export_task.destroyed.connect(lambda *_: setattr(self, "export_task", None))

    def adopt(self) -> None:
        """Up the chain: the consolidation becomes the unit's own editable submission, after confirmation."""
        from ecodesk.services.consolidate import plan_adoption
        from ecodesk.ui.consolidation.adopt_dialog import AdoptDialog

        title = self.tr("作为本单位报送")
        consolidation = self._consolidated(title)
        if consolidation is None:
            return
        self._flush()  # what the clerk just typed in the main window is saved before anything is compared
        try:
            plan = plan_adoption(self.store, consolidation)
        except EcoDeskError as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        if plan.signed:
            QMessageBox.warning(
                self,
                title,
                self.tr(
                    "{period}第 {r} 版报送已签名，不能再写入汇总结果，什么也没有改动。"
                    "如需用新的汇总结果更正，请先在主窗口“文件 → 建立修订版”，再回到这里写入。"
                ).format(period=plan.period.label, r=plan.revision),
            )
            return
        dialog = AdoptDialog(plan, self.session.pack, self)
        if dialog.exec() != AdoptDialog.DialogCode.Accepted:
            return
        store, period = self.store, plan.period

        def work(job: Job) -> Any:
            from ecodesk.services.consolidate import adopt_into_store

            return adopt_into_store(store, consolidation, period)

        def done(_data: Any) -> None:
            self.session.load(period)  # the main window shows the new values (and this period)
            self.adopted.emit(period)
            QMessageBox.information(
                self,
                title,
                self.tr(
                    "汇总结果已写入本单位{period}的报送。请在主窗口检查、补充本单位的内容，然后签名导出报送上级。"
                ).format(period=period.label),
            )

        def failed(message: str, expected: bool) -> None:
            if not expected:
                message = self.tr(
                    "没有写入，原因未知。已保存的数据不受影响。详细情况已记入日志：{path}"
                ).format(path=self.data_dir / "logs")
            QMessageBox.warning(self, title, message)

        self.adopt_task = run_in_background(
            self, self.tr("正在写入本单位报送…"), work, done, failed
        )
        self.adopt_task.destroyed.connect(lambda *_: setattr(self, "adopt_task", None))

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.watcher.stop()
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous():  # opened (again), not restored from the task bar
            QTimer.singleShot(
                0, self.rescan
            )  # the window appears first; what arrived meanwhile is verified


def _receiver_packs(store: Any) -> dict[str, Any]:
    """The office's own form pack and every pack it knows: units on other versions add up by
    stable key, and the indicators their packs lacked are named."""
    from ecodesk.packs.installed import known_packs

    return {"pack": store.pack, "known_packs": known_packs(getattr(store, "data_dir", None))}
