"""The data of the unit: import last year's figures (and undo it), back up, restore, and the
city's blank baseline template."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from ecodesk import clock
from ecodesk.importing.preview import ImportPreview
from ecodesk.importing.render import render_preview, render_result
from ecodesk.services.import_previous import (
    apply_import,
    preview_import,
    undo_import,
    undoable_imports,
)
from ecodesk.services.recovery import restore_backup
from ecodesk.services.template import make_baseline_template
from ecodesk.store.transfer import backup_store
from ecodesk.ui.operations.base import (
    BackgroundOp,
    last_folder,
    remember_folder,
    signed_files_filter,
)
from ecodesk.ui.workers import Job

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow

translate = QCoreApplication.translate


# ------------------------------------------------------------------------- last year's data


def import_previous(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window,
        translate("Operations", "选择上年的签名报表或市里下发的基数表"),
        last_folder(window),
        signed_files_filter(),
    )
    if not path:
        return
    remember_folder(window, path)
    store, period = window.session.store, window.session.period

    def work(job: Job) -> ImportPreview:
        return preview_import(store, Path(path), period=period, progress=job.progress)

    def previewed(preview: ImportPreview) -> None:
        if not preview.choice_keys():
            QMessageBox.information(
                window,
                translate("Operations", "导入上年数据"),
                "\n".join(render_preview(preview))
                + "\n\n"
                + translate(
                    "Operations", "文件中的上年值与本机已有的完全相同，没有需要导入的内容。"
                ),
            )
            return
        from ecodesk.ui.dialogs.import_preview_dialog import ImportPreviewDialog

        dialog = ImportPreviewDialog(preview, store.pack, window)
        if dialog.exec() != ImportPreviewDialog.DialogCode.Accepted:
            return
        _apply_import(window, preview, confirmed=dialog.confirmed())

    BackgroundOp(
        window, translate("Operations", "正在读取并核验文件…"), work, cancellable=True
    ).success(previewed).run()


def _apply_import(window: MainWindow, preview: ImportPreview, *, confirmed: bool) -> None:
    store = window.session.store

    def work(job: Job) -> str:
        result = apply_import(
            store,
            preview,
            confirm_unknown_signer=confirmed,
            confirm_other_unit=confirmed and preview.other_unit,
        )
        return render_result(result, command_line=False)

    def done(summary: str) -> None:
        window.session.reload()
        window.operations.update_actions()
        QMessageBox.information(
            window,
            translate("Operations", "已导入"),
            summary + "\n\n" + translate("Operations", "如导入有误，可用“文件 → 撤销导入”恢复。"),
        )

    BackgroundOp(window, translate("Operations", "正在导入上年数据…"), work).success(done).run()


def undo_last_import(window: MainWindow) -> None:
    """Undo the newest import not undone yet, after the clerk confirms which one it is."""
    store = window.session.store
    imports = undoable_imports(store)
    if not imports:
        QMessageBox.information(
            window,
            translate("Operations", "撤销导入"),
            translate("Operations", "没有可以撤销的导入。"),
        )
        return
    last = imports[0]
    answer = QMessageBox.question(
        window,
        translate("Operations", "撤销导入"),
        translate(
            "Operations",
            "撤销 {at} 从“{source}”导入的{period}数据吗？\n\n"
            "上年值、带入的表格行和下步计划参考将恢复为导入前的样子。",
        ).format(
            at=f"{last.at:%Y-%m-%d %H:%M}", source=last.source, period=last.baseline_period.label
        ),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return

    def work(job: Job) -> None:
        undo_import(store, last.import_id)

    def done(_: None) -> None:
        window.session.reload()
        window.operations.update_actions()
        QMessageBox.information(
            window,
            translate("Operations", "已撤销导入"),
            translate(
                "Operations", "已撤销从“{source}”的导入，恢复为导入前的上年值和表格。"
            ).format(source=last.source),
        )

    BackgroundOp(window, translate("Operations", "正在撤销导入…"), work).success(done).run()


# ------------------------------------------------------------------------- backup and restore


def _store_url(window: MainWindow) -> str:
    """The address of the database the window works on (a SQLite file or a PostgreSQL server)."""
    return window.session.store.engine.url.render_as_string(hide_password=False)


def backup(window: MainWindow) -> None:
    name = f"EcoDesk备份_{datetime.now():%Y%m%d_%H%M}.sqlite3"
    path, _ = QFileDialog.getSaveFileName(
        window,
        translate("Operations", "备份数据到"),
        str(Path(last_folder(window)) / name),
        translate("Operations", "EcoDesk 数据备份 (*.sqlite3)"),
    )
    if not path:
        return
    remember_folder(window, path)
    data_dir, url = window.data_dir, _store_url(window)

    def work(job: Job) -> Path:
        return backup_store(data_dir, url, Path(path))

    def done(result: Path) -> None:
        QMessageBox.information(
            window,
            translate("Operations", "备份完成"),
            translate("Operations", "数据已备份到：\n{path}").format(path=result),
        )

    BackgroundOp(window, translate("Operations", "正在备份数据…"), work).success(done).run()


def restore(window: MainWindow) -> None:
    """Choose an automatic backup (or a file), confirm, restore; the window reopens the data."""
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.restore_dialog import RestoreDialog

    window.flush()
    session, data_dir, url = window.session, window.data_dir, _store_url(window)

    def replace(path: Path) -> Path | None:
        session.store.close()
        try:
            return restore_backup(data_dir, path, url)
        finally:  # refused or done, the window goes on with what is now in the data folder
            session.store = Store.open(data_dir, pack=window.pack)

    dialog = RestoreDialog(data_dir, replace, parent=window)
    if dialog.exec() != RestoreDialog.DialogCode.Accepted:
        return
    session.load()
    window.operations.update_actions()
    QMessageBox.information(
        window,
        translate("Operations", "恢复完成"),
        translate("Operations", "数据已从备份恢复。原来的数据另存在：\n{path}").format(
            path=dialog.kept or translate("Operations", "（原来没有数据）")
        ),
    )


# ------------------------------------------------------------------------- the city's template


def baseline_template(window: MainWindow) -> None:
    """The blank 上年基数表 the city fills (one column per county) and sends to the counties."""
    year, ok = QInputDialog.getInt(
        window,
        translate("Operations", "生成上年基数表模板"),
        translate("Operations", "数据所属年度："),
        clock.today().year - 1,
        2000,
        2100,
    )
    if not ok:
        return
    path, _ = QFileDialog.getSaveFileName(
        window,
        translate("Operations", "保存上年基数表模板"),
        str(Path(last_folder(window)) / f"{year}年度上年基数表.xlsx"),
        translate("Operations", "Excel 工作簿 (*.xlsx)"),
    )
    if not path:
        return
    remember_folder(window, path)
    pack = window.pack

    def work(job: Job) -> Path:
        return make_baseline_template(
            pack, Path(path), year=year, force=True
        )  # the file dialog asked

    def done(result: Path) -> None:
        QMessageBox.information(
            window,
            translate("Operations", "已生成上年基数表"),
            translate(
                "Operations",
                "已生成{year}年度上年基数表：\n{path}\n\n每个指标一行、每个县（市、区）一列。填好后下发各县，"
                "各县用“文件 → 导入上年数据”导入本县一列。",
            ).format(year=year, path=result),
        )

    BackgroundOp(window, translate("Operations", "正在生成上年基数表…"), work).success(done).run()
