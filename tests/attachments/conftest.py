"""An open store with a unit profile, in a temporary data folder (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecodesk.store import Store
from ecodesk.submission import Period, UnitProfile


@pytest.fixture
def profile() -> UnitProfile:
    return UnitProfile(
        division_code="360730",
        division_name="宁都县",
        department="林业局",
        preparer="刘志明",
        reviewer="陈丽萍",
        phone="0797-6821234",
        head="黄建华",
    )


@pytest.fixture
def period() -> Period:
    return Period(2026)


@pytest.fixture
def store(data_dir: Path, pack, profile) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as opened:
        opened.save_profile(profile)
        yield opened


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "clerk files"
    folder.mkdir()
    return folder


@dataclass(frozen=True)
class Exported:
    """A unit's signed package (a PDF, a photo and a document on three keys) and its registry."""

    data_dir: Path
    package: Path
    registry: Path
    files: dict[str, bytes]  # each attached file's name → its bytes


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, pack) -> Exported:  # type: ignore[no-untyped-def]
    from ecodesk.attachments import attach
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from tests.attachments.files import make_docx, make_jpeg, make_pdf
    from tests.workbook.helpers import PASSPHRASE

    root = tmp_path_factory.mktemp("exported")
    data_dir, clerk = root / "data", root / "clerk"
    clerk.mkdir()
    pdf = make_pdf(clerk / "验收报告.pdf")
    photo = make_jpeg(clerk / "现场照片.jpg")
    doc = make_docx(clerk / "会议纪要.docx")
    period = Period(2026)
    with Store.open(data_dir, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        attach(store, period, "1.1", pdf, "项目验收报告")
        attach(store, period, "1.1:tech_invest", photo, "现场照片")
        attach(store, period, "1.1:projects#1", doc, "会议纪要")
        result = (
            export_submission(
                store,
                period,
                root / "out" / "宁都县.xlsx",
                passphrase=PASSPHRASE,
                data_dir=data_dir,
            )
            if (root / "out").mkdir() is None
            else None
        )
        profile = store.profile()
    assert result is not None and profile is not None
    registry = root / "registry"
    registry.mkdir()
    write_registrations(KeyStore(data_dir), registry, profile)
    return Exported(
        data_dir,
        result.path,
        registry,
        {p.name: p.read_bytes() for p in (pdf, photo, doc)},
    )
