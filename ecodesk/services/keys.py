"""The unit's key as the level above sees it: registration file + printed registration sheet."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ecodesk.signing.keys import KeyStore
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
