"""关于: version, form pack, where the data lives (with a button to open it), licences."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecodesk import __version__
from ecodesk.forms.loader import FormPack
from ecodesk.resources import resource_path


@dataclass(frozen=True)
class Component:
    name: str
    distribution: str | None  # the installed distribution whose version is shown
    licence: str
    role: str
    fixed_version: str = ""  # for what is not an installed distribution (the font, Python)


# What ships inside EcoDesk, with the licence each is distributed under (marked for lupdate,
# translated when shown; str() because the stubs type QT_TRANSLATE_NOOP as returning object). The versions are read from the installed packages, so the list cannot drift from what is really bundled.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "文泉驿微米黑 WenQuanYi Micro Hei",
        None,
        str(QT_TRANSLATE_NOOP("AboutDialog", "Apache-2.0 或 GPL-3.0+（字体例外）")),
        str(QT_TRANSLATE_NOOP("AboutDialog", "界面与报送单的中文字体")),
        "0.2.0-beta",
    ),
    Component(
        "Qt 6 / PySide6",
        "PySide6-Essentials",
        "LGPL-3.0",
        str(QT_TRANSLATE_NOOP("AboutDialog", "窗口界面")),
    ),
    Component(
        "SQLAlchemy", "SQLAlchemy", "MIT", str(QT_TRANSLATE_NOOP("AboutDialog", "本地数据库"))
    ),
    Component("Alembic", "alembic", "MIT", str(QT_TRANSLATE_NOOP("AboutDialog", "数据库升级"))),
    Component("openpyxl", "openpyxl", "MIT", str(QT_TRANSLATE_NOOP("AboutDialog", "Excel 报表"))),
    Component(
        "defusedxml", "defusedxml", "PSF-2.0", str(QT_TRANSLATE_NOOP("AboutDialog", "安全读取 XML"))
    ),
    Component(
        "ReportLab",
        "reportlab",
        "BSD-3-Clause",
        str(QT_TRANSLATE_NOOP("AboutDialog", "PDF 报送单及其二维码")),
    ),
    Component(
        "cryptography",
        "cryptography",
        str(QT_TRANSLATE_NOOP("AboutDialog", "Apache-2.0 或 BSD-3-Clause")),
        str(QT_TRANSLATE_NOOP("AboutDialog", "签名与密钥")),
    ),
    Component(
        "platformdirs",
        "platformdirs",
        "MIT",
        str(QT_TRANSLATE_NOOP("AboutDialog", "数据文件夹位置")),
    ),
    Component("PyYAML", "PyYAML", "MIT", str(QT_TRANSLATE_NOOP("AboutDialog", "表单定义"))),
    Component("pydantic", "pydantic", "MIT", str(QT_TRANSLATE_NOOP("AboutDialog", "表单定义校验"))),
    Component(
        "pypdfium2 / PDFium",
        "pypdfium2",
        str(QT_TRANSLATE_NOOP("AboutDialog", "Apache-2.0 或 BSD-3-Clause")),
        str(QT_TRANSLATE_NOOP("AboutDialog", "打印预览")),
    ),
    Component(
        "Python",
        None,
        "PSF-2.0",
        str(QT_TRANSLATE_NOOP("AboutDialog", "运行环境")),
        platform.python_version(),
    ),
)

FONT_LICENCE = "LICENSE-wqy-microhei.txt"


def component_version(component: Component) -> str:
    if component.distribution is None:
        return component.fixed_version
    try:
        return metadata.version(component.distribution)
    except metadata.PackageNotFoundError:
        return ""


def installed_components() -> list[tuple[Component, str]]:
    """The components with their versions; one that is not installed is left out."""
    found = []
    for component in COMPONENTS:
        version = component_version(component)
        if version or component.distribution is None:
            found.append((component, version))
    return found


def city_pack_key_fingerprint(data_dir: Path) -> str:
    """The key the city signs form packs with, as this program trusts it (after rotations)."""
    from ecodesk.errors import EcoDeskError
    from ecodesk.packs.trust import current_anchor, shipped_anchor
    from ecodesk.signing.keys import group_fingerprint

    try:
        return group_fingerprint(current_anchor(data_dir, shipped_anchor()).fingerprint)
    except EcoDeskError as exc:
        return str(exc)


class AboutDialog(QDialog):
    def __init__(self, pack: FormPack, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.setWindowTitle(self.tr("关于 EcoDesk"))
        self.setMinimumSize(640, 520)
        layout = QVBoxLayout(self)

        # the plan is the form pack's: a new plan installed is named here without a new program
        title = QLabel(
            self.tr("《{plan}》报送系统").format(plan=pack.catalog.plan.title),
            objectName="pageTitle",
        )
        title.setWordWrap(True)
        layout.addWidget(title)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        rows = [
            (self.tr("程序版本"), f"EcoDesk {__version__}"),
            (self.tr("表单版本"), pack.version),
            (self.tr("行动方案"), f"{pack.catalog.plan.title}\n{pack.catalog.plan.document}"),
            (self.tr("表单包摘要"), pack.digest[:32]),
            (self.tr("市里表单包密钥指纹"), city_pack_key_fingerprint(data_dir)),
        ]
        for row, (label, value) in enumerate(rows):
            grid.addWidget(QLabel(label, objectName="muted"), row, 0, Qt.AlignmentFlag.AlignTop)
            text = QLabel(value, objectName=f"about_{row}")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(text, row, 1)
        row = len(rows)
        grid.addWidget(
            QLabel(self.tr("数据文件夹"), objectName="muted"), row, 0, Qt.AlignmentFlag.AlignTop
        )
        folder = QHBoxLayout()
        self.folder_label = QLabel(str(data_dir), objectName="dataFolder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder.addWidget(self.folder_label, 1)
        self.open_button = QPushButton(self.tr("打开文件夹"), objectName="openDataFolder")
        self.open_button.clicked.connect(self.open_data_folder)
        folder.addWidget(self.open_button)
        self.copy_button = QPushButton(self.tr("复制路径"), objectName="copyDataFolder")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(str(data_dir)))
        folder.addWidget(self.copy_button)
        grid.addLayout(folder, row, 1)
        layout.addLayout(grid)
        note = QLabel(
            self.tr("报送数据、自动备份和日志都保存在数据文件夹中；卸载或升级程序不会删除它们。")
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        layout.addWidget(note)

        tabs = QTabWidget()
        tabs.addTab(self._components_table(), self.tr("使用的开源组件"))
        tabs.addTab(self._font_licence(), self.tr("字体许可"))
        layout.addWidget(tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _components_table(self) -> QTableWidget:
        components = installed_components()
        table = QTableWidget(len(components), 4, objectName="components")
        table.setHorizontalHeaderLabels(
            [self.tr("组件"), self.tr("版本"), self.tr("许可证"), self.tr("用途")]
        )
        for row, (component, version) in enumerate(components):
            texts = (component.name, version, self.tr(component.licence), self.tr(component.role))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(row, column, item)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _font_licence(self) -> QPlainTextEdit:
        path = resource_path("fonts", FONT_LICENCE)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = self.tr("找不到字体许可文件：{path}").format(path=path)
        view = QPlainTextEdit(text, objectName="fontLicence")
        view.setReadOnly(True)
        return view

    def open_data_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))
