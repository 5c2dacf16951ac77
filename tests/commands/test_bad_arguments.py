"""Every command, given arguments a person can get wrong, answers with a Chinese sentence and exit
code 2 — never a Python traceback.

Each case runs the real ``ecodesk`` program in a child process (as a script or a clerk would),
on a data folder that has a profile and demo data where the command needs one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, data_dir: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), ECODESK_HOME=str(data_dir))
    env.pop("ECODESK_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "ecodesk", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        cwd=data_dir.parent,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-args") / "data"
    done = run_cli("--data-dir", str(folder), "demo", data_dir=folder)
    assert done.returncode == 0, done.stderr
    return folder


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


BAD_PERIODS = ["20X6", "2026Q5", "26", "２０２６年"]

# (arguments after --data-dir DIR, what the message must mention); {tmp} is a fresh empty folder.
CASES: list[tuple[list[str], str]] = [
    *[(["export", "--period", p, "--out", "{tmp}/a.xlsx"], "报送期") for p in BAD_PERIODS],
    (["print", "--period", "20X6", "--out", "{tmp}/a.pdf"], "报送期"),
    (["import-previous", "{tmp}/missing.xlsx", "--period", "2026Q9"], "报送期"),
    (["consolidate", "{tmp}", "--keys", "{tmp}", "-o", "{tmp}/s.xlsx", "--period", "x"], "报送期"),
    (["export", "--out", "{tmp}/a.txt"], ".xlsx"),
    (["export"], "--out"),
    (["nonsense-command"], "nonsense-command"),
    (["verify"], "FILE"),
    (["verify", "{tmp}/a.xlsx", "--keys", "{tmp}/no-such-registry"], "no-such-registry"),
    (["consolidate", "{tmp}/no-such-folder", "--keys", "{tmp}", "-o", "{tmp}/s.xlsx"], ""),
    (["import-previous", "{tmp}/missing.xlsx", "--dry-run"], "missing.xlsx"),
    (["import-previous", "--undo", "no-such-id"], ""),
    (["restore", "{tmp}/missing.sqlite3", "--yes"], "missing.sqlite3"),
    (["profile", "--county", "999999"], "999999"),
    (["demo", "--county", "123"], "123"),
    (["template", "baseline", "--out", "{tmp}/a.txt"], ".xlsx"),
    (["print", "--revision", "99", "--out", "{tmp}/a.pdf"], ""),
    (["keys", "rotate"], ""),
    (["catalog", "--bogus"], "--bogus"),
]


@pytest.mark.parametrize(("args", "mentions"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_arguments_get_a_chinese_message_and_exit_2(
    demo_dir: Path, tmp_path: Path, args: list[str], mentions: str
) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"not a workbook")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = run_cli("--data-dir", str(demo_dir), *argv, data_dir=demo_dir, stdin="")
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    message = done.stderr.strip()
    assert _has_cjk(message), message
    assert mentions in message, message


def test_bad_period_reads_the_same_in_every_command(demo_dir: Path, tmp_path: Path) -> None:
    """One argument type for --period: the same sentence whichever command was given it."""
    messages = set()
    for args in (
        ["export", "--period", "20X6", "--out", f"{tmp_path}/a.xlsx"],
        ["print", "--period", "20X6", "--out", f"{tmp_path}/a.pdf"],
        ["import-previous", f"{tmp_path}/a.xlsx", "--period", "20X6"],
        ["consolidate", str(tmp_path), "--keys", str(tmp_path), "-o", "s.xlsx", "--period", "20X6"],
    ):
        done = run_cli("--data-dir", str(demo_dir), *args, data_dir=demo_dir)
        assert done.returncode == 2
        messages.add(done.stderr.strip().splitlines()[-1])
    assert len(messages) == 1, messages
    (message,) = messages
    assert "20X6" in message and "2026Q3" in message


def test_verify_names_a_missing_file_in_its_verdict(demo_dir: Path, tmp_path: Path) -> None:
    """verify judges file by file: a missing one is a verdict (exit 1), the others still checked."""
    done = run_cli(
        "--data-dir",
        str(demo_dir),
        "verify",
        f"{tmp_path}/missing.xlsx",
        "--keys",
        str(tmp_path),
        data_dir=demo_dir,
    )
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 1
    assert "missing.xlsx" in done.stdout and "找不到文件" in done.stdout
