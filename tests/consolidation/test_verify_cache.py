"""The verdicts kept in the data folder: a rescan after a restart verifies nothing that did not
change, anything the verdict depends on (the bytes, the registry) verifies again, and a damaged
or hostile cache file is never believed (it is set aside and made anew, with no traceback)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import pytest

import ecodesk.services.consolidate as consolidate_module
from ecodesk.cli import main
from ecodesk.services.consolidate import ReceivedWorkbook, verify_all
from ecodesk.services.verify_cache import (
    CACHE_FILE,
    DATA_FIELDS,
    ITEM_FIELDS,
    PersistentVerifyCache,
)
from ecodesk.submission import SubmissionData
from tests.consolidation.conftest import ReceivedFolder
from tests.consolidation.helpers import tamper_figure

ROOT = Path(__file__).resolve().parents[2]

# One scan in a process of its own, as a restarted program would make it.
SCAN = """
import json, sys
from pathlib import Path
from ecodesk.services.consolidate import verify_all
from ecodesk.services.verify_cache import PersistentVerifyCache

def main():
    cache = PersistentVerifyCache(Path(sys.argv[1]))
    files = sorted(Path(sys.argv[2]).glob("*.xlsx"))
    received = verify_all(files, Path(sys.argv[3]), cache=cache, workers=1)
    cache.close()
    print(json.dumps({
        "hits": cache.hits,
        "stored": cache.stored,
        "verdicts": [[r.path.name, r.result.status, r.digest, r.revision] for r in received],
        "values": [sorted(r.data.values.items()) if r.data else None for r in received],
        "tables": [sorted(r.data.tables) if r.data else None for r in received],
    }))

if __name__ == "__main__":
    main()
