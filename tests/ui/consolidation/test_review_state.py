"""The consolidation window shows each unit's review state from the office's own record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.consolidation.conftest import CountyWorkbooks
from tests.ui.consolidation.test_window import inbox, open_consolidation  # noqa: F401
from tests.workbook.helpers import PASSPHRASE


def test_the_matrix_shows_who_was_returned_and_who_waits(
    qtbot: Any,
    store: Any,
    data_dir: Path,
    open_window: Any,
    inbox: Path,  # noqa: F811
    county_workbooks: CountyWorkbooks,
    tmp_path: Path,
) -> None:
    from ecodesk.services.review import review_submission
    from ecodesk.signing.keys import KeyStore

    made = county_workbooks
    KeyStore(data_dir).create(PASSPHRASE)
    form = made.summed_key.partition(":")[0]
    review_submission(
        store,
        data_dir,
        inbox / made.files["A"].name,
        made.registry,
        decision="return",
        reason="请核实",
        queries=[(made.summed_key, "比上年增幅较大，请核实")],
        out_path=tmp_path / "A-feedback.xlsx",
        passphrase=PASSPHRASE,
    )
    review_submission(
        store,
        data_dir,
        inbox / made.files["B"].name,
        made.registry,
        decision="accept",
        reason="",
        queries=[],
        out_path=tmp_path / "B-feedback.xlsx",
        passphrase=PASSPHRASE,
    )
    cw = open_consolidation(qtbot, open_window(store))
    matrix = cw.matrix
    assert matrix.review_state_at(made.names["A"]) == "已退回"
    assert matrix.review_state_at(made.names["B"]) == "已采用"
    assert matrix.review_state_at(made.names["C"]) == "待审核"
    assert matrix.review_state_at(made.names["D"]) == "未收到"  # its only file was tampered
    assert matrix.state_at(made.names["A"], form) == "submitted"  # the form columns still there
    row = next(
        r
        for r in range(matrix.table.rowCount())
        if matrix.table.item(r, 0).text() == made.names["A"]
    )
    assert matrix.table.item(row, 2).toolTip() == "查询 1 条，待答复 1 条"
    assert "最新的有效修订版" in matrix.table.horizontalHeaderItem(2).toolTip()
