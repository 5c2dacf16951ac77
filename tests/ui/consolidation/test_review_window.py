"""The receiver's review in the consolidation window, on real signed workbooks and real keys:
queries on a value, a table cell, a narrative and the whole submission; a return without a
reason refused in the dialog; acceptance; the signed feedback file verified by the core; the
diff of a one-value correction; each unit's and each query's state in the window and in the
summary workbook opened again."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ecodesk.submission import QueryAnswer
from ecodesk.ui.consolidation.diff_dialog import DiffDialog
from ecodesk.ui.consolidation.review_dialog import ReviewDialog
from ecodesk.ui.consolidation.window import REVIEW_TAB, ConsolidationWindow
from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
from tests.consolidation.helpers import write_signed
from tests.ui.conftest import PROFILE, click, type_text
from tests.ui.conftest import when_modal as _when_modal
from tests.ui.consolidation.conftest import CountyWorkbooks
from tests.ui.consolidation.test_window import (  # noqa: F401
    SCAN_TIMEOUT,
    inbox,
    open_consolidation,
    settle,
)
from tests.workbook.helpers import PASSPHRASE

CORRECTED = "1.75"  # county A's summed figure in its second revision (was 1.5)


def when_modal(qtbot: Any, kind: type, act: Any) -> None:
    """As :func:`tests.ui.conftest.when_modal`; a failed check closes the dialog (and fails the
    test through pytest-qt) instead of leaving it waiting for a person forever."""

    def guarded(dialog: Any) -> None:
        try:
            act(dialog)
        except BaseException:
            dialog.reject()
            raise

    _when_modal(qtbot, kind, guarded)


def _settle(qtbot: Any, cw: ConsolidationWindow) -> None:
    settle(qtbot, cw)
    qtbot.waitUntil(lambda: cw.review_task is None and cw.task is None, timeout=SCAN_TIMEOUT)


def _office_registry(data_dir: Path, tmp_path: Path) -> Path:
    """The office's key, registered the way a unit receives it (its registration file)."""
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations

    keys = KeyStore(data_dir)
    keys.unlock_or_create(PASSPHRASE)
    registry = tmp_path / "office-registry"
    write_registrations(keys, registry / PROFILE.division_code, PROFILE)
    return registry


def _review_tab(qtbot: Any, cw: ConsolidationWindow, unit: str) -> None:
    cw.tabs.setCurrentIndex(REVIEW_TAB)
    cw.review.select_unit(unit)
    cw.review.units.setFocus()


def _sign_with_passphrase(qtbot: Any) -> None:
    def enter(dialog: PassphraseDialog) -> None:
        type_text(qtbot, dialog.passphrase, PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    when_modal(qtbot, PassphraseDialog, enter)


def _save_feedback_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )


