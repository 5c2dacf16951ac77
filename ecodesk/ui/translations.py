"""Load the English translation (Qt Linguist) and route the core's messages through it.

Chinese is the source language, so Chinese needs no file. For English the compiled
``ecodesk_en.qm`` is used; when it is missing (a fresh checkout: ``.qm`` files are build
outputs) it is compiled from the ``.ts`` with ``pyside6-lrelease``, and if that tool is not
there either, the ``.ts`` itself is read, so the language switch always works.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET  # our own bundled file, not input from outside
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from ecodesk import i18n
from ecodesk.resources import resource_path
from ecodesk.store import settings

log = logging.getLogger(__name__)

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = settings.LANGUAGE.default or "zh_CN"


def ts_path(language: str) -> Path:
    return resource_path("i18n", f"ecodesk_{language}.ts")


def _lrelease() -> str | None:
    beside_python = Path(sys.executable).with_name("pyside6-lrelease")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("pyside6-lrelease")


def compile_qm(ts: Path, out_dir: Path) -> Path | None:
    """Compile ``ts`` into ``out_dir`` unless an up-to-date ``.qm`` is already there."""
    qm = out_dir / ts.with_suffix(".qm").name
    if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
        return qm
    tool = _lrelease()
    if tool is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([tool, str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not compile %s: %s", ts, exc)
        return None
    return qm if qm.exists() else None


class TsTranslator(QTranslator):
    """Translations read straight from a ``.ts`` file, for when no ``.qm`` can be made."""

    def __init__(self, ts: Path) -> None:
        super().__init__()
        self._table: dict[tuple[str, str], str] = {}
        root = ET.parse(ts).getroot()
        for context in root.iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                source = message.findtext("source")
                node = message.find("translation")
                if source and node is not None and node.text and node.get("type") != "obsolete":
                    self._table[(name, source)] = node.text

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return not self._table

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self._table.get((context, source), "")


def _core_translator(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def install_language(language: str, cache_dir: Path) -> QTranslator | None:
    """Install the translator for ``language``; keep the returned object alive."""
    i18n.install_translator(_core_translator)
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return None
    ts = ts_path(language)
    if not ts.exists():
        log.warning("no translation file for %s", language)
        return None
    translator: QTranslator | None = None
    for out_dir in (ts.parent, cache_dir):
        try:
            qm = compile_qm(ts, out_dir)
        except OSError:
            qm = None
        if qm is not None:
            candidate = QTranslator()
            if candidate.load(str(qm)):
                translator = candidate
                break
    if translator is None:
        translator = TsTranslator(ts)
    QCoreApplication.installTranslator(translator)
    return translator


QT_CATALOGS = ("qtbase",)  # buttons (确定/取消/是/否), file and print dialogs
QT_LANGUAGES = {"zh_CN": "zh_CN"}  # our language → Qt's translation suffix; English needs none


def qt_translation_dirs() -> list[Path]:
    """Where Qt's own ``.qm`` files are: the Qt installation's folder, then the copy a bundle
    carries in ``resources/i18n/qt`` (see packaging/ecodesk.spec)."""
    from PySide6.QtCore import QLibraryInfo

    return [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        resource_path("i18n", "qt"),
    ]


def install_qt_translations(language: str) -> list[QTranslator]:
    """Install Qt's own translations for ``language`` (none for English); keep them alive."""
    suffix = QT_LANGUAGES.get(language)
    if suffix is None:
        return []
    installed = []
    for catalog in QT_CATALOGS:
        for folder in qt_translation_dirs():
            translator = QTranslator()
            if translator.load(f"{catalog}_{suffix}", str(folder)):
                QCoreApplication.installTranslator(translator)
                installed.append(translator)
                break
        else:
            log.warning("Qt's %s translation for %s not found", catalog, language)
    return installed
