"""The way back. At the unit: import the receiver's feedback (审核意见书) and answer its
queries. At the receiving office (the consolidation window): review a received submission
(queries, 退回, 采用, the signed feedback file) and compare two revisions of a unit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.errors import EcoDeskError
from ecodesk.review.model import decision_label
from ecodesk.services.export import store_data_dir
from ecodesk.services.review import apply_feedback, check_feedback
from ecodesk.store.feedback import answer_query as store_answer
from ecodesk.ui.dialogs.reason_dialog import ask_reason
from ecodesk.ui.operations.base import last_folder, remember_folder

if TYPE_CHECKING:
    from ecodesk.ui.consolidation.window import ConsolidationWindow
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


def import_feedback(window: MainWindow) -> None:
    """文件 → 导入审核意见: check the file (every refusal before anything is written), show
    what it says, and record it; a return or queries open the revision that answers them."""
    title = translate("Operations", "导入审核意见")
    path, _ = QFileDialog.getOpenFileName(
        window,
        translate("Operations", "选择上级的审核意见书"),
        last_folder(window),
        translate("Operations", "Excel 工作簿 (*.xlsx)"),
    )
    if not path:
        return
    remember_folder(window, path)
    window.flush()
    store = window.session.store
    try:
        checked = check_feedback(store, store_data_dir(store), Path(path))
    except EcoDeskError as exc:
        QMessageBox.warning(window, title, str(exc))
        return
    fb = checked.feedback
    lines = [checked.message]
    if fb.reason:
        lines.append(translate("Operations", "退回原因：{reason}").format(reason=fb.reason))
    lines += [
        translate("Operations", "查询{n}　{label}：{question}").format(
            n=n, label=q.label, question=q.question
        )
        for n, q in enumerate(fb.queries, start=1)
    ]
    lines.append(
        translate("Operations", "导入这份审核意见（{decision}）？").format(
            decision=decision_label(fb.decision)
        )
    )
    answer = QMessageBox.question(window, title, "\n".join(lines))
    if answer != QMessageBox.StandardButton.Yes:
        return
    try:
        entry = apply_feedback(store, checked)
    except EcoDeskError as exc:
        QMessageBox.warning(window, title, str(exc))
        return
    window.session.reload()
    if entry.opened_revision is not None:
        message = translate(
            "Operations", "已导入审核意见，并建立第 {r} 版：请逐条答复查询后重新签名导出。"
        ).format(r=entry.opened_revision)
    else:
        message = translate("Operations", "已导入审核意见：{decision}。").format(
            decision=decision_label(entry.decision)
        )
    window.statusBar().showMessage(message, 10000)


def answer_query(window: MainWindow, problem: Any) -> None:
    """答复: the clerk's answer to one query of the receiver, kept with the open revision."""
    title = translate("Operations", "答复查询")
    text, ok = ask_reason(
        window,
        title,
        problem.message + "\n\n" + translate("Operations", "答复（会随新版本的报表报送）："),
        problem.explanation or "",
    )
    if not ok:
        return
    try:
        store_answer(window.session.store, problem.query.id, text)
    except EcoDeskError as exc:
        QMessageBox.warning(window, title, str(exc))
        return
    window.session.recheck_now()
    window.statusBar().showMessage(translate("Operations", "已保存答复。"), 6000)


# ---------------------------------------------------------------------- at the receiving office


def _office_passphrase(cw: ConsolidationWindow) -> str | None:
    """The office's own signing key's passphrase, checked on the key (set twice when this is
    the office's first signature); None when the reviewer cancels."""
    from ecodesk.signing.keys import KeyStore
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog

    keys = KeyStore(store_data_dir(cw.store))
    create = not keys.has_key()
    dialog = PassphraseDialog(
        creating_key=create,
        check=None if create else keys.unlock,
        parent=cw,
        title=translate("Operations", "签名审核意见书"),
        intro=None
        if create
        else translate("Operations", "审核意见书要用本单位的签名密钥签名，请输入口令。"),
    )
    if dialog.exec() != PassphraseDialog.DialogCode.Accepted:
        return None
    if create:
        keys.create(dialog.value())
    return dialog.value()


