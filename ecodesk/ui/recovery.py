"""Start-up on a damaged database: offer to restore a backup, in Chinese, instead of stopping.

Called by :func:`ecodesk.ui.app.run_app` when the store refuses to open with
:class:`~ecodesk.store.errors.StoreDamaged`; nothing else of the start-up lives here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from ecodesk.services.recovery import restore_backup
from ecodesk.store.errors import StoreDamaged
from ecodesk.ui.dialogs.restore_dialog import RestoreDialog

log = logging.getLogger(__name__)


def recover_damaged_store(
    data_dir: Path, error: StoreDamaged, parent: QWidget | None = None
) -> bool:
    """True when a backup was restored (open the store again); False when the clerk quits."""
    log.error("start-up: database damaged (%s); offering a restore", error.detail or error)
    dialog = RestoreDialog(
        data_dir, lambda path: restore_backup(data_dir, path), damaged=True, parent=parent
    )
    if dialog.exec() != RestoreDialog.DialogCode.Accepted:
        return False
    QMessageBox.information(
        parent,
        dialog.tr("恢复完成"),
        dialog.tr("数据已从备份恢复，程序将继续打开。损坏的文件另存在：\n{path}").format(
            path=dialog.kept or dialog.tr("（原来没有数据）")
        ),
    )
    return True
