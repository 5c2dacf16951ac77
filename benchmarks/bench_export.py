"""Export + sign of the demo's full submission, next to openpyxl writing the same cells bare.

Run: ``/work/venv/bin/python benchmarks/bench_export.py`` — prints seconds for each, same run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def _cells_of(src: Path) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """Every non-empty cell of every sheet of ``src`` (read once, outside the timing)."""
    from openpyxl import load_workbook

    return [
        (
            ws.title,
            [
                (c.row, c.column, c.value)
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            ],
        )
        for ws in load_workbook(src).worksheets
    ]


def _bare_write(sheets: list[tuple[str, list[tuple[int, int, object]]]], dst: Path) -> None:
    """The same cell values with openpyxl: no styles, no layout, no checks, no signing."""
    from openpyxl import Workbook

    out = Workbook()
    out.remove(out.active)
    for title, cells in sheets:
        ws = out.create_sheet(title)
        for row, column, value in cells:
            ws.cell(row=row, column=column, value=value)
    out.save(dst)


def main(rounds: int = 3) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        template = tmp_path / "demo"
        with Store.open(template) as store:
            fill_demo(store)
        signed_times: list[float] = []
        last = tmp_path / "signed-0.xlsx"
        import shutil

        for i in range(rounds):
            folder = tmp_path / f"run{i}"
            shutil.copytree(template, folder)
            with Store.open(folder) as store:
                out = tmp_path / f"signed-{i}.xlsx"
                started = time.perf_counter()
                export_submission(
                    store, store.current_period(), out, passphrase="benchmark passphrase"
                )
                signed_times.append(time.perf_counter() - started)
                last = out
        sheets = _cells_of(last)
        cells = sum(len(c) for _, c in sheets)
        bare_times: list[float] = []
        for i in range(rounds):
            started = time.perf_counter()
            _bare_write(sheets, tmp_path / f"bare-{i}.xlsx")
            bare_times.append(time.perf_counter() - started)
        size_signed = last.stat().st_size
        size_bare = (tmp_path / "bare-0.xlsx").stat().st_size
    print(f"cells written (incl. hidden data sheet): {cells}")
    print(
        f"export + sign (check, key unlock/create, styles, sign, save): "
        f"median {statistics.median(signed_times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in signed_times)})  "
        f"{size_signed / 1024:.0f} KiB"
    )
    print(
        f"openpyxl same cells, no styles: "
        f"median {statistics.median(bare_times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in bare_times)})  "
        f"{size_bare / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
