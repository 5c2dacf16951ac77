"""Every top-level window fits the screen's available area: at 1366×768, at 1366×768 above a
Windows taskbar, and at 1920×1080 with 150 % scaling (a logical 1280×720).

Each screen is a child process, because the screen's size and Qt's scale factor are fixed
when the QApplication starts: the offscreen platform takes its screens from a JSON file
(``QT_QPA_PLATFORM=offscreen:configfile=…``), the scaling from ``QT_SCALE_FACTOR``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "main window",
    "first run",
    "settings",
    "about",
    "passphrase",
    "accept warning",
    "reason",
    "print preview",
    "verify results",
    "consolidation",
}
SCREENS = {
    "1366x768": (1366, 768, "1"),
    "1366x728 (above a 40 px taskbar)": (1366, 728, "1"),
    "1920x1080 at 150 %": (1920, 1080, "1.5"),
}


def open_every_window(tmp_path: Path, width: int, height: int, scale: str) -> list[dict]:
    config = tmp_path / "screen.json"
    screen = {"name": "test", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": scale,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.window_fit_child", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_window_fits_the_available_screen(tmp_path: Path, screen: str) -> None:
    width, height, scale = SCREENS[screen]
    reports = open_every_window(tmp_path, width, height, scale)
    assert {r["name"] for r in reports} == EXPECTED
    for r in reports:
        x, y, w, h = r["frame"]
        ax, ay, aw, ah = r["area"]
        assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah, (screen, r)
        bx, by = r["buttons_reach"]
        assert bx <= r["size"][0] and by <= r["size"][1], ("a button outside its window", r)
    # the problems panel shows more than the two rows it had at 1366×768
    assert reports[0]["problem_rows"] >= 4, reports[0]
    # 进展, the last column of most tables, was behind the horizontal scroll bar
    tables = reports[0]["tables"]
    assert tables and all(t["last_column_right"] <= t["viewport_width"] for t in tables), tables
    if scale != "1":
        logical = round(width / float(scale)), round(height / float(scale))
        assert reports[0]["area"][2:] == list(logical), "the scale factor took effect"
