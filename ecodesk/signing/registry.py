"""The key registry: a folder of registration files the level above keeps and controls.

A registration file (``<unit code>-<first 16 fingerprint digits>.ecodesk-key.json``) is UTF-8
JSON::

    {
      "format": "ecodesk-key-registration", "version": 1,
      "unit_code": "360730", "unit_name": "宁都县", "department": "县林业局",
      "algorithm": "Ed25519",
      "public_key": "<32 raw bytes, base64>",
      "fingerprint": "<SHA-256 of the raw public key, 64 hex digits>",
      "created": "<when the key was made, ISO 8601>",
      "registered": "<when this file was written, ISO 8601>",
      "status": "active" | "retired",
      "retired": null | "<when the unit replaced the key>"
    }

A unit may have several files: when it replaces its key, the old key's file stays (marked
retired when the unit sends the updated set), so workbooks it signed before still verify.
The file is named by fingerprint, so dropping a newer copy into the folder just updates it.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ecodesk import clock
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.signing.keys import ALGORITHM, KeyStore, PublicKeyInfo, fingerprint_of
from ecodesk.submission import unit_name

log = logging.getLogger(__name__)

REGISTRATION_FORMAT = "ecodesk-key-registration"
SUFFIX = ".ecodesk-key.json"
MAX_REGISTRATION_BYTES = 64 * 1024


class RegistryMissing(EcoDeskError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            tr(
                "signing",
                "密钥登记文件夹 {path} 不存在。请指定存放各单位密钥登记文件（*{suffix}）的文件夹。",
                path=path,
                suffix=SUFFIX,
            )
        )


@dataclass(frozen=True)
class Registration:
    unit_code: str
    unit_name: str
    department: str
    public_key: bytes
    fingerprint: str
    created: str
    registered: str
    status: Literal["active", "retired"]
    retired: str | None
    path: Path | None = None

    @property
    def display_unit(self) -> str:
        return f"{unit_name(self.unit_name, self.department)}（{self.unit_code}）"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REGISTRATION_FORMAT,
            "version": 1,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "department": self.department,
            "algorithm": ALGORITHM,
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "fingerprint": self.fingerprint,
            "created": self.created,
            "registered": self.registered,
            "status": self.status,
            "retired": self.retired,
        }

    @property
    def file_name(self) -> str:
        return registration_file_name(self.unit_code, self.fingerprint)


def registration_file_name(unit_code: str, fingerprint: str) -> str:
    return f"{unit_code}-{fingerprint[:16]}{SUFFIX}"


class BadRegistration(ValueError):
    pass


def parse_registration(text: str, path: Path | None = None) -> Registration:
    """Check one registration file's content; raises :class:`BadRegistration` (for the log)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRegistration(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != REGISTRATION_FORMAT:
        raise BadRegistration("not an EcoDesk key registration")
    if doc.get("algorithm") != ALGORITHM:
        raise BadRegistration(f"unsupported algorithm {doc.get('algorithm')!r}")
    try:
        public = base64.b64decode(str(doc["public_key"]).encode("ascii"), validate=True)
        fields = {
            k: doc[k] for k in ("unit_code", "unit_name", "department", "fingerprint", "created")
        }
    except (KeyError, ValueError) as exc:
        raise BadRegistration(f"missing or malformed field: {exc}") from None
    if len(public) != 32 or fingerprint_of(public) != fields["fingerprint"]:
        raise BadRegistration("fingerprint does not match the public key")
    status = doc.get("status", "active")
    if status not in ("active", "retired"):
        raise BadRegistration(f"unknown status {status!r}")
    return Registration(
        unit_code=str(fields["unit_code"]),
        unit_name=str(fields["unit_name"]),
        department=str(fields["department"]),
        public_key=public,
        fingerprint=fields["fingerprint"],
        created=str(fields["created"]),
        registered=str(doc.get("registered", "")),
        status=status,
        retired=doc.get("retired") or None,
        path=path,
    )


class KeyRegistry:
    """All registrations found in a folder (sub-folders included, one per county is common)."""

    def __init__(self, registrations: list[Registration], skipped: list[str]) -> None:
        self.registrations = registrations
        self.skipped = skipped  # files that were not valid registrations, for the details

    @classmethod
    def load(cls, directory: Path) -> KeyRegistry:
        directory = Path(directory)
        if not directory.is_dir():
            raise RegistryMissing(directory)
        found: list[Registration] = []
        skipped: list[str] = []
        for path in sorted(directory.rglob(f"*{SUFFIX}")):
            try:
                if path.stat().st_size > MAX_REGISTRATION_BYTES:
                    raise BadRegistration("too large")
                found.append(parse_registration(path.read_text(encoding="utf-8"), path))
            except (OSError, UnicodeDecodeError, BadRegistration) as exc:
                log.warning("skipping registration %s: %s", path, exc)
                skipped.append(path.name)
        return cls(found, skipped)

    def by_fingerprint(self, fingerprint: str) -> list[Registration]:
        return [r for r in self.registrations if r.fingerprint == fingerprint]


def _registration_of(info: PublicKeyInfo, unit: Any, *, registered: str) -> Registration:
    return Registration(
        unit_code=unit.division_code,
        unit_name=unit.division_name,
        department=unit.department,
        public_key=info.public_key,
        fingerprint=info.fingerprint,
        created=info.created.isoformat(),
        registered=registered,
        status="retired" if info.retired else "active",
        retired=info.retired.isoformat() if info.retired else None,
    )


def registrations_for(keys: KeyStore, unit: Any) -> list[Registration]:
    """The active key's registration first, then every retired key's."""
    now = clock.now().isoformat()
    regs = [_registration_of(keys.info(), unit, registered=now)]
    regs += [_registration_of(info, unit, registered=now) for info in keys.retired()]
    return regs


def write_registrations(keys: KeyStore, out_dir: Path, unit: Any, *, force: bool = True) -> Path:
    """Write the active key's registration file (and retired keys') into ``out_dir``.

    Returns the active key's file: the one the unit sends up with the printed sheet. Without
    ``force`` nothing is written when one of the files exists already.
    """
    from ecodesk.output import OutputExists, OutputFile
    from ecodesk.storage import storage_error

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, out_dir) from None
    regs = registrations_for(keys, unit)
    if not force:
        for reg in regs:
            if (out_dir / reg.file_name).exists():
                raise OutputExists(out_dir / reg.file_name)
    for reg in regs:
        with OutputFile(out_dir / reg.file_name, force=force) as output:
            output.tmp.write_text(
                json.dumps(reg.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        log.info("wrote key registration %s", output.path)
    return out_dir / regs[0].file_name
