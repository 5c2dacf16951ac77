from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecodesk.signing.keys import KeyStore
from ecodesk.signing.registry import SUFFIX, KeyRegistry, RegistryMissing, write_registrations
from ecodesk.submission import UnitProfile
from tests.workbook.helpers import PASSPHRASE

UNIT = UnitProfile("360730", "宁都县", "县林业局")


def test_registration_files_round_trip_with_retired_keys(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "data")
    old = keys.create(PASSPHRASE)
    new = keys.replace("new passphrase 2", old_passphrase=PASSPHRASE)
    active = write_registrations(keys, tmp_path / "reg", UNIT)
    assert active.name == f"360730-{new.fingerprint[:16]}{SUFFIX}"
    registry = KeyRegistry.load(tmp_path / "reg")
    (now,) = registry.by_fingerprint(new.fingerprint)
    (before,) = registry.by_fingerprint(old.fingerprint)
    assert now.status == "active" and before.status == "retired" and before.retired
    assert (
        now.unit_code == "360730"
        and now.department == "县林业局"
        and now.public_key == new.public_key
    )
    doc = json.loads(active.read_text(encoding="utf-8"))
    assert doc["unit_name"] == "宁都县" and doc["algorithm"] == "Ed25519" and doc["created"]


def test_bad_files_are_skipped_not_trusted(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "data")
    key = keys.create(PASSPHRASE)
    reg = tmp_path / "reg"
    path = write_registrations(keys, reg, UNIT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["fingerprint"] = "0" * 64  # claims another fingerprint for the same key
    (reg / f"forged{SUFFIX}").write_text(json.dumps(doc), encoding="utf-8")
    (reg / f"junk{SUFFIX}").write_text("not json", encoding="utf-8")
    registry = KeyRegistry.load(reg)
    assert sorted(registry.skipped) == [f"forged{SUFFIX}", f"junk{SUFFIX}"]
    assert registry.by_fingerprint("0" * 64) == []
    assert len(registry.by_fingerprint(key.fingerprint)) == 1


def test_missing_registry_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryMissing) as exc:
        KeyRegistry.load(tmp_path / "nowhere")
    assert "密钥登记文件夹" in str(exc.value)
