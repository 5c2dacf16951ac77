"""A store of the previous schema (0003, before people) upgrades on both engines with its data.

Nothing of what was there changes meaning: the old audit entries name no person, people are off
until the office creates its head, and the office's review starts with every form 待审核.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from ecodesk.store import Store, migrate
from ecodesk.store.engine import make_engine, resolve_url
from ecodesk.store.office import form_reviews, review_form
from ecodesk.store.people import FILLER, HEAD, REVIEWER, add_person, people_enabled
from ecodesk.submission import Period


@pytest.mark.empty_database
def test_a_store_at_0003_upgrades_to_people_and_reviews(data_dir: Path, pack) -> None:
    engine = make_engine(resolve_url(data_dir))
    migrate.upgrade(engine, "0003")
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO unit_profile (id, division_code, division_name, department, preparer,"
            " reviewer, phone, head, updated_at) VALUES (1, '360730', '宁都县', '生态办', '刘志明',"
            " '陈丽萍', '0797-1', '黄建华', '2026-01-01')",
            "INSERT INTO periods (id, code, year, quarter) VALUES (1, '2026', 2026, NULL)",
            "INSERT INTO submissions (id, period_id, unit_code, revision, status, supersedes,"
            " supersede_reason, pack_version, created_at) VALUES (1, 1, '360730', 1, 'draft',"
            " NULL, '', '2026.1', '2026-01-01')",
            "INSERT INTO field_values (submission_id, form, field, text, updated_at)"
            " VALUES (1, '1.1', 'upgraded_firms', '30', '2026-01-01')",
            "INSERT INTO audit_log (at, os_user, preparer, action, period, revision, form, field,"
            " old, new) VALUES ('2026-01-01T00:00:00+00:00', 'clerk', '刘志明', 'set_value',"
            " '2026', 1, '1.1', 'upgraded_firms', NULL, '30')",
        ):
            conn.execute(text(statement))
    engine.dispose()

    with Store.open(data_dir, pack=pack) as store:
        (old,) = store.audit_log(Period(2026))
        assert (old.person, old.preparer, old.new) == ("", "刘志明", "30")
        assert not people_enabled(store)
        assert form_reviews(store, Period(2026)) == {}
        assert store.load(Period(2026)).value("1.1:upgraded_firms") == "30"
        # the upgraded store takes people and reviews like a new one
        store.set_responsible_forms(["1.1"])
        add_person(store, "黄建华", [HEAD, FILLER], "head-pass-1")
        add_person(store, "陈丽萍", [REVIEWER], "review-pass")
        store.sign_in("陈丽萍", "review-pass")
        assert review_form(store, Period(2026), "1.1").state == "reviewed"

    engine = make_engine(resolve_url(data_dir))
    try:
        assert migrate.current_revision(engine) == migrate.HEAD
        columns = {c["name"] for c in inspect(engine).get_columns("audit_log")}
    finally:
        engine.dispose()
    assert "person" in columns
    assert len(list((data_dir / "backups").glob("before-upgrade-0003-*.sqlite3"))) == 1
