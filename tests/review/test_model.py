"""The feedback as signed records: round trip, and records that do not make a feedback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ecodesk.review.model import (
    Feedback,
    Query,
    SubmissionRef,
    feedback_from_records,
    feedback_records,
)
from ecodesk.signing.canonical import Record
from ecodesk.submission import Period, UnitProfile

FB = Feedback(
    reviewer=UnitProfile("360700", "赣州市", "市生态文明建设领导小组办公室", preparer="孙市审"),
    about=SubmissionRef(
        UnitProfile("360730", "宁都县", "生态文明建设领导小组办公室"),
        Period(2026),
        2,
        "ab" * 32,
        "cd" * 32,
    ),
    decision="return",
    reason="=请核实（以等号开头也只是文字）",
    queries=[Query("1.1:tech_invest", "1.1", "工业技术改造投资额", "5.81 亿元", "请核实\r\n口径")],
    issued_at=datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
    program_version="test",
)


def test_records_round_trip() -> None:
    back = feedback_from_records(feedback_records(FB))
    assert back.reviewer.division_code == "360700" and back.about == FB.about
    assert back.decision == "return" and back.reason == FB.reason
    assert back.queries[0].question == "请核实\n口径"  # line breaks as xlsx keeps them
    assert back.issued_at == FB.issued_at


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda r: [x for x in r if x.key != "reason"] + [Record("meta", "reason", " ")],
            "without a reason",
        ),
        (
            lambda r: [
                Record("meta", "decision", "maybe") if x.key == "decision" else x for x in r
            ],
            "unknown decision",
        ),
        (lambda r: r + [Record("query", "#3.key", "1.1")], "numbered"),
        (lambda r: r + [r[-1]], "duplicate"),
        (lambda r: [x for x in r if x.key != "to.division_code"], "metadata incomplete"),
        (
            lambda r: [
                Record("meta", "format", "ecodesk-signed-data/1") if x.key == "format" else x
                for x in r
            ],
            "not a feedback",
        ),
    ],
)
def test_records_that_make_no_feedback_are_refused(change: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        feedback_from_records(change(feedback_records(FB)))  # type: ignore[operator]
