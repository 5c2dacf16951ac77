"""The reporting calendar: due and opening dates across quarters and year ends, the days left
or overdue for a given 'today', precedence of explicit dates, and a broken calendar.yaml
refused at its line (the real loader on real files)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecodesk.forms.calendar import Deadline, ReportingCalendar, Rule, period_end
from ecodesk.forms.loader import PACK_DIR, FormDefinitionError, FormPack, load_pack
from ecodesk.submission import Period

RULES = """\
rules:
  year: {opens_before_end: 30, due_after_end: 20}
  quarter: {opens_before_end: 0, due_after_end: 15}
"""


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK_DIR, target)
    return target


def _with_calendar(directory: Path, text: str, quarterly: str | None = None) -> FormPack:
    (directory / "calendar.yaml").write_text(text, encoding="utf-8")
    if quarterly:
        form = directory / f"{quarterly.replace('.', '_')}.yaml"
        form.write_text(
            form.read_text(encoding="utf-8").replace("\ntitle:", "\nquarterly: true\ntitle:", 1),
            encoding="utf-8",
        )
    return load_pack(directory)


def _refused(directory: Path, text: str) -> FormDefinitionError:
    (directory / "calendar.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_pack(directory)
    assert info.value.file == "calendar.yaml"
    return info.value


def test_period_ends() -> None:
    assert period_end(Period(2026)) == date(2026, 12, 31)
    assert period_end(Period(2026, 1)) == date(2026, 3, 31)
    assert period_end(Period(2026, 2)) == date(2026, 6, 30)
    assert period_end(Period(2026, 3)) == date(2026, 9, 30)
    assert period_end(Period(2026, 4)) == date(2026, 12, 31)


def test_the_bundled_calendar(pack: FormPack) -> None:
    cal = pack.calendar
    # The 2026 annual report: the city's explicit date, for every form (G's own rule gives way).
    assert cal.deadline(Period(2026), "1.1") == Deadline(
        Period(2026), "1.1", date(2026, 12, 1), date(2027, 1, 20)
    )
    assert cal.deadline(Period(2026), "G") == Deadline(
        Period(2026), "G", date(2026, 12, 1), date(2027, 1, 20)
    )
    # Other years: the year rule (20 days after 31 December, open from 1 December) …
    assert cal.deadline(Period(2025), "1.1") == Deadline(
        Period(2025), "1.1", date(2025, 12, 1), date(2026, 1, 20)
    )
    # … and the main goals form's own rule (its statistics come late): 31 January.
    assert cal.deadline(Period(2024), "G") == Deadline(
        Period(2024), "G", date(2024, 12, 1), date(2025, 1, 31)
    )
    # A submission holding both is due when the earliest of them is.
    assert cal.submission_deadline(Period(2025), ["G", "1.1"]) == Deadline(
        Period(2025), None, date(2025, 12, 1), date(2026, 1, 20)
    )
    assert cal.submission_deadline(Period(2025), ["G"]).due == date(2026, 1, 31)  # type: ignore[union-attr]


def test_quarters_and_the_year_boundary(pack: FormPack) -> None:
    cal = pack.calendar
    due = {q: cal.deadline(Period(2026, q), "3.1") for q in (1, 2, 3, 4)}
    assert {q: d.due for q, d in due.items() if d} == {
        1: date(2026, 4, 15),
        2: date(2026, 7, 15),
        3: date(2026, 10, 15),
        4: date(2027, 1, 15),  # the fourth quarter falls due in the next year
    }
    assert {q: d.opens for q, d in due.items() if d} == {
        1: date(2026, 3, 31),
        2: date(2026, 6, 30),
        3: date(2026, 9, 30),
        4: date(2026, 12, 31),
    }
    # A leap year changes nothing that counts from the quarter's end; February does count.
    leap = ReportingCalendar(rules={"quarter": Rule(40, 45)})
    assert leap.deadline(Period(2028, 1)) == Deadline(
        Period(2028, 1), None, date(2028, 2, 20), date(2028, 5, 15)
    )


@pytest.mark.parametrize(
    ("today", "state", "days", "label"),
    [
        (date(2026, 11, 30), "not_open", 1, "未开始"),
        (date(2026, 12, 1), "open", 50, "距截止还有 50 天"),
        (date(2026, 12, 31), "open", 20, "距截止还有 20 天"),  # across the year end
        (date(2027, 1, 19), "open", 1, "距截止还有 1 天"),
        (date(2027, 1, 20), "open", 0, "今天截止"),
        (date(2027, 1, 21), "overdue", 1, "已逾期 1 天"),
        (date(2027, 3, 1), "overdue", 40, "已逾期 40 天"),
    ],
)
def test_days_left_and_overdue(
    pack: FormPack, today: date, state: str, days: int, label: str
) -> None:
    deadline = pack.calendar.deadline(Period(2026), "1.1")
    assert deadline is not None
    status = deadline.status(today)
    assert (status.state, status.days, status.label) == (state, days, label)


def test_days_late_counts_the_exporters_calendar_day(pack: FormPack) -> None:
    deadline = pack.calendar.deadline(Period(2026), "1.1")
    assert deadline is not None
    beijing = timezone(timedelta(hours=8))
    assert deadline.days_late(datetime(2027, 1, 20, 23, 59, tzinfo=beijing)) == 0
    assert deadline.days_late(datetime(2027, 1, 21, 0, 1, tzinfo=beijing)) == 1
    assert deadline.days_late(date(2027, 2, 3)) == 14
    assert deadline.days_late(date(2026, 12, 15)) == 0


def test_precedence_explicit_form_date_over_period_date_over_rules(pack_copy: Path) -> None:
    pack = _with_calendar(
        pack_copy,
        RULES
        + """\
