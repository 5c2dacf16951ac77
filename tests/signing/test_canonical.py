from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ecodesk.signing.canonical import (
    FORMAT_TAG,
    canonical_bytes,
    canonical_decimal,
    canonical_text,
    canonical_value,
    data_records,
)
from ecodesk.submission import AcceptedWarning
from tests.workbook.helpers import META, submission


@settings(max_examples=200)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_canonical_decimal_is_exact_plain_and_unique(value: Decimal) -> None:
    text = canonical_decimal(value)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == value
    # Equal numbers, however written, give the same text.
    assert canonical_decimal(Decimal(text)) == text == canonical_decimal(Decimal(str(value)))


def test_canonical_decimal_examples() -> None:
    assert canonical_decimal(Decimal("1.500E+3")) == "1500"
    assert canonical_decimal(Decimal("-0.00")) == "0"
    assert canonical_decimal(Decimal("0.10")) == "0.1"


def test_number_values_are_signed_as_the_number_the_clerk_meant(pack) -> None:  # type: ignore[no-untyped-def]
    # 亿元 field with multipliers: full-width digits, separators and 万 all mean one number.
    assert canonical_value(pack, "1.1:tech_invest", "１，２３４．５０") == "1234.5"
    assert canonical_value(pack, "1.1:tech_invest", " 5000万 ") == "0.5"
    assert canonical_value(pack, "1.1:upgraded_firms", "2,000") == "2000"


def test_text_line_breaks_and_control_characters() -> None:
    assert canonical_text("a\r\nb\rc\x00d\te") == "a\nb\nc" + "d\te"


def test_records_cover_metadata_values_tables_and_accepted_warnings(pack) -> None:  # type: ignore[no-untyped-def]
    data = submission(pack)
    data.accepted.append(
        AcceptedWarning("yoy:1.1:tech_invest", "1.1", "增幅较大", "新建项目集中投产")
    )
    records = data_records(pack, data, META)
    keys = {(r.section, r.key): r.value for r in records}
    assert keys[("meta", "unit.division_code")] == "360730"
    assert keys[("meta", "period")] == "2026" and keys[("meta", "revision")] == "1"
    assert keys[("meta", "exported_at")] == "2026-12-01T09:30:00+00:00"
    for key, text in data.values.items():
        if text.strip():
            assert ("value", key) in keys
    rows = data.rows("1.1", "projects")
    assert rows, "the sample should have project rows"
    assert keys[("table", f"1.1:projects#{len(rows)}.name")] == rows[-1]["name"]
    n = len(data.accepted)
    assert keys[("accepted", f"#{n}.explanation")] == "新建项目集中投产"
    assert len(keys) == len(records), "no key repeats"


def test_bytes_are_deterministic_compact_utf8_json(pack) -> None:  # type: ignore[no-untyped-def]
    data = submission(pack)
    first = canonical_bytes(data_records(pack, data, META))
    assert first == canonical_bytes(data_records(pack, submission(pack), META))
    body = json.loads(first.decode("utf-8"))
    assert body[0] == FORMAT_TAG
    assert "宁都县".encode() in first  # ensure_ascii=False
    assert b", " not in first and b": " not in first[:200]
