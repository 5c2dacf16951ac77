"""The way back at the unit: import the receiver's feedback (审核意见书) and answer its queries."""

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
