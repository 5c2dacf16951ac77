"""Real packs for the tests: a copy of the program's pack folder, edited, built, signed with a
city key the test makes itself (the real city key is never in the repository)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ecodesk.forms.loader import PACK_DIR
from ecodesk.packs.bundle import PackFile, build_pack_file, sign_pack_file
from ecodesk.packs.trust import Anchor
from ecodesk.signing.keys import KeyStore, SigningKey

CITY_PASSPHRASE = "city pack key 2026"
SECOND_PLAN = Path(__file__).resolve().parent / "data" / "second_plan"


def city_key(folder: Path) -> SigningKey:
    return KeyStore(folder).create(CITY_PASSPHRASE)


def anchor_of(key: SigningKey) -> Anchor:
    return Anchor(key.public_key, "test city")


def pack_folder(target: Path, version: str, source: Path = PACK_DIR) -> Path:
    shutil.copytree(source, target)
    edit_yaml(target / "pack.yaml", lambda d: d.update(version=version))
    return target


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["code"] == code)


def signed_pack(folder: Path, out: Path, key: SigningKey | None, **sign: Any) -> PackFile:
    built = build_pack_file(folder, out)
    return sign_pack_file(out, key, **sign) if key is not None else built


def next_version_folder(target: Path) -> Path:
    """2026.2 of the city's pack: one target raised, one indicator renamed, one removed, one added."""
    folder = pack_folder(target, "2026.2")

    def change(d: dict[str, Any]) -> None:
        indicator(d, "upgraded_firms")["target"]["value"] = 2500
        indicator(d, "digital_transform_firms")["code"] = "digital_firms"
        d["indicators"] = [i for i in d["indicators"] if i["code"] != "blocked_projects"]
        d["indicators"].append(
            {
                "code": "green_upgrade_firms",
                "kind": "number",
                "name": "本年绿色化改造企业数",
                "unit": "家",
                "integer": True,
                "decimals": 0,
                "scope": "annual",
                "required": False,
            }
        )

    edit_yaml(folder / "1_1.yaml", change)
    edit_yaml(
        folder / "pack.yaml",
        lambda d: d.update(renamed={"1.1:digital_transform_firms": "1.1:digital_firms"}),
    )
    return folder
