"""Run the real ``ecodesk`` program in a child process, bounded, as a clerk or a script would.

Limits are set in the child only (``preexec_fn``): ``fsize`` makes every write past that many
bytes fail with EFBIG — a full disk without root tricks; ``memory`` caps the address space so a
runaway case cannot exhaust the machine; ``user`` runs the child as another account (the tests
run as root, for whom permission bits mean nothing; as ``nobody`` a read-only folder is real).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNPRIVILEGED = "nobody"


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float  # the child's peak resident memory


def _limits(fsize: int | None, memory: int | None) -> None:
    if fsize is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    if memory is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def run_ecodesk(
    *args: str,
    data_dir: Path | None = None,
    env: dict[str, str] | None = None,
    fsize: int | None = None,
    memory: int | None = None,
    user: str | None = None,
    stdin: str = "",
    timeout: float = 120,
    python_args: tuple[str, ...] = ("-m", "tests.as_of"),  # ecodesk, as of the suite's day
) -> Finished:
    """``python -m ecodesk ARGS`` in a child; its peak memory comes from ``RUSAGE_CHILDREN``,
    so each call runs the child through a small waiting parent of its own (one child each)."""
    child_env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    child_env.pop("ECODESK_PASSPHRASE", None)
    if data_dir is not None:
        child_env["ECODESK_HOME"] = str(data_dir)
    child_env.update(env or {})
    # The peak of this one child: a tiny parent runs it and reports its own RUSAGE_CHILDREN.
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run(sys.argv[1:])\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'\\n@@child {time.monotonic() - t:.3f} {r}\\n')\n"
        "sys.exit(p.returncode)\n"
    )
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", wrapper, sys.executable, *python_args, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env,
        cwd=tempfile.gettempdir(),
        user=user,
        start_new_session=True,  # one process group: a timeout ends the program, not only the wrapper
        preexec_fn=lambda: _limits(fsize, memory),
    )
    try:
        out, err_text = child.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        out, err_text = child.communicate()
        return Finished(-signal.SIGKILL, out, err_text + "\n[timed out]", timeout, 0)
    done = subprocess.CompletedProcess(child.args, child.returncode, out, err_text)
    err, _, tail = done.stderr.rpartition("\n@@child ")
    if not tail:  # the wrapper itself was killed
        return Finished(done.returncode, done.stdout, done.stderr, time.monotonic() - started, 0)
    seconds, peak_kb = tail.split()
    return Finished(done.returncode, done.stdout, err, float(seconds), int(peak_kb) / 1024)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A temporary folder another local account can reach (pytest's own are private to root)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="ecodesk-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def chown_tree(path: Path, user: str) -> None:
    import pwd

    entry = pwd.getpwnam(user)
    for dirpath, _dirnames, filenames in os.walk(path):
        os.chown(dirpath, entry.pw_uid, entry.pw_gid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)


def can_switch_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
