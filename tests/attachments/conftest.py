"""An open store with a unit profile, in a temporary data folder (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
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
