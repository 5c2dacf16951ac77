"""The city rotates its pack key: a pack signed by the old key names the new one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecodesk.packs.installed import active_pack, commit_install, prepare_install
from ecodesk.packs.trust import PackWrongKey, current_anchor
from tests.packs.helpers import anchor_of, city_key, pack_folder, signed_pack


def test_a_rotated_city_key(data_dir: Path, tmp_path: Path) -> None:
    old, new = city_key(tmp_path / "old"), city_key(tmp_path / "new")
    shipped = anchor_of(old)
    rotation = tmp_path / "2026.2.ecodesk-pack"
    signed_pack(pack_folder(tmp_path / "p2", "2026.2"), rotation, old, new_anchor=new.public_key)
    plan = prepare_install(data_dir, rotation, shipped)
    assert plan.rotates_anchor
    commit_install(plan)
    assert current_anchor(data_dir, shipped).public_key == new.public_key

    # from now on the old key is refused, the new one accepted
    by_old = tmp_path / "2026.3-old.ecodesk-pack"
    signed_pack(pack_folder(tmp_path / "p3", "2026.3"), by_old, old)
    with pytest.raises(PackWrongKey):
        prepare_install(data_dir, by_old, shipped)
    by_new = tmp_path / "2026.3.ecodesk-pack"
    signed_pack(pack_folder(tmp_path / "p3b", "2026.3"), by_new, new)
    commit_install(prepare_install(data_dir, by_new, shipped))
    assert active_pack(data_dir, shipped).version == "2026.3"


def test_a_rotation_record_written_by_hand_is_ignored(data_dir: Path, tmp_path: Path) -> None:
    """The data folder cannot bring in a key: a record not signed along the chain is skipped."""
    city, intruder = city_key(tmp_path / "city"), city_key(tmp_path / "intruder")
    shipped = anchor_of(city)
    # the intruder signs a "rotation" to their own key with their own key
    forged = tmp_path / "forged.ecodesk-pack"
    signed_pack(
        pack_folder(tmp_path / "p", "2026.5"), forged, intruder, new_anchor=intruder.public_key
    )
    from ecodesk.packs.bundle import read_pack_file
    from ecodesk.packs.trust import record_rotation

    record_rotation(data_dir, read_pack_file(forged))
    assert current_anchor(data_dir, shipped).public_key == city.public_key
    with pytest.raises(PackWrongKey):
        prepare_install(data_dir, forged, shipped)
    # a record edited to claim the city signed it does not verify either
    record = next((data_dir / "packs" / "rotations").glob("*.json"))
    doc = json.loads(record.read_text(encoding="utf-8"))
    import base64

    doc["signed_by"] = base64.b64encode(city.public_key).decode("ascii")
    record.write_text(json.dumps(doc), encoding="utf-8")
    assert current_anchor(data_dir, shipped).public_key == city.public_key
