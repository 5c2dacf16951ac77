"""Hostile .xlsx files, written part by part with a streaming zip writer (nothing big in memory).

Each passes the zip directory's checks (declared sizes, compression ratio): what stops it must be
the streaming gate of :mod:`ecodesk.workbook.xlsx`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DATA_SHEET = "ecodesk_data"

Chunks = Callable[[], Iterable[str]]

STYLES = (
    f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
    '<fills count="1"><fill><patternFill/></fill></fills><borders count="1"><border/></borders>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
    "</styleSheet>"
)


def sheet_xml(rows: str = "", after: str = "", dimension: str = "A1") -> str:
    return (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData>'
        f"{after}</worksheet>"
    )


def write_xlsx(
    path: Path,
    sheets: dict[str, str | Chunks],
    *,
    styles: str | Chunks = STYLES,
    shared: str | Chunks | None = None,
    keywords: str = "EcoDesk signed workbook",
) -> Path:
    """A workbook with ``sheets`` (name → sheet XML, or a function yielding it in pieces)."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    parts: dict[str, str | Chunks] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
            'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>'
        ),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            f'metadata/core-properties"><cp:keywords>{keywords}</cp:keywords></cp:coreProperties>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
                + (' state="veryHidden"' if name == DATA_SHEET else "")
                + "/>"
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>'
            + (
                f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/styles.xml": styles,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    for i, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            with zf.open(name, "w", force_zip64=True) as out:
                pieces = [content] if isinstance(content, str) else content()
                buffer: list[str] = []
                size = 0
                for piece in pieces:
                    buffer.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        out.write("".join(buffer).encode())
                        buffer, size = [], 0
                out.write("".join(buffer).encode())
    return path


def data_sheet_rows(records: int) -> Chunks:
    """A data sheet's XML with ``records`` records after the marker and signature rows."""

    def chunks() -> Iterable[str]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'
        yield (
            '<row r="1"><c r="A1" t="inlineStr"><is><t>ecodesk-signed-workbook/1</t></is></c></row>'
        )
        for n in range(8, 8 + records):
            yield (
                f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>value</t></is></c>'
                f'<c r="B{n}" t="inlineStr"><is><t>1.1:f{n}</t></is></c>'
                f'<c r="C{n}" t="inlineStr"><is><t>{n}</t></is></c></row>'
            )
        yield "</sheetData></worksheet>"

    return chunks


def many_rows(rows: int, cells: bool = False) -> Chunks:
    """``rows`` rows, empty (17 MB unpacked for Excel's 1,048,576) or with one number each."""

    def chunks() -> Iterable[str]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'
        for n in range(1, rows + 1):
            yield f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' if cells else f'<row r="{n}"/>'
        yield "</sheetData></worksheet>"

    return chunks


def styles_bomb(xfs: int) -> Chunks:
    def chunks() -> Iterable[str]:
        yield (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
            f'<cellXfs count="{xfs}">'
        )
        for n in range(xfs):
            yield f'<xf numFmtId="{n % 50}" fontId="0" xfId="{n}"/>'
        yield "</cellXfs></styleSheet>"

    return chunks


def shared_strings(count: int) -> Chunks:
    def chunks() -> Iterable[str]:
        yield f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
        for n in range(count):
            yield f"<si><t>{n * 7919 % 1000003}</t></si>"
        yield "</sst>"

    return chunks


def merge_bomb(path: Path) -> Path:
    """About 1 KB on disk; one merged range of 17 billion cells."""
    return write_xlsx(
        path,
        {
            "表": sheet_xml(
                '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
            ),
            DATA_SHEET: sheet_xml(),
        },
    )
