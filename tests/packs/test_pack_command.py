"""``ecodesk pack build|sign|show|diff|install`` end to end, as the city and a county use them.

The program's trust anchor is the city's real public key; this test process replaces the file
it is read from with its own city key's (``monkeypatch``), the documented test-only way: there
is no option or environment variable a county PC could use for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.packs import trust
from tests.packs.helpers import CITY_PASSPHRASE, next_version_folder, pack_folder


@pytest.fixture
def city_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setenv("ECODESK_PASSPHRASE", CITY_PASSPHRASE)
    folder = tmp_path / "city-key"
    assert main(["pack", "keygen", "--out", str(folder)]) == 0
    assert "已创建表单包签名密钥" in capsys.readouterr().out
    monkeypatch.setattr(trust, "SHIPPED_ANCHOR_FILE", folder / "city-anchor.json")
    return folder


def test_build_sign_show_diff_install_undo(
    city_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = ["--data-dir", str(data_dir)]
    folder = next_version_folder(tmp_path / "pack")
    out = tmp_path / "2026.2.ecodesk-pack"
    assert main(["pack", "build", str(folder), "--out", str(out)]) == 0
    assert main(["pack", "build", str(folder), "--out", str(out)]) == 2  # no silent overwrite
    capsys.readouterr()
    assert main([*d, "pack", "install", str(out), "--yes"]) == 2
    assert "没有签名" in capsys.readouterr().err
    assert not (data_dir / "packs" / "installed.ecodesk-pack").exists()

    assert main(["pack", "sign", str(out), "--key", str(city_dir)]) == 0
    assert main([*d, "pack", "show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "签名：签名有效" in shown and "版本：2026.2" in shown

    assert main(["pack", "diff", str(tmp_path / "pack"), str(out)]) == 0
    assert capsys.readouterr().out.startswith("两个表单包的内容相同。")
    assert main(["pack", "diff", str(pack_folder(tmp_path / "old", "2026.1")), str(out)]) == 0
    diff = capsys.readouterr().out
    assert "－ 删除指标 1.1 推动传统产业改造升级 · blocked_projects" in diff

    # no terminal and no --yes: nothing is installed
    assert main([*d, "pack", "install", str(out)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main([*d, "pack", "install", str(out), "--yes"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("表单包 2026.1 → 2026.2")
    assert "已安装表单包 2026.2" in printed
    assert main([*d, "catalog", "--json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert catalog["pack_version"] == "2026.2"
    assert len(catalog["pack_digest"]) == 64
    assert main([*d, "pack", "show"]) == 0
    assert "市里下发、已安装" in capsys.readouterr().out

    assert main([*d, "pack", "install", "--undo"]) == 0
    assert "现在使用表单包 2026.1" in capsys.readouterr().out
    assert main([*d, "catalog", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pack_version"] == "2026.1"
