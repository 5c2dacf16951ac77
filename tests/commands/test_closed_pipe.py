"""Issue 20 (9): ``ecodesk export … | head`` ended in a BrokenPipeError traceback and exit 1
although the export succeeded. A reader that goes away no longer matters: the command finishes
its work and exits with its own status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_child import ROOT, run_ecodesk

PASSPHRASE = "赣州生态文明2026"


def _run_with_closed_stdout(*args: str, read_first_line: bool = False) -> tuple[int, str]:
    """Run ecodesk with its stdout a pipe whose reader closes (at once, or after one line)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.as_of", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(ROOT), ECODESK_PASSPHRASE=PASSPHRASE),
    )
    assert child.stdout is not None and child.stderr is not None
    if read_first_line:
        child.stdout.readline()
    child.stdout.close()  # what `| head -1` does once it has its line
    err = child.stderr.read().decode("utf-8", "replace")
    return child.wait(timeout=120), err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pipe") / "data"
    assert run_ecodesk("--data-dir", str(folder), "demo").code == 0
    return folder


def test_export_into_a_closed_pipe_succeeds(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    code, err = _run_with_closed_stdout("--data-dir", str(demo), "export", "--out", str(out))
    assert code == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert out.exists()
    from ecodesk.store import Store

    with Store.open(demo) as store:
        period = store.current_period()
        assert store.signature(period, store.revisions(period)[-1].revision) is not None


def test_catalog_into_head(demo: Path) -> None:
    code, err = _run_with_closed_stdout("catalog", read_first_line=True)
    assert code == 0 and "Traceback" not in err


def test_a_failing_command_keeps_its_status(demo: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_bytes(b"not a workbook")
    code, err = _run_with_closed_stdout("verify", str(bogus), "--keys", str(tmp_path))
    assert code == 1 and "Traceback" not in err
