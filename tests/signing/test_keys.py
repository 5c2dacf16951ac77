from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecodesk.signing.keys import (
    KeyAlreadyExists,
    KeyFileDamaged,
    KeyStore,
    NoSigningKey,
    WeakPassphrase,
    WrongPassphrase,
    fingerprint_of,
    group_fingerprint,
)
from ecodesk.signing.signature import sign_canonical, signature_matches
from tests.workbook.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("keys")
    key = KeyStore(folder).create(PASSPHRASE)
    return folder, key.fingerprint


def test_created_key_unlocks_and_signs_verifiably(made: tuple[Path, str]) -> None:
    folder, fingerprint = made
    keys = KeyStore(folder)
    key = keys.unlock(PASSPHRASE)
    assert key.fingerprint == fingerprint == keys.fingerprint() == fingerprint_of(key.public_key)
    block = sign_canonical(key, "数据".encode())
    assert signature_matches(block, "数据".encode())
    assert not signature_matches(block, "数据!".encode())


def test_wrong_passphrase_is_refused_in_chinese(made: tuple[Path, str]) -> None:
    with pytest.raises(WrongPassphrase) as exc:
        KeyStore(made[0]).unlock(PASSPHRASE + "x")
    assert "口令不正确" in str(exc.value)


def test_private_key_is_not_stored_in_clear(made: tuple[Path, str]) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    folder, _ = made
    key = KeyStore(folder).unlock(PASSPHRASE)
    raw = key._private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    import base64

    text = (folder / "keys" / "signing-key.json").read_bytes()
    assert raw not in text and base64.b64encode(raw) not in text
    doc = json.loads(text)
    assert doc["private_key"]["kdf"]["name"] == "scrypt"


@pytest.mark.real_kdf_cost
def test_passphrase_key_is_derived_at_a_memory_hard_cost(tmp_path: Path) -> None:
    """The program's own cost (tests elsewhere derive cheaply, see tests/conftest.py)."""
    KeyStore(tmp_path).create(PASSPHRASE)
    kdf = json.loads((tmp_path / "keys" / "signing-key.json").read_text())["private_key"]["kdf"]
    assert kdf["name"] == "scrypt" and kdf["n"] >= 2**16 and kdf["r"] >= 8
    assert KeyStore(tmp_path).unlock(PASSPHRASE).fingerprint


def test_second_create_refused_and_key_kept(made: tuple[Path, str]) -> None:
    folder, fingerprint = made
    with pytest.raises(KeyAlreadyExists) as exc:
        KeyStore(folder).create("another passphrase")
    assert group_fingerprint(fingerprint) in str(exc.value)
    assert KeyStore(folder).fingerprint() == fingerprint


def test_short_passphrase_refused_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphrase) as exc:
        KeyStore(tmp_path).create("short")
    assert "至少需要 8 个字符" in str(exc.value)
    assert not KeyStore(tmp_path).has_key()


def test_no_key_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(NoSigningKey) as exc:
        KeyStore(tmp_path).unlock(PASSPHRASE)
    assert "第一次签名导出时会创建密钥" in str(exc.value)


def test_swapped_public_key_in_key_file_is_detected(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.create(PASSPHRASE)
    other = KeyStore(tmp_path / "other")
    other.create(PASSPHRASE)
    doc = json.loads(keys.path.read_text())
    theirs = json.loads(other.path.read_text())
    doc["public_key"], doc["fingerprint"] = theirs["public_key"], theirs["fingerprint"]
    keys.path.write_text(json.dumps(doc))
    # The public key is bound into the encryption, so a swapped one does not decrypt.
    with pytest.raises((WrongPassphrase, KeyFileDamaged)):
        keys.unlock(PASSPHRASE)


def test_garbage_key_file_is_reported_as_damaged(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.dir.mkdir(parents=True)
    keys.path.write_text("{not json")
    with pytest.raises(KeyFileDamaged) as exc:
        keys.unlock(PASSPHRASE)
    assert "已损坏" in str(exc.value)


def test_replace_retires_old_key_and_needs_its_passphrase(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    old = keys.create(PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        keys.replace("new passphrase 2", old_passphrase="not the one")
    assert keys.fingerprint() == old.fingerprint  # a failed replacement changes nothing
    new = keys.replace("new passphrase 2", old_passphrase=PASSPHRASE)
    assert new.fingerprint != old.fingerprint == keys.retired()[0].fingerprint
    assert keys.retired()[0].retired is not None
    assert keys.unlock("new passphrase 2").fingerprint == new.fingerprint
    with pytest.raises(WrongPassphrase):
        keys.unlock(PASSPHRASE)
