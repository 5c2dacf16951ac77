"""Issue 20 (4, 7): every command that writes a file for the user —

- never replaces a file that exists unless ``--force`` (``backup --out`` destroyed a .docx);
- given a folder, writes a default name inside it, or refuses clearly — never a ``.part`` left;
- on a full disk, a path under a regular file, or a folder it may not write to, says which
  it is, with the path, in Chinese, exit 2, no traceback, and leaves no half-written file.

Each case runs the real program in a child process on a copy of one demo data folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
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

PASSPHRASE = "赣州生态文明2026"


@dataclass(frozen=True)
class Unit:
    base: Path  # demo data, nothing exported yet (copied for each case)
    inbox: Path  # one signed workbook
    registry: Path  # its key registration
    signed: Path  # a data folder with a signing key


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Unit:
    root = tmp_path_factory.mktemp("outputs")
    base = root / "base"
    assert run_ecodesk("--data-dir", str(base), "demo").code == 0
    signed = root / "signed"
    shutil.copytree(base, signed)
    inbox = root / "inbox"
    inbox.mkdir()
    env = {"ECODESK_PASSPHRASE": PASSPHRASE}
    done = run_ecodesk("--data-dir", str(signed), "export", "--out", str(inbox / "w.xlsx"), env=env)
    assert done.code == 0, done.err
    done = run_ecodesk(
        "--data-dir", str(signed), "keys", "export-public", "--out", str(root / "registry")
    )
    assert done.code == 0, done.err
    return Unit(base, inbox, root / "registry", signed)


# name → (arguments for an output path, suffix, a file-size limit below the output's size)
Command = tuple[Callable[[Unit, str], list[str]], str, int]
COMMANDS: dict[str, Command] = {
    "backup": (lambda u, out: ["backup", "--out", out], ".sqlite3", 600_000),
    "export": (lambda u, out: ["export", "--out", out], ".xlsx", 100_000),
    "print": (lambda u, out: ["print", "--out", out], ".pdf", 100_000),
    "consolidate": (
        lambda u, out: ["consolidate", str(u.inbox), "--keys", str(u.registry), "-o", out],
        ".xlsx",
        100_000,
    ),
    "template": (lambda u, out: ["template", "baseline", "--out", out], ".xlsx", 12_000),
}
FOLDER_DEFAULTS = {"backup", "export", "print", "template"}  # consolidate refuses a folder


def _run(unit: Unit, name: str, out: Path, tmp: Path, *extra: str, **kw: object):  # type: ignore[no-untyped-def]
    data = tmp / "data"
    if not data.exists():
        shutil.copytree(unit.base, data)
    make_args, _, _ = COMMANDS[name]
    env = {"ECODESK_PASSPHRASE": PASSPHRASE}
    return run_ecodesk("--data-dir", str(data), *make_args(unit, str(out)), *extra, env=env, **kw)


def _clean_failure(done, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert done.code == 2, (done.out, done.err)
    assert "Traceback" not in done.err + done.out
    assert has_chinese(done.err)
    for word in words:
        assert word in done.err, done.err


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if "part" in p.name or p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_file_is_kept_unless_forced(unit: Unit, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out" / f"precious{COMMANDS[name][1]}"
    out.parent.mkdir()
    out.write_bytes(b"a clerk's own document")
    _clean_failure(_run(unit, name, out, tmp_path), "已经存在", "--force")
    assert out.read_bytes() == b"a clerk's own document"
    assert not _leftovers(out.parent)
    done = _run(unit, name, out, tmp_path, "--force")
    assert done.code == 0, done.err
    assert out.read_bytes() != b"a clerk's own document"
    assert not _leftovers(out.parent)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_folder_as_the_output(unit: Unit, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    done = _run(unit, name, folder, tmp_path)
    if name in FOLDER_DEFAULTS:
        assert done.code == 0, done.err
        made = list(folder.iterdir())
        assert len(made) == 1 and made[0].suffix == COMMANDS[name][1], made
        assert made[0].stat().st_size > 1000
    else:
        _clean_failure(done, "文件夹")
        assert not list(folder.iterdir())
    assert not _leftovers(folder)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_full_disk(unit: Unit, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out" / f"x{COMMANDS[name][1]}"
    out.parent.mkdir()
    shutil.copytree(unit.base, tmp_path / "data")
    done = _run(unit, name, out, tmp_path, fsize=COMMANDS[name][2])
    _clean_failure(done, "磁盘空间已满", str(out.parent))
    assert not out.exists()
    assert not _leftovers(out.parent)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_path_under_a_regular_file(unit: Unit, tmp_path: Path, name: str) -> None:
    blocker = tmp_path / "report.docx"
    blocker.write_bytes(b"not a folder")
    out = blocker / f"x{COMMANDS[name][1]}"
    _clean_failure(_run(unit, name, out, tmp_path), "不存在")
    assert blocker.read_bytes() == b"not a folder"


@pytest.mark.parametrize("name", COMMANDS)
def test_a_folder_the_user_may_not_write(unit: Unit, name: str) -> None:
    """Real permissions: as root (the test machines) the child runs as ``nobody``."""
    with shared_folder() as shared:
        data = shared / "data"
        shutil.copytree(unit.base, data)
        (shared / "inbox").mkdir()
        shutil.copy(unit.inbox / "w.xlsx", shared / "inbox")
        shutil.copytree(unit.registry, shared / "registry")
        locked = shared / "locked"
        locked.mkdir()
        user = None
        if can_switch_user():
            chown_tree(shared, UNPRIVILEGED)
            shutil.chown(locked, "root", "root")
            locked.chmod(0o755)
            user = UNPRIVILEGED
        else:
            locked.chmod(0o555)
        moved = Unit(data, shared / "inbox", shared / "registry", unit.signed)
        out = locked / f"x{COMMANDS[name][1]}"
        make_args, _, _ = COMMANDS[name]
        done = run_ecodesk(
            "--data-dir",
            str(data),
            *make_args(moved, str(out)),
            env={"ECODESK_PASSPHRASE": PASSPHRASE},
            user=user,
        )
        _clean_failure(done, "没有权限", str(locked))
        assert not list(locked.iterdir())


def test_keys_export_public_keeps_existing_files(unit: Unit, tmp_path: Path) -> None:
    out = tmp_path / "reg"
    shutil.copytree(unit.registry, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    data = tmp_path / "data"
    shutil.copytree(unit.signed, data)
    done = run_ecodesk("--data-dir", str(data), "keys", "export-public", "--out", str(out))
    _clean_failure(done, "已经存在")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    done = run_ecodesk(
        "--data-dir", str(data), "keys", "export-public", "--out", str(out), "--force"
    )
    assert done.code == 0, done.err
    assert not _leftovers(out)


def test_keys_export_public_on_a_full_disk_leaves_nothing(unit: Unit, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(unit.signed, data)
    out = tmp_path / "reg"
    done = run_ecodesk(
        "--data-dir", str(data), "keys", "export-public", "--out", str(out), fsize=36_000
    )
    _clean_failure(done, "磁盘空间已满")
    assert not list(out.iterdir())  # not the registration file without its sheet either
