"""Import last year's data end to end: real signed workbooks, real stores, the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ecodesk.demo import sample_profile
from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack
from ecodesk.importing.errors import (
    ConfirmationNeeded,
    FuturePeriod,
    ImportRefused,
    UndoRefused,
    WorkbookRefused,
)
from ecodesk.services.import_previous import (
    apply_import,
    import_ids,
    plan_reference,
    preview_import,
    undo_import,
)
from ecodesk.store import Store, settings
from ecodesk.submission import Period
from tests.importing import makers
from tests.importing.makers import COUNTY, OTHER_COUNTY, SignedFile

THIS_YEAR = Period(2026)
LAST_YEAR = Period(2025)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedFile:
    return makers.make_signed_workbook(tmp_path_factory.mktemp("signed"))


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.importing.template import write_baseline_template

    return write_baseline_template(
        bundled_pack(), tmp_path_factory.mktemp("tpl") / "t.xlsx", year=2025
    )


def _store(data_dir: Path, pack: FormPack, division: str = COUNTY) -> Store:
    store = Store.open(data_dir)
    store.save_profile(sample_profile(pack, division))
    return store


def _snapshot(store: Store) -> tuple[object, ...]:
    """Everything an import may touch, to prove a refused import wrote nothing."""
    return (
        store.baseline(LAST_YEAR),
        store.revisions(THIS_YEAR),
        len(store.audit_log(limit=10_000)),
        store.settings_get(settings.IMPORTS),
    )


def _numbers_equal(a: str, b: str) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return a == b


# ------------------------------------------------------------------------------ signed workbook


def test_valid_workbook_becomes_last_years_values(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        steps: list[int] = []
        preview = preview_import(
            store,
            signed.path,
            period=THIS_YEAR,
            registry_dir=signed.registry,
            progress=lambda p, text: steps.append(p),
        )
        assert steps == sorted(steps) and steps[-1] == 100
        assert preview.signature_status == "valid" and not preview.confirmations_needed
        assert preview.baseline_period == LAST_YEAR
        assert {i.status for i in preview.items} == {"new"}
        assert store.baseline(LAST_YEAR) is None, "a preview writes nothing"

        result = apply_import(store, preview)
        previous = store.load(THIS_YEAR).previous
        typed = {k: v for k, v in signed.data.values.items() if v}
        assert set(previous) == set(typed)
        assert all(_numbers_equal(previous[k], typed[k]) for k in typed)
        assert result.values_set == len(typed)
        assert store.baseline(LAST_YEAR).signature_status == "valid"
        entry = store.audit_log(limit=1)[0]
        assert entry.action == "import_previous" and result.import_id in entry.new


def test_ongoing_rows_and_plans_are_carried_over(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        assert preview.carry_over and preview.plan_references
        carry = preview.carry_over[0]
        apply_import(store, preview)
        rows = store.load(THIS_YEAR).rows(carry.form, carry.table)
        assert rows == carry.rows
        plan = preview.plan_references[0]
        assert plan_reference(store, THIS_YEAR, plan.form) == plan.text
        # Importing the same file again adds nothing twice.
        again = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        assert again.carry_over == [] and again.plan_references == [] and again.changes == []


def test_keep_or_replace_per_item(signed: SignedFile, data_dir: Path, pack: FormPack) -> None:
    keys = sorted(k for k, v in signed.data.values.items() if v)[:2]
    keep, replace = keys
    with _store(data_dir, pack) as store:
        store.set_baseline(
            LAST_YEAR,
            {keep: "111111", replace: "222222"},
            source="手工",
            signature_status="template",
        )
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        changed = {i.key: i for i in preview.changes if i.status == "changed"}
        assert changed[keep].old == "111111" and changed[replace].old == "222222"
        result = apply_import(
            store,
            preview,
            choices={keep: False, replace: True, **{c.key: False for c in preview.carry_over}},
        )
        values = store.baseline(LAST_YEAR).values
        assert values[keep] == "111111"
        assert values[replace] == changed[replace].new
        assert result.values_kept == 1 and result.rows_added == 0
        assert store.load(THIS_YEAR).tables == {}


def test_tampered_workbook_is_refused_and_nothing_written(
    signed: SignedFile, data_dir: Path, pack: FormPack, tmp_path: Path
) -> None:
    bad = makers.tampered_copy(signed.path, tmp_path / "改过.xlsx", pack)
    with _store(data_dir, pack) as store:
        before = _snapshot(store)
        with pytest.raises(WorkbookRefused) as exc:
            preview_import(store, bad, period=THIS_YEAR, registry_dir=signed.registry)
        assert exc.value.status == "tampered"
        assert "改动" in str(exc.value) and "没有任何改动" in str(exc.value)
        assert _snapshot(store) == before


def test_key_registered_to_another_unit_is_refused(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        before = _snapshot(store)
        with pytest.raises(WorkbookRefused) as exc:
            preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.wrong_registry)
        assert exc.value.status == "wrong_unit"
        assert _snapshot(store) == before


def test_no_unit_profile_yet(signed: SignedFile, data_dir: Path) -> None:
    with Store.open(data_dir) as store, pytest.raises(EcoDeskError) as exc:
        preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
    assert "单位信息" in str(exc.value)


def test_unknown_signer_needs_a_recorded_confirmation(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        preview = preview_import(
            store, signed.path, period=THIS_YEAR, registry_dir=signed.empty_registry
        )
        assert preview.unknown_signer and preview.confirmations_needed
        before = _snapshot(store)
        with pytest.raises(ConfirmationNeeded) as exc:
            apply_import(store, preview)
        assert "密钥登记" in str(exc.value)
        assert _snapshot(store) == before
        apply_import(store, preview, confirm_unknown_signer=True)
        assert store.baseline(LAST_YEAR).signature_status == "unknown_signer_confirmed"
        entry = store.audit_log(limit=1)[0]
        assert "签名人未登记" in entry.new and "确认" in entry.new and entry.os_user


def test_registry_configured_in_settings_wins(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        store.settings_set(settings.KEY_REGISTRY, str(signed.registry))
        preview = preview_import(
            store, signed.path, period=THIS_YEAR, registry_dir=signed.empty_registry
        )
        assert preview.signature_status == "valid"


def test_another_units_workbook_asks(signed: SignedFile, data_dir: Path, pack: FormPack) -> None:
    with _store(data_dir, pack, OTHER_COUNTY) as store:
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        assert preview.other_unit
        with pytest.raises(ConfirmationNeeded) as exc:
            apply_import(store, preview)
        assert COUNTY in str(exc.value)
        assert store.baseline(LAST_YEAR) is None
        apply_import(store, preview, confirm_other_unit=True)
        assert "经操作人确认" in store.audit_log(limit=1)[0].new


def test_workbook_of_this_or_a_later_period_is_refused(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        before = _snapshot(store)
        for period in (LAST_YEAR, Period(2025, 3)):
            with pytest.raises(FuturePeriod) as exc:
                preview_import(store, signed.path, period=period, registry_dir=signed.registry)
            assert "2025年度" in str(exc.value)
        assert _snapshot(store) == before


def test_undo_restores_what_was_there(signed: SignedFile, data_dir: Path, pack: FormPack) -> None:
    key = next(k for k, v in signed.data.values.items() if v)
    with _store(data_dir, pack) as store:
        store.set_baseline(
            LAST_YEAR, {key: "987654"}, source="上次导入.xlsx", signature_status="template"
        )
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        result = apply_import(store, preview)
        assert store.baseline(LAST_YEAR).values[key] != "987654"
        assert store.load(THIS_YEAR).tables
        undo_import(store, result.import_id)
        restored = store.baseline(LAST_YEAR)
        assert restored.values == {key: "987654"} and restored.source == "上次导入.xlsx"
        assert all(rows == [] for rows in store.load(THIS_YEAR).tables.values())
        assert all(
            plan_reference(store, THIS_YEAR, p.form) is None for p in preview.plan_references
        )
        assert store.audit_log(limit=1)[0].action == "undo_import"
        with pytest.raises(UndoRefused):
            undo_import(store, result.import_id)


def test_undo_refused_when_carried_rows_were_edited_since(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        carry = preview.carry_over[0]
        result = apply_import(store, preview)
        edited = [dict(r) for r in carry.rows]
        edited[0][next(iter(edited[0]))] = "本年新改的内容"
        store.set_table_rows(THIS_YEAR, carry.form, carry.table, edited)
        with pytest.raises(UndoRefused) as exc:
            undo_import(store, result.import_id)
        assert "修改" in str(exc.value)
        assert store.load(THIS_YEAR).rows(carry.form, carry.table) == edited
        assert import_ids(store) == [result.import_id]


def test_undo_refused_after_the_baseline_changed_again(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    with _store(data_dir, pack) as store:
        preview = preview_import(store, signed.path, period=THIS_YEAR, registry_dir=signed.registry)
        result = apply_import(store, preview, choices={c.key: False for c in preview.carry_over})
        later = dict(store.baseline(LAST_YEAR).values, **{"1.1:upgraded_firms": "4321"})
        store.set_baseline(LAST_YEAR, later, source="后来的导入.xlsx", signature_status="template")
        with pytest.raises(UndoRefused) as exc:
            undo_import(store, result.import_id)
        assert "之后" in str(exc.value)
        assert store.baseline(LAST_YEAR).values == later


def test_undo_of_an_unknown_import(data_dir: Path, pack: FormPack) -> None:
    with _store(data_dir, pack) as store, pytest.raises(UndoRefused):
        undo_import(store, "nosuchimport")


# ------------------------------------------------------------------------------ template and bad files


def test_template_import_end_to_end(
    blank: Path, data_dir: Path, pack: FormPack, tmp_path: Path
) -> None:
    from tests.importing.test_template_reader import make_messy

    messy = make_messy(pack, tmp_path / "基数.xlsx")
    with _store(data_dir, pack) as store:
        preview = preview_import(store, messy.path, period=THIS_YEAR)
        assert preview.kind == "template" and preview.signature_status == "template"
        assert {i.key: i.new for i in preview.items} == messy.expected
        assert {u.code or u.name for u in preview.unmatched}
        apply_import(store, preview)
        assert store.baseline(LAST_YEAR).values == messy.expected


def test_template_for_this_year_is_refused(blank: Path, data_dir: Path, pack: FormPack) -> None:
    with _store(data_dir, pack) as store, pytest.raises(FuturePeriod):
        preview_import(store, blank, period=LAST_YEAR)


@pytest.mark.parametrize(
    "make",
    [
        lambda blank, out: makers.entity_bomb(blank, out),
        lambda blank, out: makers.zip_bomb(out),
        lambda blank, out: makers.fake_encrypted(out),
        lambda blank, out: makers.truncated(blank, out),
    ],
)
def test_bad_files_write_nothing(
    make, blank: Path, data_dir: Path, pack: FormPack, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = make(blank, tmp_path / "bad.xlsx")
    with _store(data_dir, pack) as store:
        before = _snapshot(store)
        with pytest.raises(ImportRefused):
            preview_import(store, path, period=THIS_YEAR)
        assert _snapshot(store) == before


def test_an_ordinary_spreadsheet_is_not_mistaken_for_a_template(
    data_dir: Path, pack: FormPack, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "通讯录.xlsx")
    with _store(data_dir, pack) as store, pytest.raises(ImportRefused) as exc:
        preview_import(store, tmp_path / "通讯录.xlsx", period=THIS_YEAR)
    assert "上年基数表" in str(exc.value)


# ------------------------------------------------------------------------------ command line


def _cli(args: list[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    from ecodesk.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data_dir), *args])


def test_cli_dry_run_prints_the_preview_and_writes_nothing(
    signed: SignedFile,
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _store(data_dir, pack) as store:
        before = _snapshot(store)
    code = _cli(
        [
            "import-previous",
            str(signed.path),
            "--keys",
            str(signed.registry),
            "--period",
            "2026",
            "--dry-run",
        ],
        data_dir,
        monkeypatch,
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "将写入的上年值" in out and "指标代码" in out and "试运行" in out
    with Store.open(data_dir) as store:
        assert _snapshot(store)[:2] == before[:2] and store.settings_get(settings.IMPORTS) is None


def test_cli_asks_and_no_means_nothing(
    signed: SignedFile,
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _store(data_dir, pack).close()
    code = _cli(
        ["import-previous", str(signed.path), "--keys", str(signed.registry), "--period", "2026"],
        data_dir,
        monkeypatch,
        stdin="n\n",
    )
    assert code == 1 and "[y/N]" in capsys.readouterr().out
    with Store.open(data_dir) as store:
        assert store.baseline(LAST_YEAR) is None


def test_cli_yes_on_stdin_imports_and_undo_reverts(
    signed: SignedFile,
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _store(data_dir, pack).close()
    assert (
        _cli(
            [
                "import-previous",
                str(signed.path),
                "--keys",
                str(signed.registry),
                "--period",
                "2026",
            ],
            data_dir,
            monkeypatch,
            stdin="y\n",
        )
        == 0
    )
    assert "已导入" in capsys.readouterr().out
    with Store.open(data_dir) as store:
        assert store.baseline(LAST_YEAR) is not None
        (import_id,) = import_ids(store)
    assert _cli(["import-previous", "--undo", import_id], data_dir, monkeypatch) == 0
    with Store.open(data_dir) as store:
        assert store.baseline(LAST_YEAR) is None


def test_cli_refuses_another_unit_without_yes(
    signed: SignedFile,
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _store(data_dir, pack, OTHER_COUNTY).close()
    args = ["import-previous", str(signed.path), "--keys", str(signed.registry), "--period", "2026"]
    assert _cli(args, data_dir, monkeypatch, stdin="y\n") == 1
    assert "--yes" in capsys.readouterr().err
    with Store.open(data_dir) as store:
        assert store.baseline(LAST_YEAR) is None
    assert _cli([*args, "--yes"], data_dir, monkeypatch) == 0
    with Store.open(data_dir) as store:
        assert store.baseline(LAST_YEAR) is not None


def test_cli_bad_file_is_a_chinese_sentence(
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _store(data_dir, pack).close()
    path = makers.fake_encrypted(tmp_path / "加密.xlsx")
    assert _cli(["import-previous", str(path), "--period", "2026"], data_dir, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "密码" in err and "Traceback" not in err


def test_cli_keep_existing_only_fills_gaps(
    signed: SignedFile,
    data_dir: Path,
    pack: FormPack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = next(k for k, v in sorted(signed.data.values.items()) if v)
    with _store(data_dir, pack) as store:
        store.set_baseline(
            LAST_YEAR, {key: "55555"}, source="市里上次发的.xlsx", signature_status="template"
        )
    assert (
        _cli(
            [
                "import-previous",
                str(signed.path),
                "--keys",
                str(signed.registry),
                "--period",
                "2026",
                "--keep-existing",
                "--no-carry-over",
                "--yes",
            ],
            data_dir,
            monkeypatch,
        )
        == 0
    )
    assert "有变化" in capsys.readouterr().out
    with Store.open(data_dir) as store:
        values = store.baseline(LAST_YEAR).values
        assert values[key] == "55555"
        assert len(values) == len([v for v in signed.data.values.values() if v])
        assert store.load(THIS_YEAR).tables == {}


def test_own_last_year_file_is_trusted_by_the_units_own_keys(
    data_dir: Path, pack: FormPack, tmp_path: Path
) -> None:
    """Signed here last year, key replaced since (a forgotten passphrase): the file's signer is
    this unit's own retired key, so importing it asks no 签名人不在密钥登记中 confirmation."""
    from ecodesk.demo import sample_submission
    from ecodesk.services.export import export_submission
    from ecodesk.services.keys import rotate_key

    with _store(data_dir, pack) as store:
        last = sample_submission(pack, COUNTY, LAST_YEAR)
        store.write_submission(last)
        wb = tmp_path / "去年.xlsx"
        export_submission(
            store, LAST_YEAR, wb, passphrase="赣州生态2025", data_dir=data_dir, late_reason="补报"
        )
        rotate_key(data_dir, "新的口令2026", old_passphrase=None)
        preview = preview_import(store, wb, period=THIS_YEAR)
        assert preview.signature_status == "valid", preview.verification_message
        assert not preview.unknown_signer and not preview.confirmations_needed
        apply_import(store, preview)  # no confirmation needed
        assert store.baseline(LAST_YEAR).signature_status == "valid"


def test_a_strangers_key_still_needs_the_confirmation(
    signed: SignedFile, data_dir: Path, pack: FormPack
) -> None:
    from ecodesk.signing.keys import KeyStore

    with _store(data_dir, pack) as store:
        KeyStore(data_dir).create("本单位的口令2026")  # this unit has a key, not the file's
        preview = preview_import(
            store, signed.path, period=THIS_YEAR, registry_dir=signed.empty_registry
        )
        assert preview.unknown_signer
