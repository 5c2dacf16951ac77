"""``ecodesk profile`` shows and changes who reports, through the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import Store


def test_profile_is_set_shown_and_changed(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = ["--data-dir", str(data_dir)]
    assert main([*d, "profile"]) == 0
    assert "还没有填写单位信息" in capsys.readouterr().out
    assert main([*d, "profile", "--department", "县林业局"]) == 2
    assert "--county" in capsys.readouterr().err
    assert (
        main(
            [
                *d,
                "profile",
                "--county",
                "360732",
                "--department",
                "县林业局",
                "--preparer",
                "钟晓东",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "兴国县（360732）" in out and "县林业局" in out and "钟晓东" in out
    assert main([*d, "profile", "--phone", "0797-5321234"]) == 0
    with Store.open(data_dir) as store:
        profile = store.profile()
    assert profile is not None
    assert (profile.division_name, profile.department, profile.preparer, profile.phone) == (
        "兴国县",
        "县林业局",
        "钟晓东",
        "0797-5321234",
    )
    assert main([*d, "profile", "--county", "123456"]) == 2
    assert "不在目录中" in capsys.readouterr().err
