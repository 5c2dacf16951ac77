"""The store keeps every edit, refuses changes to signed revisions and tells who changed what."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from ecodesk.errors import EcoDeskError
from ecodesk.store import (
    BadFieldKey,
    RevisionNotSigned,
    Store,
    StoreDamaged,
    StoreTooNew,
    SubmissionFrozen,
    settings,
)
from ecodesk.store.errors import ProfileTextTooLong
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

KEY = "1.1:upgraded_firms"


def _raw_values(db: Path) -> dict[str, str]:
    """What is on disk, read by a connection that knows nothing of SQLAlchemy."""
    conn = sqlite3.connect(db)
    try:
        return {
            f"{f}:{c}": t for f, c, t in conn.execute("SELECT form, field, text FROM field_values")
        }
    finally:
        conn.close()


def test_every_kind_of_edit_survives_closing_and_reopening(
    data_dir: Path, pack, profile, period
) -> None:
    warning = AcceptedWarning(
        problem_id="yoy:1.1:tech_invest",
        form="1.1",
        message="变化超过50%",
        explanation="新增两个技改项目投产",
        field="1.1:tech_invest",
    )
    rows = [{"name": "宁都县梅江镇技改项目", "investment": "1,200"}, {}, {"name": "=1+1"}]
    with Store.open(data_dir, pack=pack) as store:
        store.save_profile(profile)
        store.set_value(period, KEY, " ７６．５ ")
        store.set_value(period, "1.1:tech_invest", "3.5亿")
        store.set_narrative(period, "1.1", "progress", "宁都县扎实推进传统产业改造升级。")
        store.set_table_rows(period, "1.1", "projects", rows)
        store.accept_warning(period, warning)
    with Store.open(data_dir, pack=pack) as store:
        data = store.load(period)
    assert data.unit == profile
    assert data.values == {KEY: " ７６．５ ", "1.1:tech_invest": "3.5亿"}  # exactly as typed
    assert data.narrative("1.1", "progress") == "宁都县扎实推进传统产业改造升级。"
    assert data.rows("1.1", "projects") == rows  # blank rows and order kept
    assert data.accepted == [warning]
    assert data.explanation_for("yoy:1.1:tech_invest") == "新增两个技改项目投产"
    assert (data.revision, data.status, data.pack_version) == (1, "draft", pack.version)


@pytest.mark.sqlite_only("read back from the file; on a server: test_postgresql.py")
def test_a_value_is_on_disk_when_set_value_returns(store: Store, period) -> None:
    store.set_value(period, KEY, "12")
    assert store.db_path is not None
    assert _raw_values(store.db_path) == {KEY: "12"}
    store.set_value(period, KEY, "")
    assert _raw_values(store.db_path) == {}


def test_bad_field_key_is_refused_with_a_message_and_nothing_saved(store: Store, period) -> None:
    store.set_value(period, KEY, "5")
    with pytest.raises(BadFieldKey, match="字段编号"):
        store.set_value(period, "upgraded_firms", "6")
    with pytest.raises(BadFieldKey):
        store.set_narrative(period, "9.9", "progress", "x")
    assert store.load(period).values == {KEY: "5"}


def test_signed_revision_is_frozen_and_a_correction_copies_it(
    store: Store, period, profile
) -> None:
    store.save_profile(profile)
    store.set_value(period, KEY, "40")
    store.set_narrative(period, "1.1", "progress", "进展顺利。")
    store.set_table_rows(period, "1.1", "projects", [{"name": "甲项目"}])
    store.accept_warning(period, AcceptedWarning("yoy:1.1:x", "1.1", "提示", "说明"))
    store.mark_signed(period, 1, fingerprint="AB12:CD34", digest="d1", workbook_path="/tmp/x.xlsx")
    frozen_before = store.load(period)

    edits = [
        lambda: store.set_value(period, KEY, "41"),
        lambda: store.set_narrative(period, "1.1", "progress", "改了"),
        lambda: store.set_table_rows(period, "1.1", "projects", []),
        lambda: store.accept_warning(period, AcceptedWarning("yoy:1.1:y", "1.1", "提示", "说明")),
        lambda: store.withdraw_warning(period, "yoy:1.1:x"),
    ]
    for edit in edits:
        with pytest.raises(SubmissionFrozen, match="已签名.*更正"):
            edit()
    assert store.load(period) == frozen_before
    assert store.signature(period, 1) == ("AB12:CD34", "d1")

    with pytest.raises(EcoDeskError, match="更正原因"):
        store.new_revision(period, "  ")
    assert store.new_revision(period, "更正累计数口径") == 2
    corrected = store.load(period)
    assert (corrected.revision, corrected.status, corrected.supersedes) == (2, "draft", 1)
    assert (corrected.values, corrected.narratives, corrected.tables, corrected.accepted) == (
        frozen_before.values,
        frozen_before.narratives,
        frozen_before.tables,
        frozen_before.accepted,
    )
    store.set_value(period, KEY, "41")
    assert store.load(period).value(KEY) == "41"
    assert store.load(period, 1).value(KEY) == "40"  # the signed one is untouched
    assert store.signature(period, 2) is None
    infos = store.revisions(period)
    assert [(i.revision, i.status, i.supersedes, i.reason) for i in infos] == [
        (1, "signed", None, ""),
        (2, "draft", 1, "更正累计数口径"),
    ]


def test_a_correction_is_refused_while_the_revision_can_still_be_edited(
    store: Store, period
) -> None:
    store.set_value(period, KEY, "1")
    with pytest.raises(RevisionNotSigned, match="尚未签名"):
        store.new_revision(period, "原因")
    assert [r.revision for r in store.revisions(period)] == [1]


def test_an_edit_after_the_check_makes_the_revision_a_draft_again(store: Store, period) -> None:
    store.set_value(period, KEY, "1")
    store.mark_checked(period)
    assert store.load(period).status == "checked"
    store.set_value(period, KEY, "1")  # unchanged: still checked
    assert store.load(period).status == "checked"
    store.set_value(period, KEY, "2")
    assert store.load(period).status == "draft"


def test_audit_log_says_who_when_what_old_and_new(store: Store, period, profile) -> None:
    store.save_profile(profile)
    store.set_value(period, KEY, "10")
    store.set_value(period, KEY, "10")  # no change, no entry
    store.set_value(period, KEY, "12")
    store.set_value(period, KEY, "")
    entries = [e for e in store.audit_log(period) if e.action == "set_value"]
    assert [(e.old, e.new) for e in entries] == [("12", None), ("10", "12"), (None, "10")]
    for e in entries:
        assert (e.form, e.field, e.period, e.revision) == ("1.1", "upgraded_firms", "2026", 1)
        assert e.preparer == "刘志明" and e.os_user
        assert e.at.tzinfo is not None
    assert entries[0].at >= entries[-1].at
    assert store.last_saved_at() == store.audit_log(limit=1)[0].at
    assert store.audit_log(Period(2025)) == []


def test_previous_year_comes_from_the_signed_report_else_the_baseline(store: Store) -> None:
    y2025, y2026 = Period(2025), Period(2026)
    store.set_baseline(
        y2025,
        {KEY: "30", "1.1:tech_invest": "2.0"},
        source="宁都县_2025年度.xlsx",
        signature_status="valid",
    )
    assert store.load(y2026).previous == {KEY: "30", "1.1:tech_invest": "2.0"}
    baseline = store.baseline(y2025)
    assert baseline is not None and (baseline.source, baseline.signature_status) == (
        "宁都县_2025年度.xlsx",
        "valid",
    )

    store.set_value(y2025, KEY, "31")  # an unsigned draft does not outrank the imported baseline
    assert store.load(y2026).previous[KEY] == "30"
    store.mark_signed(y2025, 1, fingerprint="f", digest="d", workbook_path=None)
    data = store.load(y2026)
    assert data.previous == {KEY: "31"}
    store.set_value(Period(2024), KEY, "12")
    data = store.load(y2026)
    assert list(data.history) == ["2024", "2025"]
    assert data.history["2024"] == {KEY: "12"}
    assert store.load(Period(2024)).previous == {}
    assert store.periods() == [Period(2024), y2025, y2026]


def test_old_keys_follow_the_packs_renames(data_dir: Path, pack) -> None:
    manifest = pack.manifest.model_copy(
        update={"renamed": {"1.1:old_firms": KEY}, "retired": ["1.1:gone"]}
    )
    renamed_pack = dataclasses.replace(pack, manifest=manifest)
    with Store.open(data_dir, pack=renamed_pack) as store:
        store.set_baseline(
            Period(2025),
            {"1.1:old_firms": "30", "1.1:gone": "1"},
            source="x",
            signature_status="valid",
        )
        assert store.load(Period(2026)).previous == {KEY: "30"}


def test_profile_settings_forms_and_current_period_persist(data_dir: Path, pack, profile) -> None:
    with Store.open(data_dir, pack=pack) as store:
        assert store.profile() is None
        assert store.responsible_forms() == list(pack.forms)
        assert store.current_period().year in pack.catalog.plan.years
        assert store.settings_get(settings.LANGUAGE) == "zh_CN"
        store.save_profile(profile)
        store.set_responsible_forms(["4.3", "1.1"])
        store.set_current_period(Period(2025))
        store.settings_set(settings.LANGUAGE, "en")
        with pytest.raises(EcoDeskError, match="没有这些表单"):
            store.set_responsible_forms(["1.1", "8.8"])
    with Store.open(data_dir, pack=pack) as store:
        assert store.profile() == profile
        assert store.responsible_forms() == ["1.1", "4.3"]  # plan order
        assert store.current_period() == Period(2025)
        assert store.settings_get(settings.LANGUAGE) == "en"
        with pytest.raises(TypeError):  # a free string is not a setting
            store.settings_get("language")  # type: ignore[arg-type]
        assert store.load(Period(2025)).forms == ["1.1", "4.3"]
        store.save_profile(dataclasses.replace(profile, phone="13907970000"))
        changes = [e for e in store.audit_log() if e.action == "set_profile" and e.field == "phone"]
        assert (changes[0].old, changes[0].new) == ("0797-6821234", "13907970000")


def test_write_submission_makes_the_draft_hold_exactly_the_given_data(
    store: Store, period, profile
) -> None:
    store.set_value(period, "1.1:tech_invest", "9")
    store.accept_warning(period, AcceptedWarning("old", "1.1", "m", "e"))
    data = SubmissionData(unit=profile, period=period, revision=1, pack_version="x", forms=["1.1"])
    data.values = {KEY: "20"}
    data.narratives = {"1.1:plan": "下一步计划。"}
    data.tables = {"1.1:projects": [{"name": "乙项目"}]}
    data.accepted = [AcceptedWarning("new", "1.1", "m", "e2")]
    store.write_submission(data)
    loaded = store.load(period)
    assert (loaded.values, loaded.narratives, loaded.tables, loaded.accepted) == (
        data.values,
        data.narratives,
        data.tables,
        data.accepted,
    )


def test_withdrawn_warning_is_gone(store: Store, period) -> None:
    store.accept_warning(period, AcceptedWarning("yoy:1.1:x", "1.1", "m", "说明"))
    with pytest.raises(EcoDeskError, match="理由"):
        store.accept_warning(period, AcceptedWarning("yoy:1.1:y", "1.1", "m", "  "))
    store.withdraw_warning(period, "yoy:1.1:x")
    assert store.load(period).accepted == []


def test_loading_a_missing_revision_says_so(store: Store, period) -> None:
    with pytest.raises(EcoDeskError, match="没有第 3 版"):
        store.load(period, 3)


@pytest.mark.sqlite_only("a damaged file")
def test_a_damaged_database_is_refused_with_how_to_restore(data_dir: Path, pack) -> None:
    (data_dir / "ecodesk.sqlite3").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(data_dir, pack=pack)
    message = str(caught.value)
    assert "ecodesk restore" in message and "backups" in message


@pytest.mark.sqlite_only("a foreign file; on a server: test_postgresql.py")
def test_a_foreign_database_is_refused(data_dir: Path, pack) -> None:
    conn = sqlite3.connect(data_dir / "ecodesk.sqlite3")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreDamaged, match="不是 EcoDesk"):
        Store.open(data_dir, pack=pack)


@pytest.mark.sqlite_only("a newer file; on a server: test_postgresql.py")
def test_a_database_from_a_newer_program_is_refused(data_dir: Path, pack) -> None:
    Store.open(data_dir, pack=pack).close()
    conn = sqlite3.connect(data_dir / "ecodesk.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreTooNew, match="更新版本"):
        Store.open(data_dir, pack=pack)


@pytest.mark.sqlite_only("SQLite's pragmas; a server's settings: test_postgresql.py")
def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(store: Store) -> None:
    with store.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}


@pytest.mark.sqlite_only("a SQLite file at an explicit URL")
def test_store_works_at_a_configured_url(tmp_path: Path, pack, period) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    with Store.open(tmp_path / "unused", url=url, pack=pack) as store:
        store.set_value(period, KEY, "3")
    assert _raw_values(tmp_path / "elsewhere.db") == {KEY: "3"}


@pytest.mark.sqlite_only("the SQLite file's place in the data folder")
@pytest.mark.parametrize(
    "name",
    ["数据?mode=ro", "报送 #1", "完成 100%", "a%3Fb", "赣州 生态?x=1#片段%20"],
)
def test_a_store_in_a_folder_whose_name_looks_like_url_syntax(
    tmp_path: Path, pack, period, name: str
) -> None:
    """A data folder may be named anything a clerk types: ``?`` once began the URL's query
    (the database became the folder ``数据``, opened read-only), ``%3F`` was read as an escape
    (the store went to the folder ``a?b``). The file lands in the folder itself, every time."""
    from ecodesk.store.engine import default_url, display_url, normalize_url, sqlite_file_of

    data_dir = tmp_path / name
    with Store.open(data_dir, pack=pack) as store:
        store.set_value(period, KEY, "3")
    db = data_dir / "ecodesk.sqlite3"
    assert _raw_values(db) == {KEY: "3"}
    assert [p.name for p in tmp_path.iterdir()] == [name]  # nothing made beside it
    with Store.open(data_dir, pack=pack) as again:  # and opened again, for writing
        assert again.load(period).values[KEY] == "3"
        again.set_value(period, KEY, "4")
    assert _raw_values(db) == {KEY: "4"}
    assert sqlite_file_of(default_url(data_dir)) == db
    assert display_url(default_url(data_dir)) == f"sqlite:///{db}"  # as people read it
    assert sqlite_file_of(normalize_url(str(db))) == db.resolve()  # a path typed as the address


def test_an_empty_profile_is_used_until_one_is_saved(store: Store, period) -> None:
    assert store.load(period).unit == UnitProfile("", "", "")


def test_an_import_lands_completely_in_one_transaction(store: Store) -> None:
    y2025, y2026 = Period(2025), Period(2026)
    plan_ref = settings.PLAN_REFERENCE.of(y2026, "1.1")
    store.settings_set(plan_ref, "old")
    store.write_import(
        y2026,
        baseline_period=y2025,
        baseline={KEY: "30"},
        source="宁都县_2025.xlsx",
        signature_status="valid",
        tables={"1.1:projects": [{"name": "续建项目"}]},
        settings={plan_ref: None, settings.IMPORTS: "[1]"},
        action="import_previous",
        note="导入上年数据",
    )
    assert store.baseline(y2025).values == {KEY: "30"}  # type: ignore[union-attr]
    assert store.load(y2026).rows("1.1", "projects") == [{"name": "续建项目"}]
    assert (store.settings_get(plan_ref), store.settings_get(settings.IMPORTS)) == (None, "[1]")
    assert store.audit_log(y2026, limit=1)[0].action == "import_previous"


def test_an_import_into_a_signed_period_changes_nothing(store: Store) -> None:
    y2025, y2026 = Period(2025), Period(2026)
    store.set_baseline(y2025, {KEY: "1"}, source="a.xlsx", signature_status="valid")
    store.set_value(y2026, KEY, "5")
    store.mark_signed(y2026, 1, fingerprint="f", digest="d", workbook_path=None)
    with pytest.raises(SubmissionFrozen):
        store.write_import(
            y2026,
            baseline_period=y2025,
            baseline={KEY: "2"},
            source="b.xlsx",
            signature_status="valid",
            tables={"1.1:projects": [{"name": "x"}]},
            settings={settings.IMPORTS: "[1]"},
            action="import_previous",
            note="n",
        )
    baseline = store.baseline(y2025)
    assert baseline is not None and (baseline.values, baseline.source) == ({KEY: "1"}, "a.xlsx")
    assert store.settings_get(settings.IMPORTS) is None
    assert store.load(y2026).tables == {}


def test_a_profile_entry_too_long_for_its_column_is_refused_on_every_engine(
    store: Store, profile: UnitProfile
) -> None:
    store.save_profile(profile)
    long_department = "生态文明建设领导小组办公室" * 12  # 156 characters, the column keeps 128
    with pytest.raises(ProfileTextTooLong, match="太长（最多 128 个字）"):
        store.save_profile(dataclasses.replace(profile, department=long_department))
    assert store.profile() == profile  # nothing saved
    exactly = dataclasses.replace(profile, department="办" * 128)
    store.save_profile(exactly)
    assert store.profile() == exactly
