"""What a reader sees is bound: each display-only change verifies as 有效，但显示被改动, naming it.

Every change is made in the test, the way a person with Excel would (openpyxl) or by editing the
XML; the signed values are untouched, so before this check each one verified as plain 有效.
An unchanged re-save (openpyxl here, LibreOffice in test_libreoffice.py) stays 有效.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ecodesk.services.verify import verify_workbook
from ecodesk.workbook.datasheet import DATA_SHEET
from tests.workbook.helpers import new_key, register, submission, write

FORM_SHEET = "1.1 推动传统产业改造升级"


@pytest.fixture(scope="module")
def signed(pack, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("display")
    keys, key = new_key(folder / "unit")
    data = submission(pack)
    path = folder / "signed.xlsx"
    write(pack, data, path, key)
    register(keys, data, folder / "registry")
    return path, folder / "registry"


def _image(ws) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 20), "white").save(buffer, format="PNG")
    buffer.seek(0)
    ws.add_image(Image(buffer), "F4")  # a white box over the signed figure


def _format(cell: str, fmt: str) -> Callable:  # type: ignore[type-arg]
    def change(wb):  # type: ignore[no-untyped-def]
        wb[FORM_SHEET][cell].number_format = fmt

    return change


def _set(attribute: str, value) -> Callable:  # type: ignore[no-untyped-def,type-arg]
    return lambda wb: setattr(wb[FORM_SHEET], attribute, value)


CHANGES: dict[str, tuple[Callable, str]] = {  # type: ignore[type-arg]
    "text section on a text cell": (
        _format("D4", ';;;"省下达 1.00"'),
        "文字单元格被设了改变显示的数字格式：D4",
    ),
    "text with a prefix": (_format("C4", '"万"@'), "文字单元格被设了改变显示的数字格式：C4"),
    "white font": (
        lambda wb: setattr(wb[FORM_SHEET]["D4"], "font", Font(color="FFFFFF")),
        "单元格 D4 的文字颜色与底色相同",
    ),
    "font the colour of its fill": (
        lambda wb: setattr(wb[FORM_SHEET]["F3"], "font", Font(color="DDE6F0")),
        "单元格 F3 的文字颜色与底色相同",
    ),
    "black fill under black text": (
        lambda wb: setattr(wb[FORM_SHEET]["B5"], "fill", PatternFill("solid", fgColor="000000")),
        "单元格 B5 的文字颜色与底色相同",
    ),
    "one-point font": (
        lambda wb: setattr(wb[FORM_SHEET]["F4"], "font", Font(size=1)),
        "单元格 F4 的文字颜色与底色相同或字号过小",
    ),
    "hidden row": (
        lambda wb: setattr(wb[FORM_SHEET].row_dimensions[5], "hidden", True),
        "第 5 行被隐藏或压扁",
    ),
    "flattened row": (
        lambda wb: setattr(wb[FORM_SHEET].row_dimensions[6], "height", 0.5),
        "第 6 行被隐藏或压扁",
    ),
    "hidden column": (
        lambda wb: setattr(wb[FORM_SHEET].column_dimensions["F"], "hidden", True),
        "有列被隐藏或压窄（F）",
    ),
    "narrowed column": (
        lambda wb: setattr(wb[FORM_SHEET].column_dimensions["D"], "width", 0.1),
        "有列被隐藏或压窄（D）",
    ),
    "conditional format": (
        lambda wb: wb[FORM_SHEET].conditional_formatting.add(
            "F4:F40", CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="FFFFFF"))
        ),
        "被加上了条件格式",
    ),
    "image over cells": (lambda wb: _image(wb[FORM_SHEET]), "被加上了图片、图形或控件"),
    "comment": (
        lambda wb: setattr(wb[FORM_SHEET]["F4"], "comment", Comment("实际为 120", "某人")),
        "被加上了批注",
    ),
    "hyperlink": (
        lambda wb: setattr(wb[FORM_SHEET]["B4"], "hyperlink", "https://example.com/"),
        "被加上了超链接",
    ),
    "input message": (
        lambda wb: wb[FORM_SHEET].add_data_validation(
            DataValidation(type="whole", showInputMessage=True, prompt="此数已核减", sqref="F4")
        ),
        "数据验证",
    ),
    "data sheet unhidden": (
        lambda wb: setattr(wb[DATA_SHEET], "sheet_state", "visible"),
        "隐藏的签名数据表被设为可见",
    ),
    "form sheet hidden": (_set("sheet_state", "hidden"), f"工作表“{FORM_SHEET}”被隐藏"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_display_only_change_is_reported(signed, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    path, registry = signed
    change, words = CHANGES[name]
    copy = tmp_path / "changed.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    change(wb)
    wb.save(copy)
    result = verify_workbook(copy, registry)
    assert result.status == "display_altered", (name, result.message)
    assert result.label == "有效，但显示被改动"
    assert "签名数据有效" in result.message and "显示方式在签名后被改动" in result.message
    assert any(words in line for line in result.details), (words, result.details)
    assert result.workbook is not None and result.workbook.data is not None  # data still usable


def test_a_resave_without_changes_is_still_plain_valid(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, registry = signed
    copy = tmp_path / "resaved.xlsx"
    shutil.copy(path, copy)
    openpyxl.load_workbook(copy).save(copy)
    result = verify_workbook(copy, registry)
    assert result.status == "valid", result.details
    assert result.severity == "ok"


def test_number_format_on_a_number_cell_stays_tampered(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A number's format is bound by the signature itself: changing it is a content change."""
    path, registry = signed
    copy = tmp_path / "changed.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    _format("F4", ';;;"1.00"')(wb)
    wb.save(copy)
    assert verify_workbook(copy, registry).status == "tampered"
