"""A second plan (2027—2029, three tasks, another title) works from install to consolidation:
nothing in the program assumes the 2024—2026 plan's shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.forms.catalog_doc import catalog_document
from ecodesk.packs.installed import active_pack, commit_install, known_packs, prepare_install
from ecodesk.services.consolidate import consolidate
from ecodesk.services.export import export_submission
from ecodesk.services.keys import export_public_key
from ecodesk.services.verify import verify_workbook
from ecodesk.store import Store
from ecodesk.submission import Period, UnitProfile
from ecodesk.workbook.reader import read_signed_workbook
from tests.packs.helpers import SECOND_PLAN, anchor_of, city_key, signed_pack
from tests.workbook.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("second")
    key = city_key(tmp / "city")
    out = tmp / "2027.1.ecodesk-pack"
    signed_pack(SECOND_PLAN, out, key)
    return out, anchor_of(key)


def _fill(store: Store, values: dict[str, str]) -> Period:
    period = store.current_period()
    for key, text in values.items():
        store.set_value(period, key, text)
    for spec in store.pack.narratives:
        store.set_narrative(period, "1.1", spec.code, f"{spec.name}：按计划推进，情况正常。")
    return period


def _unit(folder: Path, code: str, name: str, second_pack: Path, anchor) -> Store:  # type: ignore[no-untyped-def]
    store = Store.open(folder)
    store.save_profile(UnitProfile(code, name, "县发展改革委", "王芳", "陈刚", "0797-1234567"))
    store.set_responsible_forms(["1.1"])
    commit_install(prepare_install(folder, second_pack, anchor), store)
    return store


def test_install_entry_export_verify_and_consolidation_under_a_second_plan(
    second,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    path, anchor = second
    registry = tmp_path / "registry"
    outs = []
    for code, name, values in (
        ("360730", "宁都县", {"1.1:renewable_capacity": "120.5", "1.1:new_capacity": "15"}),
        ("360781", "瑞金市", {"1.1:renewable_capacity": "200", "1.1:new_capacity": "30.5"}),
    ):
        folder = tmp_path / code
        with _unit(folder, code, name, path, anchor) as store:
            assert store.pack.catalog.plan.title == "赣州市绿色低碳发展三年行动计划(2027—2029年)"
            assert store.responsible_forms() == ["1.1"]
            period = _fill(store, values)
            assert period == Period(2027)  # the new plan's first year, not the old plan's
            out = tmp_path / f"{name}.xlsx"
            export_submission(store, period, out, passphrase=PASSPHRASE, data_dir=folder)
            export_public_key(folder, store.profile(), registry)
            outs.append(out)
        assert active_pack(folder, anchor).version == "2027.1"

    receiver = tmp_path / "city-office"
    Store.open(receiver).close()
    commit_install(prepare_install(receiver, path, anchor))
    pack = active_pack(receiver, anchor)
    doc = catalog_document(pack)
    assert doc["plan"]["years"] == [2027, 2028, 2029] and doc["pack_version"] == "2027.1"
    assert [t["code"] for t in doc["tasks"]] == ["1.1", "1.2", "2.1"]

    for out in outs:
        verdict = verify_workbook(out, registry, receiver_pack=pack)
        assert verdict.status == "valid", verdict.message
        assert read_signed_workbook(out).meta["pack_version"] == "2027.1"
        assert not any("按表单包" in d for d in verdict.details)

    result = consolidate(outs, registry, pack=pack, known_packs=known_packs(receiver))
    summary = result.summary
    assert summary.period == Period(2027)
    assert str(summary.indicator("1.1:renewable_capacity").total) == "320.5"
    assert str(summary.indicator("1.1:new_capacity").total) == "45.5"
    assert summary.other_packs == []
