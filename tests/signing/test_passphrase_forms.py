"""Issue 20 (10): blank passphrases refused; passphrases Unicode-normalised, old keys still open."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from ecodesk.signing.keys import KeyStore, WeakPassphrase, WrongPassphrase

CHINESE = "赣州生态文明建设高地ǎé"  # ǎ, é: NFC and NFD differ
NFC = unicodedata.normalize("NFC", CHINESE)
NFD = unicodedata.normalize("NFD", CHINESE)


def test_the_two_forms_really_differ() -> None:
    assert NFC != NFD and NFC.encode() != NFD.encode()


@pytest.mark.parametrize("blank", [" " * 8, "\u3000" * 8, "\t \n" * 4, "a       ", " a b c d "])
def test_a_passphrase_of_spaces_is_refused(tmp_path: Path, blank: str) -> None:
    keys = KeyStore(tmp_path)
    with pytest.raises(WeakPassphrase, match="空格不计"):
        keys.create(blank)
    assert not keys.has_key()


def test_a_new_key_opens_with_either_form(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    made = keys.create(NFD)  # typed on a machine that hands out decomposed characters
    assert keys.unlock(NFC).fingerprint == made.fingerprint
    assert keys.unlock(NFD).fingerprint == made.fingerprint
    with pytest.raises(WrongPassphrase):
        keys.unlock(NFC + "x")


def _reseal_as_before_normalisation(keys: KeyStore, passphrase: str) -> None:
    """Rewrite the key file as the program wrote it before issue 20: the private key sealed
    under the passphrase exactly as typed, and no ``passphrase_form`` field."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    doc = json.loads(keys.path.read_text(encoding="utf-8"))
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(
        Encoding.Raw,
        __import__(
            "cryptography.hazmat.primitives.serialization", fromlist=["PublicFormat"]
        ).PublicFormat.Raw,
    )
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    n, r, p = 2**14, 8, 1
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    doc["public_key"] = base64.b64encode(public).decode()
    doc["fingerprint"] = hashlib.sha256(public).hexdigest()
    doc["private_key"] = {
        "cipher": "AES-256-GCM",
        "kdf": {"name": "scrypt", "salt": base64.b64encode(salt).decode(), "n": n, "r": r, "p": p},
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(AESGCM(key).encrypt(nonce, raw, public)).decode(),
    }
    keys.path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("sealed_with", [NFD, NFC], ids=["sealed-NFD", "sealed-NFC"])
def test_a_key_sealed_before_normalisation_still_opens(tmp_path: Path, sealed_with: str) -> None:
    keys = KeyStore(tmp_path)
    keys.create(NFC)
    _reseal_as_before_normalisation(keys, sealed_with)
    fingerprint = keys.info().fingerprint
    assert keys.unlock(NFD).fingerprint == fingerprint
    assert keys.unlock(NFC).fingerprint == fingerprint
    with pytest.raises(WrongPassphrase):
        keys.unlock("完全不对的口令12345")