def _ask(qtbot: Any, dialog: ReviewDialog, key: str, question: str) -> None:
    """Choose the place, move on with Enter, type the question, Enter adds it."""
    dialog.select_place(key)
    dialog.places.setFocus()
    qtbot.keyClick(dialog.places, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.question
    type_text(qtbot, dialog.question, question)
    qtbot.keyClick(dialog.question, Qt.Key.Key_Return)


@pytest.fixture
def county_with_tables(
    store: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
) -> tuple[str, str]:
    """A fifth county whose workbook also carries form 1.1 with its project table (signed with
    its own key, registered in a copy of the registry); its name and a table cell's key."""
    from ecodesk.demo import sample_submission
    from ecodesk.store import settings
    from tests.consolidation.helpers import PERIOD, restrict_forms

    made = county_workbooks
    registry = tmp_path / "registry"
    shutil.copytree(made.registry, registry)
    store.settings_set(settings.KEY_REGISTRY, str(registry))
    division = [d for d in made.pack.catalog.divisions if d.kind != "功能区"][4]
    data = restrict_forms(
        made.pack, sample_submission(made.pack, division.code, PERIOD), [*made.forms, "1.1"]
    )
    data.status = "signed"
    assert data.rows("1.1", "projects"), "the sample fills the project table"
    write_signed(made.pack, data, inbox / f"{division.name}.xlsx", tmp_path / "keys", registry)
    return division.name, "1.1:projects#2.investment"


def test_queries_on_a_value_a_cell_a_narrative_and_the_whole_submission(
    qtbot: Any,
    store: Any,
    data_dir: Path,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    county_with_tables: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.review.model import feedback_from_records
    from ecodesk.services.verify import verify_workbook

    made = county_workbooks
    county, cell = county_with_tables
    registry = _office_registry(data_dir, tmp_path)
    cw = open_consolidation(qtbot, open_window(store))
    assert cw.tabs.tabText(REVIEW_TAB) == "审核（4 待审）"  # A, B, C, E wait; D sent nothing valid
    _review_tab(qtbot, cw, county)
    out = tmp_path / "E-审核意见书.xlsx"
    _save_feedback_as(monkeypatch, out)
    asked: dict[str, str] = {}

    def review(dialog: ReviewDialog) -> None:
        asked.update(
            {
                made.summed_key: "比上年增幅较大，请核实口径",
                cell: "本年完成投资是否含上年结转？",
                "1.1:progress": "请补充重点项目的具体进展",
                "*": "请附主要项目清单",
            }
        )
        for key, question in asked.items():
            _ask(qtbot, dialog, key, question)
        assert dialog.query_list() == list(asked.items())
        assert dialog.only_queries.isChecked()  # a query is raised without returning
        click(qtbot, dialog.write_button)

    when_modal(qtbot, ReviewDialog, review)
    _sign_with_passphrase(qtbot)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "PySide6.QtWidgets.QMessageBox.information",
        staticmethod(lambda _p, title, text, *a, **k: shown.append((title, text))),
    )
    with qtbot.waitSignal(cw.scanned, timeout=SCAN_TIMEOUT):
        qtbot.keyClick(cw.review.units, Qt.Key.Key_Return)
    _settle(qtbot, cw)

    result = verify_workbook(out, registry)
    assert result.ok and result.kind == "feedback", result.message
    fb = feedback_from_records(result.workbook.records)
    assert [(q.key, q.question) for q in fb.queries] == list(asked.items())
    assert fb.decision == "queries" and fb.about.revision == 1
    assert fb.about.unit.display_name.startswith(county)
    assert "第2行" in fb.queries[1].label  # the cell as the reviewer saw it named
    assert shown and "审核意见书已保存" in shown[-1][1] and "查询 4 条" in shown[-1][1]
    assert cw.review_dialog is None

    # the window follows: the county waits for answers, each query 待答复
    _review_tab(qtbot, cw, county)
    assert cw.matrix.review_state_at(county) == "已退回"
    assert [(k, s) for _, k, s in cw.review.query_states()] == [(k, "待答复") for k in asked]
    assert cw.tabs.tabText(REVIEW_TAB) == "审核（3 待审）"


def test_a_return_needs_a_reason_and_acceptance_is_signed(
    qtbot: Any,
    store: Any,
    data_dir: Path,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.review.model import feedback_from_records
    from ecodesk.services.verify import verify_workbook

    made = county_workbooks
    registry = _office_registry(data_dir, tmp_path)
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["B"])
    out = tmp_path / "B-审核意见书.xlsx"
    _save_feedback_as(monkeypatch, out)
    seen: dict[str, Any] = {}

    def review(dialog: ReviewDialog) -> None:
        click(qtbot, dialog.return_it)
        assert dialog.reason.isEnabled()
        click(qtbot, dialog.write_button)  # no reason
        seen["refused"] = dialog.message.text() if dialog.message.isVisible() else ""
        seen["still open"] = dialog.isVisible()
        seen["focus on reason"] = dialog.focusWidget() is dialog.reason
        type_text(qtbot, dialog.reason, "   ")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # blanks are no reason either
        seen["blank refused"] = dialog.isVisible()
        click(qtbot, dialog.accept_it)
        assert not dialog.reason.isEnabled()
        click(qtbot, dialog.write_button)

    when_modal(qtbot, ReviewDialog, review)
    _sign_with_passphrase(qtbot)
    monkeypatch.setattr(
        "PySide6.QtWidgets.QMessageBox.information", staticmethod(lambda *a, **k: None)
    )
    with qtbot.waitSignal(cw.scanned, timeout=SCAN_TIMEOUT):
        click(qtbot, cw.review.review_button)
    _settle(qtbot, cw)

    assert seen["refused"].startswith("退回必须写明原因")
    assert seen["still open"] and seen["focus on reason"] and seen["blank refused"]
    result = verify_workbook(out, registry)
    assert result.ok and result.kind == "feedback", result.message
    fb = feedback_from_records(result.workbook.records)
    assert fb.decision == "accept" and not fb.queries and fb.reason == ""
    assert cw.matrix.review_state_at(made.names["B"]) == "已采用"
    _review_tab(qtbot, cw, made.names["B"])
    assert cw.review.units.item(cw.review.units.currentRow(), 2).text() == "已采用"


def test_a_cancelled_review_writes_nothing(
    qtbot: Any,
    store: Any,
    data_dir: Path,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.store.feedback import feedback_entries

    made = county_workbooks
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["A"])

    def give_up(dialog: ReviewDialog) -> None:
        _ask(qtbot, dialog, made.summed_key, "请核实")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    def no_file(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("no file is asked for after Esc")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(no_file))
    when_modal(qtbot, ReviewDialog, give_up)
    qtbot.keyClick(cw.review.units, Qt.Key.Key_Return)
    assert feedback_entries(store, "sent") == []
    assert list(tmp_path.rglob("*审核意见书*")) == []


# --------------------------------------------------------------------------- the resubmission


@pytest.fixture
def resubmitted(
    store: Any,
    data_dir: Path,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
) -> dict[str, Any]:
    """The office sent county A two queries; A answered the first only and corrected one value
    in its second revision (signed with A's own key), which is in the received folder."""
    from ecodesk.services.review import review_submission
    from ecodesk.signing.keys import KeyStore
    from ecodesk.workbook.reader import read_signed_workbook

    made = county_workbooks
    KeyStore(data_dir).unlock_or_create(PASSPHRASE)
    first = inbox / made.files["A"].name
    form = made.summed_key.partition(":")[0]
    queries = [(made.summed_key, "比上年增幅较大，请核实"), (f"{form}:progress", "请补充进展")]
    sent = review_submission(
        store,
        data_dir,
        first,
        made.registry,
        decision=None,
        reason="",
        queries=queries,
        out_path=tmp_path / "A-fb1.xlsx",
        passphrase=PASSPHRASE,
    )
    old = read_signed_workbook(first)
    data = replace(
        old.data,
        revision=2,
        supersedes=1,
        supersedes_digest=old.digest,
        answers_feedback=sent.digest,
        answers=[QueryAnswer(1, made.summed_key, queries[0][1], "已核实，原数录入有误，已更正")],
        values={**old.data.values, made.summed_key: CORRECTED},
    )
    second = write_signed(
        made.pack,
        data,
        inbox / f"{made.names['A']}-第2版.xlsx",
        made.source.parent / "keys",
        made.registry,
        register=False,
    )
    return {"queries": queries, "second": second, "old": old.data.values[made.summed_key]}


def test_the_diff_shows_the_one_corrected_value(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    resubmitted: dict[str, Any],
) -> None:
    made = county_workbooks
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["A"])
    seen: dict[str, Any] = {}

    def look(dialog: DiffDialog) -> None:
        seen["heading"] = dialog.heading.text()
        seen["changes"] = dialog.changes_shown()
        seen["kind"] = dialog.table.item(0, 0).text() if dialog.table.rowCount() else ""
        dialog.old_box.setCurrentIndex(1)  # the same version on both sides
        seen["same"] = dialog.heading.text()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)

    when_modal(qtbot, DiffDialog, look)
    click(qtbot, cw.review.diff_button)
    assert seen["heading"] == "第1版 → 第2版，1 处变化"
    assert seen["changes"] == [(made.summed_key, resubmitted["old"], CORRECTED)]
    assert seen["kind"] == "数值"
    assert seen["same"] == "请选择两个不同的版本。"
    assert cw.diff_dialog is None


