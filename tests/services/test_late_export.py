"""A submission exported after its due date needs a late reason (迟报原因); the due date and the
reason are signed with the data and read back by verify, the cover and the printed sheet.

The export time is passed in (``now``), or, on the command line, set through the one clock every
part of the program reads (:mod:`ecodesk.clock`).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.services.export import LateReasonRequired, export_lateness, export_submission
from ecodesk.services.keys import export_public_key
from ecodesk.services.printing import print_submission
from ecodesk.services.verify import verify_workbook
from ecodesk.store import Store
from ecodesk.submission import Period
from ecodesk.workbook.reader import read_signed_workbook
from tests.report.pdfcheck import page_texts
from tests.workbook.helpers import PASSPHRASE

BEIJING = timezone(timedelta(hours=8))
P2026 = Period(2026)
DUE_2026 = date(2027, 1, 20)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecodesk.demo import fill_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    with Store.open(folder) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["G", "1.1"])
    return folder


@pytest.fixture
def store(demo_folder: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    shutil.copytree(demo_folder, data_dir, dirs_exist_ok=True)
    with Store.open(data_dir) as store:
        yield store


def _at(day: int, month: int = 1, hour: int = 10) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=BEIJING)


def _cover(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["封面"]
    return {
        str(r[0]): str(r[1]) for r in ws.iter_rows(min_row=4, max_col=2, values_only=True) if r[0]
    }


def test_the_submission_is_due_on_its_earliest_forms_date(store) -> None:  # type: ignore[no-untyped-def]
    # G alone would be due on 31 January in 2025; with 1.1 the submission is due on the 20th.
    assert export_lateness(store, Period(2025), date(2026, 1, 25)).due == date(2026, 1, 20)  # type: ignore[union-attr]
    late = export_lateness(store, P2026, _at(25))
    assert late is not None and (late.due, late.days_late) == (DUE_2026, 5)
    assert export_lateness(store, P2026, _at(20, hour=23)).days_late == 0  # type: ignore[union-attr]


def test_late_export_without_a_reason_is_refused_and_writes_nothing(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out" / "late.xlsx"
    out.parent.mkdir()
    for reason in ("", "   \n "):
        with pytest.raises(LateReasonRequired) as info:
            export_submission(
                store, P2026, out, passphrase=PASSPHRASE, now=_at(25), late_reason=reason
            )
        assert info.value.days_late == 5 and info.value.due == DUE_2026
        assert "2027-01-20" in str(info.value) and "逾期 5 天" in str(info.value)
        assert "迟报原因" in str(info.value) and "--late-reason" in str(info.value)
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert store.load(P2026).status != "signed"
    assert store.settings_get(_late_setting(store)) is None


def _late_setting(store):  # type: ignore[no-untyped-def]
    from ecodesk.store.settings import LATE_EXPORT

    return LATE_EXPORT.of(P2026, store.load(P2026).revision)


def test_late_export_with_a_reason_carries_it_signed(store, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reason = "统计局能耗数据 1 月 24 日才确认"
    result = export_submission(
        store, P2026, tmp_path / "late.xlsx", passphrase=PASSPHRASE, now=_at(25), late_reason=reason
    )
    signed = read_signed_workbook(result.path)
    assert signed.signature_valid()
    assert (signed.due, signed.late_reason) == (DUE_2026, reason)
    assert signed.meta["due"] == "2027-01-20" and signed.meta["late_reason"] == reason
    cover = _cover(result.path)
    assert cover["截止日期"] == "2027年1月20日"
    assert cover["迟报原因"] == f"逾期 5 天报送。{reason}"

    export_public_key(data_dir, store.profile(), tmp_path / "reg")
    verified = verify_workbook(result.path, tmp_path / "reg")
    assert verified.ok, verified.message
    assert "迟报 5 天（截止日期 2027-01-20，导出于 2027-01-25）" in verified.message
    assert reason in verified.message

    # Changing the reason on the cover breaks the signature like any other cell.
    wb = openpyxl.load_workbook(result.path)
    ws = wb["封面"]
    row = next(r for r in range(4, 40) if ws.cell(r, 1).value == "迟报原因")
    ws.cell(row, 2).value = "逾期 5 天报送。没有原因"
    wb.save(tmp_path / "edited.xlsx")
    assert verify_workbook(tmp_path / "edited.xlsx", tmp_path / "reg").status == "tampered"

    pdf = print_submission(store, P2026, tmp_path / "sheet.pdf")
    text = "".join(page_texts(pdf)[0].split())
    assert "截止日期2027年1月20日" in text and "迟报原因逾期5天报送。" in text
    assert "1月24日才确认" in text

    # A lost file written again carries the same due date and reason.
    from ecodesk.services.export import reexport_signed

    again = reexport_signed(store, P2026, tmp_path / "again.xlsx", passphrase=PASSPHRASE)
    assert (read_signed_workbook(again.path).due, read_signed_workbook(again.path).late_reason) == (
        DUE_2026,
        reason,
    )


def test_on_time_export_needs_no_reason_and_drops_one(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = export_submission(
        store,
        P2026,
        tmp_path / "ok.xlsx",
        passphrase=PASSPHRASE,
        now=_at(20, hour=23),
        late_reason="多余",
    )
    signed = read_signed_workbook(result.path)
    assert (signed.due, signed.late_reason) == (DUE_2026, "")
    assert "迟报原因" not in _cover(result.path) and "截止日期" in _cover(result.path)
    pdf = print_submission(store, P2026, tmp_path / "sheet.pdf")
    assert "迟报原因" not in "".join(page_texts(pdf)[0].split())


def test_a_pack_without_a_calendar_signs_what_it_always_signed(
    data_dir: Path, demo_folder: Path, tmp_path: Path
) -> None:
    from ecodesk.forms.loader import PACK_DIR, load_pack

    pack_dir = tmp_path / "pack"
    shutil.copytree(PACK_DIR, pack_dir)
    (pack_dir / "calendar.yaml").unlink()
    shutil.copytree(demo_folder, data_dir, dirs_exist_ok=True)
    with Store.open(data_dir, pack=load_pack(pack_dir)) as store:
        result = export_submission(
            store, P2026, tmp_path / "a.xlsx", passphrase=PASSPHRASE, now=_at(28, 6)
        )
    signed = read_signed_workbook(result.path)
    assert "due" not in signed.meta and "late_reason" not in signed.meta and signed.due is None


def test_command_line_refuses_late_export_without_a_reason(
    data_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.demo import sample_profile, sample_submission
    from ecodesk.forms.loader import bundled_pack

    pack = bundled_pack()
    with Store.open(data_dir) as store:  # 2025 filled but never sent: due 2026-01-20
        store.save_profile(sample_profile(pack, "360730"))
        store.set_responsible_forms(["1.1"])
        data = sample_submission(pack, "360730", Period(2025))
        data.forms = ["1.1"]
        data.values = {k: v for k, v in data.values.items() if k.startswith("1.1:")}
        data.narratives = {k: v for k, v in data.narratives.items() if k.startswith("1.1:")}
        data.tables = {k: v for k, v in data.tables.items() if k.startswith("1.1:")}
        store.write_submission(data)
    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    d = ["--data-dir", str(data_dir)]
    out = tmp_path / "2025.xlsx"
    assert main([*d, "export", "--period", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "2025年度的截止日期是 2026-01-20" in err and "--late-reason" in err
    assert "Traceback" not in err and not out.exists()

    assert main([*d, "export", "--period", "2025", "--out", str(out), "--late-reason", "  "]) == 2
    assert not out.exists()

    reason = "更正数据，经市办同意后补报"
    assert main([*d, "export", "--period", "2025", "--out", str(out), "--late-reason", reason]) == 0
    signed = read_signed_workbook(out)
    assert signed.late_reason == reason and signed.due == date(2026, 1, 20)


def test_a_correction_after_the_due_date_needs_no_late_reason(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 2025 was signed on time (the demo); its correction in 2027 is not a late submission
    store.new_revision(Period(2025), "更正森林覆盖率")
    late = export_lateness(store, Period(2025), _at(25))
    assert late is not None and late.days_late > 300 and late.correction and not late.needs_reason
    result = export_submission(
        store, Period(2025), tmp_path / "更正.xlsx", passphrase=PASSPHRASE, now=_at(25)
    )
    signed = read_signed_workbook(result.path)
    assert signed.due == date(2026, 1, 20) and signed.late_reason == ""


def test_the_command_line_reads_the_programs_one_clock(
    demo_folder: Path, tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The same 2026 export, on time as of the suite's day, late (reason asked) as of February
    2027: what is due is decided by :mod:`ecodesk.clock`, not by the day the tests happen to run."""
    from ecodesk import clock

    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    folder = shutil.copytree(demo_folder, tmp_path / "data")
    d = ["--data-dir", str(folder)]
    clock.run_as_of(date(2027, 2, 1))
    late = tmp_path / "late.xlsx"
    assert main([*d, "export", "--period", "2026", "--out", str(late)]) == 2
    err = capsys.readouterr().err
    assert "2026年度的截止日期是 2027-01-20，现在导出已逾期 12 天" in err and not late.exists()

    clock.run_as_of(date(2027, 1, 20))
    on_time = tmp_path / "on-time.xlsx"
    assert main([*d, "export", "--period", "2026", "--out", str(on_time)]) == 0
    signed = read_signed_workbook(on_time)
    assert signed.due == DUE_2026 and not signed.late_reason

    clock.run_as_of(None)
    assert abs(clock.now() - datetime.now().astimezone()) < timedelta(seconds=5)
