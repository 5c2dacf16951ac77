"""What is due and how long is left, in the plan tree and the overview, for a fixed 'today'
(the session's clock is set by the test); the late reason the export asks for, typed in the
real dialog; the consolidation window's timeliness column."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecodesk.submission import Period
from ecodesk.ui.widgets.plan_tree import DEADLINE_COLUMN
from tests.ui.conftest import click, type_text, when_modal

BEIJING = timezone(timedelta(hours=8))


def _at(year: int, month: int, day: int) -> Any:
    return lambda: datetime(year, month, day, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def window_2026(store: Any, open_window: Any) -> Any:
    store.set_current_period(Period(2026))
    store.set_responsible_forms(["G", "1.1", "3.1"])
    return open_window(store)


@pytest.mark.parametrize(
    ("today", "label", "tree_line", "line"),
    [
        (
            (2026, 11, 20),
            "未开始",
            "未开始 · 2026-12-01 开始填报 · 截止日期 2027-01-20",
            "本期未开始：2026-12-01 开始填报，截止日期 2027-01-20。",
        ),
        (
            (2026, 12, 3),
            "距截止还有 48 天",
            "截止日期 2027-01-20 · 距截止还有 48 天",
            "本期截止日期 2027-01-20：距截止还有 48 天。",
        ),
        (
            (2027, 1, 18),
            "距截止还有 2 天",
            "截止日期 2027-01-20 · 距截止还有 2 天",
            "本期截止日期 2027-01-20：距截止还有 2 天。",
        ),
        (
            (2027, 1, 20),
            "今天截止",
            "截止日期 2027-01-20 · 今天截止",
            "本期截止日期 2027-01-20：今天截止。",
        ),
        (
            (2027, 1, 25),
            "已逾期 5 天",
            "截止日期 2027-01-20 · 已逾期 5 天",
            "本期截止日期 2027-01-20：已逾期 5 天。",
        ),
    ],
)
def test_tree_and_overview_say_what_is_due(
    window_2026: Any, today: tuple[int, int, int], label: str, tree_line: str, line: str
) -> None:
    window = window_2026
    window.session.clock = _at(*today)
    window.rebuild_tree()
    # said once, at the top of the tree; every form shares 2026's date, so no column
    assert window.tree.deadline_line() == tree_line
    assert window.tree.topLevelItem(0).text(0) == tree_line
    assert [window.tree.deadline_text(f) for f in ("G", "1.1", "3.1")] == [""] * 3
    assert window.tree.isColumnHidden(DEADLINE_COLUMN)
    assert window.tree.current_form() in ("G", "1.1", "3.1")  # the line is not a place to go
    window.overview_action.setChecked(True)
    overview = window.overview
    assert overview.deadline.text() == line
    column = [overview.table.item(r, 4).text() for r in range(overview.table.rowCount())]
    assert column == [""] * 3 and overview.table.isColumnHidden(4)  # one date: said above
    assert label in line


def test_a_form_with_its_own_date_says_so_beside_it(store: Any, open_window: Any) -> None:
    store.set_current_period(Period(2025))  # G is due on 31 January, 1.1 on the 20th
    store.set_responsible_forms(["G", "1.1"])
    window = open_window(store)
    window.session.clock = _at(2026, 1, 25)
    window.rebuild_tree()
    assert window.tree.deadline_line() == "截止日期 2026-01-20 · 已逾期 5 天"
    assert window.tree.deadline_text("G") == "距截止还有 6 天"
    assert window.tree.deadline_text("1.1") == ""
    assert "2026-01-31" in window.tree._items["G"].toolTip(DEADLINE_COLUMN)
    assert not window.tree.isColumnHidden(DEADLINE_COLUMN)
    window.overview_action.setChecked(True)
    overview = window.overview
    assert overview.deadline.text() == "本期截止日期 2026-01-20：已逾期 5 天。"
    column = {
        overview.table.item(r, 0).data(Qt.ItemDataRole.UserRole): overview.table.item(r, 4).text()
        for r in range(overview.table.rowCount())
    }
    assert column == {"G": "距截止还有 6 天", "1.1": ""} and not overview.table.isColumnHidden(4)


def test_overdue_and_soon_are_coloured(window_2026: Any) -> None:
    from ecodesk.ui import style

    window = window_2026
    window.session.clock = _at(2027, 1, 25)
    window.rebuild_tree()
    top = window.tree.topLevelItem(0)
    assert top.foreground(0).color().name() == style.ERROR
    window.session.clock = _at(2027, 1, 16)
    window.rebuild_tree()
    assert window.tree.topLevelItem(0).foreground(0).color().name() == style.WARNING
    window.session.clock = _at(2026, 12, 16)
    window.rebuild_tree()
    assert window.tree.topLevelItem(0).foreground(0).style() == Qt.BrushStyle.NoBrush


def test_the_english_window_says_it_in_english(english: Any, window_2026: Any) -> None:
    window = window_2026
    window.session.clock = _at(2027, 1, 25)
    window.rebuild_tree()
    assert window.tree.deadline_line() == "Due 2027-01-20 · 5 days overdue"
    window.session.clock = _at(2027, 1, 18)
    window.rebuild_tree()
    assert window.tree.deadline_line() == "Due 2027-01-20 · 2 days left"


@pytest.fixture
def demo_window(qtbot: Any, data_dir: Path, pack: Any, open_window: Any, monkeypatch: Any) -> Any:
    from ecodesk.demo import fill_demo
    from ecodesk.store import Store
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog

    def answer(dialog: PassphraseDialog) -> int:
        type_text(qtbot, dialog.passphrase, "赣州生态2026")
        type_text(qtbot, dialog.repeat, "赣州生态2026")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", answer)
    store = Store.open(data_dir, pack=pack)
    fill_demo(store, "360730")
    window = open_window(store)
    window.session.clock = _at(2027, 1, 25)  # five days after 2026's due date
    yield window
    window.session.store.close()


def test_late_export_asks_for_a_reason_and_signs_it(
    qtbot: Any, demo_window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from ecodesk.ui.dialogs.reason_dialog import ReasonDialog
    from ecodesk.workbook.reader import read_signed_workbook

    window = demo_window
    out = tmp_path / "迟报.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    seen: list[tuple[str, bool, bool]] = []

    def give_reason(dialog: ReasonDialog) -> None:
        assert dialog.objectName() == "lateReasonDialog"
        seen.append((dialog.prompt.text(), dialog.ok_button.isEnabled(), False))
        type_text(qtbot, dialog.explanation, "   ")
        seen.append(("spaces", dialog.ok_button.isEnabled(), False))  # blank is no reason
        type_text(qtbot, dialog.explanation, "乡镇数据1月23日才汇齐")
        seen.append(("typed", dialog.ok_button.isEnabled(), True))
        click(qtbot, dialog.ok_button)

    signed: list[str] = []
    when_modal(qtbot, ReasonDialog, give_reason, "迟报原因")
    when_modal(
        qtbot,
        QMessageBox,
        lambda box: (signed.append(box.text()), click(qtbot, box.button(box.StandardButton.Close))),
        "已签名导出",
    )
    window.operations.actions["export"].trigger()
    qtbot.waitUntil(lambda: bool(signed), timeout=30_000)
    prompt, enabled_empty, _ = seen[0]
    assert "2026年度的截止日期是 2027-01-20，现在已逾期 5 天" in prompt and "必填" in prompt
    assert not enabled_empty and not seen[1][1] and seen[2][1]
    workbook = read_signed_workbook(out)
    assert workbook.late_reason == "乡镇数据1月23日才汇齐"
    assert (
        workbook.exported_at is not None and workbook.exported_at.date().isoformat() == "2027-01-25"
    )
    assert window.session.frozen
    window.rebuild_tree()
    assert window.tree.deadline_line() == ""  # submitted: nothing left to count down
    assert window.tree.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole + 1) == "G"


def test_cancelling_the_late_reason_exports_nothing(
    qtbot: Any, demo_window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from ecodesk.ui.dialogs.passphrase_dialog import PassphraseDialog
    from ecodesk.ui.dialogs.reason_dialog import ReasonDialog

    asked: list[bool] = []
    monkeypatch.setattr(PassphraseDialog, "exec", lambda d: asked.append(True) or 0)
    when_modal(
        qtbot,
        ReasonDialog,
        lambda d: click(qtbot, d.buttons.button(d.buttons.StandardButton.Cancel)),
        "迟报原因",
    )
    demo_window.operations.actions["export"].trigger()  # returns once the dialog is closed
    assert asked == [] and not demo_window.session.frozen
    assert list(tmp_path.glob("*.xlsx")) == []


def test_consolidation_window_shows_timeliness(qtbot: Any, pack: Any, tmp_path: Path) -> None:
    from ecodesk.consolidation.model import unit_id
    from ecodesk.services.consolidate import consolidate
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.ui.consolidation.completeness_view import CompletenessView
    from tests.consolidation.helpers import submission, unit, write_signed

    inbox, keys, registry = tmp_path / "inbox", tmp_path / "keys", tmp_path / "registry"
    inbox.mkdir()
    for who, day, reason in (
        (unit("360730", name="宁都县"), 19, ""),
        (unit("360731", name="于都县"), 27, "汛期"),
    ):
        data = submission(pack, who, {}, forms=["1.1"])
        meta = ExportMeta(
            exported_at=datetime(2026, 1, day, 9, 0, tzinfo=BEIJING),
            program_version="test",
            late_reason=reason,
        )
        write_signed(pack, data, inbox / f"{who.division_code}.xlsx", keys, registry, meta=meta)
    summary = consolidate([inbox], registry, period=Period(2025)).summary
    view = CompletenessView()
    qtbot.addWidget(view)
    view.show_summary(summary)
    from ecodesk.consolidation.labels import unit_labels

    labels = unit_labels(summary)
    assert view.timeliness_at(labels[("360730", "生态文明建设领导小组办公室")])[0] == "按时"
    text, tip = view.timeliness_at(labels[("360731", "生态文明建设领导小组办公室")])
    assert text == "迟报 7 天" and "汛期" in tip and "截止日期 2026-01-20" in tip
    assert view.late.isVisibleTo(view) and view.late.text() == "迟报：于都县 7 天（原因：汛期）"
    missing = next(r.unit for r in summary.completeness if r.unit.division_code == "360735")
    assert view.timeliness_at(labels.get(unit_id(missing)) or "石城县")[0] == "未报"


def test_start_mentions_a_near_due_date_once_without_blocking(qtbot: Any, window_2026: Any) -> None:
    from ecodesk.ui.app import _mention_deadlines, _show_notices

    window = window_2026
    window.session.clock = _at(2027, 1, 17)
    notices: list[str] = []
    _mention_deadlines(window.session.store, window, notices)
    _show_notices(window, notices)
    box = window.findChild(QMessageBox, "startupNotices")
    assert box is not None and box.isVisible() and not box.isModal()
    assert "2026年度的报送截止日期是 2027-01-20，距截止还有 3 天" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Ok))
    again: list[str] = []
    _mention_deadlines(window.session.store, window, again)  # opened again the same day
    assert again == []
