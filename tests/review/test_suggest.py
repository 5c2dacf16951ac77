"""Ready-made questions: the checks the program knows, and a figure far from the other units'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ecodesk.services.review import far_from_peers, suggest_queries
from ecodesk.submission import Period

P = Period(2026)


def _counties(pack: Any, n: int) -> list[Any]:
    from ecodesk.demo import sample_submission

    codes = [d.code for d in pack.catalog.divisions if d.kind != "功能区"][:n]
    return [sample_submission(pack, code, P) for code in codes]


def test_a_figure_ten_times_the_others_median_is_offered_as_a_query(pack: Any) -> None:
    data, *peers = _counties(pack, 5)
    key = "1.1:tech_invest"
    theirs = sorted(Decimal(p.value(key)) for p in peers)
    data.values[key] = str(theirs[len(theirs) // 2] * 10)
    far = [s for s in far_from_peers(pack, data, peers) if s.key == key]
    assert len(far) == 1 and far[0].rule == "far_from_peers"
    assert "其他 4 个单位的中位数" in far[0].question
    assert key in {s.key for s in suggest_queries(pack, data, peers)}
    assert key not in {s.key for s in suggest_queries(pack, data) if s.rule == "far_from_peers"}


def test_too_few_peers_or_a_close_figure_offers_nothing(pack: Any) -> None:
    data, *peers = _counties(pack, 5)
    key = "1.1:tech_invest"
    data.values[key] = str(max(Decimal(p.value(key)) for p in peers))  # within the others' range
    assert key not in {s.key for s in far_from_peers(pack, data, peers)}
    data.values[key] = "100000"
    assert far_from_peers(pack, data, peers[:2]) == []  # two units say too little
    assert far_from_peers(pack, data, [data, data, data]) == []  # itself is no peer
