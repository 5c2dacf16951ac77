"""Consolidating units that reported under two versions of the city's pack: figures add up by
stable key (a renamed indicator follows its new name), and the summary says which indicators were
not in a unit's pack, so an empty cell there is not read as a unit that failed to report."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from ecodesk.packs import trust
from ecodesk.packs.installed import active_pack, commit_install, known_packs, prepare_install
from ecodesk.packs.trust import anchor_document
from ecodesk.services.consolidate import consolidate, write_summary
from ecodesk.services.export import export_submission
from ecodesk.services.keys import export_public_key
from ecodesk.store import Store
from tests.packs.helpers import anchor_of, city_key, next_version_folder, signed_pack
from tests.workbook.helpers import PASSPHRASE


def test_units_on_two_pack_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.demo import fill_demo

    key = city_key(tmp_path / "city-key")
    anchor = anchor_of(key)
    anchor_file = tmp_path / "city-anchor.json"
    anchor_file.write_text(json.dumps(anchor_document(key.public_key, "test")), encoding="utf-8")
    monkeypatch.setattr(trust, "SHIPPED_ANCHOR_FILE", anchor_file)  # this process only
    v2 = tmp_path / "2026.2.ecodesk-pack"
    signed_pack(next_version_folder(tmp_path / "v2"), v2, key)
    registry = tmp_path / "registry"
    outs = []
    for code, figure, install in (("360730", "37", False), ("360781", "12", True)):
        folder = tmp_path / code
        with Store.open(folder) as store:
            fill_demo(store, code)
            store.set_responsible_forms(["G", "1.1"])
            period = store.current_period()
            store.set_value(period, "1.1:digital_transform_firms", figure)
            if install:  # 瑞金市 has installed 2026.2; 宁都县 still reports under 2026.1
                commit_install(prepare_install(folder, v2, anchor), store)
                store.set_value(period, "1.1:green_upgrade_firms", "5")
            out = tmp_path / f"{code}.xlsx"
            export_submission(store, period, out, passphrase=PASSPHRASE, data_dir=folder)
            export_public_key(folder, store.profile(), registry)
            outs.append(out)

    city = tmp_path / "city-office"
    Store.open(city).close()
    commit_install(prepare_install(city, v2, anchor))
    pack = active_pack(city, anchor)
    result = consolidate(outs, registry, pack=pack, known_packs=known_packs(city))
    summary = result.summary
    assert len(summary.submissions) == 2
    # 宁都县's digital_transform_firms (2026.1) and 瑞金市's digital_firms (2026.2): one indicator
    assert str(summary.indicator("1.1:digital_firms").total) == "49"
    assert str(summary.indicator("1.1:green_upgrade_firms").total) == "5"
    assert len(summary.other_packs) == 1 and "宁都县" in summary.other_packs[0].unit
    ningdu = summary.other_packs[0]
    assert ningdu.version == "2026.1" and ningdu.known
    assert ningdu.missing == ["1.1 本年绿色化改造企业数"]
    assert "不是漏报" in ningdu.sentence()

    out = tmp_path / "汇总.xlsx"
    write_summary(result, out)
    wb = openpyxl.load_workbook(out, read_only=True)
    texts = [
        str(cell)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell
    ]
    assert any("本年绿色化改造企业数" in t and "不是漏报" in t for t in texts)

    # the command line says the same, with the city office's own installed pack
    capsys.readouterr()
    d = ["--data-dir", str(city)]
    assert main([*d, "verify", *map(str, outs), "--keys", str(registry)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[有效]") and "360730" in lines[0]
    assert "按表单包 2026.1" in lines[1] and "本机使用的表单包是 2026.2" in lines[1]
    assert lines[2].startswith("[有效]") and len(lines) == 3  # 瑞金市: the same pack, no note
    assert (
        main(
            [
                *d,
                "consolidate",
                *map(str, outs),
                "--keys",
                str(registry),
                "-o",
                str(tmp_path / "c.xlsx"),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "表单包：" in printed and "本年绿色化改造企业数" in printed
