"""The reporting unit's Ed25519 signing key, kept encrypted in the data folder.

Layout under ``<data_dir>/keys/``::

    signing-key.json        the active key: public key, fingerprint, creation time and the
                            private key sealed with AES-256-GCM under a key derived from the
                            passphrase by scrypt (parameters stored with it, so they can be
                            raised later without breaking old files)
    retired/<fp>.json       public half of every key this unit used before a replacement, so a
                            registration file can still be produced for it

Why scrypt + AES-GCM and not PKCS#8: cryptography's ``BestAvailableEncryption`` uses PBKDF2
with 2,048 iterations, far too cheap against guessing; the OpenSSH format's bcrypt KDF needs
the ``bcrypt`` package, which is not a dependency. scrypt with n=2**16, r=8 (64 MiB, ≈0.2 s)
makes each guess expensive in memory as well as time. The private key never leaves this
folder: a workbook carries only the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from ecodesk import clock
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)

ALGORITHM = "Ed25519"
PASSPHRASE_ENV = "ECODESK_PASSPHRASE"
MIN_PASSPHRASE_CHARS = 8
PASSPHRASE_FORM: Final = "NFC"  # Unicode normalisation of passphrases before key derivation
KEY_FILE = "signing-key.json"
KEY_FORMAT = "ecodesk-signing-key"

# scrypt cost: stored in every key file, so raising these later keeps old files readable.
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1


class KeyError_(EcoDeskError):
    """Base of signing-key problems (a name that does not shadow the builtin ``KeyError``)."""


class NoSigningKey(KeyError_):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "signing",
                "本单位还没有签名密钥。第一次签名导出时会创建密钥，请设置一个口令（至少 8 个字符）。",
            )
        )


class WrongPassphrase(KeyError_):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "signing",
                "签名口令不正确，密钥没有解锁。请检查口令（注意大小写和输入法全角/半角）后重试；"
                "如果口令确实遗忘，请用“更换密钥”重新生成密钥，并把新的密钥登记表报上级。",
            )
        )


class WeakPassphrase(KeyError_):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "signing",
                "签名口令太短：至少需要 {n} 个字符（空格不计）。请设置一个只有经办人知道、不易猜到的口令。",
                n=MIN_PASSPHRASE_CHARS,
            )
        )


class KeyAlreadyExists(KeyError_):
    def __init__(self, fingerprint: str) -> None:
        super().__init__(
            tr(
                "signing",
                "本单位已有签名密钥（指纹 {fp}）。如需更换，请使用“更换密钥”，旧密钥签署的工作簿仍可验证。",
                fp=group_fingerprint(fingerprint),
            )
        )


class KeyFileDamaged(KeyError_):
    def __init__(self, path: Path) -> None:
        super().__init__(
            tr(
                "signing",
                "签名密钥文件 {path} 已损坏，无法读取。请从备份恢复数据文件夹，或更换密钥并重新报上级登记。",
                path=path,
            )
        )


def fingerprint_of(public_key: bytes) -> str:
    """SHA-256 of the raw 32-byte public key, lower-case hex (64 digits)."""
    return hashlib.sha256(public_key).hexdigest()


def group_fingerprint(fingerprint: str, group: int = 4) -> str:
    """``a1b2c3d4…`` → ``A1B2 C3D4 …``: easy to read aloud and compare over the phone."""
    clean = "".join(ch for ch in fingerprint if ch.isalnum()).upper()
    return " ".join(clean[i : i + group] for i in range(0, len(clean), group))


def passphrase_from_env() -> str | None:
    """The passphrase scripts give in ``ECODESK_PASSPHRASE`` (``None`` when unset or empty)."""
    return os.environ.get(PASSPHRASE_ENV) or None


@dataclass(frozen=True)
class PublicKeyInfo:
    public_key: bytes
    fingerprint: str
    created: datetime
    retired: datetime | None = None

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")


class SigningKey:
    """An unlocked private key; lives only in memory for the length of one signing."""

    def __init__(self, private_key: Any, info: PublicKeyInfo) -> None:
        self._private_key = private_key
        self.info = info

    @property
    def public_key(self) -> bytes:
        return self.info.public_key

    @property
    def fingerprint(self) -> str:
        return self.info.fingerprint

    def sign(self, message: bytes) -> bytes:
        return bytes(self._private_key.sign(message))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _now() -> datetime:
    return clock.now()


class KeyStore:
    """The signing key of the unit whose data folder this is."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / "keys"
        self.path = self.dir / KEY_FILE
        self.retired_dir = self.dir / "retired"

    # ------------------------------------------------------------------ queries

    def has_key(self) -> bool:
        return self.path.is_file()

    def info(self) -> PublicKeyInfo:
        """The active key's public half (no passphrase needed)."""
        doc = self._read(self.path)
        return self._info_of(doc, self.path)

    def fingerprint(self) -> str:
        return self.info().fingerprint

    def retired(self) -> list[PublicKeyInfo]:
        """Keys this unit used before, oldest first."""
        if not self.retired_dir.is_dir():
            return []
        infos = [self._info_of(self._read(p), p) for p in sorted(self.retired_dir.glob("*.json"))]
        return sorted(infos, key=lambda i: i.created)

    # ------------------------------------------------------------------ actions

    def create(self, passphrase: str) -> SigningKey:
        """Generate a new key pair and seal it under ``passphrase``; refuses if one exists."""
        if self.has_key():
            raise KeyAlreadyExists(self.fingerprint())
        return self._generate_and_save(passphrase)

    def unlock(self, passphrase: str) -> SigningKey:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not self.has_key():
            raise NoSigningKey()
        doc = self._read(self.path)
        info = self._info_of(doc, self.path)
        try:
            sealed = doc["private_key"]
            kdf = sealed["kdf"]
            salt, cost = _unb64(kdf["salt"]), (int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
            nonce, ciphertext = _unb64(sealed["nonce"]), _unb64(sealed["ciphertext"])
            raw = None
            for candidate in _passphrase_forms(passphrase, sealed.get("passphrase_form")):
                try:
                    raw = AESGCM(_derive(candidate, salt, *cost)).decrypt(
                        nonce, ciphertext, info.public_key
                    )
                    break
                except InvalidTag:
                    continue
            if raw is None:
                raise InvalidTag()
        except InvalidTag:
            log.info("wrong passphrase for key %s", info.fingerprint)
            raise WrongPassphrase() from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.error("key file %s unreadable: %s", self.path, exc)
            raise KeyFileDamaged(self.path) from None
        private = Ed25519PrivateKey.from_private_bytes(raw)
        if _raw_public(private) != info.public_key:
            raise KeyFileDamaged(self.path)
        return SigningKey(private, info)

    def unlock_or_create(self, passphrase: str) -> SigningKey:
        """First signing creates the key with this passphrase; later ones unlock it."""
        if self.has_key():
            return self.unlock(passphrase)
        log.info("no signing key yet: creating one")
        return self._generate_and_save(passphrase)

    def replace(self, new_passphrase: str, *, old_passphrase: str | None) -> SigningKey:
        """Retire the active key (keeping its public half) and create a new one.

        ``old_passphrase=None`` is for a forgotten passphrase: the old key is simply dropped.
        Otherwise the old key must unlock first, so a passer-by cannot swap a unit's key.
        """
        _check_strength(new_passphrase)
        if self.has_key():
            old = self.info()
            if old_passphrase is not None:
                self.unlock(old_passphrase)
            self.retired_dir.mkdir(parents=True, exist_ok=True)
            record = {
                "format": "ecodesk-retired-key",
                "algorithm": ALGORITHM,
                "public_key": old.public_key_b64,
                "fingerprint": old.fingerprint,
                "created": old.created.isoformat(),
                "retired": _now().isoformat(),
            }
            _write_json(self.retired_dir / f"{old.fingerprint[:16]}.json", record)
            self.path.unlink()
            log.info("retired key %s", old.fingerprint)
        return self._generate_and_save(new_passphrase)

    def export_public(self, out_dir: Path, unit: Any, *, force: bool = True) -> Path:
        """Write the registration file(s) for ``unit`` into ``out_dir``; see :mod:`.registry`."""
        from ecodesk.signing.registry import write_registrations

        return write_registrations(self, Path(out_dir), unit, force=force)

    # ------------------------------------------------------------------ internals

    def _generate_and_save(self, passphrase: str) -> SigningKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
        )

        _check_strength(passphrase)
        private = Ed25519PrivateKey.generate()
        public = _raw_public(private)
        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        key = _derive(normalised(passphrase), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        # The public key is the associated data: swapping it in the file breaks decryption.
        ciphertext = AESGCM(key).encrypt(nonce, raw, public)
        info = PublicKeyInfo(public, fingerprint_of(public), _now())
        doc = {
            "format": KEY_FORMAT,
            "version": 1,
            "algorithm": ALGORITHM,
            "public_key": info.public_key_b64,
            "fingerprint": info.fingerprint,
            "created": info.created.isoformat(),
            "private_key": {
                "cipher": "AES-256-GCM",
                "kdf": {
                    "name": "scrypt",
                    "salt": _b64(salt),
                    "n": SCRYPT_N,
                    "r": SCRYPT_R,
                    "p": SCRYPT_P,
                },
                "nonce": _b64(nonce),
                "ciphertext": _b64(ciphertext),
                "passphrase_form": PASSPHRASE_FORM,
            },
        }
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_json(self.path, doc, private=True)
        log.info("created signing key %s", info.fingerprint)
        return SigningKey(private, info)

    def _read(self, path: Path) -> Mapping[str, Any]:
        if not path.is_file():
            raise NoSigningKey()
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.error("cannot read %s: %s", path, exc)
            raise KeyFileDamaged(path) from None
        if not isinstance(doc, dict):
            raise KeyFileDamaged(path)
        return doc

    def _info_of(self, doc: Mapping[str, Any], path: Path) -> PublicKeyInfo:
        try:
            public = _unb64(doc["public_key"])
            created = datetime.fromisoformat(doc["created"])
            retired = datetime.fromisoformat(doc["retired"]) if doc.get("retired") else None
        except (KeyError, TypeError, ValueError) as exc:
            log.error("key file %s malformed: %s", path, exc)
            raise KeyFileDamaged(path) from None
        if len(public) != 32 or doc.get("fingerprint") != fingerprint_of(public):
            raise KeyFileDamaged(path)
        return PublicKeyInfo(public, fingerprint_of(public), created, retired)


def _check_strength(passphrase: str) -> None:
    """At least :data:`MIN_PASSPHRASE_CHARS` characters that are not spaces: eight spaces
    (or "a" and seven spaces) are no secret."""
    if len("".join((passphrase or "").split())) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase()


def normalised(passphrase: str) -> str:
    """The passphrase as it is sealed: Unicode NFC.

    The same Chinese passphrase typed with two input methods (or on macOS, which hands out NFD)
    is two different strings of code points; NFC makes them one.
    """
    return unicodedata.normalize(PASSPHRASE_FORM, passphrase)


def _passphrase_forms(passphrase: str, sealed_form: str | None) -> list[str]:
    """The strings to try when unlocking. Keys sealed before normalisation (no
    ``passphrase_form`` in the file) were sealed with the passphrase exactly as typed then —
    which may have been NFC, NFD or neither — so those forms are all tried."""
    if sealed_form == PASSPHRASE_FORM:
        return [normalised(passphrase)]
    forms = [passphrase, normalised(passphrase), unicodedata.normalize("NFD", passphrase)]
    return list(dict.fromkeys(forms))


def _raw_public(private: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _write_json(path: Path, doc: Mapping[str, Any], *, private: bool = False) -> None:
    """Write atomically (a crash never leaves half a key file); owner-only when it holds a secret."""
    tmp = path.with_name(path.name + ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, flags, 0o600 if private else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
