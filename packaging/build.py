#!/usr/bin/env python3
"""Build the one-folder EcoDesk bundle with PyInstaller and check that it really works.

    python packaging/build.py            # build dist/EcoDesk, then smoke-test it
    python packaging/build.py --check    # only smoke-test an existing dist/EcoDesk

The smoke test runs the *built* programs, not the source: `--version`, `catalog --json`,
`demo` into a temporary data folder, then `print`, a signed `export`, `keys export-public`
and `verify` of that workbook, and the window started offscreen on that data, closing
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


def compile_translations() -> None:
    """``.qm`` files are build outputs (not committed): compile them so the bundle has them."""
    lrelease = Path(sys.executable).with_name("pyside6-lrelease" + EXE_SUFFIX)
    for ts in sorted((ROOT / "resources" / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([str(lrelease), str(ts), "-qm", str(qm)], check=True, capture_output=True)
        print("compiled", qm.relative_to(ROOT))


def build() -> None:
    compile_translations()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(ROOT / "build"),
            str(ROOT / "packaging" / "ecodesk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def run(args: list[str], env: dict[str, str] | None = None, timeout: int = 120) -> str:
    print("+", " ".join(args), flush=True)
    proc = subprocess.run(
        args, capture_output=True, text=True, encoding="utf-8", env=env, timeout=timeout
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"FAILED ({proc.returncode}): {' '.join(args)}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def check() -> None:
    cli = str(DIST / f"ecodesk-cli{EXE_SUFFIX}")
    gui = str(DIST / f"EcoDesk{EXE_SUFFIX}")
    version = run([cli, "--version"]).strip()
    print("version:", version)
    catalog = json.loads(run([cli, "catalog", "--json"]))
    print("catalog tasks:", len(catalog["tasks"]))
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        out.mkdir()
        print(run([cli, "--data-dir", str(data), "demo"]).strip())
        # The whole round trip from the bundle: fonts, signing, workbook, verification.
        signing = dict(os.environ, ECODESK_PASSPHRASE="smoke-test-passphrase")
        run([cli, "--data-dir", str(data), "print", "--out", str(out / "sheet.pdf")], env=signing)
        run(
            [cli, "--data-dir", str(data), "export", "--out", str(out / "signed.xlsx")], env=signing
        )
        run(
            [cli, "--data-dir", str(data), "keys", "export-public", "--out", str(out / "registry")],
            env=signing,
        )
        print(
            run([cli, "verify", str(out / "signed.xlsx"), "--keys", str(out / "registry")]).strip()
        )
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ECODESK_SMOKE_QUIT_MS="1500")
        run([gui, "--data-dir", str(data)], env=env)
        print("window started offscreen and closed cleanly")
    size = sum(f.stat().st_size for f in DIST.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"bundle: {DIST} ({size / 1e6:.0f} MB)")


if __name__ == "__main__":
    if "--check" not in sys.argv:
        build()
    check()
