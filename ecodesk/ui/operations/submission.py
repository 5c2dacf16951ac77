"""Sign and export, export a signed period again, print the sheet, start a correction revision.

Signing asks for the passphrase first and checks it on the key before anything else (no file
dialog, no waiting on a wrong one); a period already signed can be written again to a new file
(the same frozen revision, signed afresh: no correction revision for a lost file).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.errors import EcoDeskError
from ecodesk.forms.rules import has_blocking_errors
from ecodesk.services.export import (
    ExportResult,
    Lateness,
    export_lateness,
    export_submission,
    reexport_signed,
    store_data_dir,
)
from ecodesk.services.printing import print_for_preview
from ecodesk.signing.keys import KeyStore, group_fingerprint
from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
from ecodesk.ui.dialogs.reason_dialog import ReasonDialog, ask_reason
from ecodesk.ui.operations.base import BackgroundOp, default_name, last_folder, remember_folder
from ecodesk.ui.workers import Job

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


def ask_passphrase(window: MainWindow) -> str | None:
    """The passphrase, checked on the key (or set twice when the first signing creates it).
    None when the clerk cancels; a forgotten passphrase leads to 更换签名密钥."""
    keys = KeyStore(store_data_dir(window.session.store))
    create = not keys.has_key()
    dialog = PassphraseDialog(
        creating_key=create, check=None if create else keys.unlock, parent=window
    )
    if dialog.exec() == PassphraseDialog.DialogCode.Accepted:
        return dialog.value()
    if dialog.wants_new_key:
        from ecodesk.ui.operations.keys import rotate_key

        rotate_key(window)
    return None


def _save_path(window: MainWindow) -> Path | None:
    # with evidence files the export is one package (.zip: the workbook and 附件/)
    data = window.session.data
    if data is not None and data.attachments:
        suffix, kind = ".zip", translate("Operations", "报送包：签名报表和附件 (*.zip)")
    else:
        suffix, kind = ".xlsx", translate("Operations", "Excel 工作簿 (*.xlsx)")
    path, _ = QFileDialog.getSaveFileName(
        window,
        translate("Operations", "保存签名报表"),
        str(Path(last_folder(window)) / default_name(window, suffix)),
        kind,
    )
    if not path:
        return None
    remember_folder(window, path)
    return Path(path)


def export_signed(window: MainWindow) -> None:
    session = window.session
    window.flush()
    session.finish()  # at export every missing value is shown
    session.recheck_now()
    if session.frozen:
        _offer_reexport(window)
        return
    if has_blocking_errors(session.problems):
        errors = sum(1 for p in session.problems if p.severity == "error")
        QMessageBox.warning(
            window,
            translate("Operations", "还不能签名"),
            translate(
                "Operations",
                "还有 {n} 项错误，改正后才能签名导出。请在下方问题面板中点击每一项，逐项改正。",
            ).format(n=errors),
        )
        window.problems.all_forms.setChecked(True)
        return
    from ecodesk.store.office import check_may_sign

    try:  # people and roles on: only the head signs, and every form is reviewed first
        check_may_sign(session.store, session.period)
    except EcoDeskError as exc:
        QMessageBox.warning(window, translate("Operations", "还不能签名"), str(exc))
        return
    store, period = session.store, session.period
    late_reason = ""
    late = export_lateness(store, period, session.clock())
    if late is not None and late.needs_reason:
        answer = ask_late_reason(window, late)
        if answer is None:
            return
        late_reason = answer
    passphrase = ask_passphrase(window)
    if passphrase is None:
        return
    path = _save_path(window)
    if path is None:
        return
    clock = session.clock

    def work(job: Job) -> ExportResult:
        return export_submission(
            store,
            period,
            path,
            passphrase=passphrase,
            progress=job.progress,
            late_reason=late_reason,
            now=clock(),
        )

    def done(result: ExportResult) -> None:
        session.reload()
        window.operations.update_actions()
        show_signed(
            window,
            result,
            translate("Operations", "本期数据已冻结；如需更正，请建立新的修订版。"),
        )

    BackgroundOp(window, translate("Operations", "正在签名并导出报表…"), work).success(done).run()


def ask_late_reason(window: MainWindow, late: Lateness) -> str | None:
    """The late reason (迟报原因), required: OK stays disabled while it is empty; None on cancel."""
    dialog = ReasonDialog(
        translate("Operations", "迟报原因"),
        translate(
            "Operations",
            "{period}的截止日期是 {due}，现在已逾期 {n} 天。\n请写明迟报原因（必填）："
            "它随签名数据一起报送上级，并印在报送单上。",
        ).format(period=window.session.period.label, due=late.due.isoformat(), n=late.days_late),
        parent=window,
        ok_text=translate("Operations", "继续签名导出"),
    )
    dialog.setObjectName("lateReasonDialog")
    try:
        accepted = dialog.exec() == ReasonDialog.DialogCode.Accepted
        return dialog.text() if accepted and dialog.text() else None
    finally:
        dialog.deleteLater()


def _offer_reexport(window: MainWindow) -> None:
    data = window.session.data
    assert data is not None  # frozen: a submission is loaded
    answer = QMessageBox.question(
        window,
        translate("Operations", "已签名"),
        translate(
            "Operations",
            "本期第 {r} 版已签名，数据已冻结。\n\n要把这一版再导出一份吗？"
            "（数据和版本号不变，用本单位密钥重新签名，适用于报表文件丢失或损坏。）\n"
            "如需更正数据，请用“建立修订版”。",
        ).format(r=data.revision),
    )
    if answer == QMessageBox.StandardButton.Yes:
        export_again(window)


def export_again(window: MainWindow) -> None:
    """Write the signed, frozen revision to a new file, signed afresh (文件 → 再次导出已签名的报表)."""
    session = window.session
    if not session.frozen:
        QMessageBox.information(
            window,
            translate("Operations", "再次导出"),
            translate("Operations", "本期报送还没有签名，请用“签名并导出报表”。"),
        )
        return
    keys = KeyStore(store_data_dir(session.store))
    if not keys.has_key():
        QMessageBox.warning(
            window,
            translate("Operations", "再次导出"),
            translate(
                "Operations",
                "本机没有签名密钥（可能是换了电脑）。请先“更换签名密钥”并向上级登记新密钥，再导出。",
            ),
        )
        return
    passphrase = ask_passphrase(window)
    if passphrase is None:
        return
    path = _save_path(window)
    if path is None:
        return
    store, period = session.store, session.period

    def work(job: Job) -> ExportResult:
        return reexport_signed(store, period, path, passphrase=passphrase, progress=job.progress)

    def done(result: ExportResult) -> None:
        show_signed(
            window,
            result,
            translate("Operations", "这是第 {r} 版的又一份签名报表，数据与原来的完全相同。").format(
                r=result.revision
            ),
        )

    BackgroundOp(window, translate("Operations", "正在导出已签名的报表…"), work).success(done).run()


def show_signed(window: MainWindow, result: ExportResult, note: str) -> None:
    """Where the file is, its fingerprint as the printed sheet shows it, and what to do next."""
    if result.attachments:
        note = (
            translate(
                "Operations",
                "这是一个报送包：签名报表和 {n} 个附件在同一个 .zip 文件中，请把它整体上报。",
            ).format(n=result.attachments)
            + "\n\n"
            + note
        )
    box = QMessageBox(
        QMessageBox.Icon.Information,
        translate("Operations", "已签名导出"),
        translate("Operations", "报表已签名并保存到：\n{path}\n\n签名指纹：{fp}\n\n{note}").format(
            path=result.path, fp=group_fingerprint(result.fingerprint), note=note
        ),
        QMessageBox.StandardButton.Close,
        window,
    )
    box.setObjectName("signedExported")
    print_button = box.addButton(
        translate("Operations", "打印已签名的报送单"), QMessageBox.ButtonRole.ActionRole
    )
    folder_button = box.addButton(
        translate("Operations", "打开所在文件夹"), QMessageBox.ButtonRole.ActionRole
    )
    box.exec()
    if box.clickedButton() is print_button:
        print_sheet(window)
    elif box.clickedButton() is folder_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(result.path).parent)))


def print_sheet(window: MainWindow) -> None:
    """Print the sheet into the data folder's cache, then preview it (print, save as PDF, open)."""
    store, period = window.session.store, window.session.period
    cache = window.data_dir / "cache" / "print"
    suggested = Path(last_folder(window)) / default_name(window, ".pdf")

    def work(job: Job) -> Path:
        return print_for_preview(store, period, cache)

    def done(path: Path) -> None:
        from ecodesk.ui.dialogs.print_preview_dialog import PrintPreviewDialog

        try:
            dialog = PrintPreviewDialog(path, suggested, window)
        except EcoDeskError as exc:
            QMessageBox.warning(window, translate("Operations", "打印报送单"), str(exc))
            return
        dialog.saved.connect(lambda saved: remember_folder(window, saved))
        dialog.exec()
        dialog.deleteLater()

    BackgroundOp(window, translate("Operations", "正在生成报送单…"), work).success(done).run()


def new_revision(window: MainWindow) -> None:
    session = window.session
    if not session.frozen:
        QMessageBox.information(
            window,
            translate("Operations", "建立修订版"),
            translate("Operations", "本期报送还没有签名，可以直接修改，不需要建立修订版。"),
        )
        return
    reason, ok = ask_reason(
        window,
        translate("Operations", "建立修订版"),
        translate(
            "Operations",
            "请写明更正原因（会写入新版本的报表，上级据此知道它取代了哪一版）：",
        ),
    )
    if not ok:
        return
    if not reason.strip():
        QMessageBox.warning(
            window,
            translate("Operations", "建立修订版"),
            translate("Operations", "没有写更正原因，未建立修订版。"),
        )
        return
    try:
        revision = session.store.new_revision(session.period, reason.strip())
    except EcoDeskError as exc:
        QMessageBox.warning(window, translate("Operations", "建立修订版"), str(exc))
        return
    session.reload()
    window.operations.update_actions()
    window.statusBar().showMessage(
        translate("Operations", "已建立第 {r} 版，可以修改了。").format(r=revision), 8000
    )
