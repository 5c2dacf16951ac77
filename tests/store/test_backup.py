"""Backups are consistent copies; restore checks the file first, keeps the current data, or changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import RestoreRefused, Store
from ecodesk.store.backup import daily_backup, integrity_problem, make_backup, restore_database
from ecodesk.submission import Period

KEY = "1.1:upgraded_firms"
P = Period(2026)


def _fill(store: Store, text: str, narratives: int = 0) -> None:
    store.set_value(P, KEY, text)
    for i in range(narratives):
        store.set_narrative(P, "1.1", f"note{i}", "宁都县推进传统产业改造升级的情况说明。" * 40)


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()


def _state(data_dir: Path) -> tuple[str, list[str]]:
    db = data_dir / "ecodesk.sqlite3"
    files = (
        sorted(p.name for p in (data_dir / "backups").iterdir())
        if (data_dir / "backups").exists()
        else []
    )
    return _digest(db, Path(f"{db}-wal")), files


def _corrupt_copy(source: Path, dest: Path) -> Path:
    data = bytearray(source.read_bytes())
    for offset in (4096 * 5, 4096 * 20):
        data[offset : offset + 4096] = bytes((i * 7) % 256 for i in range(4096))
    dest.write_bytes(bytes(data))
    return dest


def test_backup_while_the_store_is_open_holds_the_committed_data(
    store: Store, tmp_path: Path, pack
) -> None:
    _fill(store, "17")
    copy = make_backup(store.db_path, tmp_path / "copy.sqlite3")  # type: ignore[arg-type]
    store.set_value(P, KEY, "18")  # later edits are not in the copy, and do not disturb it
    assert integrity_problem(copy) is None
    other = tmp_path / "other"
    other.mkdir()
    copy.rename(other / "ecodesk.sqlite3")
    with Store.open(other, pack=pack) as restored:
        assert restored.load(P).value(KEY) == "17"


def test_daily_backups_keep_only_the_newest(store: Store) -> None:
    _fill(store, "1")
    assert store.db_path is not None
    for made_at_open in (store.db_path.parent / "backups").glob("daily-*"):
        made_at_open.unlink()
    start = datetime(2020, 1, 1)
    for day in range(20):
        daily_backup(store.db_path, keep=5, today=start + timedelta(days=day))
    daily_backup(
        store.db_path, keep=5, today=start + timedelta(days=19)
    )  # same day: no second copy
    names = sorted(p.name for p in (store.db_path.parent / "backups").glob("daily-*"))
    assert names == [f"daily-{n:06d}-2020-01-{n:02d}.sqlite3" for n in range(16, 21)]


def test_a_clock_set_back_does_not_prune_todays_backup(store: Store) -> None:
    """Issue 20 (10): with the clock set back, that day's copy was the 'oldest' and deleted at once."""
    _fill(store, "1")
    assert store.db_path is not None
    folder = store.db_path.parent / "backups"
    for made_at_open in folder.glob("daily-*"):
        made_at_open.unlink()
    for day in range(14):  # two weeks of copies from an earlier program, named by date only
        (folder / f"daily-2026-11-{day + 10:02d}.sqlite3").write_bytes(b"")
    _fill(store, "2")
    made = daily_backup(store.db_path, today=datetime(2025, 1, 1))  # the clock says a year ago
    assert made is not None and made.exists()
    assert len(list(folder.glob("daily-*"))) == 14
    assert not (folder / "daily-2026-11-10.sqlite3").exists()  # the oldest made went instead
    # and the next (correct) days keep counting on from there
    for day in range(3):
        daily_backup(store.db_path, today=datetime(2026, 12, 1 + day))
    assert made.exists()


def test_restore_keeps_the_current_data_then_replaces_it(
    data_dir: Path, tmp_path: Path, pack
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        _fill(store, "5")
        backup = make_backup(store.db_path, tmp_path / "monday.sqlite3")  # type: ignore[arg-type]
        _fill(store, "9")
    kept = restore_database(data_dir / "ecodesk.sqlite3", backup)
    with Store.open(data_dir, pack=pack) as store:
        assert store.load(P).value(KEY) == "5"
    assert kept is not None and kept.parent == data_dir / "backups"
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT text FROM field_values").fetchall() == [("9",)]
    conn.close()


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    return path


def _newer(source: Path, path: Path) -> Path:
    path.write_bytes(source.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make_bad", "reason"),
    [
        (
            lambda good, tmp: (tmp / "notes.txt").write_text("周报") and tmp / "notes.txt",
            "不是数据库文件",
        ),
        (lambda good, tmp: _corrupt_copy(good, tmp / "corrupt.sqlite3"), "损坏"),
        (
            lambda good, tmp: (
                (tmp / "half.sqlite3").write_bytes(good.read_bytes()[:40000])
                and tmp / "half.sqlite3"
            ),
            "损坏",
        ),
        (lambda good, tmp: _foreign(tmp / "foreign.sqlite3"), "不是 EcoDesk"),
        (lambda good, tmp: _newer(good, tmp / "newer.sqlite3"), "不是本程序认识的版本"),
        (lambda good, tmp: tmp / "missing.sqlite3", "不存在"),
    ],
    ids=["text", "corrupt", "truncated", "foreign", "newer", "missing"],
)
def test_a_bad_file_is_refused_and_nothing_changes(
    data_dir: Path, tmp_path: Path, pack, make_bad, reason
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        _fill(store, "7", narratives=60)
        good = make_backup(store.db_path, tmp_path / "good.sqlite3")  # type: ignore[arg-type]
    bad = make_bad(good, tmp_path)
    before = _state(data_dir)
    with pytest.raises(RestoreRefused, match=reason) as caught:
        restore_database(data_dir / "ecodesk.sqlite3", bad)
    assert "没有任何改动" in str(caught.value)
    assert _state(data_dir) == before
    with Store.open(data_dir, pack=pack) as store:
        assert store.load(P).value(KEY) == "7"


def test_backup_and_restore_commands(
    data_dir: Path, tmp_path: Path, pack, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        _fill(store, "3")
    out = tmp_path / "saved.sqlite3"
    assert main(["--data-dir", str(data_dir), "backup", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    with Store.open(data_dir, pack=pack) as store:
        _fill(store, "4")

    assert main(["--data-dir", str(data_dir), "restore", str(out), "--yes"]) == 0
    printed = capsys.readouterr().out
    assert "已恢复" in printed and "另存为" in printed
    with Store.open(data_dir, pack=pack) as store:
        assert store.load(P).value(KEY) == "3"

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00" * 5000)
    before = _state(data_dir)
    assert main(["--data-dir", str(data_dir), "restore", str(junk), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "不能用" in err and "没有任何改动" in err and "Traceback" not in err
    assert _state(data_dir) == before


def test_restore_asks_first_and_a_no_changes_nothing(
    data_dir: Path, tmp_path: Path, pack, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(data_dir, pack=pack) as store:
        _fill(store, "3")
        out = make_backup(store.db_path, tmp_path / "saved.sqlite3")  # type: ignore[arg-type]
        _fill(store, "4")
    before = _state(data_dir)
    monkeypatch.setattr("builtins.input", lambda: "n")
    assert main(["--data-dir", str(data_dir), "restore", str(out)]) == 1
    assert "未恢复" in capsys.readouterr().err
    assert _state(data_dir) == before


def test_backup_of_a_folder_without_data_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "empty"), "backup"]) == 2
    assert "还没有数据文件" in capsys.readouterr().err
