"""Consolidation time and memory for 18, 180 and 1,800 distinct received full county workbooks.

    /work/main/.venv/bin/python benchmarks/bench_consolidate.py 1800            # one size
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py                 # 18, 180, 1800
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py 18 180 --workers 1
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py --forms G,1.1   # smaller workbooks
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py --copies        # the older set
    /work/main/.venv/bin/python benchmarks/bench_consolidate.py --clean         # drop the caches

The files are distinct submissions as a city receives them: 21 divisions × 22 departments (462
units), each unit with its own key in the registry, revision 1 of every unit, then revision 2 …
(up to 4), every one with its own figures, words and rows, really signed. They are made once, in
a worker pool (one per core), into a cache folder under the system's temp folder named by the
parameters and the code that writes them, and grown when a larger size is asked for; the time
spent making them is printed apart and is not in the figures. ``--copies`` instead uses 18 signed
submissions resent under other bytes (the benchmark's older set: one copy of each in memory).

Eighteen demo counties' workbooks (signed once, cached the same way) give the baselines, measured
in the same run in a process of their own: openpyxl only loading a workbook (what the verifier
did before, per file), and the streaming verifier one file after another, by stage (one core,
CPU time), with what the consolidating program holds per distinct submission.

Each size runs in a fresh process as ``ecodesk consolidate`` would: verifying in a process pool
(one worker per core; the verdicts kept in a fresh data folder's cache) and adding up in the
parent. Printed: the CPU time of that process and its workers (``os.times``) next to the wall
time and the load average, since wall time means little on a machine others are loading; the
wall time projected for an idle machine (verifying CPU / cores + adding up); peak resident memory
from ``resource.getrusage`` (RUSAGE_SELF: the program; RUSAGE_CHILDREN: its largest worker) once
verified and added up, and the program and its workers together sampled every 20 ms; then the
summary workbook written (wall, the program's peak). Per-file figures should stay flat. Then each
size is scanned again by a new process, as after a restart: every verdict should come from the
cache (counted), at a small fraction of the first scan's CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

PASSPHRASE = "bench passphrase 2026"


def make_workbooks(folder: Path, registry: Path, forms: list[str] | None) -> list[Path]:
    from dataclasses import replace

    from ecodesk.demo import sample_submission
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.signing import keys as signing_keys
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.submission import Period
    from ecodesk.workbook.writer import write_signed_workbook

    signing_keys.SCRYPT_N = 2**10
    pack = bundled_pack()
    meta = ExportMeta(
        exported_at=datetime.now().astimezone().replace(microsecond=0), program_version="bench"
    )
    counties = [d for d in pack.catalog.divisions if d.kind != "功能区"][:18]
    paths = []
    for division in counties:
        data = sample_submission(pack, division.code, Period(2025))
        if forms:
            keep = tuple(f"{f}:" for f in forms)
            data = replace(
                data,
                forms=[f for f in data.forms if f in forms],
                values={k: v for k, v in data.values.items() if k.startswith(keep)},
                narratives={k: v for k, v in data.narratives.items() if k.startswith(keep)},
                tables={k: v for k, v in data.tables.items() if k.startswith(keep)},
            )
        keys = KeyStore(folder.parent / "keys" / division.code)
        key = keys.create(PASSPHRASE)
        write_registrations(keys, registry, data.unit)
        path = folder / f"{division.code}.xlsx"
        write_signed_workbook(pack, data, path, key=key, meta=meta)
        paths.append(path)
    return paths


def fill(folder: Path, originals: list[Path], n: int) -> None:
    """``n`` files, variants of the originals with their own bytes (a zip comment of their own)."""
    folder.mkdir()
    sources = [p.read_bytes() for p in originals]
    for i in range(n):
        data = sources[i % len(sources)]
        assert data[-2:] == b"\x00\x00"  # no zip comment yet
        comment = f"received {i}".encode()
        target = folder / f"{i:05d}-{originals[i % len(originals)].name}"
        target.write_bytes(data[:-2] + len(comment).to_bytes(2, "little") + comment)


# --------------------------------------------------------------------------- distinct corpus

REVISIONS = 4  # each unit sends its first version and three corrections
DISTINCT_VERSION = 1  # raise it when the functions below make other workbooks (names the cache)


def distinct_units(pack) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every division × (its lead office and the plan's county departments): 21 × 22 units."""
    from ecodesk.demo import division_department

    departments = [d.county for d in pack.catalog.departments if d.county]
    units = []
    for division in pack.catalog.divisions:
        lead = division_department(division)
        names = [lead] + [d for d in dict.fromkeys(departments) if d != lead]
        units += [(division.code, name) for name in names[:22]]
    return units


