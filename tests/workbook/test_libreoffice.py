"""A second, independent reader: LibreOffice opens, re-saves and prints what EcoDesk signed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ecodesk.services.verify import verify_workbook
from tests.workbook.helpers import new_key, register, submission, write

pytestmark = pytest.mark.skipif(
    shutil.which("libreoffice") is None, reason="LibreOffice not installed"
)


def _convert(src: Path, fmt: str, out_dir: Path) -> Path:
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{out_dir}/profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / f"{src.stem}.{fmt}"


def test_libreoffice_resave_unchanged_stays_valid_and_prints(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys, key = new_key(tmp_path / "unit")
    data = submission(pack, forms=("G", "1.1"))
    src = tmp_path / "signed.xlsx"
    write(pack, data, src, key)
    register(keys, data, tmp_path / "reg")

    resaved = _convert(src, "xlsx", tmp_path / "lo")
    result = verify_workbook(resaved, tmp_path / "reg")
    assert result.status == "valid", result.message + " / ".join(result.details)
    assert any("LibreOffice" in line for line in result.details)

    pdf = _convert(src, "pdf", tmp_path / "pdf")
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3  # cover + two forms, none of them lost
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert "推进情况报送表" in text and data.unit.division_name in text