def test_query_states_in_the_window_and_the_summary_workbook(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    resubmitted: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = county_workbooks
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["A"])
    keys = [k for k, _ in resubmitted["queries"]]
    assert cw.matrix.review_state_at(made.names["A"]) == "已重报"
    assert cw.review.query_states() == [(1, keys[0], "已答复"), (2, keys[1], "待答复")]
    row = cw.review.units.currentRow()
    assert [cw.review.units.item(row, c).text() for c in range(1, 5)] == ["2", "已重报", "2", "1"]
    assert "查询 2 条，待答复 1 条" in cw.review.queries_title.text()
    assert cw.review.units.item(row, 5).text().startswith("查询（不退回）（第1版，")

    out = tmp_path / "汇总.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    monkeypatch.setattr(
        "PySide6.QtWidgets.QMessageBox.information", staticmethod(lambda *a, **k: None)
    )
    click(qtbot, cw.export_button)
    qtbot.waitUntil(out.exists, timeout=SCAN_TIMEOUT)
    _settle(qtbot, cw)
    sheet = openpyxl.load_workbook(out)["审核查询"]
    assert sheet.cell(2, 1).value.startswith("合计使用各单位最新的有效修订版")
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    by_unit = {r[0]: r for r in rows}
    a_rows = [r for r in rows if r[0] == made.names["A"] or str(r[0]).startswith(made.names["A"])]
    assert [(r[1], r[2], r[3], r[7]) for r in a_rows] == [
        ("已重报", 2, 1, "已答复"),
        ("已重报", 2, 2, "待答复"),
    ]
    assert a_rows[0][6] == "已核实，原数录入有误，已更正" and a_rows[1][6] in (None, "")
    assert any(str(u).startswith(made.names["B"]) and r[1] == "待审核" for u, r in by_unit.items())
    assert any(str(u).startswith(made.names["D"]) and r[1] == "未收到" for u, r in by_unit.items())


