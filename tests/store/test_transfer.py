"""Moving an office between SQLite and PostgreSQL keeps every row; backups are one file for both.

The copies are compared row by row, every table, every column, ids included: values,
revisions, the audit log, settings, import records and the fingerprints of signing keys.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from ecodesk.cli import main
from ecodesk.store import RestoreRefused, Store, settings
from ecodesk.store.backup import integrity_problem, restore_database
from ecodesk.store.engine import ENV_DATABASE_URL, make_engine
from ecodesk.store.errors import DatabaseNotEmpty
from ecodesk.store.models import SharedFileRow
from ecodesk.store.transfer import (
    SHARED_TABLES,
    backup_to_file,
    copy_store,
    daily_server_backup,
    restore_into_server,
)
from ecodesk.submission import AcceptedWarning, Period, UnitProfile
from tests.postgresql import PostgresServer

pytestmark = pytest.mark.postgresql_only("copies between the engines need the server")

P, LAST = Period(2026), Period(2025)
KEY = "1.1:upgraded_firms"


def _fill_everything(store: Store, profile: UnitProfile) -> None:
    """A store with a row in every table, as a year of an office's work leaves it."""
    store.save_profile(profile)
    store.set_responsible_forms(["G", "1.1", "2.1"])
    store.set_current_period(P)
    store.settings_set(settings.LANGUAGE, "en")
    store.write_import(  # an import of last year's workbook, with its undo record
        P,
        baseline_period=LAST,
        baseline={KEY: "28", "1.1:other": "3"},
        source="宁都县-2025.xlsx",
        signature_status="valid",
        tables={},
        settings={
            settings.IMPORTS: '["imp-1"]',
            settings.IMPORT_RECORD.of("imp-1"): '{"before": null}',
            settings.KEY_REGISTRY: "/srv/keys",
        },
        action="import_previous",
        note="导入上年数据",
    )
    store.set_value(P, KEY, "30")
    store.set_value(P, "G:notes_x", "第一行\n第二行")
    store.set_narrative(P, "1.1", "progress", "推进传统产业改造升级。")
    store.set_table_rows(P, "1.1", "projects", [{"name": "赣南脐橙", "amount": "12.5"}, {}])
    store.accept_warning(
        P,
        AcceptedWarning(
            problem_id="1.1:upgraded_firms:jump",
            form="1.1",
            message="比上年增加较多",
            explanation="新增两家企业",
            field="upgraded_firms",
        ),
    )
    store.mark_checked(P)
    store.mark_signed(
        P, 1, fingerprint="ED25519:AB12CD34", digest="sha256:0f1e", workbook_path="/x/w.xlsx"
    )
    from ecodesk.store import live

    live.beat(store, store.client, person="刘志明", period=str(P), form="1.1")  # a window open
    # the receiver's feedback on revision 1 (a query about the value): the review tables too
    from ecodesk.review.model import Feedback, Query, SubmissionRef
    from ecodesk.store.feedback import answer_query, record_feedback

    city = UnitProfile("360700", "赣州市", "市生态文明建设领导小组办公室", preparer="王审核")
    about = SubmissionRef(profile, P, 1, "sha256:0f1e", "ED25519:AB12CD34")
    query = Query(KEY, "1.1", "改造企业数", "30", "比上年增加较多，请核实")
    entry = record_feedback(
        store,
        Feedback(city, about, "queries", "", [query]),
        direction="received",
        digest="sha256:feedback",
        fingerprint="ED25519:CITY",
        path="/x/审核意见书.xlsx",
        open_reason="按审核意见答复查询",
    )
    answer_query(store, entry.queries[0].id, "已核实，新增两家企业")
    store.set_value(P, KEY, "31")
    # evidence (issue 14): an attachment's record, and its bytes as a backup file carries them
    from ecodesk.attachments import attach
    from ecodesk.store.models import AttachmentBlobRow
    from tests.attachments.files import make_pdf

    assert store.data_dir is not None
    pdf = make_pdf(store.data_dir / "批复.pdf")
    made = attach(store, P, "1.1", pdf, "批复文件")
    with store.engine.begin() as conn:
        conn.execute(
            AttachmentBlobRow.__table__.insert(),
            {"sha256": made.sha256, "size": made.size, "data": pdf.read_bytes()},
        )
    # the office's people and their review of revision 2 (people, form_reviews, audit person)
    from ecodesk.store.office import return_form, review_form
    from ecodesk.store.people import FILLER, HEAD, REVIEWER, add_person

    add_person(store, "黄建华", [HEAD, FILLER], "head-pass-1")
    add_person(store, "陈丽萍", [REVIEWER], "review-pass")
    store.sign_in("陈丽萍", "review-pass")
    review_form(store, P, "1.1")
    return_form(store, P, "2.1", "请补充工作进展")
    store.sign_in("黄建华", "head-pass-1")


