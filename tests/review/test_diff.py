"""What changed between two revisions: values by content (not spelling), narratives, table rows."""

from __future__ import annotations

import copy
from typing import Any

from ecodesk.review.diff import diff_submissions
from ecodesk.submission import Period


def _data(pack: Any) -> Any:
    from ecodesk.demo import sample_submission

    return sample_submission(pack, "360730", Period(2026))


def test_each_changed_value_narrative_and_row_once(pack: Any) -> None:
    old = _data(pack)
    new = copy.deepcopy(old)
    assert diff_submissions(pack, old, new) == []
    new.values["1.1:tech_invest"] = "6.35"
    new.narratives["1.1:progress"] = old.narratives["1.1:progress"] + "新增一段。"
    rows = new.tables["1.1:projects"]
    rows[0] = {**rows[0], "investment": "1"}
    rows.append({"name": "新项目", "investment": "2"})
    changes = diff_submissions(pack, old, new)
    assert [(c.kind, c.key) for c in changes] == [
        ("value", "1.1:tech_invest"),
        ("narrative", "1.1:progress"),
        ("table_row", "1.1:projects#1"),
        ("table_row", f"1.1:projects#{len(rows)}"),
    ]
    value, _, first_row, added_row = changes
    assert (value.old, value.new) == (old.values["1.1:tech_invest"], "6.35")
    assert value.label == "工业技术改造投资额"
    assert "本年完成投资：1" in first_row.new and first_row.old != first_row.new
    assert added_row.old == "" and "项目名称：新项目" in added_row.new


def test_a_removed_value_shows_as_emptied(pack: Any) -> None:
    old = _data(pack)
    new = copy.deepcopy(old)
    del new.values["1.1:tech_invest"]
    (change,) = diff_submissions(pack, old, new)
    assert change.new == "" and change.old == old.values["1.1:tech_invest"]
