"""Three data folders with real keys: a department, its county lead office, and the city."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.submission import UnitProfile
from tests.workbook.helpers import PASSPHRASE

DEPARTMENT = UnitProfile("360730", "宁都县", "县林业局", preparer="李填报", reviewer="王审核")
COUNTY = UnitProfile(
    "360730", "宁都县", "宁都县生态文明建设领导小组办公室", preparer="赵县审", reviewer="钱主任"
)
CITY = UnitProfile("360700", "赣州市", "市生态文明建设领导小组办公室", preparer="孙市审")


@dataclass
class Folders:
    tmp: Path
    department: Path
    county: Path
    city: Path
    dept_keys: Path  # the county's registry of its departments' keys
    county_keys: Path  # the city's registry of the counties' keys

    def run(self, folder: Path, *args: str) -> int:
        return main(["--data-dir", str(folder), *args])


def _unit(folder: Path, profile: UnitProfile, forms: list[str]) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.store import Store

    with Store.open(folder) as store:
        fill_demo(store, "360730")
        store.save_profile(profile)
        store.set_responsible_forms(forms)


@pytest.fixture
def folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Folders:
    """Department and county filled (2026 ready to sign), the city with its profile; every office
    has a key, and each level has registered the level below's key and trusts the level above."""
    from ecodesk.store import Store

    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    f = Folders(
        tmp_path,
        tmp_path / "dept",
        tmp_path / "county",
        tmp_path / "city",
        tmp_path / "dept-keys",
        tmp_path / "county-keys",
    )
    _unit(f.department, DEPARTMENT, ["1.1"])
    _unit(f.county, COUNTY, ["1.1", "1.2"])
    with Store.open(f.city) as store:
        store.save_profile(CITY)
    for folder in (f.department, f.county, f.city):
        assert f.run(folder, "keys", "create") == 0
    assert f.run(f.department, "keys", "export-public", "--out", str(f.dept_keys)) == 0
    assert f.run(f.county, "keys", "export-public", "--out", str(f.county_keys)) == 0
    assert f.run(f.city, "keys", "export-public", "--out", str(tmp_path / "city-reg")) == 0
    county_reg = next(f.county_keys.glob("*.ecodesk-key.json"))
    city_reg = next((tmp_path / "city-reg").glob("*.ecodesk-key.json"))
    assert f.run(f.department, "keys", "trust", str(county_reg)) == 0
    assert f.run(f.county, "keys", "trust", str(city_reg)) == 0
    capsys.readouterr()
    return f


Run = Callable[..., int]
