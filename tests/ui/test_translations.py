"""The English translation: complete for the window and the core's messages, readable without a compiled .qm."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ecodesk.ui.translations import TsTranslator, compile_qm, ts_path

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")

# Core contexts deliberately left in Chinese, and why. Every other context must be fully translated.
DOCUMENTS = {
    "report": "the printed submission sheet and key registration sheet are official Chinese documents",
    "workbook-sheet": "the signed workbook sent to the city is an official Chinese document",
}
COMMAND_LINE_ONLY = {
    "cli": "the command line installs no translator",
    "catalog": "only `ecodesk catalog` prints it",
    "sample": "demo data (its narratives are data, not messages); only `ecodesk demo` uses it",
}


def _messages() -> list[tuple[str, str, ET.Element | None]]:
    root = ET.parse(ts_path("en")).getroot()
    return [
        (
            context.findtext("name") or "",
            message.findtext("source") or "",
            message.find("translation"),
        )
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def _translated(node: ET.Element | None) -> bool:
    return (
        node is not None
        and bool(node.text)
        and node.get("type") not in ("unfinished", "vanished", "obsolete")
    )


def test_every_window_string_has_an_english_translation() -> None:
    root = ET.parse(ts_path("en")).getroot()
    untranslated = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        if not name[
            :1
        ].isupper():  # lower-case contexts are the core's; the window's are class names
            continue
        for message in context.iter("message"):
            node = message.find("translation")
            if (
                node is None
                or node.get("type") in ("unfinished", "vanished", "obsolete")
                or not node.text
            ):
                untranslated.append(f"{name}: {message.findtext('source')}")
    assert untranslated == []


def test_placeholders_survive_translation() -> None:
    import re

    root = ET.parse(ts_path("en")).getroot()
    for message in root.iter("message"):
        node = message.find("translation")
        if node is not None and node.text and node.get("type") != "unfinished":
            source = message.findtext("source") or ""
            assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", node.text)), (
                source
            )


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


def test_every_core_message_has_an_english_translation() -> None:
    """A new core string in a translated context fails here until it is translated in the .ts."""
    skipped = DOCUMENTS.keys() | COMMAND_LINE_ONLY.keys()
    untranslated = [
        f"{context}: {source}"
        for context, source, node in _messages()
        if context[:1].islower() and context not in skipped and not _translated(node)
    ]
    assert untranslated == [], "translate these in resources/i18n/ecodesk_en.ts (Qt Linguist)"


def test_official_documents_stay_chinese_in_the_english_window() -> None:
    translated = [
        f"{context}: {source}"
        for context, source, node in _messages()
        if context in DOCUMENTS and _translated(node)
    ]
    assert translated == [], (
        "the printed sheet and the signed workbook are Chinese whatever the window's language"
    )


def test_every_core_message_can_be_collected_for_translation() -> None:
    """``tr(context, variable)`` hides its text from tools/update_translations.py: it would stay Chinese."""
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "tools" / "update_translations.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.hidden_messages() == []
    assert "有效" in tool.core_messages()["verify"]


def _without(text: str, *data: str) -> str:
    """``text`` less the form's own Chinese (labels, units): what remains must be English."""
    for part in data:
        text = text.replace(part, "")
    return text


def test_a_bad_number_in_a_real_form_is_explained_in_english(english: None, pack: Any) -> None:
    from ecodesk.forms.rules import check_field
    from ecodesk.submission import Period, SubmissionData

    from .conftest import PROFILE

    field = next(
        f
        for f in pack.all_input_fields(PROFILE.division_code)
        if f.type == "number" and f.unit == "%"
    )
    data = SubmissionData(
        unit=PROFILE,
        period=Period(2026),
        revision=1,
        pack_version=pack.version,
        forms=list(pack.forms),
    )
    for typed in ("约 76", "七十六", "abc", "176"):
        data.values[field.key] = typed
        problems = check_field(pack, data, field.key)
        assert problems, typed
        message = problems[0].message
        assert CJK.search(_without(message, field.label, typed)) is None, message
        assert "Please" in message or "enter" in message, message


