from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecodesk.forms.loader import FormPack
from ecodesk.report.qr import parse_qr_payload
from ecodesk.report.sheet import sheet_qr_payload, write_submission_sheet
from ecodesk.storage import StorageError
from ecodesk.submission import SubmissionData
from tests.report.conftest import make_submission
from tests.report.pdfcheck import STANDARD_14, fontfile2_present, fonts, page_sizes_mm, page_texts

FINGERPRINT = "3f9ac01b77e2d4a5968b0c1de2f3a4b5c6d7e8f9012345678abcdef012345678"
DIGEST = "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"


def _flat(text: str) -> str:
    """Text without whitespace: a name wrapped inside a table cell still matches."""
    return re.sub(r"\s+", "", text)


def _write(pack: FormPack, data: SubmissionData, path: Path, *, signed: bool = True) -> Path:
    return write_submission_sheet(
        pack,
        data,
        path,
        fingerprint=FINGERPRINT if signed else None,
        digest=DIGEST if signed else None,
    )


def test_full_submission_holds_title_unit_and_every_indicator(
    kinds_pack: FormPack, tmp_path: Path
) -> None:
    data = make_submission(kinds_pack, forms=list(kinds_pack.forms))
    out = _write(kinds_pack, data, tmp_path / "sheet.pdf")

    text = _flat("".join(page_texts(out)))
    assert _flat(kinds_pack.catalog.plan.title) in text
    assert "2026年度工作进展报送单" in text
    assert "宁都县工业和信息化局" in text
    for form in data.forms:
        assert _flat(kinds_pack.form(form).title) in text, form
        for indicator in kinds_pack.indicators(form, data.unit.division_code):
            assert _flat(indicator.name) in text, f"{form}:{indicator.code}"
    # An indicator meant for another county is not printed for this one.
    assert "仅寻乌县填报的指标" not in text
    assert "仅宁都县填报的指标" in text


def test_pages_are_a4_and_numbered_n_of_m(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")

    texts = page_texts(out)
    total = len(texts)
    assert total >= 2
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {total} 页" in text
    for size in page_sizes_mm(out):
        assert size in ((210, 297), (297, 210))


def test_font_is_embedded_as_a_subset(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")

    assert fontfile2_present(out)
    cjk = [f for f in fonts(out) if "WenQuanYi" in f.base_font]
    assert cjk, fonts(out)
    assert all(f.embedded and f.is_subset for f in cjk)
    for font in fonts(out):
        assert font.embedded or font.base_font in STANDARD_14, font


def test_long_table_splits_with_the_header_on_every_page(
    kinds_pack: FormPack, tmp_path: Path
) -> None:
    data = make_submission(kinds_pack, forms=["1.1"], projects=120)
    out = _write(kinds_pack, data, tmp_path / "sheet.pdf")

    spec = kinds_pack.form("1.1").tables[0]
    header_names = [_flat(col.name) for col in spec.columns]
    pages_with_rows = []
    seen: list[int] = []
    for number, text in enumerate(page_texts(out), start=1):
        rows_here = [int(n) for n in re.findall(r"第(\d{3})号生产线", _flat(text))]
        if rows_here:
            pages_with_rows.append(number)
            seen += rows_here
            for name in header_names:
                assert name in _flat(text), f"page {number} lacks the header {name}"
    assert len(pages_with_rows) >= 3
    assert sorted(seen) == list(range(1, 121))  # every row once, none lost at a page break


def test_wide_table_gets_a_landscape_page(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")

    sizes = page_sizes_mm(out)
    texts = page_texts(out)
    wide_pages = [i for i, text in enumerate(texts) if "绿色工厂明细" in text]
    assert wide_pages and all(sizes[i] == (297, 210) for i in wide_pages)
    assert sizes[0] == (210, 297)
    assert "赣州某某新材料有限公司" in _flat(texts[wide_pages[0]])


def test_signed_sheet_shows_fingerprint_on_every_page(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")

    for text in page_texts(out):
        assert "3F9AC01B77E2D4A5" in _flat(text)
        assert "草稿" not in text


def test_draft_is_unmistakable_on_every_page(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf", signed=False)

    for text in page_texts(out):
        assert "未签名（草稿）" in text
        assert "草稿" in text.replace("未签名（草稿）", "")  # the watermark as well


def test_content_sections_and_typed_text(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    submission.values["1.1:tech_invest"] = "约三亿左右"  # a draft may hold text that is no number
    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")

    text = _flat("".join(page_texts(out)))
    for narrative in kinds_pack.narratives:
        assert narrative.name in text
    assert _flat(submission.narrative("1.1", "progress").splitlines()[0]) in text
    assert "今年新纳入“万企升级”专项的企业集中完成验收" in text  # accepted warning's explanation
    assert "断面水质持续稳定，<无>&其他说明" in text  # markup characters printed as typed
    assert "约三亿左右" in text
    for role in ("填报人", "审核人", "单位负责人", "单位盖章", "李明", "王芳", "张建国"):
        assert role in text
    assert "第2版" in text and "更正第1版" in text


def test_qr_payload_matches_paper_to_file(submission: SubmissionData) -> None:
    kind, fields = parse_qr_payload(sheet_qr_payload(submission, DIGEST))
    assert kind == "sheet"
    assert fields == {
        "unit": "360730",
        "dept": "工业和信息化局",
        "period": "2026",
        "rev": "2",
        "digest": DIGEST,
    }
    assert parse_qr_payload(sheet_qr_payload(submission, None))[1]["digest"] == "draft"


def test_missing_folder_is_a_clear_message(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    with pytest.raises(StorageError, match="不存在"):
        _write(kinds_pack, submission, tmp_path / "nowhere" / "sheet.pdf")
    with pytest.raises(StorageError, match="文件夹"):
        _write(kinds_pack, submission, tmp_path)


def test_rewriting_replaces_the_old_file_whole(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"old")
    _write(kinds_pack, submission, out)

    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temporary file left behind


def test_the_printed_qr_code_reads_back_as_the_payload(
    submission: SubmissionData, kinds_pack: FormPack, tmp_path: Path
) -> None:
    """The code on paper, as a phone or scanner sees it: page rendered by poppler, read by zbar."""
    import subprocess

    out = _write(kinds_pack, submission, tmp_path / "sheet.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        check=True,
    )
    page = next(tmp_path.glob("p*.png"))
    read = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(page)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert read.stdout.strip() == sheet_qr_payload(submission, DIGEST)
