"""Timeliness per unit at the receiver: 按时, 迟报 N 天 (with the unit's signed reason), 未报 —
judged with the receiver's calendar from the signed export time, in the consolidation and in
the re-opened summary workbook."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest

from ecodesk.consolidation.model import unit_id
from ecodesk.consolidation.timeliness import SentAt, Timeliness, timeliness_of
from ecodesk.consolidation.writer import MATRIX_SHEET
from ecodesk.forms.loader import FormPack
from ecodesk.services.consolidate import consolidate, write_summary
from ecodesk.signing.canonical import ExportMeta
from ecodesk.submission import Period
from tests.consolidation.helpers import submission, unit, write_signed

BEIJING = timezone(timedelta(hours=8))
PERIOD = Period(2025)  # due 2026-01-20 for 1.1 in the bundled calendar (G alone: 01-31)
ON_TIME = unit("360730", name="宁都县")
LATE = unit("360731", name="于都县")
G_ONLY = unit("360732", name="兴国县")
REASON = "县统计局数据 1 月 22 日才出"


def _meta(day: int, hour: int = 10, **extra: object) -> ExportMeta:
    return ExportMeta(
        exported_at=datetime(2026, 1, day, hour, 0, tzinfo=BEIJING),
        program_version="test",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def consolidated(pack: FormPack, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("timeliness")
    inbox, keys, registry = root / "inbox", root / "keys", root / "registry"
    inbox.mkdir()

    def send(who, forms, meta, name):  # type: ignore[no-untyped-def]
        data = submission(pack, who, {}, forms=forms)
        data.period = PERIOD
        write_signed(pack, data, inbox / name, keys, registry, meta=meta)

    send(ON_TIME, ["1.1"], _meta(20, hour=23), "ningdu.xlsx")
    # The unit signed a later due date than the receiver's: the receiver's calendar decides.
    send(LATE, ["G", "1.1"], _meta(23, due=date(2026, 2, 28), late_reason=REASON), "yudu.xlsx")
    send(G_ONLY, ["G"], _meta(25), "xingguo.xlsx")  # G alone is due 31 January: on time
    # 宁都 corrected its report in March: the correction is used, the timeliness is the first's
    corrected = submission(pack, ON_TIME, {}, forms=["1.1"], revision=2)
    corrected.supersedes = 1
    late_meta = ExportMeta(
        exported_at=datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING), program_version="test"
    )
    write_signed(pack, corrected, inbox / "ningdu-2.xlsx", keys, registry, meta=late_meta)
    result = consolidate([inbox], registry, period=PERIOD)
    out = write_summary(result, root / "汇总.xlsx")
    return result, out


def test_timeliness_per_unit(consolidated) -> None:  # type: ignore[no-untyped-def]
    result, _ = consolidated
    timeliness = result.summary.timeliness
    assert timeliness[unit_id(ON_TIME)] == Timeliness(
        "on_time", due=date(2026, 1, 20), exported=date(2026, 1, 20)
    )
    assert timeliness[unit_id(LATE)] == Timeliness(
        "late", due=date(2026, 1, 20), exported=date(2026, 1, 23), days_late=3, reason=REASON
    )
    assert timeliness[unit_id(LATE)].text == f"迟报 3 天（原因：{REASON}）"
    assert timeliness[unit_id(G_ONLY)].state == "on_time"
    used = {r.path.name: r.revision for r in result.used}
    assert used["ningdu-2.xlsx"] == 2 and "ningdu.xlsx" not in used
    missing = [row.unit for row in result.summary.completeness if not row.received]
    assert len(missing) == 18  # the city hears from 3 of its 21 divisions
    assert all(timeliness[unit_id(u)].label == "未报" for u in missing)


def test_the_reopened_summary_shows_timeliness(consolidated) -> None:  # type: ignore[no-untyped-def]
    _, out = consolidated
    ws = openpyxl.load_workbook(out)[MATRIX_SHEET]
    header = [c.value for c in ws[3]]
    when, why = header.index("报送时效"), header.index("迟报原因")
    rows = {r[1]: (r[when], r[why]) for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows[ON_TIME.display_name] == ("按时", None)
    assert rows[LATE.display_name] == ("迟报 3 天", REASON)
    assert rows[G_ONLY.display_name] == ("按时", None)
    assert rows["石城县"] == ("未报", None)


def test_late_without_a_signed_reason_and_undated(pack: FormPack) -> None:
    data = submission(pack, LATE, {}, forms=["1.1"])
    data.period = PERIOD
    late = timeliness_of(pack, PERIOD, data, SentAt(datetime(2026, 2, 1, tzinfo=BEIJING)))
    assert (late.state, late.days_late, late.text) == ("late", 12, "迟报 12 天（原因：未写明）")
    assert timeliness_of(pack, PERIOD, data, SentAt(None)).state == "undated"
    assert timeliness_of(pack, PERIOD, data, SentAt(None)).label == ""
    assert timeliness_of(pack, PERIOD, None, None) == Timeliness("missing", due=date(2026, 1, 20))
