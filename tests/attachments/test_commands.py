"""``ecodesk attach`` / ``attachments`` / ``detach`` and the export of a package, from the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import Store
from tests.attachments.files import make_docx, make_exe, make_jpeg, make_pdf
from tests.workbook.helpers import PASSPHRASE


@pytest.fixture
def unit(data_dir: Path) -> list[str]:
    from ecodesk.demo import fill_demo

    with Store.open(data_dir) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
    return ["--data-dir", str(data_dir)]


def test_attach_list_detach_and_undo(
    unit: list[str], files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = make_pdf(files / "验收报告.pdf")
    assert main([*unit, "attach", "1.1", str(pdf), "--note", "项目验收报告"]) == 0
    said = capsys.readouterr().out
    assert "已添加附件 [1] 验收报告.pdf（PDF 文档" in said and "1.1 推动传统产业改造升级" in said
    photo = make_jpeg(files / "照片.jpg")
    assert main([*unit, "attach", "1.1:projects#2", str(photo), "--note", "现场"]) == 0
    capsys.readouterr()

    assert main([*unit, "attachments", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["id"], a["key"], a["name"], a["type"], a["note"]) for a in listed] == [
        (1, "1.1", "验收报告.pdf", "pdf", "项目验收报告"),
        (2, "1.1:projects#2", "照片.jpg", "jpeg", "现场"),
    ]
    assert listed[1]["label"] == "1.1 重点技术改造项目第2行"
    assert listed[0]["size"] == pdf.stat().st_size and len(listed[0]["sha256"]) == 64

    assert main([*unit, "detach", "1"]) == 0
    assert "ecodesk detach 1 --undo" in capsys.readouterr().out
    assert main([*unit, "attachments"]) == 0
    out = capsys.readouterr().out
    assert "验收报告.pdf" not in out and "[2] 1.1 重点技术改造项目第2行：照片.jpg" in out
    assert main([*unit, "attachments", "--all"]) == 0
    assert "[1]（已删除）" in capsys.readouterr().out
    assert main([*unit, "detach", "1", "--undo"]) == 0
    assert main([*unit, "attachments", "--period", "2026"]) == 0
    assert "验收报告.pdf" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["attach", "1.1", "{exe}", "--note", "x"], "可执行程序"),
        (["attach", "9.9", "{pdf}", "--note", "x"], "没有表单 9.9"),
        (["attach", "1.1", "{pdf}", "--note", " "], "请写一句说明"),
        (["attach", "1.1", "{missing}", "--note", "x"], "找不到文件"),
        (["attach", "1.1", "{pdf}"], "缺少必需的参数：--note"),
        (["attach", "1.1", "{pdf}", "--note", "x", "--period", "26"], "报送期“26”格式不对"),
        (["detach", "99"], "没有编号为 99 的附件"),
        (["detach", "abc"], "无效的值"),
    ],
)
def test_user_errors_exit_2_with_a_sentence(
    unit: list[str],
    files: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    paths = {
        "{exe}": str(make_exe(files / "报告.pdf")),
        "{pdf}": str(make_pdf(files / "a.pdf")),
        "{missing}": str(files / "没有.pdf"),
    }
    assert main([*unit, *(paths.get(a, a) for a in args)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_export_with_attachments_writes_the_package(
    unit: list[str],
    files: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    assert (
        main([*unit, "attach", "1.1", str(make_docx(files / "纪要.docx")), "--note", "纪要"]) == 0
    )
    capsys.readouterr()
    asked = tmp_path / "宁都县2026.xlsx"
    assert main([*unit, "export", "--out", str(asked)]) == 0
    said = capsys.readouterr().out
    assert "本版有 1 个附件，已导出为报送包" in said and "没有单独写 宁都县2026.xlsx" in said
    package = tmp_path / "宁都县2026.zip"
    assert str(package) in said and not asked.exists()
    with zipfile.ZipFile(package) as zf:
        assert zf.namelist() == ["宁都县2026.xlsx", "附件/1.1 推动传统产业改造升级 - 纪要.docx"]
    # signed: the attachment cannot be taken off any more
    assert main([*unit, "detach", "1"]) == 2
    assert "已签名的第 1 版" in capsys.readouterr().err


def test_export_to_a_zip_without_attachments_and_a_bad_suffix(
    unit: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    assert main([*unit, "export", "--out", str(tmp_path / "a.pdf")]) == 2
    assert ".zip" in capsys.readouterr().err
    assert main([*unit, "export", "--out", str(tmp_path / "a.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.namelist() == ["a.xlsx"]
    (tmp_path / "registry").mkdir()
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "a.zip"), "--keys", str(tmp_path / "registry")]) == 1
    assert capsys.readouterr().out.startswith(
        "[签名人未登记] 报送工作簿"
    )  # read through the package
