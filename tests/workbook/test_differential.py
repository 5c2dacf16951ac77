"""The streaming reader and the openpyxl-based reference reader agree on every file of a corpus.

The corpus (≥ 200 files) is made here from one exported workbook: untouched, re-saved by
openpyxl and by LibreOffice, and each of those changed in its XML in memory — values, texts,
cell types, styles, formulas, cells added or removed, sheets renamed, added or removed, data
records edited, and spellings that change nothing (entities, attribute order, prefixes, rows
without numbers) so both the fast path and the element stream of ``ecodesk.workbook.xlsx``
are exercised. Every file is verified three ways (fast path, element stream only, openpyxl):
status, message and details must be identical.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import openpyxl
import pytest

from ecodesk.services.verify import verify_workbook
from ecodesk.signing.registry import KeyRegistry
from ecodesk.workbook.datasheet import DATA_SHEET
from ecodesk.workbook.reader import read_signed_workbook, read_signed_workbook_openpyxl
from tests.workbook.helpers import new_key, register, sheet_member, submission, write

Parts = dict[str, bytes]
Mutation = Callable[[Parts, random.Random, str], Parts | None]


def _parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _zip(parts: Parts, path: Path) -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


def _visible_parts(parts: Parts, data_part: str) -> list[str]:
    return sorted(p for p in parts if p.startswith("xl/worksheets/sheet") and p != data_part)


def _sub_one(
    parts: Parts, rng: random.Random, part: str, pattern: str, repl: Callable[[re.Match], str]
) -> Parts | None:
    xml = parts[part].decode()
    matches = list(re.finditer(pattern, xml))
    if not matches:
        return None
    m = rng.choice(matches)
    new = dict(parts)
    new[part] = (xml[: m.start()] + repl(m) + xml[m.end() :]).encode()
    return new


def _on_visible(pattern: str, repl: Callable[[re.Match, random.Random], str]) -> Mutation:
    def mutate(parts: Parts, rng: random.Random, data_part: str) -> Parts | None:
        candidates = _visible_parts(parts, data_part)
        rng.shuffle(candidates)
        for part in candidates:
            got = _sub_one(parts, rng, part, pattern, lambda m: repl(m, rng))
            if got is not None:
                return got
        return None

    return mutate


def _on_part(part_of: Callable[[Parts, str], str], pattern: str, repl) -> Mutation:  # type: ignore[no-untyped-def]
    def mutate(parts: Parts, rng: random.Random, data_part: str) -> Parts | None:
        return _sub_one(parts, rng, part_of(parts, data_part), pattern, lambda m: repl(m, rng))

    return mutate


def _whole(change: Callable[[Parts, str], Parts | None]) -> Mutation:
    return lambda parts, rng, data_part: change(parts, data_part)


def _every_visible(change: Callable[[str], str]) -> Mutation:
    def mutate(parts: Parts, rng: random.Random, data_part: str) -> Parts | None:
        new = dict(parts)
        for part in _visible_parts(parts, data_part):
            new[part] = change(parts[part].decode()).encode()
        return new

    return mutate


def _rename_sheet(parts: Parts, data_part: str) -> Parts:
    new = dict(parts)
    xml = parts["xl/workbook.xml"].decode()
    new["xl/workbook.xml"] = re.sub(
        r'name="([^"]*表[^"]*|G [^"]*)"', 'name="改名"', xml, count=1
    ).encode()
    return new


def _show_data_sheet(parts: Parts, data_part: str) -> Parts:
    new = dict(parts)
    xml = parts["xl/workbook.xml"].decode()
    new["xl/workbook.xml"] = re.sub(r'state="(veryHidden|hidden)"', 'state="visible"', xml).encode()
    return new


def _drop_data_sheet(parts: Parts, data_part: str) -> Parts:
    new = dict(parts)
    xml = parts["xl/workbook.xml"].decode()
    new["xl/workbook.xml"] = re.sub(rf'<sheet [^>]*name="{DATA_SHEET}"[^>]*/>', "", xml).encode()
    return new


def _prefixed(xml: str) -> str:
    """The same sheet with the main namespace under a prefix: only the element stream reads it."""
    return (
        re.sub(r"<(/?)(?=[a-zA-Z])", r"<\1x:", xml)
        .replace(
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        )
        .replace("<x:x:", "<x:")
    )


MUTATIONS: dict[str, Mutation] = {
    # changes a reader sees: all verdicts "tampered" (or damaged), with the same details
    "number": _on_visible(r"<v>(\d+(?:\.\d+)?)</v>", lambda m, r: f"<v>{r.randint(1, 99999)}</v>"),
    "text": _on_visible(
        r"<t>([^<]{2,})</t>",
        lambda m, r: f"<t>{m[1][::-1] if r.random() < 0.5 else m[1] + '改'}</t>",
    ),
    "style": _on_visible(r' s="(\d+)"', lambda m, r: f' s="{r.randint(0, 12)}"'),
    "delete cell": _on_visible(r"<c [^>]*>(?:(?!</c>).)*</c>", lambda m, r: ""),
    "add text cell": _on_visible(
        r"</row>", lambda m, r: '<c r="Z9" t="inlineStr"><is><t>添加</t></is></c></row>'
    ),
    "add number cell": _on_visible(r"</row>", lambda m, r: '<c r="Y7"><v>360781</v></c></row>'),
    "formula": _on_visible(
        r'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t>[^<]*</t></is></c>',
        lambda m, r: f'<c r="{m[1]}"{m[2] or ""}><f>1+1</f><v>2</v></c>',
    ),
    "type to str": _on_visible(r' t="n"><v>', lambda m, r: ' t="str"><v>'),
    "type to bool": _on_visible(r' t="n"><v>\d+(\.\d+)?</v>', lambda m, r: ' t="b"><v>1</v>'),
    "type to error": _on_visible(r' t="n"><v>', lambda m, r: ' t="e"><v>#N/A'),
    "date format": _on_part(
        lambda parts, d: "xl/styles.xml",
        r'<xf numFmtId="\d+" fontId="(\d+)"',
        lambda m, r: f'<xf numFmtId="14" fontId="{m[1]}"',
    ),
    "data record": _on_part(
        lambda parts, d: d, r"<t>(\d[\d.]*)</t>", lambda m, r: f"<t>{m[1]}1</t>"
    ),
    "rename sheet": _whole(_rename_sheet),
    "drop data sheet": _whole(_drop_data_sheet),
    # changes nobody sees: both readers say "valid"
    "same number spelled longer": _on_visible(r"<v>(\d+\.\d+)</v>", lambda m, r: f"<v>{m[1]}0</v>"),
    "entity": _on_visible(
        r"<t>([^<&]*)</t>", lambda m, r: f"<t>{m[1]}</t>".replace("（", "&#65288;")
    ),
    "data sheet shown": _whole(_show_data_sheet),
    "prefixed namespace": _every_visible(_prefixed),
    "rows without numbers": _every_visible(lambda xml: re.sub(r'<row r="\d+"', "<row", xml)),
    "line breaks between cells": _every_visible(lambda xml: xml.replace("</c><c", "</c>\n<c")),
    "cells without addresses": _every_visible(
        lambda xml: re.sub(r'<row r="1"([^>]*)><c r="A1"', r'<row r="1"\1><c', xml)
    ),
}


def _libreoffice(src: Path, out_dir: Path) -> Path | None:
    if shutil.which("libreoffice") is None:
        return None
    out_dir.mkdir(exist_ok=True)
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{out_dir}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / src.name


@pytest.fixture(scope="module")
def corpus(pack, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, Path]], Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("corpus")
    keys, key = new_key(folder / "unit")
    data = submission(pack, ("G", "1.1"))
    original = folder / "signed.xlsx"
    write(pack, data, original, key)
    registry = folder / "registry"
    register(keys, data, registry)

    resaved = folder / "openpyxl.xlsx"
    wb = openpyxl.load_workbook(original)
    wb.save(resaved)
    bases = [("original", original), ("openpyxl", resaved)]
    lo = _libreoffice(original, folder / "lo")
    if lo is not None:
        bases.append(("libreoffice", lo))

    files: list[tuple[str, Path]] = [(f"{name} untouched", path) for name, path in bases]
    rng = random.Random(20261202)
    rounds = 4 if lo is not None else 5
    for base_name, base in bases:
        parts = _parts(base)
        data_part = sheet_member(base, DATA_SHEET)
        for name, mutate in MUTATIONS.items():
            for n in range(rounds):
                changed = mutate(parts, rng, data_part)
                if changed is None:
                    continue
                path = _zip(changed, folder / f"{base_name}-{len(files):03d}.xlsx")
                files.append((f"{base_name} {name} #{n}", path))
    return files, registry


def _verdict(path: Path, registry: KeyRegistry, reader) -> tuple[str, str, list[str]]:  # type: ignore[no-untyped-def]
    result = verify_workbook(path, registry, reader=reader)
    return result.status, result.message, result.details


def test_fast_reader_and_openpyxl_agree_on_every_file(corpus) -> None:  # type: ignore[no-untyped-def]
    files, registry_dir = corpus
    assert len(files) >= 200
    registry = KeyRegistry.load(registry_dir)
    statuses: Counter[str] = Counter()
    disagreements = []
    for label, path in files:
        reference = _verdict(path, registry, read_signed_workbook_openpyxl)
        fast = _verdict(path, registry, read_signed_workbook)
        stream = _verdict(path, registry, partial(read_signed_workbook, fast_path=False))
        statuses[reference[0]] += 1
        if not (fast == reference == stream):
            disagreements.append((label, reference, fast, stream))
    print(dict(statuses), len(files))
    assert not disagreements, disagreements[:3]
    # the corpus exercises both outcomes (and not only the tampered one)
    assert statuses["valid"] >= 30 and statuses["tampered"] >= 100


def test_untouched_and_harmless_spellings_are_valid(corpus) -> None:  # type: ignore[no-untyped-def]
    files, registry_dir = corpus
    registry = KeyRegistry.load(registry_dir)
    harmless = (
        "untouched",
        "same number spelled longer",
        "entity",
        "prefixed namespace",
        "rows without numbers",
        "line breaks between cells",
        "cells without addresses",
    )
    for label, path in files:
        if any(word in label for word in harmless):
            status, message, _ = _verdict(path, registry, read_signed_workbook)
            assert status == "valid", (label, message)


def _data_rows(parts: Parts, data_part: str) -> tuple[str, list[re.Match[str]]]:
    xml = parts[data_part].decode()
    return xml, list(re.finditer(r'<row r="(\d+)">.*?</row>', xml))


def _swap_rows(parts: Parts, data_part: str) -> Parts:
    xml, rows = _data_rows(parts, data_part)
    a, b = rows[20], rows[21]
    new = dict(parts)
    new[data_part] = (xml[: a.start()] + b[0] + a[0] + xml[b.end() :]).encode()
    return new


def _repeat_row_changed(parts: Parts, data_part: str) -> Parts:
    xml, rows = _data_rows(parts, data_part)
    last = rows[-1]
    again = rows[30][0].replace("</t></is></c></row>", "改</t></is></c></row>")
    new = dict(parts)
    new[data_part] = (xml[: last.end()] + again + xml[last.end() :]).encode()
    return new


def _cell_in_other_row(parts: Parts, data_part: str) -> Parts:
    xml, rows = _data_rows(parts, data_part)
    row = rows[25]
    number = row[1]
    moved = row[0].replace(f'<c r="C{number}"', f'<c r="C{int(number) + 1}"')
    new = dict(parts)
    new[data_part] = (xml[: row.start()] + moved + xml[row.end() :]).encode()
    return new


def _data_sheet(change: Callable[[str], str]) -> Callable[[Parts, str], Parts]:
    def mutate(parts: Parts, data_part: str) -> Parts:
        new = dict(parts)
        new[data_part] = change(parts[data_part].decode()).encode()
        return new

    return mutate


# Spellings and edits of the data sheet around the rows the fast path reads whole.
DATA_SHEET_CHANGES: dict[str, tuple[Callable[[Parts, str], Parts], str]] = {
    "rows written out of order": (_swap_rows, "valid"),
    "a row repeated with another value": (_repeat_row_changed, "tampered"),
    "a cell placed in the next row": (_cell_in_other_row, "tampered"),
    "a fourth column": (
        _data_sheet(
            lambda xml: xml.replace(
                "</c></row>", '</c><c r="D40" t="inlineStr"><is><t>x</t></is></c></row>', 1
            )
        ),
        "tampered",
    ),
    "texts kept with xml:space": (
        _data_sheet(lambda xml: xml.replace("<is><t>", '<is><t xml:space="preserve">')),
        "valid",
    ),
    "character references": (
        _data_sheet(lambda xml: xml.replace("<t>meta</t>", "<t>&#109;eta</t>")),
        "valid",
    ),
    "rows with attributes": (
        _data_sheet(lambda xml: re.sub(r'<row r="(\d+)">', r'<row r="\1" spans="1:3">', xml)),
        "valid",
    ),
}


def test_data_sheet_rows_read_whole_agree_with_both_readers(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files, registry_dir = corpus
    registry = KeyRegistry.load(registry_dir)
    original = dict(files)["original untouched"]
    parts = _parts(original)
    data_part = sheet_member(original, DATA_SHEET)
    for name, (change, expected) in DATA_SHEET_CHANGES.items():
        path = _zip(change(parts, data_part), tmp_path / f"{len(name)}-{name[:8]}.xlsx")
        reference = _verdict(path, registry, read_signed_workbook_openpyxl)
        fast = _verdict(path, registry, read_signed_workbook)
        stream = _verdict(path, registry, partial(read_signed_workbook, fast_path=False))
        assert fast == reference == stream, (name, reference, fast, stream)
        assert fast[0] == expected, (name, fast)


def test_rows_kept_whole_are_the_cells_read_one_by_one(corpus) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.workbook.xlsx import read_xlsx

    files, _registry = corpus
    original = dict(files)["original untouched"]
    as_cells = read_xlsx(original).sheet(DATA_SHEET)
    as_rows = read_xlsx(original, rows_of=frozenset({DATA_SHEET})).sheet(DATA_SHEET)
    assert as_cells is not None and as_rows is not None
    assert not as_cells.text_rows
    assert len(as_rows.text_rows) > 100  # every record's row
    expanded = list(as_rows.cells)
    for row, a, b, c in as_rows.text_rows:
        expanded += [(row, 1, f"A{row}", a, False, 0), (row, 2, f"B{row}", b, False, 0)]
        if c is not None:
            expanded.append((row, 3, f"C{row}", c, False, 0))
    assert sorted(expanded) == sorted(as_cells.cells)
    assert (as_rows.max_row, as_rows.max_column) == (as_cells.max_row, as_cells.max_column)
