"""The English translation file: complete for the window, readable without a compiled .qm."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ecodesk.ui.translations import TsTranslator, compile_qm, ts_path


def test_every_window_string_has_an_english_translation() -> None:
    root = ET.parse(ts_path("en")).getroot()
    untranslated = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        if not name[:1].isupper():  # lower-case contexts are the core's; the window's are class names
            continue
        for message in context.iter("message"):
            node = message.find("translation")
            if node is None or node.get("type") in ("unfinished", "vanished", "obsolete") or not node.text:
                untranslated.append(f"{name}: {message.findtext('source')}")
    assert untranslated == []


def test_placeholders_survive_translation() -> None:
    import re

    root = ET.parse(ts_path("en")).getroot()
    for message in root.iter("message"):
        node = message.find("translation")
        if node is not None and node.text and node.get("type") != "unfinished":
            source = message.findtext("source") or ""
            assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", node.text)), source


def test_ts_fallback_translates_like_the_compiled_file(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QTranslator

    fallback = TsTranslator(ts_path("en"))
    assert fallback.translate("ProblemsPanel", "没有发现问题") == "No problems found"
    assert fallback.translate("ProblemsPanel", "不存在的句子") == ""
    qm = compile_qm(ts_path("en"), tmp_path)
    if qm is not None:  # pyside6-lrelease is there in a development install
        compiled = QTranslator()
        assert compiled.load(str(qm))
        assert compiled.translate("ProblemsPanel", "没有发现问题") == "No problems found"
