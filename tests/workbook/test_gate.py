"""The streaming gate: every hostile workbook is refused in Chinese, quickly, in bounded memory.

The bombs are generated here (tests/workbook/bombs.py); the commands run in a child process
that reports its own peak memory (ru_maxrss) and time. The bounds asserted are the issue's
(10 s, 300 MB); the figures are printed — before the gate a merge bomb took 4 GiB and 50 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecodesk.workbook.safety import SuspiciousArchive, WorkbookDamaged
from ecodesk.workbook.xlsx import LIMITS, Limits, OversizedWorkbook, measure_xlsx, read_xlsx
from tests.workbook import bombs
from tests.workbook.helpers import new_key, register, rewrite_member, submission, write

ROOT = Path(__file__).resolve().parents[2]

# ru_maxrss survives exec on Linux (it would report pytest's own size): VmHWM is this
# program's peak resident memory alone.
RUNNER = """
import json, sys, time
def peak_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
out = sys.argv[1]
start = time.perf_counter()
try:
    from ecodesk.cli import main
    code = main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(out, "w") as fh:
    json.dump({"code": code, "seconds": time.perf_counter() - start,
               "maxrss_mb": peak_mb()}, fh)
sys.exit(code)
"""


def run_cli(args: list[str], home: Path, tmp: Path) -> tuple[dict, str]:
    """Run ``ecodesk args`` in a child process; its exit code, time, peak memory and stderr."""
    report = tmp / f"report-{len(list(tmp.glob('report-*')))}.json"
    env = dict(
        os.environ, ECODESK_HOME=str(home), PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen"
    )
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(report), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    figures = json.loads(report.read_text())
    print(args[0], Path(args[-1]).name, figures)
    assert proc.returncode == figures["code"]
    return figures, proc.stderr + proc.stdout


def assert_refused(figures: dict, output: str, *words: str) -> None:
    assert figures["code"] not in (0, None), output
    assert "Traceback" not in output, output
    assert "拒绝读取" in output, output
    for word in words:
        assert word in output, output
    assert figures["seconds"] < 10, figures
    assert figures["maxrss_mb"] < 300, figures


@pytest.fixture(scope="module")
def registry(pack, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("gate")
    keys, _key = new_key(folder / "unit")
    return register(keys, submission(pack), folder / "registry").parent


def test_merge_bomb_is_two_kilobytes_and_refused_by_verify_consolidate_and_import(
    tmp_path: Path, registry: Path
) -> None:
    bomb = bombs.merge_bomb(tmp_path / "merge.xlsx")
    assert bomb.stat().st_size < 2_500
    with pytest.raises(OversizedWorkbook) as exc:
        read_xlsx(bomb)
    assert "合并单元格" in str(exc.value)

    home = tmp_path / "home"
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], home, tmp_path)
    assert_refused(figures, out, "合并单元格", "merge.xlsx")

    folder = tmp_path / "received"
    folder.mkdir()
    shutil.copy(bomb, folder / "merge.xlsx")
    summary = tmp_path / "summary.xlsx"
    figures, out = run_cli(
        ["consolidate", "--keys", str(registry), "-o", str(summary), str(folder)], home, tmp_path
    )
    assert figures["code"] != 0 and "Traceback" not in out
    assert "合并单元格" in out and "拒绝读取" in out, out
    assert figures["seconds"] < 10 and figures["maxrss_mb"] < 300, figures

    run_cli(["profile", "--county", "360730", "--department", "发改委"], home, tmp_path)
    figures, out = run_cli(["import-previous", "--dry-run", str(bomb)], home, tmp_path)
    assert figures["code"] == 2 and "Traceback" not in out, out
    assert "合并单元格" in out and "拒绝读取" in out, out
    assert figures["seconds"] < 10 and figures["maxrss_mb"] < 300, figures


@pytest.mark.parametrize(
    ("cells", "words"),
    [(False, "解压后 16.9 MB，超过 16 MB"), (True, "解压后 53.8 MB，超过 16 MB")],
)
def test_a_million_rows_are_refused(
    tmp_path: Path, registry: Path, cells: bool, words: str
) -> None:
    bomb = bombs.write_xlsx(
        tmp_path / "rows.xlsx",
        {"表": bombs.many_rows(1_048_576, cells), bombs.DATA_SHEET: bombs.sheet_xml()},
    )
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], tmp_path, tmp_path)
    assert_refused(figures, out, words)


def test_rows_beyond_the_limit_in_a_small_part_are_refused(tmp_path: Path, registry: Path) -> None:
    bomb = bombs.write_xlsx(
        tmp_path / "rows.xlsx",
        {"表": bombs.many_rows(60_000), bombs.DATA_SHEET: bombs.sheet_xml()},
    )
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], tmp_path, tmp_path)
    assert_refused(figures, out, "工作表“表”超过 50,010 行")


def test_styles_bomb_is_refused(tmp_path: Path, registry: Path) -> None:
    bomb = bombs.write_xlsx(
        tmp_path / "styles.xlsx",
        {"表": bombs.sheet_xml(), bombs.DATA_SHEET: bombs.sheet_xml()},
        styles=bombs.styles_bomb(30_000),
    )
    assert bomb.stat().st_size < 1_000_000
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], tmp_path, tmp_path)
    assert_refused(figures, out, "单元格格式超过 4,000 种")


def test_huge_shared_strings_part_is_refused(tmp_path: Path, registry: Path) -> None:
    bomb = bombs.write_xlsx(
        tmp_path / "strings.xlsx",
        {"表": bombs.sheet_xml(), bombs.DATA_SHEET: bombs.sheet_xml()},
        shared=bombs.shared_strings(500_000),
    )
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], tmp_path, tmp_path)
    assert_refused(figures, out, "共享字符串超过 160,000 个")


def test_seven_hundred_thousand_records_are_refused(tmp_path: Path, registry: Path) -> None:
    bomb = bombs.write_xlsx(
        tmp_path / "records.xlsx",
        {"表": bombs.sheet_xml(), bombs.DATA_SHEET: bombs.data_sheet_rows(700_000)},
    )
    figures, out = run_cli(["verify", "--keys", str(registry), str(bomb)], tmp_path, tmp_path)
    assert_refused(figures, out, "解压后")


def test_records_beyond_the_limit_are_refused_even_within_the_row_limit(
    pack, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.workbook.reader import read_signed_workbook

    small = Limits(
        rows=200_000,
        cells_per_sheet=700_000,
        area=2_000_000,
        cells=2_000_000,
        elements=2_000_000,
        elements_per_part=1_000_000,
        sheet_part_bytes=64 * 1024 * 1024,
    )
    bomb = bombs.write_xlsx(
        tmp_path / "records.xlsx",
        {"表": bombs.sheet_xml(), bombs.DATA_SHEET: bombs.data_sheet_rows(LIMITS.records + 1)},
    )
    read_xlsx(bomb, limits=small)  # within these limits, it is the record count that is refused
    with pytest.raises(OversizedWorkbook) as exc:
        read_signed_workbook(bomb)
    assert "拒绝读取" in str(exc.value)


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (Limits(cell_formats=5), "单元格格式超过 5 种"),
        (Limits(style_entries=5), "字体、填充、边框或数字格式超过 5 种"),
        (Limits(rows=50), "超过 50 行"),
        (Limits(cells_per_sheet=100), "超过 100 个单元格"),
        (Limits(cells=1_000), "单元格总数超过 1,000 个"),
        (Limits(merged_area=10), "合并单元格范围过大"),
        (Limits(elements_per_part=1_000), "个 XML 元素"),
        (Limits(sheets=3), "工作表超过 3 张"),
        (Limits(area=300), "范围超过 300 个单元格"),
    ],
)
def test_each_limit_refuses_a_real_workbook_resaved_by_openpyxl(
    pack, tmp_path: Path, limits: Limits, words: str
) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    _keys, key = new_key(tmp_path / "unit")
    path = tmp_path / "signed.xlsx"
    write(pack, submission(pack, ("G", "1.1", "2.1")), path, key)
    wb = openpyxl.load_workbook(path)
    wb.save(path)  # shared strings, as every spreadsheet program writes them
    with pytest.raises(OversizedWorkbook) as exc:
        read_xlsx(path, limits=limits)
    assert words in str(exc.value) and "拒绝读取" in str(exc.value)
    with pytest.raises(SuspiciousArchive):
        measure_xlsx(path, limits=limits)


@pytest.mark.parametrize(
    ("limits", "words"),
    [
        (Limits(shared_text_chars=1_000), "共享字符串总长超过 1,000 个字符"),
        (Limits(shared_strings=100), "共享字符串超过 100 个"),
        (Limits(elements_per_part=1_000), "个 XML 元素"),
    ],
)
def test_shared_string_limits(tmp_path: Path, limits: Limits, words: str) -> None:
    path = bombs.write_xlsx(
        tmp_path / "strings.xlsx",
        {"表": bombs.sheet_xml(), bombs.DATA_SHEET: bombs.sheet_xml()},
        shared=bombs.shared_strings(2_000),
    )
    read_xlsx(path)
    with pytest.raises(OversizedWorkbook) as exc:
        read_xlsx(path, limits=limits)
    assert words in str(exc.value)


def test_a_real_full_county_workbook_is_far_within_the_limits(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The limits are generous multiples of what EcoDesk writes: at least 8× a full county."""
    _keys, key = new_key(tmp_path / "unit")
    path = tmp_path / "county.xlsx"
    write(pack, submission(pack, None), path, key)
    tight = Limits(
        records=LIMITS.records // 8,
        rows=LIMITS.rows // 8,
        cells_per_sheet=LIMITS.cells_per_sheet // 8,
        cells=LIMITS.cells // 8,
        area=LIMITS.area // 8,
        merges=LIMITS.merges // 8,
        merged_area=LIMITS.merged_area // 8,
        sheets=LIMITS.sheets // 8,
        cell_formats=LIMITS.cell_formats // 8,
        style_entries=LIMITS.style_entries // 8,
        shared_strings=LIMITS.shared_strings // 8,
        shared_text_chars=LIMITS.shared_text_chars // 8,
        elements_per_part=LIMITS.elements_per_part // 8,
    )
    content = read_xlsx(path, limits=tight)
    assert len(content.sheets) == 24


def test_a_dtd_in_any_parsed_part_is_refused(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.importing.makers import BILLION_LAUGHS

    _keys, key = new_key(tmp_path / "unit")
    path = tmp_path / "signed.xlsx"
    write(pack, submission(pack), path, key)
    for part in ("xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet2.xml"):
        bad = tmp_path / "laughs.xlsx"
        rewrite_member(path, bad, part, lambda data: BILLION_LAUGHS)
        with pytest.raises(OversizedWorkbook) as exc:
            read_xlsx(bad)
        assert "XML 炸弹" in str(exc.value), part
        # a long comment before the DTD does not hide it: the prolog is read to its end
        padded = b'<?xml version="1.0"?><!-- ' + b"x" * 70_000 + b" -->"
        padded += BILLION_LAUGHS.split(b"?>", 1)[1]
        rewrite_member(path, bad, part, lambda data, padded=padded: padded)
        with pytest.raises(WorkbookDamaged):
            read_xlsx(bad)
