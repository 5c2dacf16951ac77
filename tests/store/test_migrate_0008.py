"""Migration 0008 (several people on one store) from the schema before it, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from ecodesk.store import Store, live, migrate
from ecodesk.store.engine import make_engine, resolve_url
from ecodesk.submission import AcceptedWarning, Period


@pytest.mark.empty_database
def test_a_database_at_0003_upgrades_to_0008_with_its_data(data_dir: Path, pack) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(resolve_url(data_dir))
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO periods (id, code, year, quarter) VALUES (1, '2026', 2026, NULL)",
            "INSERT INTO submissions (id, period_id, unit_code, revision, status, supersedes,"
            " supersede_reason, pack_version, created_at) VALUES (1, 1, '360730', 1, 'draft', NULL,"
            " '', '2026.1', '2026-01-01')",
            "INSERT INTO field_values (submission_id, form, field, text, updated_at)"
            " VALUES (1, '1.1', 'upgraded_firms', '30', '2026-01-01')",
            "INSERT INTO audit_log (at, os_user, preparer, action, period, revision, form, field,"
            " old, new) VALUES ('2026-01-01T00:00:00+00:00', 'clerk', '刘志明', 'set_value',"
            " '2026', 1, '1.1', 'upgraded_firms', NULL, '30')",
            "INSERT INTO accepted_warnings (submission_id, problem_id, form, field, message,"
            " explanation, accepted_at, accepted_by) VALUES (1, '1.1:x', '1.1', NULL, 'm', 'e',"
            " '2026-01-01', 'clerk')",
        ):
            conn.execute(text(statement))
    engine.dispose()

    with Store.open(data_dir, pack=pack) as store:
        assert store.load(Period(2026)).values == {"1.1:upgraded_firms": "30"}
        assert [a.problem_id for a in store.load(Period(2026)).accepted] == ["1.1:x"]
        store.set_value(Period(2026), "1.1:upgraded_firms", "31")
        long_field = "1.1:" + "字" * 500
        store.accept_warning(
            Period(2026),
            AcceptedWarning(
                problem_id=long_field, form="1.1", message="m", explanation="e", field=long_field
            ),
        )
        live.beat(store, "pc", person="刘志明", period="2026", form="1.1")
        assert [p.form for p in live.present(store)] == ["1.1"]
        assert len(store.audit_log(Period(2026))) == 3

    engine = make_engine(resolve_url(data_dir))
    try:
        assert migrate.current_revision(engine) == migrate.HEAD
        columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("audit_log")}
        assert getattr(columns["field"], "length", None) is None  # Text now
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                triggers = set(
                    conn.execute(
                        text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
                    ).scalars()
                )
            assert triggers == {"audit_log_notify", "presence_notify"}
        with engine.begin() as conn:  # (a server refuses to shorten a column under longer text)
            conn.execute(text("DELETE FROM accepted_warnings WHERE length(problem_id) > 160"))
            conn.execute(text("DELETE FROM audit_log WHERE length(field) > 160"))
        migrate_down(engine)
    finally:
        engine.dispose()


def migrate_down(engine) -> None:  # type: ignore[no-untyped-def]
    """0008 goes back to 0003 cleanly (a downgrade the lead may need when chaining branches)."""
    from alembic import command

    config = migrate.alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        conn.commit()
    assert migrate.current_revision(engine) == "0003"
    assert "presence" not in inspect(engine).get_table_names()
