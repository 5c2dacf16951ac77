"""A realistic next version of the city's form pack, for the demo, screenshots and README:
what a designer's 2026.2 might change (a target raised, an indicator added, one retired, a rule
reworded), built from a copy of the program's own pack folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from ecodesk.forms.loader import PACK_DIR


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["code"] == code)


def sample_pack_update(target: Path, version: str = "2026.2") -> Path:
    """Write the pack folder of ``version`` into ``target`` (which must not exist)."""
    shutil.copytree(PACK_DIR, target)
    _edit(target / "pack.yaml", lambda d: d.update(version=version, released="2026-12-10"))

    def task_1_1(d: dict[str, Any]) -> None:
        _indicator(d, "upgraded_firms")["target"]["value"] = 2200
        d["indicators"] = [i for i in d["indicators"] if i["code"] != "blocked_projects"]
        d["indicators"].append(
            {
                "code": "green_upgrade_firms",
                "kind": "number",
                "name": "本年实施绿色化改造的工业企业数",
                "unit": "家",
                "integer": True,
                "decimals": 0,
                "scope": "annual",
                "required": False,
                "help": "市里 2026 年新增：实施清洁生产、节能降碳等绿色化改造的工业企业数。",
            }
        )
        d["rules"][0]["message"] = "本年推动转型升级的企业数不能大于2024年以来的累计数，请核对。"

    _edit(target / "1_1.yaml", task_1_1)
    _edit(
        target / "G.yaml", lambda d: _indicator(d, "forest_coverage")["target"].update(value=76.5)
    )
    return target
