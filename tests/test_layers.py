"""The layers hold: the core (everything outside ``ecodesk/ui/``) imports without Qt.

The command line, the tests of the core and a machine with no display rely on it. Each check runs
in a fresh interpreter, so a module the test process already imported cannot hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ecodesk

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    """Every module of the package outside ui/, found from the files (forms/ is a namespace package)."""
    package = Path(ecodesk.__file__).parent
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[1] == "ui" or "migrations" in parts or parts[-1] == "__main__":
            continue  # the window; Alembic's scripts; __main__ would run the program
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_core_is_found() -> None:
    names = core_modules()
    assert {"ecodesk.cli", "ecodesk.forms.loader", "ecodesk.store.store"} <= set(names)
    assert len(names) > 60


def test_no_core_module_loads_qt() -> None:
    script = (
        "import importlib, json, sys\n"
        f"names = {core_modules()!r}\n"
        "loaded = {}\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "    qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "    if qt:\n"
        "        loaded[name] = qt[:3]\n"
        "        break\n"
        "print(json.dumps(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {}, "the first core module that pulled in Qt"


def test_the_command_line_builds_without_qt() -> None:
    script = (
        "import sys\n"
        "from ecodesk.cli import build_parser\n"
        "build_parser()\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
