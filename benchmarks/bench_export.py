"""Export + sign of the demo's full submission, next to openpyxl writing the same cells bare.

Run: ``/work/main/.venv/bin/python benchmarks/bench_export.py`` — prints seconds for each, same
run: wall time and CPU time of this process (CPU time is what a busy shared machine does not
distort), and their ratio (issue 16 goal: ≤ 2× openpyxl, under 1 s for a full county). The
export includes the checks, unlocking the key (scrypt, ≈ 0.2 s by design), styles, signing and
saving.
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


def stages(folder: Path, tmp_path: Path, rounds: int) -> list[tuple[str, float]]:
    """CPU seconds (median) of the export's steps on the demo store in ``folder`` (signed
    already: the steps are run one by one, not through export_submission)."""
    from datetime import datetime

    from openpyxl import load_workbook

    from ecodesk.forms.rules import check_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.store import Store
    from ecodesk.workbook.datasheet import DATA_SHEET, write_data_sheet
    from ecodesk.workbook.writer import build_signed_workbook

    def cpu(fn) -> float:  # type: ignore[no-untyped-def]
        runs = []
        for _ in range(rounds):
            start = time.process_time()
            fn()
            runs.append(time.process_time() - start)
        return statistics.median(runs)

    with Store.open(folder) as store:
        pack, data = store.pack, store.load(store.current_period())
    keys = KeyStore(folder)
    key = keys.unlock("benchmark passphrase")
    meta = ExportMeta(datetime.now().astimezone().replace(microsecond=0), "bench")
    built = build_signed_workbook(pack, data, key=key, meta=meta)

    def save_through_openpyxl() -> None:
        wb = load_workbook(tmp_path / "stage.xlsx")  # outside the timing below
        del wb[DATA_SHEET]
        write_data_sheet(wb.create_sheet(), built.block, built.records)
        start = time.process_time()
        wb.save(tmp_path / "stage-openpyxl.xlsx")
        timings.append(time.process_time() - start)

    built.save(tmp_path / "stage.xlsx")
    timings: list[float] = []
    for _ in range(rounds):
        save_through_openpyxl()
    return [
        ("unlock the key (scrypt, by design)", cpu(lambda: keys.unlock("benchmark passphrase"))),
        ("check the submission", cpu(lambda: check_submission(pack, data))),
        (
            "lay out + sign (build_signed_workbook)",
            cpu(lambda: build_signed_workbook(pack, data, key=key, meta=meta)),
        ),
        ("save (data sheet's part written directly)", cpu(lambda: built.save(tmp_path / "s.xlsx"))),
        ("save, data sheet through openpyxl (before)", statistics.median(timings)),
    ]


def main(rounds: int = 5) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        template = tmp_path / "demo"
        with Store.open(template) as store:
            fill_demo(store)
        signed_times: list[float] = []
        signed_cpu: list[float] = []
        last = tmp_path / "signed-0.xlsx"
        import shutil

        for i in range(rounds):
            folder = tmp_path / f"run{i}"
            shutil.copytree(template, folder)
            with Store.open(folder) as store:
                out = tmp_path / f"signed-{i}.xlsx"
                started, cpu = time.perf_counter(), time.process_time()
                export_submission(
                    store, store.current_period(), out, passphrase="benchmark passphrase"
                )
                signed_times.append(time.perf_counter() - started)
                signed_cpu.append(time.process_time() - cpu)
                last = out
        sheets = _cells_of(last)
        cells = sum(len(c) for _, c in sheets)
        bare_times: list[float] = []
        bare_cpu: list[float] = []
        for i in range(rounds):
            started, cpu = time.perf_counter(), time.process_time()
            _bare_write(sheets, tmp_path / f"bare-{i}.xlsx")
            bare_times.append(time.perf_counter() - started)
            bare_cpu.append(time.process_time() - cpu)
        size_signed = last.stat().st_size
        size_bare = (tmp_path / "bare-0.xlsx").stat().st_size
        steps = stages(tmp_path / f"run{rounds - 1}", tmp_path, rounds)
    print(f"cells written (incl. hidden data sheet): {cells}")
    med = statistics.median
    print(
        f"export + sign (check, key unlock/create, styles, sign, save): "
        f"median {med(signed_times):.2f} s wall, {med(signed_cpu):.2f} s CPU  "
        f"(runs: {', '.join(f'{t:.2f}' for t in signed_times)})  {size_signed / 1024:.0f} KiB"
    )
    print(
        f"openpyxl same cells, no styles: "
        f"median {med(bare_times):.2f} s wall, {med(bare_cpu):.2f} s CPU  "
        f"(runs: {', '.join(f'{t:.2f}' for t in bare_times)})  {size_bare / 1024:.0f} KiB"
    )
    print("export steps, CPU s (median):")
    for name, seconds in steps:
        print(f"  {name:44s} {seconds:6.3f}")
    print(
        f"ratio export / openpyxl: {med(signed_times) / med(bare_times):.2f}x wall, "
        f"{med(signed_cpu) / med(bare_cpu):.2f}x CPU (goal: <= 2x, export under 1 s)"
    )


if __name__ == "__main__":
    main()
