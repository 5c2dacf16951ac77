"""Issue 20 (Tests): every command that takes a file, over one corpus of hostile files.

For each (file, command) the real program runs in a child process, bounded (address space
1 GiB, a timeout), and must: exit non-zero, say what is wrong in Chinese, show no traceback,
leave the store unchanged, finish in under 10 s and peak under 300 MB.

The corpus is generated here, small on disk (a merge bomb is a few KB). Adding a command that
takes a file (``pack install``, ``feedback import``, attachments) is one line in COMMANDS;
adding a hostile file is one line in CORPUS.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.cli_child import has_chinese, run_ecodesk

MAX_SECONDS = 10
MAX_PEAK_MB = 300
ADDRESS_SPACE = 1024**3  # a failing case hits MemoryError here, not the machine's limit
CHILD_TIMEOUT = 15

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# ------------------------------------------------------------------------------ the corpus


def _base_xlsx() -> dict[str, bytes]:
    """The parts of a small real workbook (one shared string), to be spoilt one part at a time."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "指标代码"
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _write_xlsx(path: Path, replace: dict[str, Callable[[], bytes] | bytes]) -> Path:
    """A copy of the base workbook with ``replace``d or added parts (callables stream big parts)."""
    parts: dict[str, Callable[[], bytes] | bytes] = {**_base_xlsx(), **replace}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, body in parts.items():
            zf.writestr(name, body() if callable(body) else body)
    return path


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