"""


def scan_in_new_process(data_dir: Path, inbox: Path, registry: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", SCAN, str(data_dir), str(inbox), str(registry)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def inbox(received: ReceivedFolder, tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    shutil.copytree(received.inbox, folder)
    return folder


def files_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.xlsx"))


def test_a_second_run_in_a_new_process_takes_every_verdict_from_the_cache(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = scan_in_new_process(data_dir, inbox, received.registry)
    n = len(files_of(inbox))
    assert (first["hits"], first["stored"]) == (0, n)
    assert (data_dir / CACHE_FILE).is_file()
    second = scan_in_new_process(data_dir, inbox, received.registry)
    assert (second["hits"], second["stored"]) == (n, 0)
    # the same verdicts and the same signed data as verifying the files
    assert second["verdicts"] == first["verdicts"]
    assert second["values"] == first["values"] and second["tables"] == first["tables"]
    statuses = {status for _name, status, _d, _r in second["verdicts"]}
    assert statuses == {"valid", "tampered", "unknown_signer"}


def test_every_field_of_a_verdict_comes_back_from_the_cache(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    assert set(DATA_FIELDS) == {f.name for f in fields(SubmissionData)} - {"tables", "narratives"}
    apart = {"path", "stamp", "result", "data"}
    assert set(ITEM_FIELDS) == {f.name for f in fields(ReceivedWorkbook)} - apart
    files = files_of(inbox)
    verified = verify_all(files, received.registry, workers=1)
    cache = PersistentVerifyCache(tmp_path / "data")
    verify_all(files, received.registry, cache=cache, workers=1)
    cache.close()
    again = PersistentVerifyCache(tmp_path / "data")
    cached = verify_all(files, received.registry, cache=again, workers=1)
    assert again.hits == len(files)
    for fresh, kept in zip(verified, cached, strict=True):
        assert kept.path == fresh.path and kept.stamp == fresh.stamp
        assert replace(kept, result=fresh.result, data=fresh.data) == fresh  # every other field
        assert replace(kept.result, workbook=None) == replace(fresh.result, workbook=None)
        assert kept.data == fresh.data  # every field, the tables and narratives included
        if fresh.data is not None:
            assert kept.data is not None and kept.data.tables == fresh.data.tables
    assert any(r.exported_at is not None for r in cached)  # the signed export time came back


def test_a_changed_file_is_verified_again(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    files = files_of(inbox)
    cache = PersistentVerifyCache(data_dir)
    verify_all(files, received.registry, cache=cache, workers=1)
    cache.close()
    county = received.trusted[0]
    changed = inbox / received.files[county.code].name
    tamper_figure(changed, str(Decimal(county.den)), Decimal(county.den) + 1)

    again = PersistentVerifyCache(data_dir)
    result = verify_all(files, received.registry, cache=again, workers=1)
    assert (again.hits, again.stored) == (len(files) - 1, 1)
    by_name = {r.path.name: r.result.status for r in result}
    assert by_name[changed.name] == "tampered"


def test_a_changed_registry_verifies_every_file_again(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    registry = tmp_path / "registry"
    shutil.copytree(received.registry, registry)
    files = files_of(inbox)
    cache = PersistentVerifyCache(data_dir)
    verify_all(files, registry, cache=cache, workers=1)
    cache.close()
    # the city withdraws one county's registration: its file is no longer from a known signer
    county = received.trusted[0]
    withdrawn = list(registry.rglob(f"{county.code}-*.ecodesk-key.json"))
    assert withdrawn
    for reg in withdrawn:
        reg.unlink()
    again = PersistentVerifyCache(data_dir)
    after = verify_all(files, registry, cache=again, workers=1)
    assert again.hits == 0 and again.stored == len(files)
    statuses = {r.path.name: r.result.status for r in after}
    assert statuses[received.files[county.code].name] == "unknown_signer"


def test_a_damaged_cache_file_is_made_anew_without_a_traceback(
    received: ReceivedFolder, inbox: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / CACHE_FILE).write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    files = files_of(inbox)
    cache = PersistentVerifyCache(data_dir)
    result = verify_all(files, received.registry, cache=cache, workers=1)
    assert cache.hits == 0 and len(cache) == len(files)  # verified, and the file made anew
    assert {r.result.status for r in result} == {"valid", "tampered", "unknown_signer"}
    cache.close()
    # the command line says nothing about it either
    (data_dir / CACHE_FILE).write_bytes(b"not a database at all" * 100)
    out = tmp_path / "汇总.xlsx"
    args = ["--data-dir", str(data_dir), "consolidate", str(inbox)]
    status = main([*args, "--keys", str(received.registry), "-o", str(out)])
    printed = capsys.readouterr()
    assert status == 1 and out.is_file()
    assert "Traceback" not in printed.out + printed.err
    assert "收到 19 个文件：采用 16 个，拒收 2 个，搁置 1 个。" in printed.out


def test_a_forged_entry_is_never_believed(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    """Someone without the data folder's key rewrites the tampered file's entry to say valid."""
    data_dir = tmp_path / "data"
    files = files_of(inbox)
    cache = PersistentVerifyCache(data_dir)
    first = verify_all(files, received.registry, cache=cache, workers=1)
    cache.close()
    tampered = next(r for r in first if r.result.status == "tampered")
    valid = next(r for r in first if r.result.status == "valid")
    db = sqlite3.connect(data_dir / CACHE_FILE)
    entries = db.execute("SELECT digest, body, tables, narratives, mac FROM verdicts").fetchall()
    bodies = {json.loads(zlib.decompress(e[1]))["result"]["status"]: e for e in entries}
    good = bodies["valid"]
    # the valid file's entry (its MAC included) copied under the tampered file's digest
    tampered_digest = next(
        e[0] for e in entries if json.loads(zlib.decompress(e[1]))["result"]["status"] == "tampered"
    )
    db.execute(
        "UPDATE verdicts SET body = ?, tables = ?, narratives = ?, mac = ? WHERE digest = ?",
        (good[1], good[2], good[3], good[4], tampered_digest),
    )
    db.commit()
    db.close()
    again = PersistentVerifyCache(data_dir)
    result = verify_all(files, received.registry, cache=again, workers=1)
    assert again.rejected == 1 and again.hits == len(files) - 1
    by_name = {r.path.name: r.result.status for r in result}
    assert by_name[tampered.path.name] == "tampered"
    assert by_name[valid.path.name] == "valid"


def test_a_cache_file_with_another_schema_is_made_anew(
    received: ReceivedFolder, inbox: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = sqlite3.connect(data_dir / CACHE_FILE)
    db.execute("CREATE TABLE verdicts (digest TEXT, context TEXT, status TEXT)")
    db.execute("CREATE TABLE format (version INTEGER)")
    db.execute("INSERT INTO format VALUES (1)")
    db.commit()
    db.close()
    files = files_of(inbox)
    cache = PersistentVerifyCache(data_dir)
    verify_all(files, received.registry, cache=cache, workers=1)
    assert cache.hits == 0 and len(cache) == len(files)


def test_the_cache_stays_bounded(received: ReceivedFolder, inbox: Path, tmp_path: Path) -> None:
    files = files_of(inbox)
    cache = PersistentVerifyCache(tmp_path / "data", max_entries=10)
    verify_all(files, received.registry, cache=cache, workers=1)
    assert len(cache) <= 10
    db = sqlite3.connect(tmp_path / "data" / CACHE_FILE)
    (entry_size,) = db.execute("SELECT max(size) FROM verdicts").fetchone()
    db.close()
    size = PersistentVerifyCache(tmp_path / "small", max_bytes=entry_size * 5)
    verify_all(files, received.registry, cache=size, workers=1)
    assert 0 < len(size) <= 5


def test_the_command_line_verifies_nothing_twice(
    received: ReceivedFolder, inbox: Path, tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir), "consolidate", str(inbox), "--keys"]
    args += [str(received.registry), "-o", str(tmp_path / "汇总.xlsx"), "--force"]
    assert main(args) == 1
    first = capsys.readouterr().out

    def no_verifying(path, registry):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{path} verified again")

    monkeypatch.setattr(consolidate_module, "receive", no_verifying)
    assert main(args) == 1
    assert capsys.readouterr().out == first
