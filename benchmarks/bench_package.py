"""Export of a package with 200 MB of evidence: memory stays flat, time is close to copy + hash.

Run: ``PYTHONPATH=. /work/main/.venv/bin/python benchmarks/bench_package.py [MB]`` (default 200).

A unit's demo data (form 1.1) gets 200 MB of attachments (four 50 MB files, the per-file limit;
random bytes behind a PDF header, so nothing compresses). Each measurement runs in a fresh child
process so that its peak RSS (``ru_maxrss``) is its own:

- **export, no attachments** — the signed workbook alone (checks, key, layout, signing);
- **export, with attachments** — the same, written as a package;
- **baseline** — reading the same stored files once, writing them into one file and hashing
  them with SHA-256: the least any package writer that checks what it packs must do;
- **verify the package** — the receiver's side: signature, then every file hashed from the zip.

CPU time (``time.process_time``) is what a machine shared with other work does not distort;
wall time is printed beside it. "Flat" means the peak RSS with 200 MB of attachments is about the
peak without any: files stream through a 1 MiB buffer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILE_MB = 50

_CHILD = r"""
import json, os, sys, time
from pathlib import Path
kind, data_dir, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
wall, cpu = time.perf_counter(), time.process_time()
if kind == "export":
    from ecodesk.services.export import export_submission
    from ecodesk.store import Store
    from ecodesk.submission import Period
    with Store.open(data_dir) as store:
        export_submission(store, Period(2026), out, passphrase=os.environ["ECODESK_PASSPHRASE"],
                          data_dir=data_dir)
elif kind == "baseline":
    import hashlib
    with out.open("wb") as dest:
        for path in sorted((data_dir / "attachments").rglob("*")):
            if path.is_file():
                digest = hashlib.sha256()
                with path.open("rb") as src:
                    while chunk := src.read(1024 * 1024):
                        digest.update(chunk)
                        dest.write(chunk)
elif kind == "verify":
    from ecodesk.services.verify import verify_workbook
    result = verify_workbook(out, data_dir)
    assert result.status == "valid", result.message
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent that forked us
hwm = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                  "rss_mb": int(hwm.split()[1]) / 1024}))
"""


def _median(kind: str, data_dir: Path, out: Path, rounds: int) -> dict[str, float]:
    """The run with the median CPU time of ``rounds`` runs. An export freezes its revision, so
    each export runs on a fresh copy of the data folder (the copy is not timed)."""
    runs = []
    for n in range(rounds):
        target = out if kind == "verify" else out.with_name(f"{out.stem}-{n}{out.suffix}")
        source = data_dir
        if kind == "export":
            source = data_dir.with_name(f"{data_dir.name}-{n}")
            shutil.copytree(data_dir, source)
        runs.append(_child(kind, source, target))
        if kind == "export":
            shutil.rmtree(source)
    return sorted(runs, key=lambda r: r["cpu"])[len(runs) // 2]


def _child(kind: str, data_dir: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECODESK_PASSPHRASE": "correct horse battery"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(data_dir), str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _random_pdf(path: Path, megabytes: int) -> Path:
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        for _ in range(megabytes):
            fh.write(os.urandom(1024 * 1024))
    return path


def _prepare(folder: Path, megabytes: int) -> tuple[Path, Path]:
    from ecodesk.attachments import attach
    from ecodesk.demo import fill_demo
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.store import Store, settings
    from ecodesk.submission import Period

    plain, packed = folder / "plain", folder / "packed"
    for data_dir in (plain, packed):
        with Store.open(data_dir) as store:
            fill_demo(store, "360730")
            store.set_responsible_forms(["1.1"])
            store.settings_set(settings.ATTACHMENT_SUBMISSION_LIMIT_MB, str(megabytes + 1))
    clerk = folder / "clerk"
    clerk.mkdir()
    left, n = megabytes, 0
    with Store.open(packed) as store:
        while left > 0:
            n += 1
            size = min(FILE_MB - 1, left)  # the header makes each a little over whole MB
            path = _random_pdf(clerk / f"监测报告{n}.pdf", size)
            attach(store, Period(2026), "1.1", path, f"监测报告第{n}册")
            path.unlink()
            left -= size
        profile = store.profile()
    registry = folder / "registry"
    registry.mkdir()
    assert profile is not None
    KeyStore(packed).create("correct horse battery")
    write_registrations(KeyStore(packed), registry, profile)
    return plain, packed


def main(megabytes: int = 200, rounds: int = 3) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        folder = Path(tmp)
        plain, packed = _prepare(folder, megabytes)
        stored = sum(p.stat().st_size for p in (packed / "attachments").rglob("*") if p.is_file())
        rows = [
            ("export, no attachments", _median("export", plain, folder / "plain.xlsx", rounds)),
            ("export, with attachments", _median("export", packed, folder / "p.zip", rounds)),
            (
                "baseline: copy once + SHA-256",
                _median("baseline", packed, folder / "c.bin", rounds),
            ),
        ]
        for n in range(rounds):
            (folder / f"c-{n}.bin").unlink(missing_ok=True)
        package_path = folder / "p-0.zip"
        rows.append(
            ("verify the package", _median("verify", folder / "registry", package_path, rounds))
        )
        package = package_path.stat().st_size
    print(f"attachments: {stored / 2**20:.0f} MB stored, package {package / 2**20:.0f} MB")
    print(f"{'':34} {'CPU s':>7} {'wall s':>7} {'peak RSS MB':>12}")
    for name, r in rows:
        print(f"{name:34} {r['cpu']:7.2f} {r['wall']:7.2f} {r['rss_mb']:12.0f}")
    plain_r, packed_r, base_r = rows[0][1], rows[1][1], rows[2][1]
    extra = packed_r["cpu"] - plain_r["cpu"]
    print(
        f"packing the attachments: {extra:.2f} s CPU = {extra / base_r['cpu']:.2f}× the baseline; "
        f"peak RSS {packed_r['rss_mb'] - plain_r['rss_mb']:+.0f} MB for {stored / 2**20:.0f} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