def _rows(url: str) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table (the schema version too), ordered by primary key — but the
    attachments' bytes of a server store (``SHARED_TABLES``): a server holds them in its
    database, a SQLite store in its data folder, so a copy moves them from one to the other
    (:func:`_shared_files` checks them)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            metadata = MetaData()
            metadata.reflect(conn)
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(
                        select(table).order_by(*(table.primary_key.columns or table.columns))
                    )
                ]
                for table in metadata.sorted_tables
                if table.name not in SHARED_TABLES
            }
    finally:
        engine.dispose()


def _shared_files(url: str) -> list[tuple[str, int]]:
    """(SHA-256, size) of the attachment files a store's database holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [
                (r.sha256, r.size)
                for r in conn.execute(select(SharedFileRow).order_by(SharedFileRow.sha256))
            ]
    finally:
        engine.dispose()


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


def test_a_copy_to_postgresql_and_back_keeps_every_row(
    tmp_path: Path, pack, profile: UnitProfile, postgresql_server: PostgresServer
) -> None:
    office = _sqlite(tmp_path / "office" / "ecodesk.sqlite3")
    with Store.open(tmp_path / "office", url=office, pack=pack) as store:
        _fill_everything(store, profile)
    original = _rows(office)
    assert all(original.values()), {t: len(r) for t, r in original.items()}  # no table empty

    server = postgresql_server.url(postgresql_server.new_database(migrated=False))
    report = copy_store(office, server)
    assert report.rows == {t: len(r) for t, r in original.items() if t != "alembic_version"}
    assert _rows(server) == original
    # the attachment's bytes went from the office's data folder into the server's database
    ((sha, size),) = _shared_files(server)
    assert report.files == 1 and (tmp_path / "office" / "attachments" / sha[:2] / sha).is_file()
    assert _shared_files(office) == []

    back = _sqlite(tmp_path / "back" / "ecodesk.sqlite3")
    copy_store(server, back)
    assert _rows(back) == original
    # … and back from the database into the folder of the new file, not into its database
    assert _shared_files(back) == []
    assert (tmp_path / "back" / "attachments" / sha[:2] / sha).stat().st_size == size

    # Both copies are working stores: new rows get new ids after the copied ones; the people
    # sign in with their passwords and the reviews are where they were.
    from ecodesk.store.office import form_reviews

    for url in (server, back):
        with Store.open(tmp_path / "pc", url=url, pack=pack) as store:
            store.sign_in("黄建华", "head-pass-1")
            reviews = form_reviews(store, P)
            assert {f: (r.state, r.reviewer, r.comment) for f, r in reviews.items()} == {
                "1.1": ("reviewed", "陈丽萍", ""),
                "2.1": ("returned", "陈丽萍", "请补充工作进展"),
            }
            assert store.load(P).value(KEY) == "31"
            assert store.signature(P, 1) == ("ED25519:AB12CD34", "sha256:0f1e")
            store.set_value(P, KEY, "32")
            store.set_value(P, "1.1:new_field", "1")
            assert store.load(P).values[KEY] == "32"
            assert store.audit_log(P, limit=1)[0].new == "1"
            assert store.audit_log(P, limit=1)[0].person == "黄建华"
            assert form_reviews(store, P)["1.1"].state == "changed"  # the change reset it


def test_a_copy_into_a_database_with_data_is_refused_without_force(
    data_dir: Path, pack, profile: UnitProfile, capsys: pytest.CaptureFixture[str]
) -> None:
    server = os.environ.pop(
        ENV_DATABASE_URL
    )  # the office's file is the source, the server the target
    with Store.open(data_dir, pack=pack) as store:
        _fill_everything(store, profile)
    args = ["--data-dir", str(data_dir), "store", "copy", "--to", server]
    assert main(args) == 0
    assert "已复制" in capsys.readouterr().out
    before = _rows(server)

    with Store.open(data_dir, pack=pack) as store:
        store.sign_in("黄建华", "head-pass-1")
        store.set_value(P, KEY, "40")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "已经有数据" in err and "--force" in err and "Traceback" not in err
    assert _rows(server) == before  # nothing written

    assert main([*args, "--force"]) == 0
    assert _rows(server) == _rows(_sqlite(data_dir / "ecodesk.sqlite3"))

    with pytest.raises(DatabaseNotEmpty):
        copy_store(_sqlite(data_dir / "ecodesk.sqlite3"), server)


def test_copy_back_from_the_server_with_the_database_option(
    data_dir: Path, tmp_path: Path, pack, profile: UnitProfile
) -> None:
    server = os.environ.pop(ENV_DATABASE_URL)
    with Store.open(data_dir, url=server, pack=pack) as store:
        _fill_everything(store, profile)
    target = tmp_path / "laptop" / "ecodesk.sqlite3"
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "--database",
                server,
                "store",
                "copy",
                "--to",
                str(target),
            ]
        )
        == 0
    )
    assert _rows(_sqlite(target)) == _rows(server)
    assert (
        main(["--data-dir", str(data_dir), "--database", server, "store", "copy", "--to", server])
        == 2
    )


def test_a_server_store_backs_up_into_the_same_one_file_format(
    store: Store, data_dir: Path, tmp_path: Path, pack, profile: UnitProfile
) -> None:
    _fill_everything(store, profile)
    server = os.environ[ENV_DATABASE_URL]
    copy = backup_to_file(server, tmp_path / "monday.sqlite3")
    store.set_value(P, KEY, "99")  # later edits are not in the copy
    assert integrity_problem(copy) is None
    assert not Path(f"{copy}-wal").exists()
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()

    # The backup restores into a SQLite data folder like any other backup …
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    restore_database(laptop / "ecodesk.sqlite3", copy)
    with Store.open(laptop, url=_sqlite(laptop / "ecodesk.sqlite3"), pack=pack) as restored:
        assert restored.load(P).value(KEY) == "31"
        # the office's people sign in on the restored copy; the reviews are there
        from ecodesk.store.office import form_reviews
        from ecodesk.store.people import people_required

        assert people_required(restored)
        restored.sign_in("陈丽萍", "review-pass")
        assert form_reviews(restored, P)["2.1"].comment == "请补充工作进展"

    # … and back into the server, which first saves what it held.
    kept = restore_into_server(data_dir, server, copy)
    assert store.load(P).value(KEY) == "31"
    assert kept is not None and kept.parent == data_dir / "backups"
    conn = sqlite3.connect(kept)
    assert ("99",) in conn.execute("SELECT text FROM field_values").fetchall()
    conn.close()


def test_a_bad_backup_is_refused_and_the_server_is_unchanged(
    store: Store, data_dir: Path, tmp_path: Path, profile: UnitProfile
) -> None:
    _fill_everything(store, profile)
    server = os.environ[ENV_DATABASE_URL]
    before = _rows(server)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    for bad in (junk, foreign, tmp_path / "missing.sqlite3"):
        with pytest.raises(RestoreRefused, match="没有任何改动"):
            restore_into_server(data_dir, server, bad)
    assert _rows(server) == before


def test_backup_and_restore_commands_on_a_server_store(
    store: Store,
    data_dir: Path,
    tmp_path: Path,
    profile: UnitProfile,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill_everything(store, profile)
    out = tmp_path / "saved.sqlite3"
    assert main(["--data-dir", str(data_dir), "backup", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    store.set_value(P, KEY, "50")
    assert main(["--data-dir", str(data_dir), "restore", str(out), "--yes"]) == 0
    printed = capsys.readouterr().out
    assert "已恢复" in printed and "另存为" in printed and "***" not in printed.split("数据库：")[0]
    assert store.load(P).value(KEY) == "31"


def test_each_pc_keeps_daily_copies_of_a_server_store(store: Store, data_dir: Path) -> None:
    server = os.environ[ENV_DATABASE_URL]
    folder = data_dir / "backups"
    assert len(list(folder.glob("daily-*.sqlite3"))) == 1  # made when the store was opened
    for made_at_open in folder.glob("daily-*"):
        made_at_open.unlink()
    start = datetime(2020, 1, 1)
    for day in range(6):
        daily_server_backup(data_dir, server, keep=3, today=start + timedelta(days=day))
    assert daily_server_backup(data_dir, server, keep=3, today=start + timedelta(days=5)) is None
    names = sorted(p.name for p in folder.glob("daily-*"))
    assert names == [f"daily-{n:06d}-2020-01-{n:02d}.sqlite3" for n in range(4, 7)]


def _schema(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


def test_a_server_backup_has_exactly_the_schema_of_a_local_store(
    store: Store, tmp_path: Path, pack
) -> None:
    """A restore checks a backup's whole schema against the migrations': both kinds must pass."""
    store.set_value(P, KEY, "1")
    from_server = backup_to_file(os.environ[ENV_DATABASE_URL], tmp_path / "server.sqlite3")
    local = tmp_path / "local" / "ecodesk.sqlite3"
    Store.open(local.parent, url=_sqlite(local), pack=pack).close()
    assert _schema(from_server) == _schema(local)
