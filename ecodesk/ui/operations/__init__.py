"""The window's operations, one typed function per operation in a module per domain:

- :mod:`.submission` sign and export, export a signed period again, print, correction revision;
- :mod:`.keys` the key registration sheet, replacing the signing key;
- :mod:`.data` import last year's data and undo it, backup, restore, the baseline template;
- :mod:`.verify` verify received workbooks;
- :mod:`.review` import the receiver's feedback and answer its queries;
- :mod:`.packs` install the city's new form pack (after its diff) and undo that.

:class:`Operations` builds the menu entries and calls them. A domain's module (and the core
services it imports) is loaded when its entry is first used, so start-up stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ecodesk.store import settings
from ecodesk.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

__all__ = ["Operations"]


class Operations(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.running: list[BackgroundTask] = []

    def _action(self, name: str, text: str, slot: object, shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{name}")
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.actions[name] = action
        return action

    # ------------------------------------------------------------------ menus

    def file_actions(self) -> list[QAction | None]:
        a = self._action
        entries: list[QAction | None] = [
            a("import", self.tr("导入上年数据…"), self.import_previous),
            a("undo_import", self.tr("撤销导入…"), self.undo_import),
            None,
            a("export", self.tr("签名并导出报表…"), self.export_signed, "Ctrl+E"),
            a("export_again", self.tr("再次导出已签名的报表…"), self.export_again),
            a("print", self.tr("打印报送单…"), self.print_sheet, "Ctrl+P"),
            a("revision", self.tr("建立修订版（更正已签名的报送）…"), self.new_revision),
            a("feedback", self.tr("导入审核意见…"), self.import_feedback),
            None,
            a("public_key", self.tr("导出本单位密钥登记表…"), self.export_public_key),
            a("rotate_key", self.tr("更换签名密钥（忘记口令时）…"), self.rotate_key),
            a("verify", self.tr("核验报表…"), self.verify),
            None,
            a("backup", self.tr("备份数据…"), self.backup),
            a("restore", self.tr("从备份恢复…"), self.restore),
            None,
            a("pack_install", self.tr("更新表单包…"), self.install_pack),
            a("pack_undo", self.tr("撤销表单包更新…"), self.undo_pack_install),
        ]
        return entries

    def consolidation_actions(self) -> list[QAction]:
        return [
            self._action("template", self.tr("生成上年基数表模板…"), self.baseline_template),
        ]

    def update_actions(self) -> None:
        """Entries that only make sense in some states say so by being enabled or not."""
        from ecodesk.services.import_previous import undoable_imports

        session = self.window.session
        if "undo_import" in self.actions:
            undoable = bool(undoable_imports(session.store))
            self.actions["undo_import"].setEnabled(undoable)
            self.actions["undo_import"].setStatusTip(
                "" if undoable else self.tr("没有可以撤销的导入")
            )
        if "pack_undo" in self.actions:
            from ecodesk.packs.installed import can_undo

            self.actions["pack_undo"].setEnabled(can_undo(self.window.data_dir))
        if "export_again" in self.actions and session.data is not None:
            self.actions["export_again"].setEnabled(session.frozen)

    # ------------------------------------------------------------------ the operations

    def export_signed(self) -> None:
        from ecodesk.ui.operations import submission

        submission.export_signed(self.window)

    def export_again(self) -> None:
        from ecodesk.ui.operations import submission

        submission.export_again(self.window)

    def print_sheet(self) -> None:
        from ecodesk.ui.operations import submission

        submission.print_sheet(self.window)

    def new_revision(self) -> None:
        from ecodesk.ui.operations import submission

        submission.new_revision(self.window)

    def import_feedback(self) -> None:
        from ecodesk.ui.operations import review

        review.import_feedback(self.window)

    def answer_query(self, problem: object) -> None:
        from ecodesk.ui.operations import review

        review.answer_query(self.window, problem)

    def export_public_key(self) -> None:
        from ecodesk.ui.operations import keys

        keys.export_key_registration(self.window)

    def rotate_key(self) -> None:
        from ecodesk.ui.operations import keys

        keys.rotate_key(self.window)

    def verify(self) -> None:
        from ecodesk.ui.operations import verify

        verify.verify(self.window)

    def import_previous(self) -> None:
        from ecodesk.ui.operations import data

        data.import_previous(self.window)

    def undo_import(self) -> None:
        from ecodesk.ui.operations import data

        data.undo_last_import(self.window)

    def install_pack(self) -> None:
        from ecodesk.ui.operations import packs

        packs.install_pack(self.window)

    def undo_pack_install(self) -> None:
        from ecodesk.ui.operations import packs

        packs.undo_pack_install(self.window)

    def backup(self) -> None:
        from ecodesk.ui.operations import data

        data.backup(self.window)

    def restore(self) -> None:
        from ecodesk.ui.operations import data

        data.restore(self.window)

    def baseline_template(self) -> None:
        from ecodesk.ui.operations import data

        data.baseline_template(self.window)

    # ------------------------------------------------------------------ settings and help

    def edit_profile(self) -> None:
        from ecodesk.ui.dialogs.profile_dialog import ProfileDialog

        store = self.window.session.store
        dialog = ProfileDialog(self.window.pack, store.profile(), parent=self.window)
        if dialog.exec() == ProfileDialog.DialogCode.Accepted:
            store.save_profile(dialog.profile())
            self.window.session.reload()

    def edit_settings(self) -> None:
        from ecodesk.ui.dialogs.settings_dialog import SettingsDialog

        store = self.window.session.store
        language = store.settings_get(settings.LANGUAGE)
        dialog = SettingsDialog(self.window.pack, language, store.responsible_forms(), self.window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        store.set_responsible_forms(dialog.responsible_forms())
        if dialog.chosen_language() != language:
            store.settings_set(settings.LANGUAGE, dialog.chosen_language())
            self.window.reopen_in_language()  # the new window shows the new list of tasks too
            return
        self.window.rebuild_tree()

    def edit_database(self) -> None:
        from ecodesk.ui.dialogs.database_dialog import DatabaseDialog

        in_use = self.window.session.store.engine.url.render_as_string(hide_password=False)
        dialog = DatabaseDialog(self.window.data_dir, in_use, self.window)
        if dialog.exec() == DatabaseDialog.DialogCode.Accepted:
            QMessageBox.information(
                self.window,
                self.tr("数据库"),
                self.tr("已保存。重新打开 EcoDesk 后使用新的数据库设置。"),
            )

    def edit_people(self) -> None:
        self.window.office.edit_people()

    def show_data_dir(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.window.data_dir)))

    def about(self) -> None:
        from ecodesk.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.window.pack, self.window.data_dir, self.window).exec()
