"""The consolidation window on real signed workbooks: statuses, matrix, totals, export, watching,
adopting into the unit's own submission, and every unhappy path saying so without writing."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from ecodesk.forms.numbers import format_decimal
from ecodesk.store import settings
from ecodesk.ui.consolidation.window import ConsolidationWindow
from tests.consolidation.helpers import PERIOD
from tests.ui.consolidation.conftest import (
    EARLIER,
    EARLIER_FIGURES,
    EXPLANATION,
    FIGURES,
    CountyWorkbooks,
)

SCAN_TIMEOUT = 20_000


def open_consolidation(qtbot: Any, window: Any, *, scanned: bool = True) -> ConsolidationWindow:
    """Open it the way the clerk does (汇总 → 汇总收到的报表…) and wait for the first scan."""
    action = window.findChild(QAction, "action_consolidate")
    assert action is not None and action.text() == "汇总收到的报表…"
    action.trigger()
    cw = window.consolidation
    if scanned:
        with qtbot.waitSignal(cw.scanned, timeout=SCAN_TIMEOUT):
            pass
    else:
        qtbot.waitUntil(lambda: bool(cw.banner.text()), timeout=SCAN_TIMEOUT)
    settle(qtbot, cw)
    return cw


def settle(qtbot: Any, cw: ConsolidationWindow) -> None:
    qtbot.waitUntil(
        lambda: cw.task is None and cw.export_task is None and cw.adopt_task is None,
        timeout=SCAN_TIMEOUT,
    )


@pytest.fixture
def inbox(tmp_path: Path, county_workbooks: CountyWorkbooks, store: Any) -> Path:
    """Every county's files in the received folder, the folders remembered in the store's settings."""
    folder = county_workbooks.copy(tmp_path / "收到的报表", "A", "B", "C1", "C", "D")
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(county_workbooks.registry))
    return folder


def _row(cw: ConsolidationWindow, path: Path) -> dict[str, str]:
    row = cw.files.row_of(path.name)
    assert row >= 0, path.name
    titles = [cw.files.horizontalHeaderItem(c).text() for c in range(cw.files.columnCount())]
    return {title: cw.files.cell_text(row, c) for c, title in enumerate(titles)}


def _total(values: list[str]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


# --------------------------------------------------------------------------- the received files


def test_received_files_show_their_verification_status(
    qtbot: Any, store: Any, open_window: Any, inbox: Path, county_workbooks: CountyWorkbooks
) -> None:
    cw = open_consolidation(qtbot, open_window(store))
    made = county_workbooks
    assert cw.files.rowCount() == 5
    valid = _row(cw, made.files["A"])
    assert valid["核验结果"] == "有效" and valid["汇总"] == "已汇总"
    assert (
        valid["单位"].startswith(made.names["A"])
        and valid["报送期"] == PERIOD.label
        and valid["版次"] == "1"
    )
    tampered = _row(cw, made.files["D"])
    assert tampered["核验结果"] == "已被改动" and tampered["汇总"] == "拒收"
    assert "不符" in tampered["说明"] and "（" in tampered["说明"]  # says where: sheet and cell
    first = _row(cw, made.files["C1"])
    assert (
        first["核验结果"] == "有效"
        and first["汇总"] == "已被更新的修订版取代"
        and "第2版" in first["说明"]
    )
    assert _row(cw, made.files["C"])["版次"] == "2"
    banner = cw.banner.text()
    assert "收到 5 个文件" in banner and "拒收 1 个" in banner and "搁置 1 个" in banner
    assert cw.period_box.count() == 1 and cw.period_box.currentText() == PERIOD.label


def test_completeness_matrix_and_accepted_warnings(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    pack: Any,
) -> None:
    cw = open_consolidation(qtbot, open_window(store))
    made = county_workbooks
    form = made.summed_key.split(":")[0]
    not_sent = next(f for f in pack.forms if f not in made.forms)
    assert cw.matrix.state_at(made.names["A"], form) == "submitted"
    assert cw.matrix.state_at(made.names["C"], form) == "warnings"  # with its accepted warning
    assert cw.matrix.state_at(made.names["A"], not_sent) == "not_required"
    assert cw.matrix.state_at(made.names["D"], form) == "missing"  # tampered: nothing received
    # a city consolidation expects every division: one that sent nothing is listed as missing
    silent = next(d.name for d in pack.catalog.divisions if d.name not in made.names.values())
    assert cw.matrix.state_at(silent, form) == "missing"
    assert cw.matrix.table.rowCount() == len(pack.catalog.divisions)
    assert "未收到" in cw.matrix.counts.text()
    assert cw.warnings.rowCount() == 1
    assert (
        cw.warnings.item(0, 0).text() == made.names["C"]
        and cw.warnings.item(0, 4).text() == EXPLANATION
    )
    assert cw.tabs.tabText(3) == "提示说明（1）"


def test_indicator_totals_match_the_figures_added_by_hand(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    pack: Any,
) -> None:
    cw = open_consolidation(qtbot, open_window(store))
    made = county_workbooks
    used = ("A", "B", "C")  # C's second revision; D is refused
    summed = pack.input_field(made.summed_key)
    by_hand = _total([FIGURES[c][0] for c in used])  # 1.5 + 2.25 + 4
    assert by_hand == Decimal("7.75")
    assert cw.indicators.total_text(made.summed_key) == format_decimal(by_hand, summed.decimals)
    rate_key = made.num_key.rsplit(".", 1)[0]
    rate = pack.indicator(*rate_key.split(":"))
    rate_by_hand = (
        _total([FIGURES[c][1] for c in used]) / _total([FIGURES[c][2] for c in used]) * 100
    )  # 60/400
    assert cw.indicators.total_text(rate_key) == format_decimal(rate_by_hand, rate.decimals)
    cw.indicators.select(made.summed_key)
    assert cw.indicators.unit_value(made.names["B"]) == format_decimal(
        Decimal("2.25"), summed.decimals
    )
    assert "各单位相加" in cw.indicators.detail_rule.text()
    cw.indicators.select(rate_key)
    assert "分子之和" in cw.indicators.detail_rule.text()


def test_a_folder_of_several_periods_offers_the_choice(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    pack: Any,
) -> None:
    made = county_workbooks
    made.copy(inbox, "A-earlier")
    cw = open_consolidation(qtbot, open_window(store))
    assert [cw.period_box.itemText(i) for i in range(cw.period_box.count())] == [
        PERIOD.label,
        EARLIER.label,
    ]
    assert cw.period_box.currentText() == PERIOD.label  # the latest by default
    assert _row(cw, made.files["A-earlier"])["汇总"] == "不属于本报送期"
    with qtbot.waitSignal(cw.scanned, timeout=SCAN_TIMEOUT):
        cw.period_box.setCurrentIndex(1)
        cw.period_box.activated.emit(1)
    settle(qtbot, cw)
    decimals = pack.input_field(made.summed_key).decimals
    assert cw.indicators.total_text(made.summed_key) == format_decimal(
        Decimal(EARLIER_FIGURES[0]), decimals
    )
    assert _row(cw, made.files["A-earlier"])["汇总"] == "已汇总"
    assert _row(cw, made.files["B"])["汇总"] == "不属于本报送期"
    assert EARLIER.label in cw.banner.text()


# --------------------------------------------------------------------------- export and watching


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    def choose(path: Path | None) -> None:
        if path is None:

            def refuse(*_a: Any, **_k: Any) -> Any:
                raise AssertionError("no file should be asked for")

            monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(refuse))
        else:
            monkeypatch.setattr(
                QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), ""))
            )

    return choose


def test_export_writes_a_workbook_that_opens_again(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    save_as: Any,
    no_dialogs: list[Any],
) -> None:
    cw = open_consolidation(qtbot, open_window(store))
    out = inbox / "全市汇总"  # into the watched folder, and without the suffix
    save_as(out)
    cw.export_button.click()
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=SCAN_TIMEOUT)
    assert no_dialogs[0][0] == "导出汇总表" and "已保存" in no_dialogs[0][1]
    written = out.with_suffix(".xlsx")
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[:3] == ["指标×单位汇总表", "汇总", "完成情况"]
    matrix = {row[0]: row for row in wb["完成情况"].iter_rows(values_only=True)}
    codes = county_workbooks.codes
    assert matrix[codes["C"]][2] == 2 and matrix[codes["D"]][2] == "未收到"  # revision, or why not
    # the summary landed in the watched folder: it is never taken for a received workbook
    with qtbot.waitSignal(cw.scanned, timeout=SCAN_TIMEOUT):
        pass
    settle(qtbot, cw)
    assert cw.files.row_of(written.name) == -1 and cw.files.rowCount() == 5


def test_watching_the_folder_verifies_a_newly_dropped_file_only(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ecodesk.services.verify as verify_module

    made = county_workbooks
    folder = made.copy(tmp_path / "收到的报表", "A")
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(made.registry))
    cw = open_consolidation(qtbot, open_window(store))
    assert cw.files.rowCount() == 1 and cw.watch_box.isChecked()
    checked: list[str] = []
    real = verify_module.verify_workbook
    monkeypatch.setattr(
        verify_module, "verify_workbook", lambda p, r: checked.append(Path(p).name) or real(p, r)
    )
    sub = folder / "信丰县"  # counties' files often arrive in a folder each
    sub.mkdir()
    shutil.copy(made.files["B"], sub / made.files["B"].name)
    qtbot.waitUntil(lambda: cw.files.rowCount() == 2, timeout=SCAN_TIMEOUT)
    settle(qtbot, cw)
    assert checked == [made.files["B"].name]
    assert cw.indicators.total_text(made.summed_key) == format_decimal(
        _total([FIGURES["A"][0], FIGURES["B"][0]]), made.pack.input_field(made.summed_key).decimals
    )


# --------------------------------------------------------------------------- up the chain


def test_adopting_puts_the_totals_into_the_units_submission(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    no_dialogs: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.ui.consolidation.adopt_dialog import AdoptDialog

    made = county_workbooks
    store.set_value(PERIOD, made.summed_key, "100")  # an old total the consolidation replaces
    window = open_window(store)
    cw = open_consolidation(qtbot, window)
    shown: list[list[str]] = []

    def confirm(dialog: AdoptDialog) -> int:
        item = dialog.replaced.topLevelItem(0)
        shown.append([item.text(c) for c in range(3)])
        assert dialog.replaced.topLevelItemCount() == 1
        # 宁都县 taking in other counties' workbooks is named plainly before anything is written
        assert not dialog.other_divisions.isHidden()
        assert "不属于本县" in dialog.other_divisions.text()
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(AdoptDialog, "exec", confirm)
    cw.adopt_button.click()
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=SCAN_TIMEOUT)
    decimals = made.pack.input_field(made.summed_key).decimals
    total = format_decimal(Decimal("7.75"), decimals)
    assert shown and shown[0][1:] == ["100", total]  # the confirmation named what it replaces
    assert no_dialogs[0][0] == "作为本单位报送" and "已写入" in no_dialogs[0][1]
    assert store.load(PERIOD).values[made.summed_key] == total
    # the main window shows the consolidated period and its new values
    assert window.session.period == PERIOD and window.session.value(made.summed_key) == total
    assert set(made.forms) <= set(store.responsible_forms())


def test_adopting_cancelled_or_into_a_signed_period_writes_nothing(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    county_workbooks: CountyWorkbooks,
    no_dialogs: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ecodesk.ui.consolidation.adopt_dialog import AdoptDialog

    made = county_workbooks
    store.set_value(PERIOD, made.summed_key, "100")
    forms = store.responsible_forms()
    cw = open_consolidation(qtbot, open_window(store))
    monkeypatch.setattr(AdoptDialog, "exec", lambda dialog: AdoptDialog.DialogCode.Rejected)
    cw.adopt_button.click()
    qtbot.wait(200)
    assert no_dialogs == [] and store.load(PERIOD).values[made.summed_key] == "100"

    revision = store.load(PERIOD).revision
    store.mark_signed(PERIOD, revision, fingerprint="f" * 16, digest="d" * 64, workbook_path=None)
    monkeypatch.setattr(
        AdoptDialog, "exec", lambda dialog: pytest.fail("a signed period is refused before asking")
    )
    cw.adopt_button.click()
    assert (
        no_dialogs[-1][0] == "作为本单位报送"
        and "已签名" in no_dialogs[-1][1]
        and "建立修订版" in no_dialogs[-1][1]
    )
    assert (
        store.load(PERIOD).values[made.summed_key] == "100" and store.responsible_forms() == forms
    )


# --------------------------------------------------------------------------- unhappy paths


def _says_nothing_to_consolidate(cw: ConsolidationWindow, no_dialogs: list[Any]) -> None:
    cw.export_button.click()
    cw.adopt_button.click()
    assert [title for title, _ in no_dialogs] == ["导出汇总表", "作为本单位报送"]
    assert all("什么也没有写入" in text for _, text in no_dialogs)


def test_without_a_registry_folder_nothing_is_verified_or_written(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    save_as: Any,
    no_dialogs: list[Any],
) -> None:
    folder = county_workbooks.copy(tmp_path / "收到的报表", "A")
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    cw = open_consolidation(qtbot, open_window(store), scanned=False)
    assert "密钥登记文件夹" in cw.banner.text() and cw.banner.property("level") == "error"
    assert cw.files.rowCount() == 0 and "未选择" in cw.registry_label.text()
    save_as(None)
    _says_nothing_to_consolidate(cw, no_dialogs)
    before = store.load(PERIOD).values
    assert store.load(PERIOD).values == before
    # choosing the registry then verifies the folder
    cw.set_registry(county_workbooks.registry)
    qtbot.waitUntil(lambda: cw.files.rowCount() == 1, timeout=SCAN_TIMEOUT)
    assert store.settings_get(settings.KEY_REGISTRY) == str(county_workbooks.registry)


def test_an_empty_folder_says_so(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    save_as: Any,
    no_dialogs: list[Any],
) -> None:
    folder = tmp_path / "空文件夹"
    folder.mkdir()
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(county_workbooks.registry))
    cw = open_consolidation(qtbot, open_window(store))
    assert "没有 .xlsx 报表" in cw.banner.text()
    save_as(None)
    _says_nothing_to_consolidate(cw, no_dialogs)
    assert list(folder.iterdir()) == []


def test_a_folder_without_one_valid_workbook_consolidates_nothing(
    qtbot: Any,
    store: Any,
    open_window: Any,
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
    save_as: Any,
    no_dialogs: list[Any],
) -> None:
    folder = county_workbooks.copy(tmp_path / "收到的报表", "D")
    (folder / "会议通知.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(county_workbooks.registry))
    before = store.load(PERIOD).values
    cw = open_consolidation(qtbot, open_window(store))
    assert cw.files.rowCount() == 2
    assert _row(cw, folder / "会议通知.xlsx")["核验结果"] in ("文件损坏", "不是 EcoDesk 签名报表")
    assert "没有一个有效的报表" in cw.banner.text() and cw.banner.property("level") == "error"
    assert cw.matrix.table.rowCount() == 0 and cw.indicators.list.rowCount() == 0
    save_as(None)
    _says_nothing_to_consolidate(cw, no_dialogs)
    assert store.load(PERIOD).values == before


def test_an_output_file_open_in_excel_is_reported_and_left_untouched(
    qtbot: Any,
    store: Any,
    open_window: Any,
    inbox: Path,
    tmp_path: Path,
    save_as: Any,
    no_dialogs: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ecodesk.output as output

    cw = open_consolidation(qtbot, open_window(store))
    out_dir = tmp_path / "导出"
    out_dir.mkdir()
    out = out_dir / "汇总.xlsx"
    out.write_bytes(b"the copy open in Excel")

    def locked(*_args: Any) -> None:  # what Windows says while Excel holds the file
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.os, "replace", locked)
    save_as(out)
    cw.export_button.click()
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=SCAN_TIMEOUT)
    title, text = no_dialogs[0]
    assert title == "导出汇总表" and "Excel" in text and "关闭该文件后重试" in text
    assert out.read_bytes() == b"the copy open in Excel"
    assert [p.name for p in out_dir.iterdir()] == ["汇总.xlsx"]  # no half-written file left behind

    no_dialogs.clear()
    save_as(out_dir / "汇总.txt")
    cw.export_button.click()
    assert no_dialogs and ".xlsx" in no_dialogs[0][1]
    assert [p.name for p in out_dir.iterdir()] == ["汇总.xlsx"]


def test_two_different_signed_files_of_one_revision_are_shown_in_red(
    qtbot: Any, store: Any, open_window: Any, tmp_path: Path, county_workbooks: CountyWorkbooks
) -> None:
    from PySide6.QtGui import QColor

    from ecodesk.demo import sample_submission
    from ecodesk.ui import style
    from tests.consolidation.helpers import restrict_forms, write_signed

    made = county_workbooks
    folder = made.copy(tmp_path / "收到的报表", "A", "B")
    registry = tmp_path / "registry"
    shutil.copytree(made.registry, registry)
    other = restrict_forms(
        made.pack, sample_submission(made.pack, made.codes["A"], PERIOD), made.forms
    )
    other.status = "signed"
    other_file = write_signed(
        made.pack, other, folder / f"{made.names['A']}-另一份.xlsx", tmp_path / "keys", registry
    )
    store.settings_set(settings.CONSOLIDATION_FOLDER, str(folder))
    store.settings_set(settings.KEY_REGISTRY, str(registry))
    cw = open_consolidation(qtbot, open_window(store))
    red = QColor(style.ERROR)
    for path in (made.files["A"], other_file):
        row = _row(cw, path)
        assert row["核验结果"] == "有效" and row["汇总"] == "版本冲突，未汇总", row
        assert "版本冲突" in row["说明"] and "签名数据却不同" in row["说明"]
        fate = cw.files.item(cw.files.row_of(path.name), 5)
        assert fate.foreground().color() == red
    assert _row(cw, made.files["B"])["汇总"] == "已汇总"


def test_reopened_after_a_restart_the_unchanged_files_are_not_verified_again(
    qtbot: Any, store: Any, open_window: Any, inbox: Path, county_workbooks: CountyWorkbooks
) -> None:
    first = open_consolidation(qtbot, open_window(store))
    assert first.verify_cache.hits == 0 and first.verify_cache.stored == 5
    first.close()
    # another window with its own cache object: what it knows comes from the data folder
    again = open_consolidation(qtbot, open_window(store))
    assert again is not first and again.verify_cache is not first.verify_cache
    assert again.verify_cache.hits == 5 and again.verify_cache.stored == 0
    assert _row(again, county_workbooks.files["D"])["核验结果"] == "已被改动"
    assert _row(again, county_workbooks.files["A"])["汇总"] == "已汇总"
