#!/usr/bin/env python3
"""Set up and run EcoDesk from a checkout, with nothing but Python 3.11+.

    python3 dev.py app     # make .venv, install EcoDesk, open the window
    python3 dev.py test    # make .venv, install EcoDesk + test tools (and, on Debian as root,
                           # the system libraries Qt and the tests need), run the whole suite
    python3 dev.py lint    # the checks CI runs besides the tests: ruff format, ruff check, mypy

Anything after the command is passed on (``python3 dev.py app --data-dir D demo``,
``python3 dev.py test -k workbook``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"

# What Qt's offscreen/xcb platforms, the PDF and QR-code checks, the second workbook reader and the
# PostgreSQL half of the store tests need on a bare Debian/Ubuntu machine.
DEBIAN_PACKAGES = [
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-cursor0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libxcb-xinerama0",
    "xvfb",
    "poppler-utils",
    "zbar-tools",
    "libreoffice-calc-nogui",
    # The store's tests run on SQLite and on a real PostgreSQL server they start themselves
    # (tests/postgresql.py: initdb and pg_ctl in a temporary folder, a Unix socket only).
    "postgresql",
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def ensure_venv(extras: str) -> Path:
    py = venv_python()
    if not py.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'app'}"
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        target = f".[{extras}]" if extras else "."
        run([str(py), "-m", "pip", "install", "-q", "-e", target], cwd=ROOT)
        stamp.touch()
    return py


def ensure_debian_packages() -> None:
    """Install Qt's system libraries where we can (Debian/Ubuntu as root); otherwise say how."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg-query"):
        return
    missing = [
        p
        for p in DEBIAN_PACKAGES
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True
        ).stdout.strip()
        != "install ok installed"
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        print(
            "The program and its tests need these system packages; install them with:\n  sudo apt-get install "
            + " ".join(missing),
            file=sys.stderr,
        )
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


# mypy on the window (ecodesk/ui): Qt's stubs make some errors costly to silence honestly, so they
# are counted against this budget, which only ever goes down. The core must have none.
UI_MYPY_ERRORS_ALLOWED = 34


def lint(py: Path) -> int:
    """ruff format and ruff check on the whole tree, mypy on the core (no error) and on the ui
    (counted against UI_MYPY_ERRORS_ALLOWED); the exit code is non-zero if any check fails."""
    failed = []
    checks = {
        "ruff format": [str(py), "-m", "ruff", "format", "--check", "--quiet", "."],
        "ruff check": [str(py), "-m", "ruff", "check", "--quiet", "."],
        "mypy (core)": [str(py), "-m", "mypy", "ecodesk", "--exclude", "ecodesk/ui/"],
    }
    for name, cmd in checks.items():
        print(f"+ {name}", flush=True)
        if subprocess.call(cmd, cwd=ROOT) != 0:
            failed.append(name)
    print("+ mypy (ui)", flush=True)
    done = subprocess.run(
        [str(py), "-m", "mypy", "ecodesk/ui"], cwd=ROOT, capture_output=True, text=True
    )
    errors = sum(1 for line in done.stdout.splitlines() if ": error:" in line)
    print(f"mypy (ui): {errors} errors (allowed: {UI_MYPY_ERRORS_ALLOWED})")
    if errors > UI_MYPY_ERRORS_ALLOWED:
        print(done.stdout)
        failed.append("mypy (ui)")
    if failed:
        print("lint failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    print("lint passed")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test", "lint"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lint":
        return lint(ensure_venv("test"))
    if command == "app":
        ensure_debian_packages()
        py = ensure_venv("")
        return subprocess.call([str(py), "-m", "ecodesk", *rest], cwd=ROOT)
    ensure_debian_packages()
    py = ensure_venv("test")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([str(py), "-m", "pytest", *rest], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
