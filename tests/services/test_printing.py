"""print_submission against a real store filled with the demo's data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecodesk.errors import EcoDeskError
from ecodesk.report.page import group_hex
from ecodesk.services.printing import ProfileMissing, print_submission
from ecodesk.store import Store
from ecodesk.submission import Period
from tests.report.pdfcheck import page_texts


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


FINGERPRINT = "7c1e9a00b2d34f5e6a7b8c9d0e1f2a3b"
DIGEST = "5d41402abc4b2a76b9719d911017c592aa3f2c9e1b7d6e5f4a3b2c1d0e9f8a7b"
FORMS = ["G", "1.1", "2.1"]  # a few forms keep the file quick; the sheet tests cover the rest


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Last year signed, this year a draft: the demo's sample data written into a real store."""
    from ecodesk.demo import sample_profile, sample_submission

    folder = tmp_path_factory.mktemp("demo")
    with Store.open(folder) as store:
        store.save_profile(sample_profile(store.pack, "360730"))
        store.set_responsible_forms(FORMS)
        current = store.current_period()
        for period in (Period(current.year - 1), current):
            store.write_submission(sample_submission(store.pack, "360730", period))
        store.mark_signed(
            Period(current.year - 1), 1, fingerprint=FINGERPRINT, digest=DIGEST, workbook_path=None
        )
    return folder


def test_signed_period_prints_its_fingerprint(demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir) as store:
        period = Period(store.current_period().year - 1)
        data = store.load(period)
        assert store.signature(period, data.revision) == (FINGERPRINT, DIGEST)
        out = print_submission(store, period, tmp_path / "signed.pdf")
        pack = store.pack

    texts = page_texts(out)
    assert all(_flat(group_hex(FINGERPRINT)) in _flat(t) for t in texts)
    whole = _flat("".join(texts))
    assert data.unit.display_name in whole
    assert period.label in whole
    assert DIGEST in whole
    assert "草稿" not in whole
    assert data.forms == FORMS
    for form in data.forms:
        for indicator in pack.indicators(form, data.unit.division_code):
            assert _flat(indicator.name) in whole, f"{form}:{indicator.code}"


def test_unsigned_period_prints_as_draft(demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir) as store:
        out = print_submission(store, store.current_period(), tmp_path / "draft.pdf")

    texts = page_texts(out)
    assert len(texts) > 1
    assert all("未签名（草稿）" in t for t in texts)


def test_unknown_revision_is_refused_in_chinese(demo_dir: Path, tmp_path: Path) -> None:
    with Store.open(demo_dir) as store, pytest.raises(EcoDeskError, match="没有第 9 版"):
        print_submission(store, store.current_period(), tmp_path / "x.pdf", revision=9)
    assert not (tmp_path / "x.pdf").exists()


def test_no_unit_profile_yet(data_dir: Path, tmp_path: Path) -> None:
    with Store.open(data_dir) as store, pytest.raises(ProfileMissing, match="单位信息"):
        print_submission(store, Period(2026), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
