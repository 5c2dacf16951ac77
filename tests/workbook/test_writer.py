from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from ecodesk.signing.keys import group_fingerprint
from ecodesk.workbook.datasheet import DATA_SHEET
from tests.workbook.helpers import new_key, submission, write

FORMULA_LIKE = ["=1+1", "@SUM(A1)", "+86 797 1234", "-连续下降", '=HYPERLINK("http://x","点我")']


@pytest.fixture(scope="module")
def written(pack, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("writer")
    keys, key = new_key(folder / "data")
    data = submission(pack, forms=("G", "1.1"))
    # Text a clerk might type that a spreadsheet would otherwise run as a formula.
    data.narratives["1.1:problems"] = FORMULA_LIKE[0]
    data.narratives["1.1:plan"] = FORMULA_LIKE[1]
    data.unit = type(data.unit)(**{**data.unit.__dict__, "phone": FORMULA_LIKE[2]})
    rows = data.rows("1.1", "projects")
    rows[0]["name"] = FORMULA_LIKE[3]
    rows[0]["company"] = FORMULA_LIKE[4]
    out = folder / "signed.xlsx"
    result = write(pack, data, out, key)
    return out, result, data, keys


def test_sheets_cover_forms_and_very_hidden_data(written) -> None:  # type: ignore[no-untyped-def]
    out, result, data, _ = written
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "封面"
    assert [s for s in wb.sheetnames[1:-1]] == ["G 主要目标", "1.1 推动传统产业改造升级"]
    assert wb[DATA_SHEET].sheet_state == "veryHidden"
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:-1])
    cover = {row[0].value: row[1].value for row in wb["封面"].iter_rows(min_row=4) if row[0].value}
    assert cover["填报单位"] == data.unit.display_name
    assert cover["报送期"] == "2026年度" and cover["版次"] == "第1版"
    assert cover["签名密钥指纹"] == group_fingerprint(result.fingerprint)
    assert cover["表单版本"] == data.pack_version
    assert cover["填报人"] == data.unit.preparer and cover["审核人"] == data.unit.reviewer


def test_formula_like_text_is_stored_as_text(written) -> None:  # type: ignore[no-untyped-def]
    out, *_ = written
    wb = openpyxl.load_workbook(out)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in FORMULA_LIKE:
                    found[cell.value] = cell.data_type
    assert set(found) == set(FORMULA_LIKE)
    assert set(found.values()) == {"s"}
    with zipfile.ZipFile(out) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in sheets)


def test_form_sheet_is_laid_out_for_print(written) -> None:  # type: ignore[no-untyped-def]
    out, _, data, _ = written
    ws = openpyxl.load_workbook(out)["1.1 推动传统产业改造升级"]
    assert ws.freeze_panes == "A4"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$1:$3"
    assert "第 &P 页" in ws.oddFooter.right.text
    header = [c.value for c in ws[3]]
    assert header == ["序号", "指标", "单位", "目标", "上年", "本期", "完成进度"]
    assert ws["B4"].font.name == "黑体" or ws["B4"].font.name == "宋体"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    # The indicator row shows the number the clerk typed, as a number with the field's decimals.
    row = next(
        r
        for r in ws.iter_rows(min_row=4)
        if r[1].value and r[1].value.startswith("工业技术改造投资额")
    )
    typed = data.value("1.1:tech_invest")
    from ecodesk.forms.numbers import parse_clerk_number

    assert row[5].value == pytest.approx(
        float(parse_clerk_number(typed, unit="亿元", multipliers=True))
    )
    assert row[5].number_format == "#,##0.00"
    narrative_labels = [
        r[0].value for r in ws.iter_rows() if r[0].value in ("工作进展", "存在问题")
    ]
    assert narrative_labels == ["工作进展", "存在问题"]


def test_no_private_key_material_in_workbook(written) -> None:  # type: ignore[no-untyped-def]
    import base64
    import json

    out, _, _, keys = written
    sealed = json.loads(keys.path.read_text())["private_key"]["ciphertext"]
    blob = b"".join(zipfile.ZipFile(out).read(n) for n in zipfile.ZipFile(out).namelist())
    assert sealed.encode() not in blob and base64.b64decode(sealed)[:16] not in blob
    assert keys.info().public_key_b64.encode() in blob  # the public key travels, as it should


def test_unwritable_destination_is_a_clear_error(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.storage import StorageError

    _, key = new_key(tmp_path / "data")
    with pytest.raises(StorageError) as exc:
        write(pack, submission(pack), tmp_path / "missing-folder" / "x.xlsx", key)
    assert "文件夹不存在" in str(exc.value)
    assert not list(tmp_path.glob("**/*.tmp")) and not list(tmp_path.glob("**/*part"))


def test_data_sheet_part_is_what_openpyxl_writes_for_its_cells(tmp_path: Path) -> None:
    """The export writes the data sheet's XML itself (data_sheet_xml); openpyxl writing the same
    cells through write_data_sheet must give the same bytes, whatever the text holds."""
    from openpyxl import Workbook

    from ecodesk.signing.canonical import Record
    from ecodesk.signing.signature import SignatureBlock
    from ecodesk.workbook.datasheet import data_sheet_xml, write_data_sheet

    block = SignatureBlock("Ed25519", bytes(range(32)), "ab" * 32, "cd" * 32, bytes(64))
    texts = [
        "plain",
        "",
        " leading space",
        "trailing space ",
        "   ",
        "a & b < c > d \"quoted\" 'single'",
        "line\nbreak",
        "windows\r\nbreak",
        "control\x01\x02char",
        "\u3000全角空格\u3000",
        "中文 text with emoji 🌲",
        *FORMULA_LIKE,
        "x" * 40_000,  # cut at Excel's 32,767 characters, as put_text does
    ]
    records = [Record("meta", "format", "ecodesk-signed-data/1")]
    records += [Record("value", f"G:f{i}", text) for i, text in enumerate(texts)]
    records += [Record("narrative", text or "empty key", "v") for text in texts[:6]]
    wb = Workbook()  # its first sheet stays visible: openpyxl refuses to hide the only one
    write_data_sheet(wb.create_sheet(), block, records)
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        by_openpyxl = zf.read("xl/worksheets/sheet2.xml")
    assert data_sheet_xml(block, records) == by_openpyxl


def test_saved_workbook_with_written_data_sheet_reads_back_in_openpyxl(written) -> None:  # type: ignore[no-untyped-def]
    out, result, _data, _ = written
    wb = openpyxl.load_workbook(out)
    ws = wb[DATA_SHEET]
    rows = list(ws.iter_rows(min_row=8, values_only=True))
    assert [tuple(v or "" for v in row) for row in rows] == [
        (r.section, r.key, r.value) for r in result.records
    ]
