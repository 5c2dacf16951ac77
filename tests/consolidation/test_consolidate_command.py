"""``ecodesk consolidate``: the short Chinese report and the exit status."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from ecodesk.cli import main
from tests.consolidation.conftest import ReceivedFolder


def test_refused_files_make_exit_status_1_and_are_listed(
    received: ReceivedFolder, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "全市汇总.xlsx"
    status = main(
        ["consolidate", str(received.inbox), "--keys", str(received.registry), "-o", str(out)]
    )
    printed = capsys.readouterr().out
    assert status == 1
    assert "收到 19 个文件：采用 16 个，拒收 2 个，搁置 1 个。" in printed
    assert received.files[received.tampered].name in printed
    assert received.files[received.unregistered].name in printed
    assert "汇总表已保存" in printed
    missing = {
        c.name for c in received.counties if c.code in (received.tampered, received.unregistered)
    }
    assert all(name in printed for name in missing)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == "汇总"


def test_all_valid_gives_exit_status_0_and_the_summary_is_not_read_back(
    received: ReceivedFolder, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for county in received.trusted[:3]:
        shutil.copy(received.files[county.code], inbox)
    args = [
        "consolidate",
        str(inbox),
        "--keys",
        str(received.registry),
        "-o",
        str(inbox / "汇总.xlsx"),
    ]
    assert main(args) == 0
    first = (inbox / "汇总.xlsx").read_bytes()
    # a second run does not replace the summary it did not just make, unless --force (issue 20)
    assert main(args) == 2
    assert "已经存在" in capsys.readouterr().err
    assert (inbox / "汇总.xlsx").read_bytes() == first
    # the summary now sits in the folder being consolidated: a second run must not refuse it
    assert main([*args, "--force"]) == 0
    assert "采用 3 个，拒收 0 个" in capsys.readouterr().out


def test_errors_are_chinese_sentences_with_exit_status_2(
    received: ReceivedFolder, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    keys = str(received.registry)
    assert (
        main(
            [
                "consolidate",
                str(received.inbox),
                "--keys",
                keys,
                "-o",
                str(tmp_path / "x.xlsx"),
                "--period",
                "明年",
            ]
        )
        == 2
    )
    assert "报送期" in capsys.readouterr().err
    assert (
        main(
            [
                "consolidate",
                str(received.inbox),
                "--keys",
                str(tmp_path / "nokeys"),
                "-o",
                str(tmp_path / "x.xlsx"),
            ]
        )
        == 2
    )
    assert "密钥登记文件夹" in capsys.readouterr().err
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    shutil.copy(received.files[received.tampered], only_bad)
    assert main(["consolidate", str(only_bad), "--keys", keys, "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "没有可以汇总的有效工作簿" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
    assert (
        main(
            [
                "consolidate",
                str(received.inbox),
                "--keys",
                keys,
                "-o",
                str(tmp_path / "nofolder" / "x.xlsx"),
            ]
        )
        == 2
    )
    printed = capsys.readouterr()
    assert (
        "不存在" in printed.err and "收到" not in printed.out
    )  # refused at once, before verifying