def test_a_suggested_query_is_taken_with_enter_and_removed_with_del(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
) -> None:
    made = county_workbooks
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["B"])  # 2.25 against last year's 1: a big change (over 50%)
    seen: dict[str, Any] = {}

    def review(dialog: ReviewDialog) -> None:
        suggestions = dialog.suggestions
        row = next(
            r
            for r in range(suggestions.count())
            if (suggestions.item(r).data(Qt.ItemDataRole.UserRole) or ("",))[0] == made.summed_key
        )
        question = suggestions.item(row).data(Qt.ItemDataRole.UserRole)[1]
        suggestions.setFocus()
        suggestions.setCurrentRow(row)
        qtbot.keyClick(suggestions, Qt.Key.Key_Return)
        seen["place"] = dialog.places.current_key()
        seen["question"] = dialog.question.text()
        seen["suggested"] = question
        qtbot.keyClick(dialog.question, Qt.Key.Key_Return)
        seen["added"] = dialog.query_list()
        dialog.queries.setFocus()
        dialog.queries.setCurrentCell(0, 0)
        qtbot.keyClick(dialog.queries, Qt.Key.Key_Delete)
        seen["after del"] = dialog.query_list()
        qtbot.keyClick(dialog.queries, Qt.Key.Key_Escape)

    when_modal(qtbot, ReviewDialog, review)
    qtbot.keyClick(cw.review.units, Qt.Key.Key_Return)
    assert seen["place"] == made.summed_key
    assert seen["question"] == seen["suggested"] and "上年" in seen["suggested"]
    assert seen["added"] == [(made.summed_key, seen["suggested"])]
    assert seen["after del"] == []


def test_comparing_needs_two_revisions(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    no_dialogs: list[tuple[str, str]],
) -> None:
    made = county_workbooks
    cw = open_consolidation(qtbot, open_window(store))
    _review_tab(qtbot, cw, made.names["B"])
    click(qtbot, cw.review.diff_button)
    assert no_dialogs and no_dialogs[-1][0] == "比较修订版"
    assert "只有一个有效的修订版" in no_dialogs[-1][1]
    assert cw.diff_dialog is None
