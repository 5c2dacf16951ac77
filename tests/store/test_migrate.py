"""Alembic owns the schema: the migrations build exactly the models, and old databases upgrade intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from ecodesk.store import Store, migrate
from ecodesk.store.engine import make_engine, resolve_url
from ecodesk.store.models import Base
from ecodesk.submission import Period


def test_head_constant_matches_the_migration_scripts() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert scripts.get_heads() == [migrate.HEAD]
    chain = [s.revision for s in scripts.walk_revisions()]  # newest first
    assert tuple(reversed(chain)) == migrate.KNOWN_REVISIONS


@pytest.mark.empty_database
def test_migrations_build_exactly_what_the_models_describe(data_dir: Path, pack) -> None:
    Store.open(data_dir, pack=pack).close()
    engine = make_engine(resolve_url(data_dir))
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


@pytest.mark.empty_database
def test_a_database_at_the_first_migration_upgrades_with_its_data(data_dir: Path, pack) -> None:
    engine = make_engine(resolve_url(data_dir))
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO unit_profile (id, division_code, division_name, department, preparer, reviewer, phone,"
            " updated_at) VALUES (1, '360730', '宁都县', '生态办', '刘志明', '陈丽萍', '0797-1', '2025-01-01')",
            "INSERT INTO periods (id, code, year, quarter) VALUES (1, '2025', 2025, NULL)",
            "INSERT INTO submissions (id, period_id, unit_code, revision, status, supersedes, supersede_reason,"
            " pack_version, created_at, signed_at, fingerprint, digest) VALUES (1, 1, '360730', 1, 'signed',"
            " NULL, '', '2025.1', '2025-01-01', '2025-12-01', 'F1', 'D1')",
            "INSERT INTO field_values (submission_id, form, field, text, updated_at)"
            " VALUES (1, '1.1', 'upgraded_firms', '３０', '2025-01-01')",
            "INSERT INTO audit_log (at, os_user, preparer, action, period, revision, form, field, old, new)"
            " VALUES ('2025-01-01T00:00:00+00:00', 'clerk', '刘志明', 'set_value', '2025', 1, '1.1',"
            " 'upgraded_firms', NULL, '３０')",
        ):
            conn.execute(text(statement))
    engine.dispose()

    with Store.open(data_dir, pack=pack) as store:
        profile = store.profile()
        data = store.load(Period(2025))
        assert store.signature(Period(2025), 1) == ("F1", "D1")
        assert len(store.audit_log(Period(2025))) == 1
    assert profile is not None and (profile.division_name, profile.preparer, profile.head) == (
        "宁都县",
        "刘志明",
        "",
    )
    assert (data.status, data.values) == ("signed", {"1.1:upgraded_firms": "３０"})

    engine = make_engine(resolve_url(data_dir))
    try:
        assert migrate.current_revision(engine) == migrate.HEAD
        indexes = {i["name"] for i in inspect(engine).get_indexes("audit_log")}
    finally:
        engine.dispose()
    assert "ix_audit_log_period_at" in indexes

    # The copy taken before the upgrade is the old database, data and all (for a server's
    # store too: the same one-file format as every backup).
    copies = list((data_dir / "backups").glob("before-upgrade-0001-*.sqlite3"))
    assert len(copies) == 1
    old = sqlite3.connect(copies[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT text FROM field_values").fetchall() == [("３０",)]
    old.close()


def test_an_up_to_date_database_is_not_migrated_again(data_dir: Path, pack) -> None:
    Store.open(data_dir, pack=pack).close()
    engine = make_engine(resolve_url(data_dir))
    try:
        assert not migrate.needs_upgrade(engine)
    finally:
        engine.dispose()
    Store.open(data_dir, pack=pack).close()
    assert not list((data_dir / "backups").glob("before-upgrade-*"))
