"""A new pack that moves deadlines says which periods (and forms) moved, from what to what, in
the diff a clerk reads before installing: the calendar is compared by the dates it decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecodesk.forms.loader import bundled_pack, load_pack, read_pack_folder
from ecodesk.packs.diff import diff_packs
from tests.packs.helpers import edit_yaml, pack_folder


def _diff(folder: Path) -> list[str]:
    old = bundled_pack()
    new = load_pack(folder)
    return diff_packs(old, new, read_pack_folder(old.source), read_pack_folder(folder)).lines()


def test_a_moved_due_date_is_one_line_for_the_period(tmp_path: Path) -> None:
    folder = pack_folder(tmp_path / "pack", "2026.2")

    def later(d: dict[str, Any]) -> None:
        d["dates"] = [{"period": "2026", "due": "2027-01-25"}]

    edit_yaml(folder / "calendar.yaml", later)
    moved = [line for line in _diff(folder) if "截止日期" in line]
    # an explicit date for the period wins over G's own rule: every form moves alike
    assert moved == ["～ 修改截止日期 2026年度（全部表单）：截止 2027-01-20 → 2027-01-25"]


def test_a_changed_rule_names_the_forms_it_moves(tmp_path: Path) -> None:
    folder = pack_folder(tmp_path / "pack", "2026.2")

    def year_rule(d: dict[str, Any]) -> None:
        d["rules"]["year"] = {"opens_before_end": 30, "due_after_end": 25}
        d["forms"]["G"]["year"] = {"opens_before_end": 30, "due_after_end": 40}

    edit_yaml(folder / "calendar.yaml", year_rule)
    moved = [line for line in _diff(folder) if "截止日期" in line]
    # 2026 keeps its explicit date; 2024 and 2025 move, G (its own rule) apart from the rest
    assert [line.split("：")[0] for line in moved] == [
        "～ 修改截止日期 2024年度 表 G",
        "～ 修改截止日期 2024年度 表 " + "、".join(c for c in bundled_pack().forms if c != "G"),
        "～ 修改截止日期 2025年度 表 G",
        "～ 修改截止日期 2025年度 表 " + "、".join(c for c in bundled_pack().forms if c != "G"),
    ]
    assert moved[0].endswith("截止 2025-01-31 → 2025-02-09")
    assert moved[3].endswith("截止 2026-01-20 → 2026-01-25")


def test_a_pack_without_a_calendar_lists_what_is_no_longer_due(tmp_path: Path) -> None:
    folder = pack_folder(tmp_path / "pack", "2026.2")
    (folder / "calendar.yaml").unlink()
    moved = [line for line in _diff(folder) if "截止日期" in line]
    assert moved and all(line.startswith("－ 删除截止日期") for line in moved)
    assert any("2026年度" in line and "2027-01-20 截止" in line for line in moved)
