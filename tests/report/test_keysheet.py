from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ecodesk.report.keysheet import key_registration_payload, write_key_sheet
from ecodesk.report.output import ReportLayoutError
from ecodesk.report.qr import parse_qr_payload
from ecodesk.storage import StorageError
from tests.report.pdfcheck import STANDARD_14, fontfile2_present, fonts, page_sizes_mm, page_texts

FINGERPRINT = "3f9ac01b77e2d4a5968b0c1de2f3a4b5c6d7e8f9012345678abcdef012345678"
PUBLIC_KEY = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="


def _write(path: Path) -> Path:
    return write_key_sheet(
        path,
        unit_code="360730",
        unit_name="宁都县",
        department="林业局",
        fingerprint=FINGERPRINT,
        public_key_b64=PUBLIC_KEY,
        created=date(2026, 11, 29),
    )


def test_one_a4_page_with_unit_fingerprint_key_and_signature_places(tmp_path: Path) -> None:
    out = _write(tmp_path / "key.pdf")

    assert page_sizes_mm(out) == [(210, 297)]
    text = page_texts(out)[0]
    for expected in (
        "签名公钥登记表",
        "宁都县",
        "林业局",
        "360730",
        "2026年11月29日",
        PUBLIC_KEY,
        "单位负责人",
        "单位盖章",
        "接收单位",
    ):
        assert expected in text, expected
    # The fingerprint appears in 4-digit groups, all of it, in order.
    flat = "".join(ch for ch in text if ch.isalnum())
    assert FINGERPRINT.upper() in flat.upper()
    assert "3F9A C01B 77E2 D4A5" in text


def test_font_is_embedded_as_a_truetype_subset(tmp_path: Path) -> None:
    out = _write(tmp_path / "key.pdf")

    assert fontfile2_present(out)
    for font in fonts(out):
        assert font.embedded or font.base_font in STANDARD_14, font
    cjk = [f for f in fonts(out) if "WenQuanYi" in f.base_font]
    assert cjk and all(f.is_subset and f.embedded for f in cjk)


def test_qr_payload_carries_the_registration_data() -> None:
    payload = key_registration_payload(
        unit_code="360730",
        unit_name="宁都县",
        department="林业局",
        fingerprint=FINGERPRINT,
        public_key_b64=PUBLIC_KEY,
        created="2026-11-29",
    )
    kind, fields = parse_qr_payload(payload)
    assert kind == "key"
    assert fields["unit"] == "360730"
    assert fields["fingerprint"] == FINGERPRINT
    assert fields["key"] == PUBLIC_KEY
    assert fields["dept"] == "林业局"


def test_missing_folder_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="不存在"):
        _write(tmp_path / "no-such-folder" / "key.pdf")


def test_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "key.pdf"
    out.write_bytes(b"%PDF-previous")
    with pytest.raises(ReportLayoutError, match="二维码"):
        write_key_sheet(  # a "key" no QR code can carry
            out,
            unit_code="360730",
            unit_name="宁都县",
            department="林业局",
            fingerprint=FINGERPRINT,
            public_key_b64="A" * 60_000,
            created="2026-11-29",
        )
    assert out.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pdf"]
