"""Verify received workbooks against the key registry, from the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog

from ecodesk.services.verify import VerifyResult, verify_workbook
from ecodesk.store import settings
from ecodesk.ui.operations.base import BackgroundOp, last_folder, signed_files_filter
from ecodesk.ui.workers import Job

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


def verify(window: MainWindow) -> None:
    paths, _ = QFileDialog.getOpenFileNames(
        window,
        translate("Operations", "选择要核验的报表"),
        last_folder(window),
        signed_files_filter(),
    )
    if not paths:
        return
    store = window.session.store
    registry = store.settings_get(settings.KEY_REGISTRY)
    if not registry or not Path(registry).is_dir():
        registry = QFileDialog.getExistingDirectory(
            window,
            translate("Operations", "选择密钥登记文件夹（上级下发的各单位密钥登记文件）"),
            last_folder(window),
        )
        if not registry:
            return
        store.settings_set(settings.KEY_REGISTRY, registry)
    folder = Path(registry)

    def work(job: Job) -> list[tuple[str, VerifyResult]]:
        results = []
        for i, p in enumerate(paths):
            job.progress(i, len(paths), Path(p).name)
            results.append((Path(p).name, verify_workbook(Path(p), folder)))
        return results

    def done(results: list[tuple[str, VerifyResult]]) -> None:
        from ecodesk.ui.dialogs.verify_results_dialog import VerifyResultsDialog

        VerifyResultsDialog(results, window).exec()

    BackgroundOp(window, translate("Operations", "正在核验报表…"), work, cancellable=True).success(
        done
    ).run()