def _with_shared_strings(strings: Callable[[], bytes]) -> dict[str, Callable[[], bytes] | bytes]:
    """The parts that give the base workbook a shared-strings table (A1 its first string)."""
    base = _base_xlsx()
    types = (
        base["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>',
        )
    )
    rels = (
        base["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            f'<Relationship Id="rIdSST" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
    )
    return {
        "[Content_Types].xml": types.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
    }


def _sheet(rows: str, tail: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>{tail}</worksheet>'.encode()


def merge_bomb(path: Path) -> Path:
    """One merge over the whole sheet: openpyxl makes a cell object for each of 17 billion."""
    return _write_xlsx(
        path,
        {
            "xl/worksheets/sheet1.xml": _sheet(
                '<row r="1"><c r="A1"><v>1</v></c></row>',
                '<mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
            )
        },
    )


def million_rows(path: Path) -> Path:
    """1,048,576 rows of one cell each (48 MB unpacked, 5 MB packed)."""

    def rows() -> bytes:
        return _sheet(
            "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 1048577))
        )

    return _write_xlsx(path, {"xl/worksheets/sheet1.xml": rows})


def styles_bomb(path: Path) -> Path:
    """600,000 cell formats, varied just enough to pack like a real part (about 150:1)."""

    def styles() -> bytes:
        xfs = "".join(
            f'<xf numFmtId="{i % 164}" fontId="0" fillId="0" borderId="0" xfId="0"'
            f' applyNumberFormat="{i % 2}"/>'
            for i in range(600_000)
        )
        return (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="600000">{xfs}</cellXfs></styleSheet>'
        ).encode()

    return _write_xlsx(path, {"xl/styles.xml": styles})


def shared_strings_bomb(path: Path) -> Path:
    """Three million shared strings (70 MB unpacked, about 450 KB packed: 160:1)."""

    def strings() -> bytes:
        items = "".join(f"<si><t>指标{i % 331}</t></si>" for i in range(3_000_000))
        return (f'<sst xmlns="{MAIN}" count="3000000" uniqueCount="3000000">{items}</sst>').encode()

    return _write_xlsx(path, _with_shared_strings(strings))


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, body in _base_xlsx().items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, body)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b" " * 2**20
            for _ in range(400):  # 400 MB of spaces, about 400 KB packed
                member.write(block)
    return path


def truncated_zip(path: Path) -> Path:
    whole = _write_xlsx(path, {})
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def encrypted(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file."""
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    body += "EncryptionInfo".encode("utf-16-le") + b"\0" * 200
    body += "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048
    path.write_bytes(body)
    return path


def xls_bytes(path: Path) -> Path:
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "Workbook".encode("utf-16-le")
        + b"\0" * 4096
    )
    return path


def backup_with_trigger(path: Path, demo: Path) -> Path:
    run = run_ecodesk("--data-dir", str(demo), "backup", "--out", str(path))
    assert run.code == 0, run.err
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER evil AFTER INSERT ON field_values BEGIN "
        "UPDATE field_values SET text = '666' WHERE id = NEW.id; END"
    )
    conn.commit()
    conn.close()
    return path


def names_without_columns(path: Path, demo: Path) -> Path:
    conn = sqlite3.connect(demo / "ecodesk.sqlite3")
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    conn.close()
    out = sqlite3.connect(path)
    for name in names:
        out.execute(f'CREATE TABLE "{name}" (x)')
    out.commit()
    out.close()
    return path


def random_bytes(path: Path) -> Path:
    path.write_bytes(random.Random(20).randbytes(64 * 1024))
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _package(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    """A package (报送包, issue 14): a workbook at the root and ``members`` beside it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("宁都县.xlsx", _write_xlsx(path.with_suffix(".part.xlsx"), {}).read_bytes())
        for info, body in members:
            zf.writestr(info, body)
    path.with_suffix(".part.xlsx").unlink()
    return path


def package_traversal(path: Path) -> Path:
    return _package(path, [("附件/../../../escaped.pdf", b"%PDF-1.4 escaped")])


def package_absolute(path: Path) -> Path:
    return _package(path, [("/tmp/ecodesk-absolute.pdf", b"%PDF-1.4 absolute")])


def package_duplicate(path: Path) -> Path:
    return _package(
        path, [("附件/验收报告.pdf", b"%PDF-1.4 one"), ("附件/验收报告.PDF", b"%PDF-1.4 two")]
    )


def package_symlink(path: Path) -> Path:
    link = zipfile.ZipInfo("附件/passwd.pdf")
    link.external_attr = (0o120777) << 16  # a symbolic link to /etc/passwd
    return _package(path, [(link, b"/etc/passwd")])


def package_bomb(path: Path) -> Path:
    _package(path, [])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("附件/bomb.pdf", "w", force_zip64=True) as member:
            block = b"\0" * 2**20
            for _ in range(400):  # 400 MB of zeros, about 400 KB packed
                member.write(block)
    return path


def package_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def pdf_named_executable(path: Path) -> Path:
    path.write_bytes(b"MZ" + b"\0" * 58 + b"\x40\0\0\0" + b"PE\0\0" + b"\0" * 256)
    return path


@dataclass(frozen=True)
class Hostile:
    make: Callable[..., Path]
    suffix: str
    needs_demo: bool = False


CORPUS: dict[str, Hostile] = {
    "merge-bomb": Hostile(merge_bomb, ".xlsx"),
    "million-rows": Hostile(million_rows, ".xlsx"),
    "styles-bomb": Hostile(styles_bomb, ".xlsx"),
    "shared-strings-bomb": Hostile(shared_strings_bomb, ".xlsx"),
    "zip-bomb": Hostile(zip_bomb, ".xlsx"),
    "truncated-zip": Hostile(truncated_zip, ".xlsx"),
    "encrypted": Hostile(encrypted, ".xlsx"),
    "xls-bytes": Hostile(xls_bytes, ".xlsx"),
    "backup-with-trigger": Hostile(backup_with_trigger, ".sqlite3", needs_demo=True),
    "names-without-columns": Hostile(names_without_columns, ".sqlite3", needs_demo=True),
    "random-bytes": Hostile(random_bytes, ".xlsx"),
    "empty": Hostile(empty, ".xlsx"),
    "package-traversal": Hostile(package_traversal, ".zip"),
    "package-absolute": Hostile(package_absolute, ".zip"),
    "package-duplicate": Hostile(package_duplicate, ".zip"),
    "package-symlink": Hostile(package_symlink, ".zip"),
    "package-bomb": Hostile(package_bomb, ".zip"),
    "package-empty": Hostile(package_empty, ".zip"),
    "pdf-named-executable": Hostile(pdf_named_executable, ".pdf"),
}


# ------------------------------------------------------------------------------ the commands


@dataclass(frozen=True)
class Place:
    data: Path  # a demo data folder (a profile, signed and draft periods)
    registry: Path  # an empty key registry
    out: Path  # where a command may write its output


# What each file-taking command gets for a hostile file. One line each.
COMMANDS: dict[str, Callable[[Path, Place], list[str]]] = {
    "import-previous": lambda f, p: ["--data-dir", str(p.data), "import-previous", str(f), "--yes"],
    "verify": lambda f, p: ["verify", str(f), "--keys", str(p.registry)],
    "consolidate": lambda f, p: [
        "consolidate",
        str(f),
        "--keys",
        str(p.registry),
        "-o",
        str(p.out / "summary.xlsx"),
    ],
    "restore": lambda f, p: ["--data-dir", str(p.data), "restore", str(f), "--yes"],
    # "pack install": lambda f, p: ["--data-dir", str(p.data), "pack", "install", str(f)],
    "feedback import": lambda f, p: [
        "--data-dir",
        str(p.data),
        "feedback",
        "import",
        str(f),
        "--yes",
    ],
    "review": lambda f, p: [
        "--data-dir",
        str(p.data),
        "review",
        str(f),
        "--keys",
        str(p.registry),
        "--accept",
        "--out",
        str(p.out / "feedback.xlsx"),
    ],
    "diff": lambda f, p: ["diff", str(f), str(f), "--keys", str(p.registry)],
    "keys trust": lambda f, p: ["--data-dir", str(p.data), "keys", "trust", str(f)],
}
READS_WORKBOOKS = {"import-previous", "verify", "consolidate", "feedback import", "review", "diff"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "demo"
    done = run_ecodesk("--data-dir", str(folder), "demo")
    assert done.code == 0, done.err
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, demo: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    made = {}
    for name, hostile in CORPUS.items():
        path = folder / f"{name}{hostile.suffix}"
        made[name] = hostile.make(path, demo) if hostile.needs_demo else hostile.make(path)
    return made


def test_the_corpus_is_small_on_disk(corpus: dict[str, Path]) -> None:
    assert corpus["merge-bomb"].stat().st_size < 8 * 1024
    assert sum(p.stat().st_size for p in corpus.values()) < 12 * 2**20


def _store_state(data: Path) -> str:
    """The database's content (not its bytes: a checkpoint may move pages) and its files."""
    conn = sqlite3.connect(f"{(data / 'ecodesk.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(dump.encode()).hexdigest()


def _cases() -> list[object]:
    return [
        pytest.param(file_name, command, id=f"{command}-{file_name}")
        for file_name in CORPUS
        for command in COMMANDS
    ]


@pytest.mark.parametrize(("file_name", "command"), _cases())
def test_a_hostile_file_is_refused_cleanly(
    corpus: dict[str, Path], demo: Path, tmp_path: Path, file_name: str, command: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo, data)
    registry = tmp_path / "registry"
    registry.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    before = _store_state(data)
    done = run_ecodesk(
        *COMMANDS[command](corpus[file_name], Place(data, registry, out)),
        data_dir=data,
        memory=ADDRESS_SPACE,
        timeout=CHILD_TIMEOUT,
    )
    said = done.out + done.err
    assert done.code != 0, said
    assert "[timed out]" not in said
    assert has_chinese(done.err or done.out), said
    assert "Traceback" not in said
    assert "程序内部错误" not in said, said  # an unexpected error (e.g. out of memory) is no answer
    assert _store_state(data) == before
    assert not list(out.iterdir())
    assert done.seconds < MAX_SECONDS, done.seconds
    assert done.peak_mb < MAX_PEAK_MB, done.peak_mb
