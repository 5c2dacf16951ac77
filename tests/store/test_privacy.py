"""Issue 20 (10): the data folder, the database and the backups are the user's alone (they were
0755/0644, readable by every local user); nothing English reaches the terminal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.cli_child import run_ecodesk

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = run_ecodesk("--data-dir", str(data), "demo")
    assert done.code == 0, done.err
    assert run_ecodesk("--data-dir", str(data), "backup").code == 0
    assert _mode(data) == 0o700
    assert _mode(data / "backups") == 0o700
    assert _mode(data / "logs") == 0o700
    private_files = [
        data / "ecodesk.sqlite3",
        data / "logs" / "ecodesk.log",
        *(data / "backups").iterdir(),
    ]
    private_files += [p for p in (Path(f"{data / 'ecodesk.sqlite3'}{s}") for s in ("-wal", "-shm"))]
    for path in private_files:
        if path.exists():
            assert _mode(path) & 0o077 == 0, (path, oct(_mode(path)))
    assert len(list((data / "backups").iterdir())) >= 2


def test_an_existing_open_folder_is_made_private(tmp_path: Path) -> None:
    """A folder made by an earlier version (0755, a 0644 database) is tightened at the next start."""
    data = tmp_path / "data"
    assert run_ecodesk("--data-dir", str(data), "demo").code == 0
    data.chmod(0o755)
    (data / "ecodesk.sqlite3").chmod(0o644)
    (data / "logs").chmod(0o755)
    assert run_ecodesk("--data-dir", str(data), "profile").code == 0
    assert _mode(data) == 0o700
    assert _mode(data / "ecodesk.sqlite3") == 0o600
    assert _mode(data / "logs") == 0o700


def test_the_terminal_gets_no_english_log_lines_nor_library_warnings(tmp_path: Path) -> None:
    """A workbook openpyxl warns about (an unknown extension), through import-previous and
    verify; the database upgraded from nothing (Alembic logs). stderr holds Chinese only."""
    import zipfile

    data = tmp_path / "data"
    assert run_ecodesk("--data-dir", str(data), "demo").code == 0
    wb = tmp_path / "odd.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.save(wb)
    # a data validation extension openpyxl does not support: it warns when it reads the file
    with zipfile.ZipFile(wb) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace(
        "</worksheet>",
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="0"/></ext></extLst></worksheet>',
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(wb, "w") as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    fresh = tmp_path / "fresh"
    for args in (
        ["--data-dir", str(data), "import-previous", str(wb), "--dry-run"],
        ["verify", str(wb), "--keys", str(tmp_path)],
        ["--data-dir", str(fresh), "profile"],
    ):
        done = run_ecodesk(*args)
        lines = [line for line in done.err.splitlines() if line.strip()]
        english = [
            line
            for line in lines
            if not any("\u4e00" <= ch <= "\u9fff" for ch in line) and not line.startswith("用法")
        ]
        assert not english, (args, done.err)
        assert "Warning" not in done.err and "INFO" not in done.err, done.err
