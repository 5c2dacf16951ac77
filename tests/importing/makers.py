"""Files the import tests make: filled templates, hostile files, and real signed workbooks."""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecodesk.forms.loader import FormPack, InputField
from ecodesk.submission import Period, SubmissionData, UnitProfile

COUNTY = "360730"  # 宁都县
LAST_YEAR = Period(2025)
OTHER_COUNTY = "360731"  # 于都县
PASSPHRASE = "赣南苏区绿色发展2025"
SIGNED_FORMS = ("G", "1.1", "2.1")


def set_cached_values(path: Path, sheet_part: str, cached: dict[str, str]) -> None:
    """Give formula cells a cached result, as Excel/WPS save them (openpyxl cannot write one)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == sheet_part:
                xml = data.decode("utf-8")
                for ref, value in cached.items():
                    xml, n = re.subn(
                        rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/>', rf"\g<1><v>{value}</v>", xml
                    )
                    assert n == 1, ref
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    tmp.replace(path)


def replace_part(path: Path, out: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == part else src.read(info))
    return out


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def entity_bomb(template: Path, out: Path) -> Path:
    return replace_part(template, out, "xl/worksheets/sheet1.xml", BILLION_LAUGHS)


def zip_bomb(out: Path, megabytes: int = 20) -> Path:
    """A valid-looking xlsx whose one member is megabytes of zeros (compresses ~1000:1)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (megabytes * 1024 * 1024))
    return out


def declared_huge(template: Path, out: Path, size: int = 3 * 1024**3) -> Path:
    """A copy whose central directory claims one member unpacks to ``size`` bytes (never true)."""
    data = bytearray(template.read_bytes())
    pos = data.find(b"PK\x01\x02")
    assert pos >= 0
    struct.pack_into("<I", data, pos + 24, min(size, 0xFFFFFFFE))
    out.write_bytes(bytes(data))
    return out


def fake_encrypted(out: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file with EncryptionInfo."""
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    body += (
        "EncryptionInfo".encode("utf-16-le") + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le")
    )
    out.write_bytes(body + b"\0" * 2048)
    return out


def fake_xls(out: Path) -> Path:
    out.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "Workbook".encode("utf-16-le")
        + b"\0" * 2048
    )
    return out


def truncated(template: Path, out: Path) -> Path:
    data = template.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


def field_where(pack: FormPack, predicate, division: str = COUNTY) -> InputField:  # type: ignore[no-untyped-def]
    """The first field of the pack reported by ``division`` that fits ``predicate`` (pack grows; never hard-coded)."""
    for field in pack.all_input_fields(division):
        if predicate(field):
            return field
    pytest.fail("the pack has no field of the kind this test needs")


# ------------------------------------------------------------------------------ signed workbooks


@dataclass(frozen=True)
class SignedFile:
    path: Path
    registry: Path  # a folder where the signer's key is registered
    empty_registry: Path  # a folder with no registration
    wrong_registry: Path  # the signer's key registered to another unit
    data: SubmissionData
    profile: UnitProfile


def make_signed_workbook(
    root: Path, division: str = COUNTY, period: Period = LAST_YEAR
) -> SignedFile:
    from ecodesk.demo import sample_profile, sample_submission
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.services.export import export_submission
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.store import Store

    pack = bundled_pack()
    signer_dir = root / f"signer-{division}"
    signer_dir.mkdir(parents=True)
    profile = sample_profile(pack, division)
    data = sample_submission(pack, division, period)
    # A few forms keep the workbook small and the tests fast; 1.1 has a table with ongoing rows.
    forms = [f for f in pack.forms if f in SIGNED_FORMS]
    data.forms = forms
    data.values = {k: v for k, v in data.values.items() if k.partition(":")[0] in forms}
    data.narratives = {k: v for k, v in data.narratives.items() if k.partition(":")[0] in forms}
    data.tables = {k: v for k, v in data.tables.items() if k.partition(":")[0] in forms}
    with Store.open(signer_dir) as store:
        store.save_profile(profile)
        store.set_responsible_forms(forms)
        store.write_submission(data)
        out = export_submission(
            store,
            period,
            root / f"{division}-{period}.xlsx",
            passphrase=PASSPHRASE,
            late_reason="补报上年数据",  # last year is past its due date
        )
    registry = root / "registry"
    write_registrations(KeyStore(signer_dir), registry, profile)
    wrong = root / "wrong-registry"
    write_registrations(KeyStore(signer_dir), wrong, sample_profile(pack, OTHER_COUNTY))
    empty = root / "empty-registry"
    empty.mkdir(exist_ok=True)
    shutil.rmtree(signer_dir)  # only the file and the registration leave the signer's machine
    return SignedFile(
        path=out.path,
        registry=registry,
        empty_registry=empty,
        wrong_registry=wrong,
        data=data,
        profile=profile,
    )


def tampered_copy(signed: Path, out: Path, pack: FormPack) -> Path:
    """Change one visible figure the way someone would in Excel."""
    from openpyxl import load_workbook

    wb = load_workbook(signed)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title.startswith("封面"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if (
                    isinstance(cell.value, (int, float))
                    and not isinstance(cell.value, bool)
                    and cell.value > 1
                ):
                    cell.value = cell.value + 1000
                    wb.save(out)
                    return out
    pytest.fail("no visible number to tamper with")
