"""Issue 20 (2): one EcoDesk per data folder. A ``restore`` while a window was open replaced the
database under it (472 of 472 later edits lost); now the window holds an OS lock for its life,
writing commands take it too, and whoever is refused is told who holds it. A killed holder
leaves no stale lock behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecodesk.store.lock import DataFolderInUse, acquire, data_folder_lock, read_holder, release
from tests.cli_child import ROOT, has_chinese, run_ecodesk

pytestmark = pytest.mark.sqlite_only(
    "the lock of a data folder, with a demo folder made once for the module"
)


HOLD = """
import sys, time
from pathlib import Path
from ecodesk.store.lock import acquire
acquire(Path(sys.argv[1]), sys.argv[2])
print("held", flush=True)
time.sleep(120)
"""


def _hold(folder: Path, program: str = "EcoDesk 窗口") -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), program],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lock") / "data"
    assert run_ecodesk("--data-dir", str(folder), "demo").code == 0
    return folder


def test_a_second_holder_is_refused_and_told_who_holds_it(tmp_path: Path) -> None:
    child = _hold(tmp_path)
    try:
        with pytest.raises(DataFolderInUse) as refused:
            acquire(tmp_path, "ecodesk restore")
        message = str(refused.value)
        assert f"进程号 {child.pid}" in message and "EcoDesk 窗口" in message
        assert str(tmp_path) in message and has_chinese(message)
        holder = read_holder(tmp_path)
        assert holder is not None and holder.pid == child.pid and holder.host and holder.since
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    child = _hold(tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with data_folder_lock(tmp_path, "ecodesk export"):
        holder = read_holder(tmp_path)
        assert holder is not None and holder.pid == os.getpid()
    assert read_holder(tmp_path) is None  # released: nothing claims the folder any more


def test_the_lock_is_reentrant_within_one_process(tmp_path: Path) -> None:
    acquire(tmp_path, "EcoDesk 窗口")
    try:
        with data_folder_lock(tmp_path, "restore from the window"):
            pass
        child = subprocess.run(
            [sys.executable, "-c", HOLD, str(tmp_path), "x"],
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert child.returncode != 0 and "DataFolderInUse" in child.stderr  # still held
    finally:
        release(tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["restore", "{backup}", "--yes"],
        ["export", "--out", "{tmp}/x.xlsx"],
        ["import-previous", "{backup}", "--yes"],
        ["profile", "--phone", "0797-1234567"],
        ["keys", "create"],
    ],
    ids=lambda a: a[0],
)
def test_writing_commands_are_refused_while_the_folder_is_held(
    demo: Path, tmp_path: Path, args: list[str]
) -> None:
    backup = tmp_path / "b.sqlite3"
    assert run_ecodesk("--data-dir", str(demo), "backup", "--out", str(backup)).code == 0
    db = demo / "ecodesk.sqlite3"
    before = _digest(db)
    child = _hold(demo)
    try:
        argv = [a.format(backup=backup, tmp=tmp_path) for a in args]
        done = run_ecodesk(
            "--data-dir",
            str(demo),
            *argv,
            env={"ECODESK_PASSPHRASE": "赣州生态文明2026", "ECODESK_NEW_PASSPHRASE": "x" * 9},
        )
    finally:
        child.kill()
        child.wait()
    assert done.code == 2, done.err
    assert "正在被另一个 EcoDesk 使用" in done.err and f"进程号 {child.pid}" in done.err
    assert "Traceback" not in done.err
    assert _digest(db) == before
    assert not (tmp_path / "x.xlsx").exists()


def test_reading_commands_work_beside_a_holder(demo: Path, tmp_path: Path) -> None:
    child = _hold(demo)
    try:
        done = run_ecodesk("--data-dir", str(demo), "backup", "--out", str(tmp_path / "b.sqlite3"))
        assert done.code == 0, done.err
        done = run_ecodesk("--data-dir", str(demo), "print", "--out", str(tmp_path / "p.pdf"))
        assert done.code == 0, done.err
    finally:
        child.kill()
        child.wait()


def test_restore_is_refused_while_a_real_window_is_open(demo: Path, tmp_path: Path) -> None:
    """The real window (offscreen), in its own process; ``restore`` from a terminal beside it."""
    backup = tmp_path / "b.sqlite3"
    assert run_ecodesk("--data-dir", str(demo), "backup", "--out", str(backup)).code == 0
    window = subprocess.Popen(
        [sys.executable, "-m", "tests.as_of", "--data-dir", str(demo)],
        env=dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            QT_QPA_PLATFORM="offscreen",
            ECODESK_SMOKE_QUIT_MS="60000",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            holder = read_holder(demo)
            if holder is not None and holder.pid == window.pid:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the window did not take the data folder's lock")
        before = _digest(demo / "ecodesk.sqlite3")
        done = run_ecodesk("--data-dir", str(demo), "restore", str(backup), "--yes")
        assert done.code == 2
        assert "EcoDesk 窗口" in done.err and f"进程号 {window.pid}" in done.err
        assert _digest(demo / "ecodesk.sqlite3") == before
        # a second window is refused too (it shows the same sentence in a message box)
        from ecodesk.store.lock import acquire as take

        with pytest.raises(DataFolderInUse, match="EcoDesk 窗口"):
            take(demo, "EcoDesk 窗口")
    finally:
        window.kill()
        window.wait()
