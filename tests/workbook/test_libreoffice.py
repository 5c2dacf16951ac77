"""A second, independent reader: LibreOffice opens, re-saves and prints what EcoDesk signed."""

from __future__ import annotations

from pathlib import Path

from ecodesk.services.verify import verify_workbook
from tests.libreoffice import convert
from tests.workbook.helpers import new_key, register, submission, write


def test_libreoffice_resave_unchanged_stays_valid_and_prints(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keys, key = new_key(tmp_path / "unit")
    data = submission(pack, forms=("G", "1.1"))
    src = tmp_path / "signed.xlsx"
    write(pack, data, src, key)
    register(keys, data, tmp_path / "reg")

    resaved = convert(src, "xlsx", tmp_path / "lo")
    result = verify_workbook(resaved, tmp_path / "reg")
    assert result.status == "valid", result.message + " / ".join(result.details)
    assert any("LibreOffice" in line for line in result.details)

    pdf = convert(src, "pdf", tmp_path / "pdf")
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3  # cover + two forms, none of them lost
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert "推进情况报送表" in text and data.unit.division_name in text


def test_a_text_of_the_full_cell_limit_survives_a_libreoffice_resave(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The longest text the form accepts (32,767, Excel's cell limit) is not cut on re-save."""
    from ecodesk.forms.rules import check_submission
    from ecodesk.forms.schema import CELL_TEXT_LIMIT

    keys, key = new_key(tmp_path / "unit")
    data = submission(pack, forms=("1.1",))
    spec, column = next(
        (t, c)
        for t in pack.tables("1.1", data.unit.division_code)
        for c in t.columns
        if c.type == "text"
    )
    rows = data.tables.setdefault(f"1.1:{spec.code}", [])
    if not rows:
        rows.append({c.code: "" for c in spec.columns})
    rows[0][column.code] = ("生态文明" * CELL_TEXT_LIMIT)[:CELL_TEXT_LIMIT]
    assert not [p for p in check_submission(pack, data) if p.id.startswith("length:")]
    src = tmp_path / "signed.xlsx"
    write(pack, data, src, key)
    register(keys, data, tmp_path / "reg")

    resaved = convert(src, "xlsx", tmp_path / "lo")
    result = verify_workbook(resaved, tmp_path / "reg")
    assert result.status == "valid", result.message + " / ".join(result.details)
