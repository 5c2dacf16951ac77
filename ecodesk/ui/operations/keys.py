"""The unit's signing key from the window: its registration sheet, and replacing it
(口令遗忘、电脑更换、口令泄露) — the window's path for ``ecodesk keys rotate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.services.export import store_data_dir
from ecodesk.services.keys import PublicKeyExport, RotatedKey, export_public_key
from ecodesk.services.keys import rotate_key as rotate_key_service
from ecodesk.signing.keys import KeyStore, group_fingerprint
from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
from ecodesk.ui.operations.base import BackgroundOp, last_folder
from ecodesk.ui.workers import Job

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


def export_key_registration(window: MainWindow) -> None:
    data_dir = store_data_dir(window.session.store)
    if not KeyStore(data_dir).has_key():
        QMessageBox.information(
            window,
            translate("Operations", "还没有签名密钥"),
            translate(
                "Operations",
                "本单位还没有签名密钥。第一次“签名并导出报表”时会创建密钥，之后再导出密钥登记表。",
            ),
        )
        return
    folder = QFileDialog.getExistingDirectory(
        window, translate("Operations", "选择保存密钥登记文件的文件夹"), last_folder(window)
    )
    if not folder:
        return
    unit = window.session.profile

    def work(job: Job) -> PublicKeyExport:
        return export_public_key(data_dir, unit, Path(folder))

    def done(result: PublicKeyExport) -> None:
        QMessageBox.information(
            window,
            translate("Operations", "已导出密钥登记文件"),
            translate(
                "Operations",
                "密钥登记文件：{file}\n密钥登记表（请打印、签字盖章后连同文件报上级）：{sheet}\n指纹：{fp}",
            ).format(
                file=result.registration,
                sheet=result.sheet,
                fp=group_fingerprint(result.fingerprint),
            ),
        )

    BackgroundOp(window, translate("Operations", "正在导出密钥登记表…"), work).success(done).run()


def rotate_key(window: MainWindow) -> None:
    """Replace the signing key: explain, ask the old passphrase if remembered, set a new one."""
    data_dir = store_data_dir(window.session.store)
    keys = KeyStore(data_dir)
    if not keys.has_key():
        QMessageBox.information(
            window,
            translate("Operations", "更换签名密钥"),
            translate(
                "Operations",
                "本机还没有签名密钥，不需要更换。第一次“签名并导出报表”时会创建密钥。",
            ),
        )
        return
    box = QMessageBox(
        QMessageBox.Icon.Question,
        translate("Operations", "更换签名密钥"),
        translate(
            "Operations",
            "更换后，本单位用新的密钥签名；旧密钥作废，但用它签过的报表仍可验证。\n\n"
            "重要：新密钥必须重新向上级登记（文件 → 导出本单位密钥登记表，打印登记表、签字盖章后"
            "连同登记文件报上级），否则上级无法验证之后签名的报表。\n\n"
            "当前密钥指纹：{fp}",
        ).format(fp=group_fingerprint(keys.fingerprint())),
        parent=window,
    )
    box.setObjectName("rotateKey")
    remembered = box.addButton(
        translate("Operations", "我记得旧口令"), QMessageBox.ButtonRole.AcceptRole
    )
    forgotten = box.addButton(
        translate("Operations", "旧口令已遗忘"), QMessageBox.ButtonRole.DestructiveRole
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    old: str | None
    if box.clickedButton() is remembered:
        ask_old = PassphraseDialog(
            creating_key=False,
            check=keys.unlock,
            title=translate("Operations", "输入旧口令"),
            intro=translate("Operations", "请输入当前签名密钥的口令，确认是本单位在更换密钥。"),
            parent=window,
        )
        if ask_old.exec() != PassphraseDialog.DialogCode.Accepted:
            return
        old = ask_old.value()
    elif box.clickedButton() is forgotten:
        old = None
    else:
        return
    ask_new = PassphraseDialog(
        creating_key=True,
        title=translate("Operations", "设定新口令"),
        intro=translate(
            "Operations",
            "请为新的签名密钥设定口令（至少 8 位），以后每次签名导出都要输入。口令丢失无法找回，请妥善保管。",
        ),
        parent=window,
    )
    if ask_new.exec() != PassphraseDialog.DialogCode.Accepted:
        return
    new = ask_new.value()

    def work(job: Job) -> RotatedKey:
        return rotate_key_service(data_dir, new, old_passphrase=old)

    def done(result: RotatedKey) -> None:
        answer = QMessageBox.question(
            window,
            translate("Operations", "已更换签名密钥"),
            translate(
                "Operations",
                "新密钥指纹：{fp}\n\n请现在导出密钥登记表，报上级重新登记新密钥。现在导出吗？",
            ).format(fp=group_fingerprint(result.fingerprint)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            export_key_registration(window)

    BackgroundOp(window, translate("Operations", "正在生成新的签名密钥…"), work).success(done).run()