forms:
  "3.1":
    quarter: {opens_before_end: 5, due_after_end: 10}
dates:
  - period: 2026Q4
    due: 2027-01-25
  - period: 2026Q4
    form: "3.1"
    opens: 2026-12-20
""",
        quarterly="3.1",
    )
    cal = pack.calendar
    # 3.1: its own opening date, the period's due date.
    assert cal.deadline(Period(2026, 4), "3.1") == Deadline(
        Period(2026, 4), "3.1", date(2026, 12, 20), date(2027, 1, 25)
    )
    # Its own rule elsewhere; the general rule for other forms.
    assert cal.deadline(Period(2026, 3), "3.1") == Deadline(
        Period(2026, 3), "3.1", date(2026, 9, 25), date(2026, 10, 10)
    )
    assert cal.deadline(Period(2026, 3), "1.1") == Deadline(
        Period(2026, 3), "1.1", date(2026, 9, 30), date(2026, 10, 15)
    )
    # Every form of the period named without a form: also those without a rule of their own.
    assert cal.deadline(Period(2026, 4), "1.1").due == date(2027, 1, 25)  # type: ignore[union-attr]
    listed = [
        (str(d.period), d.form)
        for d in cal.deadlines([2026], {c: f.quarterly for c, f in pack.forms.items()})
    ]
    assert listed[:4] == [
        ("2026Q1", "3.1"),
        ("2026Q2", "3.1"),
        ("2026Q3", "3.1"),
        ("2026Q4", "3.1"),
    ]
    assert ("2026Q1", "1.1") not in listed and ("2026", "1.1") in listed


def test_a_pack_without_a_calendar_has_no_deadlines(pack_copy: Path) -> None:
    (pack_copy / "calendar.yaml").unlink()
    pack = load_pack(pack_copy)
    assert pack.calendar.empty
    assert pack.calendar.deadline(Period(2026), "1.1") is None


def test_calendars_compare_by_what_they_say(pack: FormPack, pack_copy: Path) -> None:
    assert load_pack(pack_copy).calendar == pack.calendar
    changed = (
        (pack_copy / "calendar.yaml")
        .read_text(encoding="utf-8")
        .replace("due: 2027-01-20", "due: 2027-01-22")
    )
    assert _with_calendar(pack_copy, changed).calendar != pack.calendar


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (RULES.replace("due_after_end: 15", "due_after_end: -3"), 3, "rules.quarter.due_after_end"),
        (RULES.replace("quarter:", "quater:"), 3, "quater"),
        (RULES + "dates:\n  - period: 2026\n    due: 2027-02-30\n", 6, "无法识别的值"),
        (RULES + "dates:\n  - period: 2026\n    due: 20270230\n", 6, "dates[0].due"),
        (RULES + "dates:\n  - period: 2026Q5\n    due: 2027-01-30\n", 5, "2026Q5"),
        (RULES + "dates:\n  - period: 2026\n    form: G\n", 5, "至少写明"),
        (
            RULES + "dates:\n  - period: 2026\n    opens: 2027-02-01\n    due: 2027-01-20\n",
            5,
            "晚于截止日期",
        ),
        (RULES + "forms:\n  '9.9': {year: {opens_before_end: 1, due_after_end: 2}}\n", 5, "9.9"),
        (RULES + "dates:\n  - period: 2031\n    due: 2032-01-20\n", 5, "不在行动方案的年份"),
        (
            RULES + "\ndates:\n  - period: 2026Q1\n    form: '1.1'\n    due: 2026-04-20\n",
            7,
            "不按季度报送",
        ),
        (RULES + "dates: [\n", 5, "YAML"),
    ],
)
def test_a_broken_calendar_points_at_its_line(
    pack_copy: Path, text: str, line: int, words: str
) -> None:
    error = _refused(pack_copy, text)
    assert error.line == line and f"第 {line} 行" in str(error), (error.line, str(error))
    assert words in str(error)


def test_catalog_json_reports_the_calendar(pack: FormPack) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ecodesk", "catalog", "--json"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    doc = json.loads(result.stdout.decode("utf-8"))["calendar"]
    assert doc["rules"]["quarter"] == {"opens_before_end": 0, "due_after_end": 15}
    deadlines = {(d["period"], d["form"]): (d["opens"], d["due"]) for d in doc["deadlines"]}
    assert deadlines[("2026", "1.1")] == ("2026-12-01", "2027-01-20")
    assert deadlines[("2025", "G")] == ("2025-12-01", "2026-01-31")
    assert deadlines[("2024", "7.2")] == ("2024-12-01", "2025-01-20")
    assert {p for p, _ in deadlines} == {"2024", "2025", "2026"}  # no form is quarterly
    assert len(deadlines) == 3 * len(pack.forms)


def test_catalog_tree_lists_the_calendar(pack: FormPack) -> None:
    from ecodesk.forms.catalog_doc import catalog_tree

    text = catalog_tree(pack)
    calendar = text[text.index("报送日历") :]
    assert "2025年度：2025-12-01 开始填报，2026-01-20 截止" in calendar
    assert "表 G：2026-01-31 截止" in calendar  # the main goals form's own date, where it differs
    assert "2026年度：2026-12-01 开始填报，2027-01-20 截止" in calendar
    assert "表 G：2027-01-31" not in calendar  # 2026's explicit date holds for every form