def _feedback_path(cw: ConsolidationWindow, data: Any) -> Path | None:
    """Where to save the feedback: by default next to the received folder, never inside it
    (a watched folder would take it for a received file)."""
    from ecodesk.store import settings

    folder = cw.store.settings_get(settings.REVIEW_FOLDER)
    if not folder:
        received = cw.folder()
        folder = str(received.parent) if received else str(Path.home())
    name = translate("Operations", "{unit}_{period}_第{r}版_审核意见书.xlsx").format(
        unit=data.unit.display_name, period=data.period, r=data.revision
    )
    chosen, _ = QFileDialog.getSaveFileName(
        cw,
        translate("Operations", "保存审核意见书"),
        str(Path(folder) / name),
        translate("Operations", "Excel 工作簿 (*.xlsx)"),
    )
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(".xlsx")
    cw.store.settings_set(settings.REVIEW_FOLDER, str(path.parent))
    return path


def review_received(cw: ConsolidationWindow, item: Any, peers: list[Any]) -> None:
    """审核…: queries, a return or an acceptance of one valid received submission (``item``, a
    :class:`~ecodesk.services.consolidate.ReceivedWorkbook`), written as the signed feedback file
    by the same core as ``ecodesk review``; ``peers`` the other units' data of the period, for
    the figures far from theirs."""
    from ecodesk.services.review import review_submission, suggest_queries
    from ecodesk.ui.consolidation.review_dialog import ReviewDialog
    from ecodesk.ui.workers import run_in_background

    title = translate("Operations", "审核")
    pack, data, registry = cw.session.pack, item.data, cw.registry()
    if registry is None:  # the window verified the file with it: chosen, unless just cleared
        return
    dialog = ReviewDialog(
        pack, data, suggest_queries(pack, data, peers), file_name=item.path.name, parent=cw
    )
    cw.review_dialog = dialog  # reachable while it is open (tests, screenshots)
    try:
        if dialog.exec() != ReviewDialog.DialogCode.Accepted:
            return
    finally:
        cw.review_dialog = None
    decision, reason, queries = dialog.decision(), dialog.reason_text(), dialog.query_list()
    out = _feedback_path(cw, data)
    if out is None:
        return
    passphrase = _office_passphrase(cw)
    if passphrase is None:
        return
    store, data_dir = cw.store, store_data_dir(cw.store)

    def work(job: Any) -> Any:
        return review_submission(
            store,
            data_dir,
            item.path,
            registry,
            decision=decision,  # type: ignore[arg-type]
            reason=reason,
            queries=queries,
            out_path=out,
            passphrase=passphrase,
            force=True,  # the save dialog asked before replacing a file
        )

    def done(result: Any) -> None:
        fb = result.feedback
        message = translate(
            "Operations",
            "审核意见书已保存：{path}\n（{unit} {period}第{r}版，{decision}，查询 {n} 条）\n\n"
            "请把它发给报送单位；对方须先登记本单位的密钥。",
        ).format(
            path=result.path,
            unit=fb.about.unit.display_name,
            period=fb.about.period.label,
            r=fb.about.revision,
            decision=decision_label(fb.decision),
            n=len(fb.queries),
        )
        cw.statusBar().showMessage(message.split("\n")[0], 15_000)
        cw.rescan()  # the unit's state follows the feedback just sent
        QMessageBox.information(cw, title, message)

    def failed(message: str, expected: bool) -> None:
        if not expected:
            message = translate(
                "Operations", "审核意见书没有生成，原因未知。详细情况已记入日志：{path}"
            ).format(path=cw.data_dir / "logs")
        QMessageBox.warning(cw, title, message)

    cw.review_task = run_in_background(
        cw, translate("Operations", "正在生成审核意见书…"), work, done, failed
    )
    cw.review_task.destroyed.connect(lambda *_: setattr(cw, "review_task", None))


def show_diff(cw: ConsolidationWindow, revisions: list[Any]) -> None:
    """比较修订版…: what changed between two of a unit's received revisions."""
    from ecodesk.ui.consolidation.diff_dialog import DiffDialog

    title = translate("Operations", "比较修订版")
    if len({r.revision for r in revisions}) < 2:
        QMessageBox.information(
            cw,
            title,
            translate(
                "Operations",
                "收到的文件中这个单位只有一个有效的修订版，没有可比较的版本。"
                "单位重报后，把新版本放入收到的报表文件夹再比较。",
            ),
        )
        return
    dialog = DiffDialog(cw.session.pack, revisions, cw)
    cw.diff_dialog = dialog
    try:
        dialog.exec()
    finally:
        cw.diff_dialog = None
