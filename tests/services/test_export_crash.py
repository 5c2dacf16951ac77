"""Issue 20 (2, 5): an export killed at any moment never leaves a signed workbook for a revision
the store calls a draft (1 in 20 SIGKILLs did), nor a frozen revision without its workbook once
the next start has reconciled the journal (see ecodesk/services/export.py).

The exporter runs in a child process killed with a real SIGKILL: at the two moments that matter
(workbook written but not frozen; frozen but not yet put in place — reached by wrapping the
standard library's ``os.link``/``os.replace`` in the child) and at random moments.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecodesk.services.export import reconcile_export
from ecodesk.store import Store
from ecodesk.store.lock import data_folder_lock
from ecodesk.workbook.reader import read_signed_workbook
from tests.cli_child import ROOT, run_ecodesk

PASSPHRASE = "赣州生态文明2026"

CHILD = """
import os, signal, sys
from pathlib import Path
from ecodesk.services.export import export_submission
from ecodesk.store import Store
from ecodesk.store.lock import data_folder_lock

data, out, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)

progress = None
if point == "written-not-frozen":
    def progress(done, total, what):
        if done == total:  # the workbook is complete in its temporary file
            die()
elif point == "frozen-not-placed":
    real_link, real_replace = os.link, os.replace
    def link(src, dst, *a, **k):
        return die() if Path(dst) == out else real_link(src, dst, *a, **k)
    def replace(src, dst, *a, **k):
        return die() if Path(dst) == out else real_replace(src, dst, *a, **k)
    os.link, os.replace = link, replace
with data_folder_lock(data, "crash test"), Store.open(data) as store:
    export_submission(
        store, store.current_period(), out, passphrase=sys.argv[4], data_dir=data,
        force=False, progress=progress,
    )
print("finished")
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "data"
    assert run_ecodesk("--data-dir", str(folder), "demo").code == 0
    assert (
        run_ecodesk(
            "--data-dir", str(folder), "keys", "create", env={"ECODESK_PASSPHRASE": PASSPHRASE}
        ).code
        == 0
    )
    return folder


def _copy(base: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(base, data)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    return data, out_dir / "宁都县2026.xlsx"


def _crash_at(point: str, data: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(out), point, PASSPHRASE],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr)


def _signature(data: Path) -> tuple[str, str] | None:
    with Store.open(data) as store:
        period = store.current_period()
        return store.signature(period, store.revisions(period)[-1].revision)


def _parts(out: Path) -> list[Path]:
    return list(out.parent.glob("*.ecodesk-part"))


def assert_consistent(data: Path, out: Path) -> str:
    """Signed in the store ⇔ the workbook at ``out``, with the digest the store froze."""
    signature = _signature(data)
    if signature is None:
        assert not out.exists(), "a signed workbook for a revision the store calls a draft"
        return "draft"
    assert out.exists(), "a frozen revision without its workbook"
    assert read_signed_workbook(out).digest == signature[1]
    return "signed"


def test_killed_after_writing_before_freezing(base: Path, tmp_path: Path) -> None:
    data, out = _copy(base, tmp_path)
    _crash_at("written-not-frozen", data, out)
    assert not out.exists()  # nothing under the user's name
    assert _signature(data) is None  # and the store still calls it a draft
    assert len(_parts(out)) == 1  # the half-done export, in its temporary file
    done = run_ecodesk(
        "--data-dir", str(data), "export", "--out", str(out), env={"ECODESK_PASSPHRASE": PASSPHRASE}
    )
    assert done.code == 0, done.err
    assert assert_consistent(data, out) == "signed"
    assert not _parts(out)  # the next export cleared the leftover


def test_killed_after_freezing_before_the_file_is_in_place(base: Path, tmp_path: Path) -> None:
    data, out = _copy(base, tmp_path)
    _crash_at("frozen-not-placed", data, out)
    assert not out.exists() and len(_parts(out)) == 1
    assert _signature(data) is not None  # frozen, journal "frozen"
    # the next start under the lock (here: the next export) finishes the rename
    done = run_ecodesk(
        "--data-dir",
        str(data),
        "export",
        "--out",
        str(tmp_path / "again.xlsx"),
        env={"ECODESK_PASSPHRASE": PASSPHRASE},
    )
    assert "已补全" in done.err and str(out) in done.err
    assert done.code == 2 and "已经签名导出" in done.err  # and then says the revision is signed
    assert assert_consistent(data, out) == "signed"
    assert not _parts(out)


def test_the_window_reconciles_too(base: Path, tmp_path: Path) -> None:
    """What the window does at start (reconcile_export under its lock), called directly."""
    data, out = _copy(base, tmp_path)
    _crash_at("frozen-not-placed", data, out)
    for part in _parts(out):
        part.unlink()  # the temporary file lost as well (a power cut before it reached the disk)
    with data_folder_lock(data, "EcoDesk 窗口"), Store.open(data) as store:
        message = reconcile_export(store)
    assert message is not None and "已恢复为未签名" in message
    assert assert_consistent(data, out) == "draft"


def test_random_kills_never_split_the_export(base: Path, tmp_path: Path) -> None:
    rng = random.Random(20)
    outcomes = []
    for round_no in range(6):
        data, out = _copy(base, tmp_path / f"r{round_no}")
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.as_of",
                "--data-dir",
                str(data),
                "export",
                "--out",
                str(out),
            ],
            env=dict(os.environ, PYTHONPATH=str(ROOT), ECODESK_PASSPHRASE=PASSPHRASE),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 3.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        with data_folder_lock(data, "EcoDesk 窗口"), Store.open(data) as store:
            reconcile_export(store)
        outcomes.append(assert_consistent(data, out))
        assert not _parts(out)
    assert len(outcomes) == 6
