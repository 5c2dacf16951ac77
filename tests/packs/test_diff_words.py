"""How the diff names what changed: a rule by the start of its message, cut visibly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecodesk.forms.loader import bundled_pack, load_pack, read_pack_folder
from ecodesk.packs.diff import diff_packs
from tests.packs.helpers import edit_yaml, pack_folder


def test_a_changed_rule_is_named_by_its_message_cut_with_an_ellipsis(tmp_path: Path) -> None:
    folder = pack_folder(tmp_path / "pack", "2026.2")
    message = "本年推动转型升级的企业数不能大于2024年以来的累计数，请核对：累计数应包含本年数。"

    def reworded(d: dict[str, Any]) -> None:
        rule = next(r for r in d["rules"] if r["id"] == "year_within_cumulative")
        rule["message"] = message

    edit_yaml(folder / "1_1.yaml", reworded)
    old, new = bundled_pack(), load_pack(folder)
    diff = diff_packs(old, new, read_pack_folder(old.source), read_pack_folder(folder))
    [change] = [c for c in diff.changes if "year_within_cumulative" in c.subject]
    assert change.action == "changed"
    assert change.subject.endswith("year_within_cumulative " + message[:29] + "…")
    assert change.detail == f"新提示语：{message}"  # read in full before installing
