"""The Qt binding must not leak or steal references: a clerk keeps the window open all day.

PySide6 6.12.0 on Python 3.11 takes one reference away from ``None`` on every call to a Qt
function that returns nothing (``processEvents()``, ``setText()`` …); after some thousands of
calls Python aborts with "none_dealloc". pyproject.toml keeps that version out; this test
catches any binding with the same fault. It runs in a child process, because the fault aborts
the interpreter. (From Python 3.12 ``None`` is immortal and the fault cannot bite.)
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHILD = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel()
before = sys.getrefcount(None)
for i in range(20000):
    app.processEvents()
    label.setText(str(i))
print(before - sys.getrefcount(None))
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_returning_nothing_keep_none_alive() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert child.returncode == 0, f"the Qt binding aborted Python:\n{child.stderr[-2000:]}"
    lost = int(child.stdout.strip().splitlines()[-1])
    assert lost < 1000, f"None lost {lost} references in 40000 Qt calls"