def distinct_plan(pack, n: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(unit index, revision) of the first ``n`` files: every unit's revision 1, then 2, …"""
    units = len(distinct_units(pack))
    if n > units * REVISIONS:
        raise SystemExit(f"at most {units * REVISIONS} distinct submissions")
    return [(i % units, i // units + 1) for i in range(n)]


def _vary(data, unit_index: int, revision: int):  # type: ignore[no-untyped-def]
    """Another unit's and revision's own figures, words and rows (numbers moved by a few per
    mille, texts marked), so no two submissions share their signed data."""
    from decimal import Decimal, InvalidOperation

    k = unit_index * REVISIONS + revision
    factor = Decimal(1000 + (k * 37) % 211 - 105) / 1000

    def number(text: str) -> str:
        try:
            value = Decimal(text)
        except InvalidOperation:
            return text
        if not value.is_finite() or value == 0:
            return text
        exponent = value.as_tuple().exponent
        moved = (value * factor).quantize(Decimal(1).scaleb(exponent))  # type: ignore[arg-type]
        return str(moved) if moved != 0 else text

    data.values = {key: number(text) for key, text in data.values.items()}
    mark = f"（{data.unit.display_name}，第{revision}版）"
    data.narratives = {
        key: f"{text}{mark}" if text else text for key, text in data.narratives.items()
    }
    for rows in data.tables.values():
        for row in rows:
            for column, text in row.items():
                row[column] = number(text)
    return data


def _make_distinct(
    folder: str, registry: str, jobs: list[tuple[int, list[int]]], forms: list[str] | None
) -> list[str]:
    """In a worker: sign every revision of the given units with each unit's own key."""
    from dataclasses import replace

    from ecodesk.demo import sample_submission
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.signing import keys as signing_keys
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.submission import Period
    from ecodesk.workbook.writer import write_signed_workbook

    signing_keys.SCRYPT_N = 2**10
    pack = bundled_pack()
    units = distinct_units(pack)
    meta = ExportMeta(
        exported_at=datetime.now().astimezone().replace(microsecond=0), program_version="bench"
    )
    made = []
    for unit_index, revisions in jobs:
        code, department = units[unit_index]
        base = sample_submission(pack, code, Period(2025))
        base = replace(base, unit=replace(base.unit, department=department))
        if forms:
            base = _only_forms(base, forms)
        keys = KeyStore(Path(folder).parent / "keys" / f"{unit_index:04d}")
        key = keys.create(PASSPHRASE)
        write_registrations(keys, Path(registry), base.unit)
        for revision in revisions:
            data = replace(
                base,
                revision=revision,
                supersedes=revision - 1 if revision > 1 else None,
                values=dict(base.values),
                narratives=dict(base.narratives),
                tables={k: [dict(r) for r in rows] for k, rows in base.tables.items()},
            )
            data = _vary(data, unit_index, revision)
            path = Path(folder) / f"r{revision}-{unit_index:04d}-{code}.xlsx"
            write_signed_workbook(pack, data, path, key=key, meta=meta)
            made.append(str(path))
    return made


def _only_forms(data, forms: list[str]):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    keep = tuple(f"{f}:" for f in forms)
    return replace(
        data,
        forms=[f for f in data.forms if f in forms],
        values={k: v for k, v in data.values.items() if k.startswith(keep)},
        narratives={k: v for k, v in data.narratives.items() if k.startswith(keep)},
        tables={k: v for k, v in data.tables.items() if k.startswith(keep)},
    )


def distinct_corpus(
    n: int, forms: list[str] | None, workers: int
) -> tuple[list[Path], Path, float, float]:
    """``n`` distinct signed submissions (the first ``n`` of :func:`distinct_plan`) and their
    registry, made once in a worker pool and kept in a cache folder (grown when a larger ``n``
    is asked for): (files in plan order, registry, wall s, CPU s spent making them now)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ecodesk.forms.loader import bundled_pack

    pack = bundled_pack()
    cache = _cache_folder(("distinct", DISTINCT_VERSION, forms))
    folder, registry = cache / "files", cache / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    units = distinct_units(pack)
    plan = distinct_plan(pack, n)
    wanted = {u: [r for uu, r in plan if uu == u] for u, _ in plan}
    # a unit's key is made with its first revision; a unit seen before gets no new key
    done = cache / "units-done"
    have = set(done.read_text().split()) if done.exists() else set()
    jobs = []
    for unit, revisions in wanted.items():
        code = units[unit][0]
        missing = [r for r in revisions if not (folder / f"r{r}-{unit:04d}-{code}.xlsx").exists()]
        if missing and str(unit) in have:
            # a run stopped between revisions: redo the unit whole (with a new key)
            shutil.rmtree(cache / "keys" / f"{unit:04d}", ignore_errors=True)
            for stale in folder.glob(f"r*-{unit:04d}-*.xlsx"):
                stale.unlink()
            missing = revisions
        elif missing:
            shutil.rmtree(cache / "keys" / f"{unit:04d}", ignore_errors=True)
            missing = revisions
        if missing:
            jobs.append((unit, missing))
    wall = cpu = 0.0
    if jobs:
        before = os.times()
        start = time.perf_counter()
        chunks = [jobs[k : k + 4] for k in range(0, len(jobs), 4)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(_make_distinct, str(folder), str(registry), chunk, forms)
                for chunk in chunks
            ]
            for future, chunk in zip(futures, chunks, strict=True):
                future.result()
                with done.open("a") as fh:
                    fh.write("".join(f"{unit}\n" for unit, _ in chunk))
        wall = time.perf_counter() - start
        after = os.times()
        cpu = sum(
            getattr(after, f) - getattr(before, f)
            for f in ("user", "system", "children_user", "children_system")
        )
    files = [folder / f"r{r}-{u:04d}-{units[u][0]}.xlsx" for u, r in plan]
    return files, registry, wall, cpu


def _cache_folder(params: object) -> Path:
    """A folder under the temp folder named by ``params`` and the code that writes workbooks."""
    root_dir = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(repr(params).encode())
    for folder in ("ecodesk/workbook", "ecodesk/signing", "ecodesk/demo", "ecodesk/forms"):
        for f in sorted((root_dir / folder).rglob("*")):
            if f.is_file() and f.suffix in (".py", ".yaml", ".yml", ".json", ".toml"):
                h.update(f.relative_to(root_dir).as_posix().encode() + f.read_bytes())
    return Path(tempfile.gettempdir()) / f"{CACHE_PREFIX}{h.hexdigest()[:16]}"


class PeakMemory:
    """The largest resident memory of this process and its workers together, sampled every 20 ms."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _tree_rss(os.getpid()))


def _tree_rss(pid: int) -> int:
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(_tree_rss(int(child)) for child in fh.read().split())
    except OSError:
        pass
    return total


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cpu_timed(fn):  # type: ignore[no-untyped-def]
    """Wall time, CPU time of this process and its (finished) workers, and the result."""
    before = os.times()
    start = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - start
    after = os.times()
    cpu = sum(
        getattr(after, f) - getattr(before, f)
        for f in ("user", "system", "children_user", "children_system")
    )
    return wall, cpu, result


def openpyxl_timed(paths: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of :func:`openpyxl_full` (in the process that runs it)."""
    wall, cpu = time.perf_counter(), time.process_time()
    openpyxl_full(paths)
    return time.perf_counter() - wall, time.process_time() - cpu


def openpyxl_full(paths: list[Path]) -> None:
    from openpyxl import load_workbook

    for p in paths:
        load_workbook(p, data_only=False, keep_links=False).close()


CACHE_PREFIX = "ecodesk-bench-corpus-"


def corpus(forms: list[str] | None) -> tuple[list[Path], Path, float]:
    """The 18 signed originals and their key registry, from the cache when the parameters and the
    code that writes them are unchanged (else made anew): (originals, registry, seconds spent)."""
    root_dir = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(repr(forms).encode())
    for folder in ("ecodesk/workbook", "ecodesk/signing", "ecodesk/demo", "ecodesk/forms"):
        for f in sorted((root_dir / folder).rglob("*")):
            if f.is_file() and f.suffix in (".py", ".yaml", ".yml", ".json", ".toml"):
                h.update(f.relative_to(root_dir).as_posix().encode() + f.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"{CACHE_PREFIX}{h.hexdigest()[:16]}"
    done = cache / "complete"
    if done.exists():
        return sorted((cache / "originals").glob("*.xlsx")), cache / "registry", 0.0
    # Older corpora (other code) are left for --clean: another checkout may be using one now.
    shutil.rmtree(cache, ignore_errors=True)  # a run stopped half-way through making this one
    (cache / "originals").mkdir(parents=True)
    made, originals = timed(lambda: make_workbooks(cache / "originals", cache / "registry", forms))
    done.write_text("18 signed workbooks and their registry\n")
    return originals, cache / "registry", made


def stages(originals: list[Path], registry_dir: Path, repeat: int = 3) -> dict[str, float]:
    """CPU ms per file of each stage of verifying one file after another (best of ``repeat``)."""
    import gc

    from ecodesk.services.consolidate import _registry, receive
    from ecodesk.services.verify import verify_workbook
    from ecodesk.signing.canonical import canonical_bytes
    from ecodesk.workbook import reader
    from ecodesk.workbook.datasheet import DATA_SHEET, data_rows_from_cells, parse_data_rows
    from ecodesk.workbook.xlsx import read_xlsx

    registry = _registry(registry_dir)
    n = len(originals)

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        fn(originals[0])
        runs = []
        for _ in range(repeat):
            start = time.process_time()
            for p in originals:
                fn(p)
            runs.append(time.process_time() - start)
        return min(runs) / n * 1000

    gc.disable()  # as read_signed_workbook does while it reads
    try:
        contents = {p: read_xlsx(p, rows_of=reader._DATA_ROWS) for p in originals}

        def data_sheet(p: Path):  # type: ignore[no-untyped-def]
            sheet = contents[p].sheet(DATA_SHEET)
            return parse_data_rows(
                data_rows_from_cells([(c[0], c[1], c[3]) for c in sheet.cells], sheet.text_rows)
            )

        sheets = {p: data_sheet(p) for p in originals}
        items = [receive(p, registry) for p in originals]
        blobs = [pickle.dumps(i) for i in items]
        out = {
            "inflate every part (the floor)": best(_inflate),
            "read_xlsx: zip gate + every sheet": best(
                lambda p: read_xlsx(p, rows_of=reader._DATA_ROWS)
            ),
            "data sheet rows -> records": best(data_sheet),
            "visible cells against records": best(
                lambda p: reader.compare_read_cells(contents[p], sheets[p].records)
            ),
            "display check": best(
                lambda p: reader._display_changes(contents[p], sheets[p].records)
            ),
            "canonical bytes (signed JSON)": best(lambda p: canonical_bytes(sheets[p].records)),
            "records -> submission data": best(
                lambda p: reader.submission_from_records(sheets[p].records)
            ),
        }
    finally:
        gc.enable()
    out["read_signed_workbook (all of the above)"] = best(reader.read_signed_workbook)
    out["verify_workbook (+ signature, registry)"] = best(lambda p: verify_workbook(p, registry))
    out["receive (what a worker does per file)"] = best(lambda p: receive(p, registry))
    start = time.process_time()
    for _ in range(repeat):
        blobs = [pickle.dumps(i) for i in items]
    out["pickle the result (worker)"] = (time.process_time() - start) / repeat / n * 1000
    start = time.process_time()
    for _ in range(repeat):
        for b in blobs:
            pickle.loads(b)
    out["unpickle the result (parent)"] = (time.process_time() - start) / repeat / n * 1000
    out["result size KB"] = sum(map(len, blobs)) / n / 1024
    # What the parent holds per valid file once its result has arrived. The variants of this
    # benchmark share their 18 submissions (one copy per digest); a real folder's are distinct.
    import tracemalloc

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = [pickle.loads(b) for b in blobs]
    out["held in the parent per distinct result KB"] = (
        (tracemalloc.get_traced_memory()[0] - before) / len(held) / 1024
    )
    tracemalloc.stop()
    return out


def _inflate(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            zf.read(name)


def run_size(
    files: list[str],
    registry: str,
    workers: int | None,
    out: str,
    data_dir: str,
    write: bool = True,
) -> dict[str, float]:
    """In a fresh process: verify and add up ``files`` as ``ecodesk consolidate`` does (with
    the verdicts kept in ``data_dir``), and write the summary; CPU (this process and its
    workers), wall, peak memory, and how many verdicts came from the kept ones."""
    import resource

    from ecodesk.services.consolidate import (
        consolidate_received,
        expand_paths,
        verify_all,
        write_summary,
    )
    from ecodesk.services.verify_cache import PersistentVerifyCache

    folder = Path(files[0]).parent if files else Path(out).parent
    cache = PersistentVerifyCache(Path(data_dir))
    with PeakMemory() as memory:
        t_verify, c_verify, received = cpu_timed(
            lambda: verify_all(expand_paths([folder]), Path(registry), workers=workers, cache=cache)
        )
        t_add, c_add, result = cpu_timed(lambda: consolidate_received(received))
    cache.close()
    # ru_maxrss is in KB on Linux: the most this process and its largest worker used so far
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t_sum, _ = timed(lambda: write_summary(result, Path(out))) if write else (0.0, None)
    assert len(received) == len(files) and not result.refused, "benchmark set must all verify"
    return {
        "wall": t_verify + t_add,
        "verify_cpu": c_verify,
        "add_cpu": c_add,
        "summary_wall": t_sum,
        "used": len(result.used),
        "hits": cache.hits,
        "units": len(result.summary.submissions),
        "tree_peak": memory.peak / 1048576,
        "self_peak": self_peak,
        "children_peak": children_peak,
        "summary_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _linked(folder: Path, files: list[Path]) -> None:
    """``folder`` holding ``files`` (hard links: no copy of the bytes)."""
    folder.mkdir()
    for f in files:
        try:
            os.link(f, folder / f.name)
        except OSError:
            shutil.copyfile(f, folder / f.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("counts", nargs="*", type=int, help="files per run (default 18 180 1800)")
    parser.add_argument("--sizes", default="", help="the same, comma-separated (older form)")
    parser.add_argument(
        "--forms", default="", help="comma-separated form codes (default: every form)"
    )
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--no-baseline", action="store_true", help="skip the openpyxl baseline")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="the older set: 18 signed submissions resent under other bytes (not distinct)",
    )
    parser.add_argument("--clean", action="store_true", help="remove the cached corpus and stop")
    args = parser.parse_args(argv)
    if args.clean:
        for stale in Path(tempfile.gettempdir()).glob(f"{CACHE_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)
            print(f"removed {stale}")
        return 0
    sizes = args.counts or [int(s) for s in args.sizes.split(",") if s] or [18, 180, 1800]
    forms = [f for f in args.forms.split(",") if f] or None
    cores = min(args.workers or os.cpu_count() or 1, os.cpu_count() or 1)

    originals, registry, made = corpus(forms)
    size_kb = sum(p.stat().st_size for p in originals) / len(originals) / 1024
    print(
        f"18 signed workbooks ({size_kb:.0f} KB each; forms: {args.forms or 'all'}): "
        + (f"made in {made:.1f} s" if made else "from the cache")
        + f" ({originals[0].parent.parent})"
        + f"; {os.cpu_count()} cores, workers: {args.workers or 'one per core'}; "
        f"load average {_load()}"
    )
    distinct: list[Path] = []
    distinct_registry = registry
    if not args.copies:
        distinct, distinct_registry, made_wall, made_cpu = distinct_corpus(max(sizes), forms, cores)
        print(
            f"{len(distinct)} distinct signed submissions (each unit its own key; "
            f"{len({p.name.split('-')[1] for p in distinct})} units, revisions 1–"
            f"{max(int(p.name[1]) for p in distinct)}): "
            + (
                f"made now in {made_wall:.0f} s wall, {made_cpu:.0f} s CPU"
                if made_wall
                else "from the cache"
            )
            + f" ({distinct[0].parent.parent}); not part of the figures below"
        )
    # The baseline and the stages run in a process of their own, so the memory they leave
    # behind does not count in the consolidation's peak below.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as side:
        if not args.no_baseline:
            t_openpyxl, c_openpyxl = side.submit(openpyxl_timed, originals).result()
            base_cpu = c_openpyxl / len(originals) * 1000
            print(
                f"baseline (18 originals, same run): openpyxl load {base_cpu:.0f} ms CPU/file "
                f"({t_openpyxl / len(originals) * 1000:.0f} ms wall)"
            )
        else:
            base_cpu = 0.0
        print("verifying one file after another, CPU ms per file by stage (best of 3):")
        figures = side.submit(stages, originals, registry).result()
    for name, value in figures.items():
        print(f"  {name:42s} {value:7.1f}")
    print(
        "each size in a fresh process. CPU: that process and its workers (os.times); "
        "'idle s' = verifying CPU / cores + adding-up CPU: the wall time projected for a "
        "machine nobody else is using. Peak RSS: 'parent' and 'worker' from "
        "resource.getrusage (RUSAGE_SELF, RUSAGE_CHILDREN: the largest worker) once verified "
        "and added up, 'all' the program and its workers together (sampled every 20 ms); "
        "'summary' s and MB: writing the summary workbook afterwards (wall, parent's peak)"
    )
    header = (
        f"{'files':>6} {'units':>6} {'wall s':>7} {'CPU s':>7} {'CPU ms/file':>12} "
        f"{'verify CPU s':>13} {'add-up CPU s':>13} {'idle s':>7} {'idle ms/file':>13} "
        f"{'summary s':>10} {'MB':>5} {'parent MB':>10} {'worker MB':>10} {'all MB':>7} "
        f"{'CPU vs openpyxl':>16} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    rescans: dict[int, dict[str, float]] = {}
    first_cpu: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        root = Path(tmp)
        for n in sizes:
            folder = root / f"in-{n}"
            if args.copies:
                fill(folder, originals, n)
            else:
                _linked(folder, distinct[:n])
            files = sorted(str(p) for p in folder.iterdir())
            data_dir = str(root / f"data-{n}")
            job = (files, str(distinct_registry), args.workers, str(root / f"s-{n}.xlsx"), data_dir)
            with ProcessPoolExecutor(1, mp_context=spawn) as run:
                f = run.submit(run_size, *job).result()
            with ProcessPoolExecutor(1, mp_context=spawn) as run:  # the program started again
                rescans[n] = run.submit(run_size, *job, write=False).result()
            cpu = f["verify_cpu"] + f["add_cpu"]
            first_cpu[n] = cpu
            idle = f["verify_cpu"] / cores + f["add_cpu"]
            ratio = f"{base_cpu / (cpu / n * 1000):>15.1f}x" if base_cpu else f"{'-':>16}"
            print(
                f"{n:>6} {f['units']:>6} {f['wall']:>7.1f} {cpu:>7.1f} {cpu / n * 1000:>12.1f} "
                f"{f['verify_cpu']:>13.1f} {f['add_cpu']:>13.2f} {idle:>7.1f} "
                f"{idle / n * 1000:>13.1f} {f['summary_wall']:>10.2f} {f['summary_peak']:>5.0f} "
                f"{f['self_peak']:>10.0f} "
                f"{f['children_peak']:>10.0f} {f['tree_peak']:>7.0f} {ratio} {_load():>5}",
                flush=True,
            )
            shutil.rmtree(folder)
            shutil.rmtree(data_dir)
    print(
        "the same folder scanned again by a new process: every verdict from the data folder's "
        "cache (file bytes hashed again, nothing parsed or verified)"
    )
    header = (
        f"{'files':>6} {'from cache':>11} {'wall s':>7} {'CPU s':>7} {'CPU ms/file':>12} "
        f"{'verify CPU s':>13} {'add-up CPU s':>13} {'parent MB':>10} {'vs first scan':>14} "
        f"{'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for n, f in rescans.items():
        cpu = f["verify_cpu"] + f["add_cpu"]
        print(
            f"{n:>6} {f['hits']:>11.0f} {f['wall']:>7.1f} {cpu:>7.1f} {cpu / n * 1000:>12.1f} "
            f"{f['verify_cpu']:>13.2f} {f['add_cpu']:>13.2f} {f['self_peak']:>10.0f} "
            f"{first_cpu[n] / cpu:>13.1f}x {_load():>5}"
        )
    return 0


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
