"""The menu operations of the other issues (export, print, verify, import, backup, restore).

Each runs its core service off the UI thread. An operation whose service has not been built
yet is shown disabled, saying it comes in a later version, so the menu never lies.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.errors import EcoDeskError
from ecodesk.store import settings
from ecodesk.ui.workers import Job, run_in_background

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# operation → (module, function) of the core service behind it
SERVICES = {
    "import": ("ecodesk.services.import_previous", "preview_import"),
    "export": ("ecodesk.services.export", "export_submission"),
    "print": ("ecodesk.services.printing", "print_for_preview"),
    "verify": ("ecodesk.services.verify", "verify_workbook"),
    "public_key": ("ecodesk.services.keys", "export_public_key"),
    "revision": ("ecodesk.store.store", "Store"),
    "backup": ("ecodesk.store.backup", "make_backup"),
    "restore": ("ecodesk.store.backup", "restore_database"),
    "feedback": ("ecodesk.services.review", "check_feedback"),
}
# the key registry folder, shared with ecodesk.services.import_previous (same setting key)


def service_available(operation: str) -> bool:
    """Whether the service module is there, found without importing it (start-up stays light)."""
    module, _ = SERVICES[operation]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def service(operation: str) -> Any:
    module, name = SERVICES[operation]
    return getattr(importlib.import_module(module), name)


class Operations(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.running: list[Any] = []

    @property
    def session(self) -> Any:
        return self.window.session

    @property
    def store(self) -> Any:
        return self.window.session.store

    # ------------------------------------------------------------------ menu

    def file_actions(self) -> list[QAction | None]:
        entries = [
            ("import", self.tr("导入上年数据…"), self.import_previous, ""),
            ("export", self.tr("签名并导出报表…"), self.export_signed, "Ctrl+E"),
            ("print", self.tr("打印报送单…"), self.print_sheet, "Ctrl+P"),
            ("revision", self.tr("建立修订版（更正已签名的报送）…"), self.new_revision, ""),
            ("feedback", self.tr("导入审核意见…"), self.import_feedback, ""),
            None,
            ("public_key", self.tr("导出本单位公钥登记表…"), self.export_public_key, ""),
            ("verify", self.tr("核验报表…"), self.verify, ""),
            None,
            ("backup", self.tr("备份数据…"), self.backup, ""),
            ("restore", self.tr("从备份恢复…"), self.restore, ""),
        ]
        result: list[QAction | None] = []
        for entry in entries:
            if entry is None:
                result.append(None)
                continue
            name, text, slot, shortcut = entry
            action = QAction(text, self.window)
            action.setObjectName(f"action_{name}")
            if shortcut:
                action.setShortcut(shortcut)
            if service_available(name):
                action.triggered.connect(slot)
            else:
                action.setEnabled(False)
                action.setToolTip(self.tr("将在后续版本提供"))
                action.setStatusTip(self.tr("将在后续版本提供"))
            self.actions[name] = action
            result.append(action)
        return result

    # ------------------------------------------------------------------ helpers

    def _folder(self) -> str:
        return self.store.settings_get(settings.LAST_FOLDER) or str(Path.home())

    def _remember_folder(self, path: str) -> None:
        self.store.settings_set(settings.LAST_FOLDER, str(Path(path).parent))

    def _failed(self, title: str) -> Any:
        def show(message: str, expected: bool) -> None:
            if not expected:
                message = self.tr(
                    "操作没有完成，原因未知。已保存的数据不受影响。详细情况已记入日志：{path}"
                ).format(path=self.window.data_dir / "logs")
            QMessageBox.warning(self.window, title, message)

        return show

    def _run(self, title: str, fn: Any, on_success: Any, *, cancellable: bool = False) -> None:
        self.window.flush()
        task = run_in_background(
            self.window, title, fn, on_success, self._failed(title), cancellable=cancellable
        )
        self.running.append(task)
        task.destroyed.connect(
            lambda *_: self.running.remove(task) if task in self.running else None
        )

    def _default_name(self, suffix: str) -> str:
        data = self.session.data
        unit = data.unit
        return f"{unit.division_name}{unit.department}_{data.period}_第{data.revision}版{suffix}"

    # ------------------------------------------------------------------ operations

    def export_signed(self) -> None:
        from ecodesk.forms.rules import has_blocking_errors

        self.window.flush()
        self.session.recheck_now()
        if has_blocking_errors(self.session.problems):
            errors = sum(1 for p in self.session.problems if p.severity == "error")
            QMessageBox.warning(
                self.window,
                self.tr("还不能签名"),
                self.tr(
                    "还有 {n} 项错误，改正后才能签名导出。请在下方问题面板中点击每一项，逐项改正。"
                ).format(n=errors),
            )
            self.window.problems.all_forms.setChecked(True)
            return
        if self.session.frozen:
            QMessageBox.information(
                self.window,
                self.tr("已签名"),
                self.tr("本期报送已签名。如需更正，请先建立新的修订版。"),
            )
            return
        from ecodesk.services.export import store_data_dir
        from ecodesk.signing.keys import KeyStore
        from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog

        # the service creates the key on the first signing; the dialog only asks twice then
        dialog = PassphraseDialog(
            create=not KeyStore(store_data_dir(self.store)).has_key(), parent=self.window
        )
        if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        passphrase = dialog.value()
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("保存签名报表"),
            str(Path(self._folder()) / self._default_name(".xlsx")),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not path:
            return
        self._remember_folder(path)
        store, period = self.store, self.session.period
        export = service("export")

        def work(job: Job) -> Any:
            return export(store, period, Path(path), passphrase=passphrase, progress=job.progress)

        def done(result: Any) -> None:
            self.session.reload()
            QMessageBox.information(
                self.window,
                self.tr("已签名导出"),
                self.tr(
                    "报表已签名并保存到：\n{path}\n\n签名指纹：{fp}\n本期数据已冻结；如需更正，请建立新的修订版。"
                ).format(path=result.path, fp=result.fingerprint),
            )

        self._run(self.tr("正在签名并导出报表…"), work, done)

    def print_sheet(self) -> None:
        """Print the sheet into the data folder's cache, then preview it (print, save as PDF, open)."""
        store, period = self.store, self.session.period
        cache, print_for_preview = self.window.data_dir / "cache" / "print", service("print")
        suggested = Path(self._folder()) / self._default_name(".pdf")

        def work(job: Job) -> Any:
            return print_for_preview(store, period, cache)

        def done(path: Path) -> None:
            from ecodesk.ui.dialogs.print_preview_dialog import PrintPreviewDialog

            try:
                dialog = PrintPreviewDialog(path, suggested, self.window)
            except EcoDeskError as exc:
                QMessageBox.warning(self.window, self.tr("打印报送单"), str(exc))
                return
            dialog.saved.connect(self._remember_folder)
            dialog.exec()
            dialog.deleteLater()

        self._run(self.tr("正在生成报送单…"), work, done)

    def new_revision(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        if not self.session.frozen:
            QMessageBox.information(
                self.window,
                self.tr("建立修订版"),
                self.tr("本期报送还没有签名，可以直接修改，不需要建立修订版。"),
            )
            return
        reason, ok = QInputDialog.getMultiLineText(
            self.window,
            self.tr("建立修订版"),
            self.tr("请写明更正原因（会写入新版本的报表，上级据此知道它取代了哪一版）："),
        )
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(
                self.window, self.tr("建立修订版"), self.tr("没有写更正原因，未建立修订版。")
            )
            return
        try:
            revision = self.store.new_revision(self.session.period, reason.strip())
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, self.tr("建立修订版"), str(exc))
            return
        self.session.reload()
        self.window.statusBar().showMessage(
            self.tr("已建立第 {r} 版，可以修改了。").format(r=revision), 8000
        )

    def export_public_key(self) -> None:
        from ecodesk.services.export import store_data_dir
        from ecodesk.signing.keys import KeyStore

        data_dir = store_data_dir(self.store)
        if not KeyStore(data_dir).has_key():
            QMessageBox.information(
                self.window,
                self.tr("还没有签名密钥"),
                self.tr(
                    "本单位还没有签名密钥。第一次“签名并导出报表”时会创建密钥，之后再导出公钥登记表。"
                ),
            )
            return
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("选择保存公钥登记文件的文件夹"), self._folder()
        )
        if not folder:
            return
        export_public_key, unit = service("public_key"), self.session.profile

        def work(job: Job) -> Any:
            return export_public_key(data_dir, unit, Path(folder))

        def done(result: Any) -> None:
            QMessageBox.information(
                self.window,
                self.tr("已导出公钥"),
                self.tr(
                    "公钥登记文件：{file}\n登记表（请打印、签字盖章后连同文件报上级）：{sheet}\n指纹：{fp}"
                ).format(file=result.registration, sheet=result.sheet, fp=result.fingerprint),
            )

        self._run(self.tr("正在导出公钥登记表…"), work, done)

    def verify(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window,
            self.tr("选择要核验的报表"),
            self._folder(),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not paths:
            return
        registry = self.store.settings_get(settings.KEY_REGISTRY)
        if not registry or not Path(registry).is_dir():
            registry = QFileDialog.getExistingDirectory(
                self.window, self.tr("选择公钥登记文件夹（上级下发的各单位公钥）"), self._folder()
            )
            if not registry:
                return
            self.store.settings_set(settings.KEY_REGISTRY, registry)
        verify_workbook = service("verify")

        def work(job: Job) -> Any:
            results = []
            for i, p in enumerate(paths):
                job.progress(i, len(paths), Path(p).name)
                results.append((Path(p).name, verify_workbook(Path(p), Path(registry))))
            return results

        def done(results: Any) -> None:
            from ecodesk.ui.dialogs.verify_results_dialog import VerifyResultsDialog

            VerifyResultsDialog(results, self.window).exec()

        self._run(self.tr("正在核验报表…"), work, done, cancellable=True)

    def import_feedback(self) -> None:
        """文件 → 导入审核意见: check the file (every refusal before anything is written), show
        what it says, and record it; a return or queries open the revision that answers them."""
        from ecodesk.review.model import decision_label
        from ecodesk.services.export import store_data_dir
        from ecodesk.services.review import apply_feedback, check_feedback

        title = self.tr("导入审核意见")
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("选择上级的审核意见书"),
            self._folder(),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not path:
            return
        self._remember_folder(path)
        self.window.flush()
        try:
            checked = check_feedback(self.store, store_data_dir(self.store), Path(path))
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, title, str(exc))
            return
        fb = checked.feedback
        lines = [checked.message]
        if fb.reason:
            lines.append(self.tr("退回原因：{reason}").format(reason=fb.reason))
        lines += [
            self.tr("查询{n}　{label}：{question}").format(n=n, label=q.label, question=q.question)
            for n, q in enumerate(fb.queries, start=1)
        ]
        lines.append(
            self.tr("导入这份审核意见（{decision}）？").format(decision=decision_label(fb.decision))
        )
        answer = QMessageBox.question(self.window, title, "\n".join(lines))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            entry = apply_feedback(self.store, checked)
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, title, str(exc))
            return
        self.session.reload()
        if entry.opened_revision is not None:
            message = self.tr(
                "已导入审核意见，并建立第 {r} 版：请逐条答复查询后重新签名导出。"
            ).format(r=entry.opened_revision)
        else:
            message = self.tr("已导入审核意见：{decision}。").format(
                decision=decision_label(entry.decision)
            )
        self.window.statusBar().showMessage(message, 10000)

    def answer_query(self, problem: Any) -> None:
        """答复: the clerk's answer to one query of the receiver, kept with the open revision."""
        from PySide6.QtWidgets import QInputDialog

        from ecodesk.store.feedback import answer_query

        title = self.tr("答复查询")
        text, ok = QInputDialog.getMultiLineText(
            self.window,
            title,
            problem.message + "\n\n" + self.tr("答复（会随新版本的报表报送）："),
            problem.explanation or "",
        )
        if not ok:
            return
        try:
            answer_query(self.store, problem.query.id, text)
        except EcoDeskError as exc:
            QMessageBox.warning(self.window, title, str(exc))
            return
        self.session.recheck_now()
        self.window.statusBar().showMessage(self.tr("已保存答复。"), 6000)

    def import_previous(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("选择上年的签名报表或市里下发的基数表"),
            self._folder(),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not path:
            return
        self._remember_folder(path)
        store, period = self.store, self.session.period
        preview_import = service("import")

        def work(job: Job) -> Any:
            from ecodesk.importing.render import render_preview

            preview = preview_import(store, Path(path), period=period, progress=job.progress)
            return preview, render_preview(preview)

        def previewed(result: Any) -> None:
            preview, lines = result
            if not preview.choice_keys():
                QMessageBox.information(
                    self.window,
                    self.tr("导入上年数据"),
                    "\n".join(lines)
                    + "\n\n"
                    + self.tr("文件中的上年值与本机已有的完全相同，没有需要导入的内容。"),
                )
                return
            from ecodesk.ui.dialogs.import_preview_dialog import ImportPreviewDialog

            dialog = ImportPreviewDialog(preview, lines, self.window)
            if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
                return
            self._apply_import(preview, confirmed=dialog.confirmed())

        self._run(self.tr("正在读取并核验文件…"), work, previewed, cancellable=True)

    def _apply_import(self, preview: Any, *, confirmed: bool) -> None:
        from ecodesk.services.import_previous import apply_import

        store = self.store

        def work(job: Job) -> Any:
            from ecodesk.importing.render import render_result

            result = apply_import(
                store,
                preview,
                confirm_unknown_signer=confirmed,
                confirm_other_unit=confirmed and preview.other_unit,
            )
            return render_result(result)

        def done(summary: str) -> None:
            self.session.reload()
            QMessageBox.information(self.window, self.tr("已导入"), summary)

        self._run(self.tr("正在导入上年数据…"), work, done)

    def backup(self) -> None:
        from datetime import datetime

        name = f"EcoDesk备份_{datetime.now():%Y%m%d_%H%M}.sqlite3"
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("备份数据到"),
            str(Path(self._folder()) / name),
            self.tr("EcoDesk 数据备份 (*.sqlite3)"),
        )
        if not path:
            return
        self._remember_folder(path)
        make_backup, db_path = service("backup"), self.store.db_path

        def work(job: Job) -> Any:
            return make_backup(db_path, Path(path))

        def done(result: Any) -> None:
            QMessageBox.information(
                self.window,
                self.tr("备份完成"),
                self.tr("数据已备份到：\n{path}").format(path=result),
            )

        self._run(self.tr("正在备份数据…"), work, done)

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window,
            self.tr("选择备份文件"),
            self._folder(),
            self.tr("EcoDesk 数据备份 (*.sqlite3)"),
        )
        if not path:
            return
        answer = QMessageBox.question(
            self.window,
            self.tr("从备份恢复"),
            self.tr(
                "恢复会用备份文件替换当前的全部数据（当前数据会先另存一份到备份文件夹）。确定要恢复吗？"
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.window.flush()
        restore_database, db_path, data_dir = (
            service("restore"),
            self.store.db_path,
            self.window.data_dir,
        )
        self.store.close()

        def work(job: Job) -> Any:
            return restore_database(db_path, Path(path))

        def reopen() -> None:
            from ecodesk.store import Store

            self.session.store = Store.open(data_dir, pack=self.window.pack)
            self.session.load()

        def done(kept: Any) -> None:
            reopen()
            QMessageBox.information(
                self.window,
                self.tr("恢复完成"),
                self.tr("数据已从备份恢复。原来的数据另存在：\n{path}").format(
                    path=kept or self.tr("（原来没有数据）")
                ),
            )

        def failed(message: str, expected: bool) -> None:
            reopen()
            self._failed(self.tr("从备份恢复"))(message, expected)

        self.window.flush()
        task = run_in_background(self.window, self.tr("正在恢复数据…"), work, done, failed)
        self.running.append(task)

    # ------------------------------------------------------------------ settings and help

    def edit_profile(self) -> None:
        from ecodesk.ui.dialogs.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.window.pack, self.store.profile(), parent=self.window)
        if dialog.exec() == ProfileDialog.DialogCode.Accepted:
            self.store.save_profile(dialog.profile())
            self.session.reload()

    def edit_settings(self) -> None:
        from ecodesk.ui.dialogs.settings_dialog import SettingsDialog

        language = self.store.settings_get(settings.LANGUAGE)
        dialog = SettingsDialog(
            self.window.pack, language, self.store.responsible_forms(), self.window
        )
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.store.set_responsible_forms(dialog.responsible_forms())
        if dialog.chosen_language() != language:
            self.store.settings_set(settings.LANGUAGE, dialog.chosen_language())
            self.window.reopen_in_language()  # the new window shows the new list of tasks too
            return
        self.window.rebuild_tree()

    def show_data_dir(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.window.data_dir)))

    def about(self) -> None:
        from ecodesk.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.window.pack, self.window.data_dir, self.window).exec()
