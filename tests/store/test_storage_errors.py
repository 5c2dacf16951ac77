"""Issue 20 (4): a read-only folder or a full disk is named for what it is, never "已损坏，请从
备份恢复" (which makes a clerk restore older data); the program starts on a full disk and says
so (the daily backup is skipped, not fatal).

Real conditions, in child processes: a full disk is a file-size limit (``RLIMIT_FSIZE``: every
write past it fails as on a full disk); a read-only folder is one the child may not write,
the child running as ``nobody`` because these tests run as root.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.cli_child import (
    UNPRIVILEGED,
    can_switch_user,
    chown_tree,
    has_chinese,
    run_ecodesk,
    shared_folder,
)

DAMAGE_WORDS = ("已损坏", "从备份恢复")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("storage") / "data"
    assert run_ecodesk("--data-dir", str(folder), "demo").code == 0
    return folder


def _fresh(demo: Path, where: Path) -> Path:
    data = where / "data"
    shutil.copytree(demo, data)
    for old in (data / "backups").glob("daily-*"):
        old.unlink()  # so that today's daily copy is due
    return data


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_command_line_starts_on_a_full_disk_and_says_so(demo: Path, tmp_path: Path) -> None:
    data = _fresh(demo, tmp_path)
    size = (data / "ecodesk.sqlite3").stat().st_size
    done = run_ecodesk("--data-dir", str(data), "profile", fsize=size // 2)
    assert done.code == 0, done.err
    assert "宁都县" in done.out  # the command did its work
    assert "注意" in done.err and "自动备份没有做" in done.err and "磁盘空间已满" in done.err
    assert "Traceback" not in done.err
    assert not [p for p in (data / "backups").iterdir() if p.name.startswith("daily-")]
    assert not list((data / "backups").glob("*part*"))


def test_the_window_starts_on_a_full_disk(demo: Path, tmp_path: Path) -> None:
    data = _fresh(demo, tmp_path)
    size = (data / "ecodesk.sqlite3").stat().st_size
    done = run_ecodesk(
        "--data-dir",
        str(data),
        fsize=size // 2,
        env={"QT_QPA_PLATFORM": "offscreen", "ECODESK_SMOKE_QUIT_MS": "1500"},
        timeout=120,
    )
    assert done.code == 0, done.err
    log = (data / "logs" / "ecodesk.log").read_text(encoding="utf-8")
    assert "自动备份没有做" in log and "store opened" in log


@pytest.mark.skipif(not can_switch_user(), reason="needs root to run the child as nobody")
@pytest.mark.parametrize("args", [["profile"], ["print", "--out", "{out}/p.pdf"], ["export"]])
def test_a_read_only_data_folder_is_not_called_damaged(demo: Path, args: list[str]) -> None:
    with shared_folder() as shared:
        data = shared / "data"
        shutil.copytree(demo, data)
        out = shared / "out"
        out.mkdir()
        chown_tree(out, UNPRIVILEGED)
        # the data folder stays root's (0755): for nobody it is a read-only folder
        before = _digest(data / "ecodesk.sqlite3")
        argv = [a.format(out=out) for a in args]
        if argv == ["export"]:
            argv += ["--out", str(out / "w.xlsx")]
        done = run_ecodesk(
            "--data-dir",
            str(data),
            *argv,
            user=UNPRIVILEGED,
            env={"ECODESK_PASSPHRASE": "赣州生态文明2026"},
        )
        assert done.code == 2, done.err
        assert has_chinese(done.err) and "Traceback" not in done.err
        assert not any(word in done.err for word in DAMAGE_WORDS), done.err
        assert "数据没有损坏" in done.err and str(data) in done.err
        assert ("只读" in done.err) or ("没有权限" in done.err)
        assert _digest(data / "ecodesk.sqlite3") == before