@pytest.fixture
def verdicts(tmp_path: Path, pack: Any) -> dict[str, Any]:
    """A valid, an altered and an unregistered signed workbook, and a file that is not one."""
    from decimal import Decimal

    from ecodesk.services.sample import sample_submission
    from ecodesk.services.verify import verify_workbook
    from ecodesk.submission import Period
    from tests.consolidation.helpers import (
        restrict_forms,
        summed_number,
        tamper_figure,
        write_signed,
    )

    form, ind = summed_number(pack)
    key = f"{form}:{ind.code}"
    sent, registry, home = tmp_path / "sent", tmp_path / "registry", tmp_path / "keys"
    sent.mkdir()
    files = {}
    for label, division in (("valid", "360730"), ("altered", "360781"), ("unknown", "360732")):
        data = restrict_forms(pack, sample_submission(pack, division, Period(2026)), [form])
        data.values[key], data.status = "7.77", "signed"
        files[label] = write_signed(
            pack,
            data,
            sent / f"{label}.xlsx",
            home / label,
            registry,
            register=label != "unknown",
        )
    tamper_figure(files["altered"], "7.77", Decimal(500))
    files["other"] = sent / "other.xlsx"
    files["other"].write_bytes(b"not a workbook")
    return {label: verify_workbook(path, registry) for label, path in files.items()}


def test_verification_verdicts_read_in_english(
    english: None, qtbot: Any, verdicts: dict[str, Any]
) -> None:
    from ecodesk.services.consolidate import ReceivedWorkbook
    from ecodesk.ui.consolidation.files_table import ReceivedFilesTable
    from ecodesk.ui.dialogs.verify_results_dialog import VerifyResultsDialog

    assert [r.status for r in verdicts.values()] == [
        "valid",
        "tampered",
        "unknown_signer",
        "not_ecodesk",
    ]
    table = ReceivedFilesTable()
    qtbot.addWidget(table)
    table.show_files(
        [ReceivedWorkbook(path=r.path, result=r, reason=r.message) for r in verdicts.values()]
    )
    labels = {table.cell_text(table.row_of(r.path.name), 1) for r in verdicts.values()}
    assert labels == {"Valid", "Altered", "Signer not registered", "Not an EcoDesk signed workbook"}
    dialog = VerifyResultsDialog([(r.path.name, r) for r in verdicts.values()])
    qtbot.addWidget(dialog)
    for row in range(dialog.list.topLevelItemCount()):
        item = dialog.list.topLevelItem(row)
        for column in (1, 2):
            # unit and sheet names are the workbook's own Chinese
            assert CJK.search(_without(item.text(column), *_chinese_data(verdicts))) is None, (
                item.text(column)
            )


def _chinese_data(verdicts: dict[str, Any]) -> list[str]:
    parts = []
    for r in verdicts.values():
        data = getattr(r.workbook, "data", None)
        if data is not None:
            parts += [
                data.unit.display_name,
                data.period.label,
                data.unit.division_name,
                data.unit.department,
            ]
            parts += [m.sheet for m in r.workbook.mismatches]
    return parts


def test_the_documents_name_the_period_in_chinese_in_the_english_window(english: None) -> None:
    from ecodesk.submission import Period

    assert Period(2026).label == "Year 2026" and Period(2026, 3).label == "Q3 2026"
    assert (
        Period(2026).document_label == "2026年度"
        and Period(2026, 3).document_label == "2026年第3季度"
    )


def test_a_warning_accepted_in_english_is_stored_in_chinese_for_the_documents(
    qtbot: Any, english: None, store: Any, open_window: Any, pack: Any, monkeypatch: Any
) -> None:
    """The window explains in English; the signed workbook and the sheet the city reads stay Chinese."""
    from ecodesk.ui.dialogs.accept_warning_dialog import AcceptWarningDialog
    from tests.ui.conftest import type_text
    from tests.ui.test_main_window import FORM, editor_input, type_into

    period = store.current_period()
    key = "1.1:tech_invest"
    store.set_baseline(
        period.previous_year(), {key: "1.00"}, source="test", signature_status="valid"
    )
    window = open_window(store)
    window.tree.select_form(FORM)
    type_into(qtbot, editor_input(window, key), "9.00")
    window.session.recheck_now()
    warning = next(
        p for p in window.session.form_problems(FORM) if p.severity == "warning" and p.field == key
    )
    assert "last year" in warning.message  # shown in English

    def answer(dialog: AcceptWarningDialog) -> int:
        type_text(qtbot, dialog.explanation, "新建两个技改项目集中投产")
        dialog.accept()
        return int(AcceptWarningDialog.DialogCode.Accepted)

    monkeypatch.setattr(AcceptWarningDialog, "exec", answer)
    window.accept_warning(warning)
    stored = store.load(period).accepted[0]
    assert stored.problem_id == warning.id and stored.message != warning.message
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in stored.message) > 10, stored.message
