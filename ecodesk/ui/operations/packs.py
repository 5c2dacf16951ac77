"""The city's form pack: install a new one (文件 → 更新表单包) after seeing what it changes,
and undo that (文件 → 撤销表单包更新)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.forms.loader import FormPack
from ecodesk.packs.installed import (
    InstallPlan,
    can_undo,
    commit_install,
    prepare_install,
    undo_install,
)
from ecodesk.packs.trust import shipped_anchor
from ecodesk.ui.operations.base import BackgroundOp, last_folder, remember_folder
from ecodesk.ui.workers import Job

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


def install_pack(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window,
        translate("Operations", "选择市里下发的表单包"),
        last_folder(window),
        translate("Operations", "EcoDesk 表单包 (*.ecodesk-pack)"),
    )
    if not path:
        return
    remember_folder(window, path)
    data_dir = window.data_dir

    def work(job: Job) -> InstallPlan:
        return prepare_install(data_dir, Path(path), shipped_anchor())

    def verified(plan: InstallPlan) -> None:
        from ecodesk.ui.dialogs.pack_install_dialog import PackInstallDialog

        dialog = PackInstallDialog(plan, window)
        if dialog.exec() != PackInstallDialog.DialogCode.Accepted:
            return
        _commit(window, plan)

    BackgroundOp(window, translate("Operations", "正在核验表单包…"), work).success(verified).run()


def _commit(window: MainWindow, plan: InstallPlan) -> None:
    store = window.session.store

    def work(job: Job) -> FormPack:
        return commit_install(plan, store)

    def done(pack: FormPack) -> None:
        again = window.reopen_in_language(pack)
        QMessageBox.information(
            again,
            translate("Operations", "已更新表单包"),
            translate(
                "Operations",
                "已安装表单包 {version}。已填写的数据都保留；如有问题，可用“文件 → 撤销表单包更新”恢复。",
            ).format(version=pack.version),
        )

    BackgroundOp(window, translate("Operations", "正在安装表单包…"), work).success(done).run()


def undo_pack_install(window: MainWindow) -> None:
    data_dir = window.data_dir
    if not can_undo(data_dir):
        QMessageBox.information(
            window,
            translate("Operations", "撤销表单包更新"),
            translate("Operations", "没有可以撤销的表单包更新。"),
        )
        return
    answer = QMessageBox.question(
        window,
        translate("Operations", "撤销表单包更新"),
        translate(
            "Operations",
            "恢复上一次更新前的表单包吗？\n\n已填写的数据都保留在本机，按恢复后的表单显示。",
        ),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    store = window.session.store

    def work(job: Job) -> FormPack:
        return undo_install(data_dir, shipped_anchor(), store)

    def done(pack: FormPack) -> None:
        again = window.reopen_in_language(pack)
        QMessageBox.information(
            again,
            translate("Operations", "已撤销表单包更新"),
            translate("Operations", "现在使用表单包 {version}。").format(version=pack.version),
        )

    BackgroundOp(window, translate("Operations", "正在恢复表单包…"), work).success(done).run()
