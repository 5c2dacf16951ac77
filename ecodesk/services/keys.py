"""The unit's key as the level above sees it: registration file + printed registration sheet."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.signing.keys import KeyStore
from ecodesk.signing.registry import (
    MAX_REGISTRATION_BYTES,
    SUFFIX,
    BadRegistration,
    KeyRegistry,
    Registration,
    parse_registration,
)
from ecodesk.submission import UnitProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublicKeyExport:
    registration: Path  # the active key's registration file
    sheet: Path  # the one-page PDF to sign, stamp and send with it
    fingerprint: str


def export_public_key(
    data_dir: Path, unit: UnitProfile, out_dir: Path, *, force: bool = True
) -> PublicKeyExport:
    """Write the registration file(s) and the key registration sheet into ``out_dir``.

    Without ``force`` nothing is written when any of these files exists already.
    """
    from ecodesk.output import OutputExists
    from ecodesk.report.keysheet import write_key_sheet
    from ecodesk.signing.registry import registration_file_name

    keys = KeyStore(data_dir)
    info = keys.info()
    sheet = out_dir / registration_file_name(unit.division_code, info.fingerprint).replace(
        ".ecodesk-key.json", "-密钥登记表.pdf"
    )
    if not force and sheet.exists():
        raise OutputExists(sheet)
    registration = keys.export_public(out_dir, unit, force=force)
    try:
        write_key_sheet(
            sheet,
            unit_code=unit.division_code,
            unit_name=unit.division_name,
            department=unit.department,
            fingerprint=info.fingerprint,
            public_key_b64=info.public_key_b64,
            created=info.created,
            force=force,
        )
    except BaseException:
        # the two travel together: a registration without its signed sheet is not sent alone
        registration.unlink(missing_ok=True)
        raise
    log.info("exported public key %s to %s", info.fingerprint, out_dir)
    return PublicKeyExport(registration, sheet, info.fingerprint)


@dataclass(frozen=True)
class RotatedKey:
    fingerprint: str  # the new key's
    retired: str | None  # the old key's, kept so that workbooks it signed still verify


def rotate_key(data_dir: Path, new_passphrase: str, *, old_passphrase: str | None) -> RotatedKey:
    """Replace the unit's signing key (``old_passphrase=None`` when it is forgotten). The new
    key must be registered with the level above again; the old one stays on record."""
    keys = KeyStore(data_dir)
    retired = keys.fingerprint() if keys.has_key() else None
    key = keys.replace(new_passphrase, old_passphrase=old_passphrase)
    log.info("signing key replaced: %s → %s", retired, key.fingerprint)
    return RotatedKey(key.fingerprint, retired)


# ---------------------------------------------------------------------- trust downwards

TRUSTED_DIR = "trusted"  # inside the data folder: the receivers whose feedback this unit accepts


class RegistrationRefused(EcoDeskError):
    """A file given to ``keys trust`` that is not a usable key registration."""


def trusted_registry_dir(data_dir: Path) -> Path:
    """The folder of the registrations this unit trusts (its receivers: county office, city)."""
    return Path(data_dir) / TRUSTED_DIR


def trusted_registry(data_dir: Path) -> KeyRegistry:
    """The registrations this unit trusts; empty when it has trusted nobody yet."""
    folder = trusted_registry_dir(data_dir)
    if not folder.is_dir():
        return KeyRegistry([], [])
    return KeyRegistry.load(folder)


def trust_registration(data_dir: Path, source: Path) -> Registration:
    """Check ``source`` (a receiver's ordinary registration file) and keep a copy in the trust folder.

    Nothing is written when the file is refused. A second copy of the same key replaces the
    first (the file is named by fingerprint).
    """
    source = Path(source)
    try:
        if source.stat().st_size > MAX_REGISTRATION_BYTES:
            raise BadRegistration("too large")
        registration = parse_registration(source.read_text(encoding="utf-8"), source)
    except FileNotFoundError:
        raise RegistrationRefused(tr("keys", "找不到密钥登记文件 {path}。", path=source)) from None
    except (OSError, UnicodeDecodeError, BadRegistration) as exc:
        log.info("refused registration %s: %s", source, exc)
        raise RegistrationRefused(
            tr(
                "keys",
                "{name} 不是有效的 EcoDesk 密钥登记文件（应为上级用“导出本单位密钥登记表”生成的 "
                "*{suffix} 文件），未登记。",
                name=source.name,
                suffix=SUFFIX,
            )
        ) from None
    folder = trusted_registry_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / registration.file_name
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(
        json.dumps(registration.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    os.replace(tmp, target)
    log.info("trusted %s key %s", registration.display_unit, registration.fingerprint)
    return registration
