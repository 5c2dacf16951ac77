"""``ecodesk print`` end to end: a real data folder, a real PDF, messages for people."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import Store
from ecodesk.submission import UnitProfile
from tests.report.pdfcheck import page_texts


@pytest.fixture
def unit_dir(data_dir: Path) -> Path:
    with Store.open(data_dir) as store:
        store.save_profile(UnitProfile("360730", "宁都县", "林业局", preparer="李明"))
        store.set_responsible_forms(["1.1"])
        store.set_value(store.current_period(), "1.1:upgraded_firms", "128")
    return data_dir


def test_print_writes_the_pdf(
    unit_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "报送单"
    assert main(["--data-dir", str(unit_dir), "print", "--out", str(out)]) == 0

    written = tmp_path / "报送单.pdf"  # the .pdf the clerk forgot is added
    assert written.read_bytes().startswith(b"%PDF-")
    text = "".join(page_texts(written))
    assert "宁都县林业局" in text and "128" in text
    said = capsys.readouterr().out
    assert str(written) in said and "草稿" in said


def test_bad_period_is_a_sentence_not_a_traceback(
    unit_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--data-dir", str(unit_dir), "print", "--period", "明年", "--out", str(tmp_path / "x.pdf")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "报送期" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_missing_output_folder(
    unit_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--data-dir", str(unit_dir), "print", "--out", str(tmp_path / "无此文件夹" / "x.pdf")]
    )
    assert code == 2
    assert "不存在" in capsys.readouterr().err
