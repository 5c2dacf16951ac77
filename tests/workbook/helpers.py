"""Builders shared by the signing, workbook and verification tests: real keys, real files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ecodesk.forms.loader import FormPack
from ecodesk.signing.canonical import ExportMeta
from ecodesk.signing.keys import KeyStore, SigningKey
from ecodesk.signing.registry import write_registrations
from ecodesk.submission import Period, SubmissionData
from ecodesk.workbook.writer import WrittenWorkbook, write_signed_workbook

PASSPHRASE = "correct horse battery"
PERIOD = Period(2026)
META = ExportMeta(datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "0.1.0-test")


def submission(
    pack: FormPack,
    forms: tuple[str, ...] | None = ("1.1",),
    division: str = "360730",
    period: Period = PERIOD,
) -> SubmissionData:
    """The sample generator's plausible data, cut down to ``forms`` (all when None) to stay fast."""
    from ecodesk.demo import sample_submission

    data = sample_submission(pack, division, period)
    if forms is None:
        return data
    keep = lambda key: key.partition(":")[0] in forms  # noqa: E731
    data.forms = [f for f in data.forms if f in forms]
    data.values = {k: v for k, v in data.values.items() if keep(k)}
    data.previous = {k: v for k, v in data.previous.items() if keep(k)}
    data.narratives = {k: v for k, v in data.narratives.items() if keep(k)}
    data.tables = {k: v for k, v in data.tables.items() if keep(k)}
    data.accepted = [a for a in data.accepted if a.form in forms]
    return data


def new_key(folder: Path) -> tuple[KeyStore, SigningKey]:
    keys = KeyStore(folder)
    return keys, keys.create(PASSPHRASE)


def write(pack: FormPack, data: SubmissionData, path: Path, key: SigningKey) -> WrittenWorkbook:
    return write_signed_workbook(pack, data, path, key=key, meta=META)


def register(keys: KeyStore, data: SubmissionData, registry: Path, **unit_changes: str) -> Path:
    return write_registrations(keys, registry, replace(data.unit, **unit_changes))


def rewrite_member(src: Path, dst: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Copy an xlsx, changing one part's bytes: what a tamperer with a zip tool does."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = change(data)
            zout.writestr(info, data)
    dst.write_bytes(out.getvalue())


def sheet_member(path: Path, title: str) -> str:
    """The zip member holding the sheet called ``title``."""
    import re

    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{re.escape(title)}"[^>]*r:id="(rId\d+)"', workbook)
    if rid is None:
        rid = re.search(rf'<sheet[^>]*r:id="(rId\d+)"[^>]*name="{re.escape(title)}"', workbook)
    assert rid, title
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"
