"""Eighteen counties' signed workbooks consolidate into the right summary (``services.consolidate``)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ecodesk.consolidation.writer import COVER_SHEET, FILES_SHEET, MATRIX_SHEET
from ecodesk.forms.numbers import parse_clerk_number
from ecodesk.services.consolidate import (
    NothingToConsolidate,
    consolidate,
    scan_folder,
    write_summary,
)
from ecodesk.submission import Period
from tests.consolidation.conftest import ReceivedFolder
from tests.consolidation.helpers import PERIOD


@pytest.fixture(scope="module")
def result(received: ReceivedFolder):  # type: ignore[no-untyped-def]
    return consolidate([received.inbox], received.registry)


def test_refused_files_are_listed_with_the_reason(result, received: ReceivedFolder) -> None:  # type: ignore[no-untyped-def]
    refused = {r.path.name: r for r in result.refused}
    tampered = received.files[received.tampered].name
    stranger = received.files[received.unregistered].name
    assert set(refused) == {tampered, stranger}
    assert refused[tampered].result.status == "tampered"
    assert refused[stranger].result.status == "unknown_signer"
    assert "改动" in refused[tampered].reason and "登记" in refused[stranger].reason


def test_newest_revision_wins(result, received: ReceivedFolder) -> None:  # type: ignore[no-untyped-def]
    aside = {r.path.name: r for r in result.set_aside}
    first = received.files["revised_first"].name
    assert aside[first].status == "superseded" and "第2版" in aside[first].reason
    used = {r.path.name: r.revision for r in result.used}
    assert used[received.files[received.revised].name] == 2
    assert len(result.used) == 16


def test_totals_match_the_sums_worked_out_by_hand(result, received: ReceivedFolder) -> None:  # type: ignore[no-untyped-def]
    summary = result.summary
    assert summary.period == PERIOD
    trusted = received.trusted
    # 1234.5 (typed "１,２３４.５") + (i + 1.25) for every other trusted county
    by_hand = Decimal("1234.5") + sum(
        (
            Decimal(i + 1) + Decimal("0.25")
            for i, c in enumerate(received.counties)
            if c in trusted and i > 0
        ),
        Decimal(0),
    )
    summed = summary.indicator(received.summed_key)
    assert summed.total == by_hand
    assert summed.previous_total == sum((Decimal(c.previous) for c in trusted), Decimal(0))
    assert len(summed.rows) == 16


def test_rate_total_is_the_ratio_of_sums_not_the_mean_of_rates(
    result, received: ReceivedFolder
) -> None:  # type: ignore[no-untyped-def]
    trusted = received.trusted
    nums = [Decimal(c.num) for c in trusted]
    dens = [Decimal(c.den) for c in trusted]
    rate_key = received.num_key.rsplit(".", 1)[0]
    rate = result.summary.indicator(rate_key)
    assert rate.total_numerator == sum(nums) and rate.total_denominator == sum(dens)
    assert rate.total == sum(nums) / sum(dens) * 100
    mean = sum(n / d * 100 for n, d in zip(nums, dens, strict=True)) / len(nums)
    assert abs(rate.total - mean) > Decimal("0.5")


def test_completeness_shows_refused_counties_as_not_received(
    result, received: ReceivedFolder
) -> None:  # type: ignore[no-untyped-def]
    rows = {r.unit.division_code: r for r in result.summary.completeness}
    assert not rows[received.tampered].received and not rows[received.unregistered].received
    assert rows[received.revised].revision == 2
    form = received.summed_key.split(":")[0]
    assert rows[received.revised].states[form].value == "warnings"
    other = next(c.code for c in received.trusted if c.code != received.revised)
    assert rows[other].states[form].value == "submitted"
    not_sent = next(f for f in received.pack.forms if f not in received.forms)
    assert rows[other].states[not_sent].value == "not_required"


def test_written_summary_reopens_with_the_right_cells(
    result, received: ReceivedFolder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = write_summary(result, tmp_path / "全市汇总.xlsx")
    wb = openpyxl.load_workbook(out)
    cover = wb[COVER_SHEET]
    name = received.pack.input_field(received.summed_key).label
    row = next(c.row for r in cover.iter_rows() for c in r if c.value == name)
    trusted_total = result.summary.indicator(received.summed_key).total
    assert Decimal(str(cover.cell(row=row, column=6).value)) == trusted_total
    matrix = [r for r in wb[MATRIX_SHEET].iter_rows(values_only=True)]
    tampered_row = next(r for r in matrix if r[0] == received.tampered)
    assert tampered_row[2] == "未收到"
    files = list(wb[FILES_SHEET].iter_rows(values_only=True))[3:]
    assert [f[4] for f in files[:2]] == ["拒收", "拒收"]
    assert any(f[4] == "已被更新的修订版取代" for f in files)
    # every unit's figure as its county typed it, read back from the indicator's sheet
    sheet = next(
        wb[n]
        for n in wb.sheetnames
        if n.startswith(f"{received.summed_key.split(':')[0]} {name}"[:25])
    )
    values = {r[1]: r[2] for r in sheet.iter_rows(values_only=True) if r[1]}
    for county in received.trusted:
        assert Decimal(str(values[county.name])) == parse_clerk_number(county.summed)
    with __import__("zipfile").ZipFile(out) as z:
        assert any(n.startswith("xl/charts/") for n in z.namelist())


def test_scan_folder_lists_every_file_with_its_status(received: ReceivedFolder) -> None:
    scanned = scan_folder(received.inbox, received.registry)
    statuses = {r.path.name: r.result.status for r in scanned}
    assert len(scanned) == 19
    assert statuses[received.files[received.tampered].name] == "tampered"
    assert statuses[received.files[received.unregistered].name] == "unknown_signer"
    assert sum(1 for s in statuses.values() if s == "valid") == 17
    valid = next(r for r in scanned if r.valid)
    assert valid.unit is not None and valid.period == PERIOD and valid.revision


def test_other_periods_and_copies_are_set_aside(received: ReceivedFolder, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    one = received.files[received.counties[0].code]
    shutil.copy(one, inbox / "a.xlsx")
    shutil.copy(one, inbox / "b-copy.xlsx")
    (inbox / "~$a.xlsx").write_bytes(b"excel lock file")
    result = consolidate([inbox], received.registry)
    assert [r.status for r in result.received] == ["used", "duplicate"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingToConsolidate, match="没有找到"):
        consolidate([tmp_path / "empty"], received.registry)
    later = consolidate([inbox], received.registry, period=Period(2026))
    assert {r.status for r in later.received} == {"other_period"}
    assert later.summary.submissions == []


def test_junk_and_missing_files_are_refused_not_fatal(
    received: ReceivedFolder, tmp_path: Path
) -> None:
    junk = tmp_path / "报表.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    result = consolidate(
        [junk, tmp_path / "不存在.xlsx", received.files[received.counties[1].code]],
        received.registry,
    )
    assert [r.status for r in result.received] == ["refused", "refused", "used"]
    assert all(r.reason for r in result.refused)
    assert "不存在" in result.refused[1].reason


def test_a_watched_folder_rechecks_only_new_or_changed_files(
    received: ReceivedFolder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ecodesk.services.verify as verify_module

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for county in received.counties[:3]:
        shutil.copy(received.files[county.code], inbox)
    first = scan_folder(inbox, received.registry)
    checked: list[str] = []
    real = verify_module.verify_workbook

    def counting(path, registry):  # type: ignore[no-untyped-def]
        checked.append(Path(path).name)
        return real(path, registry)

    monkeypatch.setattr(verify_module, "verify_workbook", counting)
    new = shutil.copy(received.files[received.counties[3].code], inbox)
    again = scan_folder(inbox, received.registry, previous=first)
    assert checked == [Path(new).name]
    assert [r.path.name for r in again if r.valid] == sorted(p.name for p in inbox.iterdir())
    # a changed file is checked again, and a tampered one is caught
    shutil.copy(received.files[received.tampered], inbox / Path(new).name)
    third = scan_folder(inbox, received.registry, previous=again)
    assert checked[1:] == [Path(new).name]
    assert next(r for r in third if r.path.name == Path(new).name).result.status == "tampered"
