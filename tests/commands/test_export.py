"""The command line end to end: demo → export (passphrase from the environment) → keys → verify."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ecodesk.cli import main
from tests.workbook.helpers import PASSPHRASE


def test_export_keys_and_verify_from_the_command_line(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.store import Store

    with Store.open(data_dir) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
    d = ["--data-dir", str(data_dir)]
    assert main([*d, "export", "--out", str(tmp_path / "a.xlsx")]) == 2
    assert "ECODESK_PASSPHRASE" in capsys.readouterr().err  # no terminal, no passphrase: says how

    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    assert main([*d, "export", "--out", str(tmp_path / "a.xlsx")]) == 0
    assert "已签名导出" in capsys.readouterr().out
    assert main([*d, "keys", "export-public", "--out", str(tmp_path / "reg")]) == 0
    assert len(list((tmp_path / "reg").glob("*.ecodesk-key.json"))) == 1
    assert len(list((tmp_path / "reg").glob("*.pdf"))) == 1

    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    wb["封面"]["B4"] = "别的单位"
    wb.save(tmp_path / "b.xlsx")
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "a.xlsx"), "--keys", str(tmp_path / "reg")]) == 0
    assert (
        main(
            [
                "verify",
                str(tmp_path / "a.xlsx"),
                str(tmp_path / "b.xlsx"),
                "--keys",
                str(tmp_path / "reg"),
            ]
        )
        == 1
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[有效]") and lines[1].startswith("[有效]")
    assert lines[2].startswith("[已被改动]") and "B4" in lines[2]

    monkeypatch.setenv("ECODESK_PASSPHRASE", "wrong passphrase")
    monkeypatch.setenv("ECODESK_NEW_PASSPHRASE", "another passphrase")
    assert main([*d, "keys", "rotate"]) == 2
    assert "口令不正确" in capsys.readouterr().err
