"""Ready-made questions for the claims a unit signed without 佐证材料."""

from __future__ import annotations

from typing import Any

from ecodesk.services.review import suggest_queries
from ecodesk.submission import AcceptedWarning, AttachedFile, Period, SubmissionData, UnitProfile


def _data(pack: Any) -> SubmissionData:
    unit = UnitProfile("360730", "宁都县", "县水利局")
    data = SubmissionData(unit, Period(2026), 1, pack.version, ["4.1", "5.1"])
    data.tables["4.1:watersheds"] = [
        {"name": "梅江小流域", "location": "", "area": "12", "status": "已建成", "year": "2026"},
        {"name": "青塘小流域", "location": "", "area": "8", "status": "已验收", "year": "2025"},
    ]
    data.values["5.1:gep_status"] = "已完成核算"
    return data


def test_each_claim_without_evidence_is_a_suggested_query_at_its_cell(pack: Any) -> None:
    data = _data(pack)
    data.attachments = [
        AttachedFile(
            1, "4.1:watersheds#2", "4.1 生态清洁小流域第2行", "a.pdf", "pdf", 10, "0" * 64, "验收"
        )
    ]
    data.accepted = [AcceptedWarning("evidence:5.1:gep_status", "5.1", "…", "核算报告待评审后报送")]
    found = {s.key: s for s in suggest_queries(pack, data) if s.rule == "no_evidence"}
    assert set(found) == {"4.1:watersheds#1.status", "5.1:gep_status"}
    assert "梅江小流域" in found["4.1:watersheds#1.status"].question
    assert "验收材料" in found["4.1:watersheds#1.status"].question
    assert "单位已说明：核算报告待评审后报送" in found["5.1:gep_status"].question


def test_the_suggested_keys_are_keys_a_query_accepts(pack: Any) -> None:
    from ecodesk.review.keys import resolve_query_key

    data = _data(pack)
    keys = [s.key for s in suggest_queries(pack, data) if s.rule == "no_evidence"]
    assert len(keys) == 3
    for key in keys:  # raises UnknownQueryKey for a key a reviewer could not use
        assert resolve_query_key(pack, data, key).key == key
