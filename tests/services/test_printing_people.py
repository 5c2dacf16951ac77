"""The printed sheet names who actually filled, reviewed and signed, with the store's times.

With people and roles on, the sign-off grid and the 填报人 of the unit table come from the
store's records (the audit log and the office's reviews), not from the names typed into the
profile; before review and signing the sheet says those steps are still to come.
"""

from __future__ import annotations

import re
from pathlib import Path

from ecodesk.services.export import export_submission
from ecodesk.services.printing import print_submission
from ecodesk.store import Store
from ecodesk.store.office import review_form
from ecodesk.store.people import FILLER, HEAD, REVIEWER, add_person
from tests.report.pdfcheck import page_texts
from tests.workbook.helpers import PASSPHRASE

FORMS = ["G", "1.1"]
STAMP = re.compile(r"20\d\d-\d\d-\d\d\d\d:\d\d")  # the recorded time, whitespace removed


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _last_page(path: Path) -> str:
    return _flat(page_texts(path)[-1])


def test_the_sheet_names_the_people_the_store_recorded(data_dir: Path, tmp_path: Path) -> None:
    from ecodesk.demo import fill_demo

    with Store.open(data_dir) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(FORMS)
        typed = store.profile()
        assert typed is not None
        add_person(store, "黄建华", [HEAD], "head-pass-1")
        add_person(store, "刘志明", [FILLER], "filler-pass")
        add_person(store, "陈丽萍", [REVIEWER], "review-pass")
        period = store.current_period()

        store.sign_in("刘志明", "filler-pass")
        store.set_narrative(
            period,
            "1.1",
            "progress",
            "推进传统产业改造升级，本年新增两家规模以上企业完成技术改造并投产。",
        )
        draft = print_submission(store, period, tmp_path / "draft.pdf")
        text = _last_page(draft)
        assert "刘志明" in text and "（尚未审核）" in text and "（尚未签发）" in text
        assert typed.preparer not in text and typed.head not in text  # not the typed names
        assert len(STAMP.findall(text)) == 1  # the filler's time only

        store.sign_in("陈丽萍", "review-pass")
        for form in FORMS:
            review_form(store, period, form)
        store.sign_in("黄建华", "head-pass-1")
        export_submission(store, period, tmp_path / "signed.xlsx", passphrase=PASSPHRASE)
        signed = print_submission(store, period, tmp_path / "signed.pdf")
    text = _last_page(signed)
    assert "刘志明" in text and "陈丽萍" in text and "黄建华" in text
    assert "尚未" not in text
    assert len(STAMP.findall(text)) == 3  # filled, reviewed, signed: each with its time
    first = _flat(page_texts(signed)[0])
    assert "填报人刘志明" in first  # the unit table names the recorded filler too


def test_without_people_the_sheet_prints_the_profiles_names_as_before(
    data_dir: Path, tmp_path: Path
) -> None:
    from ecodesk.demo import fill_demo

    with Store.open(data_dir) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(FORMS)
        typed = store.profile()
        assert typed is not None
        sheet = print_submission(store, store.current_period(), tmp_path / "sheet.pdf")
    text = _last_page(sheet)
    assert typed.preparer in text and typed.reviewer in text and typed.head in text
    assert "尚未" not in text and not STAMP.findall(text)
