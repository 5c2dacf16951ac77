"""The printed sheet lists the evidence (附件清单): name, description, size, short hash."""

from __future__ import annotations

from pathlib import Path

from ecodesk.attachments import attach
from ecodesk.cli import main
from ecodesk.store import Store
from ecodesk.submission import Period
from tests.attachments.files import make_jpeg, make_pdf
from tests.report.pdfcheck import page_texts


def test_the_sheet_lists_every_attachment(
    store: Store, period: Period, files: Path, data_dir: Path, tmp_path: Path
) -> None:
    store.set_responsible_forms(["1.1"])
    pdf = attach(store, period, "1.1", make_pdf(files / "验收报告.pdf"), "项目验收报告")
    photo = attach(
        store,
        period,
        "1.1:tech_invest",
        make_jpeg(files / "现场照片.jpg", size=600, noisy=True),
        "厂房改造现场",
    )
    store.close()
    out = tmp_path / "sheet.pdf"
    assert main(["--data-dir", str(data_dir), "print", "--out", str(out)]) == 0
    text = "".join(page_texts(out)).replace("\n", "")
    assert "附件清单" in text
    for made in (pdf, photo):
        assert made.name in text and made.note in text
        short = made.sha256[:16].upper()
        assert f"{short[:4]} {short[4:8]} {short[8:12]} {short[12:16]}" in text
    assert "1 KB" in text or "2 KB" in text
    assert f"{photo.size / 1024 / 1024:.1f} MB" in text or f"{round(photo.size / 1024)} KB" in text
    assert "共 2 个附件" in text


def test_no_attachments_no_list(
    store: Store, period: Period, data_dir: Path, tmp_path: Path
) -> None:
    store.set_responsible_forms(["1.1"])
    store.close()
    out = tmp_path / "sheet.pdf"
    assert main(["--data-dir", str(data_dir), "print", "--out", str(out)]) == 0
    assert "附件清单" not in "".join(page_texts(out))
