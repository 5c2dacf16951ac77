#!/usr/bin/env python3
"""Build the one-folder EcoDesk bundle with PyInstaller and check that it really works.

    python packaging/build.py            # build dist/EcoDesk, then smoke-test it
    python packaging/build.py --check    # only smoke-test an existing dist/EcoDesk

The smoke test runs the *built* programs, not the source: `--version`, `catalog --json`,
`demo` into a temporary data folder, and the window started offscreen on that data, closing
itself after it has been shown (ECODESK_SMOKE_QUIT_MS). Run it on Linux here and on Windows
before `iscc packaging\\ecodesk.iss`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "EcoDesk"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def build() -> None:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
         str(ROOT / "packaging" / "ecodesk.spec")],
        check=True, cwd=ROOT,
    )


def run(args: list[str], env: dict[str, str] | None = None, timeout: int = 120) -> str:
    print("+", " ".join(args), flush=True)
    proc = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", env=env, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"FAILED ({proc.returncode}): {' '.join(args)}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def check() -> None:
    cli = str(DIST / f"ecodesk-cli{EXE_SUFFIX}")
    gui = str(DIST / f"EcoDesk{EXE_SUFFIX}")
    version = run([cli, "--version"]).strip()
    print("version:", version)
    catalog = json.loads(run([cli, "catalog", "--json"]))
    print("catalog tasks:", len(catalog["tasks"]))
    with tempfile.TemporaryDirectory() as tmp:
        print(run([cli, "--data-dir", tmp, "demo"]).strip())
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ECODESK_SMOKE_QUIT_MS="1500")
        run([gui, "--data-dir", tmp], env=env)
        print("window started offscreen and closed cleanly")
    size = sum(f.stat().st_size for f in DIST.rglob("*") if f.is_file())
    print(f"bundle: {DIST} ({size / 1e6:.0f} MB)")


if __name__ == "__main__":
    if "--check" not in sys.argv:
        build()
    check()
