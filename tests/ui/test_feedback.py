"""The way back in the window: 文件 → 导入审核意见, the banner on the period, queried places marked
in the form and listed as 查询 in the problems panel, and 答复 from the panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ecodesk.submission import Period, UnitProfile
from ecodesk.ui.operations import review as review_operations
from ecodesk.ui.widgets.problems_panel import COLUMN_MESSAGE
from tests.workbook.helpers import PASSPHRASE

P = Period(2026)
COUNTY = UnitProfile("360730", "宁都县", "生态文明建设领导小组办公室", preparer="赵县审")
QUERIES = [
    ("1.1:tech_invest", "技改投资增幅较大，请核实"),
    ("1.1:progress", "请补充具体项目进展"),
    ("1.1:projects#1.investment", "是否含上年结转？"),
]


@pytest.fixture
def returned(store: Any, data_dir: Path, tmp_path: Path) -> Path:
    """The department (the window's store) signed 2026 revision 1; its county office returned it
    with three queries; the department trusts the county's key. Returns the feedback file."""
    from ecodesk.demo import sample_submission
    from ecodesk.services.export import export_submission
    from ecodesk.services.keys import trust_registration
    from ecodesk.services.review import review_submission
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.store import Store

    data = sample_submission(store.pack, "360730", P)
    data.unit = store.profile()
    data.forms = ["1.1"]
    data.values = {k: v for k, v in data.values.items() if k.startswith("1.1:")}
    data.narratives = {k: v for k, v in data.narratives.items() if k.startswith("1.1:")}
    data.tables = {k: v for k, v in data.tables.items() if k.startswith("1.1:")}
    data.accepted = []
    store.set_responsible_forms(["1.1"])
    store.write_submission(data)
    sub = tmp_path / "d1.xlsx"
    export_submission(store, P, sub, passphrase=PASSPHRASE, data_dir=data_dir)
    dept_keys = tmp_path / "dept-keys"
    write_registrations(KeyStore(data_dir), dept_keys, store.profile())

    county = tmp_path / "county"
    KeyStore(county).create(PASSPHRASE)
    county_reg = write_registrations(KeyStore(county), tmp_path / "county-reg", COUNTY)
    trust_registration(data_dir, county_reg)
    feedback = tmp_path / "fb1.xlsx"
    with Store.open(county) as county_store:
        county_store.save_profile(COUNTY)
        review_submission(
            county_store,
            county,
            sub,
            dept_keys,
            decision="return",
            reason="技改投资与项目表不一致",
            queries=QUERIES,
            out_path=feedback,
            passphrase=PASSPHRASE,
        )
    return feedback


def _query_items(window: Any) -> list[Any]:
    items = [
        window.problems.list.topLevelItem(i)
        for i in range(window.problems.list.topLevelItemCount())
    ]
    return [i for i in items if i.text(COLUMN_MESSAGE).startswith("查询")]


def test_import_marks_the_queries_and_answering_them_clears_the_way(
    qtbot: Any,
    store: Any,
    open_window: Any,
    returned: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_dialogs: list[tuple[str, str]],
) -> None:
    window = open_window(store)
    assert window.banner.isHidden()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(returned), ""))
    )
    window.operations.actions["feedback"].trigger()
    assert no_dialogs and no_dialogs[0][0] == "导入审核意见"
    assert "技改投资与项目表不一致" in no_dialogs[0][1]  # shown before the clerk says yes

    # a new revision to correct and answer in, the banner says who returned which and why
    qtbot.waitUntil(lambda: window.session.data.revision == 2)
    assert not window.session.frozen
    assert window.banner.isVisible()
    banner = window.banner.text()
    assert "第1版" in banner and "退回" in banner and "技改投资与项目表不一致" in banner
    assert "待答复 3 条" in banner

    # the problems panel lists the three queries as 查询; the form marks the queried places
    window.show_form("1.1")
    view = window.views["1.1"]
    items = _query_items(window)
    assert [i.text(COLUMN_MESSAGE) for i in items] == [
        f"查询（{label}）：{question}"
        for label, (_, question) in zip(
            ["工业技术改造投资额", "工作进展", "重点技术改造项目 第1行 本年完成投资"],
            QUERIES,
            strict=True,
        )
    ]
    editor = view.indicators.editors["1.1:tech_invest"]
    assert editor.input.property("problem") == "query"
    assert "技改投资增幅较大，请核实" in editor.input.toolTip()
    assert editor.message_label.isVisible() and "技改投资增幅较大" in editor.message_label.text()
    assert editor.message_label.property("level") == "query"  # blue, not an error's red
    assert view.narratives["1.1:progress"].edit.property("problem") == "query"

    assert window.tree.state_text("1.1") == "有提示"  # the form waits for its answers

    # answer the first one from the panel: select it with the mouse, press 答复查询…
    panel = window.problems
    assert not panel.answer_button.isEnabled()
    first = items[0]
    rect = panel.list.visualItemRect(first)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.answer_button.isEnabled()
    monkeypatch.setattr(
        review_operations,
        "ask_reason",
        lambda *a, **k: ("已核实，录入有误，已更正为 6.35 亿元", True),
    )
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "待答复 2 条" in window.banner.text())
    answered = next(i for i in _query_items(window) if "技改投资增幅较大" in i.text(COLUMN_MESSAGE))
    assert answered.text(COLUMN_MESSAGE + 1) == "已核实，录入有误，已更正为 6.35 亿元"
    assert "待答复的查询 2 项" in panel.summary.text()

    # export is refused, naming the two queries still open
    from ecodesk.services.export import QueriesUnanswered, export_submission

    with pytest.raises(QueriesUnanswered, match="2 条审核查询没有答复") as refused:
        export_submission(store, P, returned.with_name("d2.xlsx"), passphrase=PASSPHRASE)
    assert "请补充具体项目进展" in str(refused.value)
