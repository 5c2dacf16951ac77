"""A form's 佐证材料: the list with thumbnails, 附件… to add, 移除, double-click to open.

Files reach the list three ways: the 附件… button, a drop on this panel, or a drop anywhere on
the form (the form view finds the indicator or table row under the cursor and calls
:meth:`AttachmentsPanel.ask_and_attach`). Every way goes through :class:`AttachDialog`, so no
file is attached without its description.

Removing from a draft is one undoable step of the form's history (Ctrl+Z brings the file
back); a signed revision is frozen, so 附件… and 移除 are disabled and say why.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecodesk.errors import EcoDeskError
from ecodesk.forms.rules.tables import blank_row
from ecodesk.ui.dialogs.attach_dialog import AttachDialog, PlaceChoice
from ecodesk.ui.session import EditSession
from ecodesk.ui.widgets.attachment_size import human_size
from ecodesk.ui.widgets.attachment_thumbnails import (
    THUMBNAIL_SIZE,
    ThumbnailCache,
    renders_from_content,
)

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole

_shared: ThumbnailCache | None = None


def shared_thumbnails() -> ThumbnailCache:
    """One cache for every form of the window: a file attached to two forms renders once."""
    global _shared
    if _shared is None:
        from PySide6.QtWidgets import QApplication

        _shared = ThumbnailCache(parent=QApplication.instance())
    return _shared


def framed(image: QImage, kind: str) -> QImage:
    """``image`` centred on a square, so names line up whatever the thumbnail's shape; a PDF's
    page gets a thin frame (a white page on a white list would not show where it ends)."""
    side = THUMBNAIL_SIZE
    square = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    left, top = (side - image.width()) // 2, (side - image.height()) // 2
    painter.drawImage(left, top, image)
    if kind == "pdf" and image.width() < side:  # a rendered page, not the PDF icon
        painter.setPen(QColor("#98a2b3"))
        painter.drawRect(left, top, image.width() - 1, image.height() - 1)
    painter.end()
    return square


def local_files(urls: list[QUrl]) -> list[Path]:
    """The local files among dropped URLs (a folder or a web link is not a file to attach)."""
    return [
        Path(u.toLocalFile()) for u in urls if u.isLocalFile() and Path(u.toLocalFile()).is_file()
    ]


def opened_copy(source: Path, name: str, digest: str) -> Path:
    """A read-only copy of a stored file under its own name, for the system viewer: the stored
    file is named by its hash (a viewer needs the extension) and is never to be written."""
    folder = (
        Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation))
        / "ecodesk-attachments"
        / digest[:16]
    )
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(name).name or digest[:16])
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        if target.exists():
            os.chmod(target, stat.S_IWUSR | stat.S_IRUSR)
        shutil.copyfile(source, target)
        os.chmod(target, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return target


class AttachmentsPanel(QWidget):
    opened = Signal(str)  # the local file handed to the system viewer

    def __init__(self, session: EditSession, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentsPanel")
        self.session, self.form = session, form
        self.thumbnails = shared_thumbnails()
        self.dialog: AttachDialog | None = None
        # where 附件… proposes to attach (the form view says which input the clerk was in)
        self.place_hint: Callable[[], str] = lambda: self.form
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.attach_button = QPushButton(self.tr("附件…"), objectName="attachButton")
        self.attach_button.setToolTip(
            self.tr("选择文件作为佐证材料（PDF、图片、Word/Excel/WPS、OFD）")
        )
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("移除"), objectName="removeAttachment")
        self.remove_button.clicked.connect(self.remove_selected)
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        bar.addWidget(self.attach_button)
        bar.addWidget(self.remove_button)
        bar.addWidget(self.hint, 1)
        layout.addLayout(bar)
        self.list = QListWidget()
        self.list.setObjectName("attachmentList")
        self.list.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemDoubleClicked.connect(self._open_item)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.setAcceptDrops(False)  # the panel takes the drop (see dropEvent)
        layout.addWidget(self.list)
        self.empty = QLabel(
            self.tr("尚无佐证材料。把文件拖到表单、某个指标或表格的一行上，或点“附件…”。"),
            objectName="muted",
        )
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        from PySide6.QtGui import QShortcut

        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.list,
            self.remove_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.thumbnails.ready.connect(self._thumbnail_ready)
        session.attachmentsChanged.connect(self.show_attachments)
        session.loaded.connect(self.show_attachments)
        session.attachFinished.connect(self._attach_finished)
        self.show_attachments()

    # ------------------------------------------------------------------ places

    def places(self) -> list[PlaceChoice]:
        """Where a file of this form can go: the form, each indicator, each filled table row."""
        pack, form = self.session.pack, self.form
        definition = pack.form(form)
        choices = [
            PlaceChoice(
                form, self.tr("整张表单：{form} {title}").format(form=form, title=definition.title)
            )
        ]
        for ind in pack.indicators(form, self.session.division):
            choices.append(
                PlaceChoice(f"{form}:{ind.code}", self.tr("指标：{name}").format(name=ind.name))
            )
        for table in pack.tables(form, self.session.division):
            for index, row in enumerate(self.session.rows(form, table.code)):
                if blank_row(row):
                    continue
                name = next((v.strip() for v in row.values() if v and v.strip()), "")
                choices.append(
                    PlaceChoice(
                        f"{form}:{table.code}#{index + 1}",
                        self.tr("{table} 第{n}行（{name}）").format(
                            table=table.name, n=index + 1, name=name
                        ),
                    )
                )
        return choices

    def place_label(self, key: str) -> str:
        return next((p.label for p in self.places() if p.key == key), key)

    # ------------------------------------------------------------------ showing

    def show_attachments(self) -> None:
        self.list.clear()
        attachments = self.session.attachments(self.form)
        labels = {p.key: p.label for p in self.places()}
        for attachment in attachments:
            item = QListWidgetItem(self._text(attachment, labels))
            item.setData(ID_ROLE, attachment.id)
            item.setToolTip(
                self.tr("{name}\n{kind}，{size}，SHA-256 {hash}…\n双击打开").format(
                    name=attachment.name,
                    kind=attachment.file_kind.label,
                    size=human_size(attachment.size),
                    hash=attachment.short_hash,
                )
            )
            item.setIcon(self._icon(attachment))
            self.list.addItem(item)
        self.list.setVisible(bool(attachments))
        self.empty.setVisible(not attachments)
        rows = min(max(len(attachments), 1), 4)
        self.list.setFixedHeight(rows * (THUMBNAIL_SIZE + 10) + 6)
        self._update_buttons()

    def _text(self, attachment: Any, labels: dict[str, str]) -> str:
        place = labels.get(attachment.key, attachment.key)
        return self.tr("{name}　{size}\n{place}\n说明：{note}").format(
            name=attachment.name,
            size=human_size(attachment.size),
            place=place,
            note=attachment.note,
        )

    def _icon(self, attachment: Any) -> QIcon:
        image: QImage | None = None
        local = self.session.local_attachment_path(attachment)
        if local is not None:
            image = self.thumbnails.request(attachment.sha256, local, attachment.kind)
        elif self.session.shared_attachments and renders_from_content(attachment.kind):
            # another PC attached it: fetched from the shared store on the pool thread (a
            # document shows its type's icon, so it is fetched only when opened)
            session = self.session
            image = self.thumbnails.request(
                attachment.sha256, lambda: session.attachment_path(attachment), attachment.kind
            )
        elif not self.session.shared_attachments:
            log.info("stored file of %s is missing: no thumbnail", attachment.name)
        if image is None:  # until the rendering reports, or when the file is not here
            image = self.thumbnails.placeholder(attachment.kind)
        return QIcon(QPixmap.fromImage(framed(image, attachment.kind)))

    def _thumbnail_ready(self, digest: str) -> None:
        image = self.thumbnails.get(digest)
        if image is None:
            return
        by_id = {a.id: a for a in self.session.attachments(self.form)}
        for i in range(self.list.count()):
            item = self.list.item(i)
            attachment = by_id.get(item.data(ID_ROLE))
            if attachment is not None and attachment.sha256 == digest:
                item.setIcon(QIcon(QPixmap.fromImage(framed(image, attachment.kind))))

    def _update_buttons(self) -> None:
        frozen = self.session.frozen
        reason = self.tr("已签名的版本不能再增删附件；如需更正，请新建更正版本。")
        self.attach_button.setEnabled(not frozen)
        self.remove_button.setEnabled(not frozen and bool(self.list.selectedItems()))
        self.remove_button.setToolTip(
            reason if frozen else self.tr("移除选中的附件（Ctrl+Z 可撤销）")
        )
        self.attach_button.setToolTip(
            reason if frozen else self.tr("选择文件作为佐证材料（PDF、图片、Word/Excel/WPS、OFD）")
        )
        self.hint.setText(
            reason if frozen else self.tr("可把文件拖到表单、指标或表格的一行上；双击附件打开。")
        )

    def selected(self) -> list[Any]:
        ids = {item.data(ID_ROLE) for item in self.list.selectedItems()}
        return [a for a in self.session.attachments(self.form) if a.id in ids]

    # ------------------------------------------------------------------ adding

    def choose_files(self) -> None:
        """附件…: files for the place the clerk was in (see :attr:`place_hint`)."""
        self.choose_files_for(self.place_hint())

    def choose_files_for(self, key: str) -> None:
        from ecodesk.attachments import accepted_extensions

        if self.session.frozen:
            self.ask_and_attach([], key)  # says why, before any file is chosen
            return

        patterns = " ".join(f"*{e}" for e in accepted_extensions())
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("选择佐证材料"),
            str(Path.home()),
            self.tr("佐证材料 ({patterns})").format(patterns=patterns),
        )
        if names:
            self.ask_and_attach([Path(n) for n in names], key)

    def ask_and_attach(self, paths: list[Path], key: str) -> None:
        """Ask for the descriptions (and confirm the place), then attach on a pool thread."""
        if self.session.frozen:
            QMessageBox.information(
                self,
                self.tr("不能添加附件"),
                self.tr("本期报表已签名，不能再添加附件。如需补充，请新建更正版本后再添加。"),
            )
            return
        if not paths:
            return
        dialog = AttachDialog(paths, self.places(), key, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.session.attach_files(dialog.key, dialog.files()))
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _attach_finished(self, refused: list[tuple[str, str]]) -> None:
        if not refused or not self.isVisible():
            return
        lines = [
            self.tr("“{name}”：{reason}").format(
                name=name, reason=reason or self.tr("未能添加，原因已记入日志")
            )
            for name, reason in refused
        ]
        QMessageBox.warning(
            self,
            self.tr("有文件未添加"),
            self.tr("以下文件没有添加为佐证材料：\n{lines}").format(lines="\n".join(lines)),
        )

    # ------------------------------------------------------------------ removing, opening

    def remove_selected(self) -> None:
        if self.session.frozen:
            return
        self.session.remove_attachments(self.selected())
        if not self.list.count():
            self.attach_button.setFocus()  # the hidden list would leave the focus nowhere

    def _open_item(self, item: QListWidgetItem) -> None:
        attachment = next(
            (a for a in self.session.attachments(self.form) if a.id == item.data(ID_ROLE)), None
        )
        if attachment is not None:
            self.open_attachment(attachment)

    def open_attachment(self, attachment: Any) -> None:
        """Hand a read-only copy under the file's own name to the system viewer."""
        fetching = self.session.local_attachment_path(attachment) is None
        try:
            if fetching:  # attached on another PC: first fetched from the shared store
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                source = self.session.attachment_path(attachment)
            finally:
                if fetching:
                    QApplication.restoreOverrideCursor()
            copy = opened_copy(source, attachment.name, attachment.sha256)
        except EcoDeskError as exc:
            QMessageBox.warning(self, self.tr("无法打开附件"), str(exc))
            return
        except OSError as exc:
            log.warning("cannot copy %s for viewing: %s", attachment.name, exc)
            QMessageBox.warning(
                self,
                self.tr("无法打开附件"),
                self.tr("无法把附件复制到临时文件夹：{error}").format(error=exc.strerror or exc),
            )
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            QMessageBox.information(
                self,
                self.tr("无法打开附件"),
                self.tr("没有找到能打开“{name}”的程序。文件在：{path}").format(
                    name=attachment.name, path=copy
                ),
            )
            return
        self.opened.emit(str(copy))

    # ------------------------------------------------------------------ drops on the panel

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and local_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = local_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.ask_and_attach(paths, self.form)
