"""Whose signature a form pack must carry: the city's key, anchored in the program.

**The anchor.** The program ships the city's pack-signing *public* key in
``ecodesk/packs/city-anchor.json`` (its fingerprint is printed in the README and the About
dialog, so a clerk can compare it with the city's notice). Only a pack signed by the anchor's
key installs.

**The city's private key** never enters the repository or a county PC. The city creates it
once with ``ecodesk pack keygen --out DIR`` on the office's offline signing PC (or a USB stick
kept in the safe): the key file is sealed under a passphrase exactly like a unit's signing key
(scrypt + AES-GCM, :mod:`ecodesk.signing.keys`), and the public half ``city-anchor.json`` is
what the next program release ships. ``ecodesk pack sign FILE --key DIR`` asks for the
passphrase as every other signing command does (``ECODESK_PASSPHRASE`` or the terminal).

**Rotation.** A pack signed by the current anchor can name a new key (``pack sign
--new-anchor``). Installing it records the signed manifest as a *rotation record* in the data
folder; the trusted key is then recomputed at every use by walking the records from the shipped
anchor, each verified with the key before it. A record someone wrote into the data folder by hand
verifies against nothing and is ignored, so the data folder cannot introduce a key of its own.
Trust only moves forward: undoing an install keeps the rotation.

**Tests** make their own city keys and pass the anchor explicitly (every function here takes
it); for the command line they replace :data:`SHIPPED_ANCHOR_FILE` inside the test process
(pytest's ``monkeypatch``). There is no environment variable or option for it: a county PC has
no way to trust another key than the one its program ships.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.packs.bundle import PackFile, PackRefused
from ecodesk.signing.keys import ALGORITHM, fingerprint_of, group_fingerprint

log = logging.getLogger(__name__)

ANCHOR_FORMAT = "ecodesk-pack-anchor/1"
ROTATION_FORMAT = "ecodesk-pack-rotation/1"
SHIPPED_ANCHOR_FILE = Path(__file__).resolve().parent / "city-anchor.json"


class PackUnsigned(PackRefused):
    def __init__(self, name: str) -> None:
        super().__init__(
            tr(
                "packs",
                "表单包 {name} 没有签名，不能安装，没有作任何更改。只能安装市里签名下发的表单包。",
                name=name,
            )
        )


class PackTampered(PackRefused):
    def __init__(self, name: str) -> None:
        super().__init__(
            tr(
                "packs",
                "表单包 {name} 的签名不符：文件在签名后被改动过，不能安装，没有作任何更改。"
                "请向市里索取原文件。",
                name=name,
            )
        )


class PackWrongKey(PackRefused):
    def __init__(self, name: str, fingerprint: str, anchor: str) -> None:
        super().__init__(
            tr(
                "packs",
                "表单包 {name} 不是用市里的表单包密钥签名的（签名指纹 {fp}，本程序认可的指纹 {anchor}），"
                "不能安装，没有作任何更改。",
                name=name,
                fp=group_fingerprint(fingerprint)[:19],
                anchor=group_fingerprint(anchor)[:19],
            )
        )


class AnchorDamaged(EcoDeskError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            tr(
                "packs",
                "表单包信任密钥文件 {path} 无法读取，请重新安装程序。",
                path=path,
            )
        )


@dataclass(frozen=True)
class Anchor:
    """A public key packs must be signed with."""

    public_key: bytes
    name: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key)


def anchor_document(public_key: bytes, name: str) -> dict[str, str]:
    return {
        "format": ANCHOR_FORMAT,
        "algorithm": ALGORITHM,
        "name": name,
        "public_key": base64.b64encode(public_key).decode("ascii"),
        "fingerprint": fingerprint_of(public_key),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def read_anchor(path: Path) -> Anchor:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        public = base64.b64decode(str(doc["public_key"]), validate=True)
        if doc.get("format") != ANCHOR_FORMAT or len(public) != 32:
            raise ValueError("format")
        if doc.get("fingerprint") != fingerprint_of(public):
            raise ValueError("fingerprint")
        return Anchor(public, str(doc.get("name", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("pack anchor %s unreadable: %r", path, exc)
        raise AnchorDamaged(Path(path)) from None


def shipped_anchor() -> Anchor:
    """The city's key as this program release knows it."""
    return read_anchor(SHIPPED_ANCHOR_FILE)


def _signature_holds(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_pack(pack_file: PackFile, anchor: Anchor) -> None:
    """Refuse ``pack_file`` unless the anchor's key signed exactly its manifest.

    The manifest pins every file by SHA-256 and :func:`~ecodesk.packs.bundle.read_pack_file`
    already matched them, so a good signature covers every byte of the pack's YAML.
    """
    name = pack_file.path.name
    sig = pack_file.signature
    if sig is None:
        raise PackUnsigned(name)
    if sig.algorithm != ALGORITHM or len(sig.public_key) != 32:
        raise PackTampered(name)
    if sig.public_key != anchor.public_key:
        raise PackWrongKey(name, fingerprint_of(sig.public_key), anchor.fingerprint)
    if not _signature_holds(anchor.public_key, sig.signature, pack_file.manifest_bytes):
        raise PackTampered(name)


# ---------------------------------------------------------------------------- rotation


def rotation_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "packs" / "rotations"


def record_rotation(data_dir: Path, pack_file: PackFile) -> Path:
    """Keep the signed manifest that names the new key, so the chain can be re-verified."""
    from ecodesk.signing.keys import _write_json

    assert pack_file.signature is not None and pack_file.manifest.new_anchor is not None
    folder = rotation_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    n = len(list(folder.glob("*.json"))) + 1
    path = folder / f"{n:03d}-{fingerprint_of(pack_file.manifest.new_anchor)[:16]}.json"
    _write_json(
        path,
        {
            "format": ROTATION_FORMAT,
            "manifest": base64.b64encode(pack_file.manifest_bytes).decode("ascii"),
            "signed_by": base64.b64encode(pack_file.signature.public_key).decode("ascii"),
            "signature": base64.b64encode(pack_file.signature.signature).decode("ascii"),
        },
    )
    log.info("pack anchor rotated to %s", fingerprint_of(pack_file.manifest.new_anchor))
    return path


def current_anchor(data_dir: Path | None, shipped: Anchor) -> Anchor:
    """The key packs must now carry: the shipped anchor, moved along every rotation record
    that the key before it signed. Records that do not verify are skipped (and logged)."""
    anchor = shipped
    if data_dir is None:
        return anchor
    folder = rotation_dir(data_dir)
    if not folder.is_dir():
        return anchor
    for path in sorted(folder.glob("*.json"))[:100]:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            manifest = base64.b64decode(doc["manifest"], validate=True)
            signed_by = base64.b64decode(doc["signed_by"], validate=True)
            signature = base64.b64decode(doc["signature"], validate=True)
            new = json.loads(manifest.decode("utf-8"))["new_anchor"]
            new_key = base64.b64decode(new["public_key"], validate=True)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("rotation record %s unreadable, ignored: %r", path, exc)
            continue
        if signed_by != anchor.public_key or not _signature_holds(
            anchor.public_key, signature, manifest
        ):
            log.warning("rotation record %s not signed by the current anchor, ignored", path)
            continue
        if len(new_key) == 32:
            anchor = Anchor(new_key, anchor.name)
    return anchor
