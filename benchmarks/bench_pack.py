#!/usr/bin/env python3
"""What a signed form pack costs at start-up: the program's own pack folder next to the same
pack as an installed, signed file (read from the zip, every file's SHA-256 matched, the signature
verified against the city's key, then the same loader), and the baseline of the YAML alone.

    python benchmarks/bench_pack.py [--runs 15]

CPU time (``time.process_time``), median of the runs, so other load on the machine counts less.
The key is a throwaway made here; nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import yaml

    from ecodesk.forms.loader import PACK_DIR, load_pack, read_pack_folder
    from ecodesk.packs.bundle import build_pack_file, read_pack_file, sign_pack_file
    from ecodesk.packs.trust import Anchor, verify_pack
    from ecodesk.signing import keys

    keys.SCRYPT_N = 2**10  # the throwaway key's passphrase cost is not what is measured
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = read_pack_folder(PACK_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        key = keys.KeyStore(Path(tmp)).create("benchmark city key")
        anchor = Anchor(key.public_key)
        packed = Path(tmp) / "pack.ecodesk-pack"
        build_pack_file(PACK_DIR, packed)
        sign_pack_file(packed, key)

        def installed() -> None:
            verify_pack(read_pack_file(packed), anchor)

        rows = [
            (
                "baseline: yaml.load of every file (no checks)",
                cpu_ms(lambda: [yaml.load(b, Loader=loader) for b in files.values()], args.runs),  # noqa: S506
            ),
            ("the program's pack folder (load_pack)", cpu_ms(load_pack, args.runs)),
            (
                "installed signed pack file (read, digests, signature, load)",
                cpu_ms(installed, args.runs),
            ),
        ]
        size = packed.stat().st_size
    print(
        f"pack: {len(files)} YAML files, {sum(map(len, files.values())) // 1024} KB; "
        f"pack file {size // 1024} KB"
    )
    for name, ms in rows:
        print(f"{ms:8.1f} ms CPU  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
