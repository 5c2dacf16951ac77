from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodesk.services.verify import verify_workbook
from ecodesk.workbook.datasheet import DATA_SHEET, FIRST_RECORD_ROW
from tests.workbook.helpers import (
    new_key,
    register,
    rewrite_member,
    sheet_member,
    submission,
    write,
)

FORM_SHEET = "1.1 推动传统产业改造升级"


@pytest.fixture(scope="module")
def signed(pack, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One signed workbook of 宁都县 and a registry holding its key; tests work on copies."""
    folder = tmp_path_factory.mktemp("verify")
    keys, key = new_key(folder / "unit")
    data = submission(pack)
    path = folder / "signed.xlsx"
    write(pack, data, path, key)
    registry = folder / "registry"
    register(keys, data, registry)
    return path, registry, data, key


@pytest.fixture
def copy(signed, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "copy.xlsx"
    shutil.copy(signed[0], target)
    return target


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Open with openpyxl, change, save: what a person with Excel does."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def test_fresh_workbook_is_valid(signed) -> None:  # type: ignore[no-untyped-def]
    path, registry, data, key = signed
    result = verify_workbook(path, registry)
    assert result.status == "valid", result.message
    assert result.unit_code == "360730" and result.period == "2026" and result.revision == 1
    assert result.fingerprint == key.fingerprint
    assert "有效" in result.message and "宁都县" in result.message


def test_unchanged_resave_with_openpyxl_stays_valid(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    edit(copy, lambda wb: None)
    assert verify_workbook(copy, signed[1]).status == "valid"


def _number_cell(wb: openpyxl.Workbook) -> openpyxl.cell.Cell:
    ws = wb[FORM_SHEET]
    return next(
        c
        for row in ws.iter_rows(min_row=4, min_col=6, max_col=6)
        for c in row
        if isinstance(c.value, (int, float))
    )


def test_value_changed_and_resaved_with_openpyxl(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    where = {}

    def change(wb):  # type: ignore[no-untyped-def]
        cell = _number_cell(wb)
        where["cell"] = cell.coordinate
        cell.value = cell.value + 1

    edit(copy, change)
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered"
    assert FORM_SHEET in result.message and where["cell"] in result.message


def test_visible_value_changed_inside_the_zip(signed, copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    member = sheet_member(copy, FORM_SHEET)
    out = tmp_path / "zip-edited.xlsx"

    def bump(xml: bytes) -> bytes:
        # The first numeric <v> in the indicator column F: change its digits in place.
        text = xml.decode()
        match = re.search(r'<c r="(F\d+)"[^>]*?(?<!t="s")(?<!t="inlineStr")><v>(\d+)', text)
        assert match
        return (
            text[: match.start(2)] + str(int(match.group(2)) + 7) + text[match.end(2) :]
        ).encode()

    rewrite_member(copy, out, member, bump)
    result = verify_workbook(out, signed[1])
    assert result.status == "tampered"
    assert FORM_SHEET in result.message


def test_hidden_cell_changed(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    def change(wb):  # type: ignore[no-untyped-def]
        ws = wb[DATA_SHEET]
        for row in ws.iter_rows(min_row=FIRST_RECORD_ROW):
            if row[0].value == "value":
                row[2].value = row[2].value + "0"
                return

    edit(copy, change)
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered" and "签名与签名数据不符" in result.message


def test_metadata_changed(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    def change(wb):  # type: ignore[no-untyped-def]
        for row in wb[DATA_SHEET].iter_rows(min_row=FIRST_RECORD_ROW):
            if row[0].value == "meta" and row[1].value == "revision":
                row[2].value = "2"

    edit(copy, change)
    assert verify_workbook(copy, signed[1]).status == "tampered"


def test_signature_changed(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    import base64

    def change(wb):  # type: ignore[no-untyped-def]
        cell = wb[DATA_SHEET]["C6"]
        raw = bytearray(base64.b64decode(cell.value))
        raw[5] ^= 0x01
        cell.value = base64.b64encode(bytes(raw)).decode()

    edit(copy, change)
    assert verify_workbook(copy, signed[1]).status == "tampered"


def test_deleted_visible_sheet(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    edit(copy, lambda wb: wb.remove(wb[FORM_SHEET]))
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered" and f"工作表“{FORM_SHEET}”被删除" in result.message


def test_deleted_data_sheet(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    edit(copy, lambda wb: wb.remove(wb[DATA_SHEET]))
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered" and "签名数据表" in result.message


def test_added_sheet_with_content(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    edit(copy, lambda wb: wb.create_sheet("补充").cell(1, 1, "补充数据 100"))
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered" and "多出了工作表“补充”" in result.message


def test_text_turned_into_formula(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    def change(wb):  # type: ignore[no-untyped-def]
        wb["封面"]["B5"].value = "=1+1"  # openpyxl writes a leading "=" as a formula

    edit(copy, change)
    result = verify_workbook(copy, signed[1])
    assert result.status == "tampered" and "B5" in result.message


def test_number_format_changed_to_show_another_figure(signed, copy: Path) -> None:  # type: ignore[no-untyped-def]
    edit(copy, lambda wb: setattr(_number_cell(wb), "number_format", '0"0"'))
    assert verify_workbook(copy, signed[1]).status == "tampered"


def test_signed_by_another_units_key_is_wrong_unit(pack, signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    registry = signed[1]
    other_keys, other_key = new_key(tmp_path / "other")
    # 于都县 registered its key properly...
    data_yudu = submission(pack, division="360731")
    register(other_keys, data_yudu, registry_copy := tmp_path / "reg")
    shutil.copytree(registry, registry_copy, dirs_exist_ok=True)
    # ...then signs a workbook that claims to come from 宁都县.
    forged = tmp_path / "forged.xlsx"
    write(pack, signed[2], forged, other_key)
    result = verify_workbook(forged, registry_copy)
    assert result.status == "wrong_unit"
    assert "宁都县" in result.message and "360731" in result.message


def test_same_division_other_department_is_wrong_unit(pack, signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other_keys, other_key = new_key(tmp_path / "other")
    reg = tmp_path / "reg"
    register(other_keys, signed[2], reg, department="县林业局")
    forged = tmp_path / "forged.xlsx"
    write(pack, signed[2], forged, other_key)
    assert verify_workbook(forged, reg).status == "wrong_unit"


def test_unregistered_key_is_unknown_signer(pack, signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, stranger = new_key(tmp_path / "stranger")
    path = tmp_path / "s.xlsx"
    write(pack, signed[2], path, stranger)
    result = verify_workbook(path, signed[1])
    assert result.status == "unknown_signer" and "不在密钥登记中" in result.message


def test_damaged_and_foreign_files(signed, copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy.write_bytes(copy.read_bytes()[:4000])
    assert verify_workbook(copy, signed[1]).status == "damaged"
    other = tmp_path / "notes.xlsx"
    other.write_text("hello")
    assert verify_workbook(other, signed[1]).status == "not_ecodesk"


# ---------------------------------------------------------------- property: any mutation is caught


@st.composite
def mutations(draw):  # type: ignore[no-untyped-def]
    sheet = draw(st.sampled_from(["封面", FORM_SHEET, DATA_SHEET]))
    row = draw(st.integers(min_value=1, max_value=60))
    col = draw(st.integers(min_value=1, max_value=8))
    value = draw(
        st.one_of(
            st.integers(min_value=-(10**6), max_value=10**6),
            st.text(
                alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
            ).filter(lambda t: t.strip() and not t.startswith("=")),
            st.just(None),
        )
    )
    return sheet, row, col, value


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=mutations())
def test_random_mutations_are_always_caught(signed, tmp_path: Path, mutation) -> None:  # type: ignore[no-untyped-def]
    sheet, row, col, value = mutation
    path = tmp_path / "m.xlsx"
    shutil.copy(signed[0], path)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cell = ws.cell(row, col)
    if type(cell).__name__ == "MergedCell":
        cell = ws.cell(*_top_left(ws, row, col))
    before = cell.value
    cell.value = value
    wb.save(path)
    result = verify_workbook(path, signed[1])
    if _same(before, value):
        assert result.status == "valid"
    else:
        assert result.status == "tampered", (sheet, cell.coordinate, before, value)


def _top_left(ws, row: int, col: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, col


def _same(before, after) -> bool:  # type: ignore[no-untyped-def]
    from ecodesk.workbook.cells import cell_text

    return (
        cell_text(before) == cell_text(after)
        and (before is None) == (after is None or after == "")
        and (type(before) is type(after) or before is None)
    )
