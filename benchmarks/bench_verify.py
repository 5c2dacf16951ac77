"""Verifying one full county workbook (22 forms), in CPU time of one core, next to its baselines.

    /work/main/.venv/bin/python benchmarks/bench_verify.py [--repeat 30]

Figures, all measured in this run on the same file (median CPU time, ``time.process_time``):

* ``verify`` — ``ecodesk.services.verify.verify_workbook``: the gate, the streaming reader, the
  signature, every visible cell, the display check, the registry (issue 16 goal: ≤ 60 ms);
* ``openpyxl reader`` — the same verdict through openpyxl's object model (the reference reader,
  what verify did before);
* ``inflate`` — only reading every part's bytes out of the zip (the floor: "the cost of reading
  the bytes");
* ``gate only`` — :func:`ecodesk.workbook.xlsx.measure_xlsx`, what import runs before openpyxl.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path


def make_workbook(folder: Path) -> tuple[Path, Path]:
    from ecodesk.demo import sample_submission
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.signing import keys as signing_keys
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.submission import Period
    from ecodesk.workbook.writer import write_signed_workbook

    signing_keys.SCRYPT_N = 2**10  # key derivation is not what is measured
    pack = bundled_pack()
    data = sample_submission(pack, "360730", Period(2025))
    keys = KeyStore(folder / "keys")
    key = keys.create("bench passphrase 2026")
    registry = folder / "registry"
    write_registrations(keys, registry, data.unit)
    path = folder / "360730.xlsx"
    meta = ExportMeta(datetime.now().astimezone().replace(microsecond=0), "bench")
    write_signed_workbook(pack, data, path, key=key, meta=meta)
    return path, registry


def cpu_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm: imports, caches
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def inflate(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            zf.read(info.filename)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)

    from ecodesk.services.verify import verify_workbook
    from ecodesk.signing.registry import KeyRegistry
    from ecodesk.workbook.reader import read_signed_workbook_openpyxl
    from ecodesk.workbook.xlsx import measure_xlsx

    with tempfile.TemporaryDirectory(prefix="ecodesk-bench-") as tmp:
        path, registry_dir = make_workbook(Path(tmp))
        registry = KeyRegistry.load(registry_dir)
        assert verify_workbook(path, registry).status == "valid"
        with zipfile.ZipFile(path) as zf:
            cells = sum(
                zf.read(i.filename).count(b"<c ")
                for i in zf.infolist()
                if i.filename.startswith("xl/worksheets/")
            )
        print(f"full county workbook: {path.stat().st_size / 1024:.0f} KB, {cells:,} cells")
        fast = cpu_ms(lambda: verify_workbook(path, registry), args.repeat)
        reference = cpu_ms(
            lambda: verify_workbook(path, registry, reader=read_signed_workbook_openpyxl),
            max(3, args.repeat // 6),
        )
        floor = cpu_ms(lambda: inflate(path), args.repeat)
        gate = cpu_ms(lambda: measure_xlsx(path), args.repeat)
        print(f"{'what':<18} {'ms (CPU)':>9} {'vs inflate':>11}")
        for name, ms in (
            ("verify", fast),
            ("openpyxl reader", reference),
            ("gate only", gate),
            ("inflate", floor),
        ):
            print(f"{name:<18} {ms:>9.1f} {ms / floor:>10.1f}x")
        print(f"verify is {reference / fast:.1f}x faster than the openpyxl reader (goal: <= 60 ms)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
