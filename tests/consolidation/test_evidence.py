"""At the receiver: each unit's signed evidence, and the claims without evidence across units
— in the summary and in the re-opened summary workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ecodesk.consolidation.writer import UNBACKED_SHEET, write_summary_workbook
from tests.consolidation.evidence_units import (
    NINGDU,
    YUDU,
    YUDU_EXPLANATION,
    EvidenceInbox,
    build_evidence_inbox,
)


@pytest.fixture(scope="module")
def evidence_inbox(pack, tmp_path_factory: pytest.TempPathFactory) -> EvidenceInbox:  # type: ignore[no-untyped-def]
    return build_evidence_inbox(pack, tmp_path_factory.mktemp("evidence"))


@pytest.fixture(scope="module")
def consolidation(evidence_inbox: EvidenceInbox):  # type: ignore[no-untyped-def]
    from ecodesk.services.consolidate import consolidate

    return consolidate([evidence_inbox.inbox], evidence_inbox.registry)


def test_the_packages_carry_the_evidence_and_verify(evidence_inbox: EvidenceInbox) -> None:
    assert evidence_inbox.packages[NINGDU].suffix == ".zip"
    assert evidence_inbox.packages[YUDU].suffix == ".xlsx"  # nothing attached: a workbook alone


def test_claims_without_evidence_are_listed_unit_by_unit(consolidation) -> None:  # type: ignore[no-untyped-def]
    claims = consolidation.summary.unbacked
    found = sorted((c.unit.division_code, c.key, c.value, c.explanation) for c in claims)
    assert found == [
        (NINGDU, "5.1:gep_status", "已完成核算", ""),
        (YUDU, "4.1:watersheds#1", "已建成", YUDU_EXPLANATION),
    ]
    gep = next(c for c in claims if c.key == "5.1:gep_status")
    assert "GEP核算报告" in gep.what and "全域推进生态产品总值核算" in gep.reason


def test_each_units_signed_files_are_listed_and_checked(consolidation) -> None:  # type: ignore[no-untyped-def]
    files = consolidation.summary.attachments
    assert [(f.unit.division_code, f.form, f.file.key, f.status) for f in files] == [
        (NINGDU, "4.1", "4.1:watersheds#1", "ok"),
        (NINGDU, "4.1", "4.1:watersheds#2", "ok"),
    ]
    assert files[0].package is not None and files[0].package.suffix == ".zip"
    assert files[0].file.note == "小流域验收意见"


def test_the_summary_workbook_lists_the_same_claims(consolidation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = write_summary_workbook(consolidation.summary, tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)[UNBACKED_SHEET]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if any(r)]
    assert len(rows) == len(consolidation.summary.unbacked) == 2
    by_key = {(r[1], r[3]): r for r in rows}
    gep = by_key[("5.1", "已完成核算")]
    assert "宁都" in gep[0] and "GEP核算报告" in gep[4] and "方案" in gep[5]
    assert gep[6] == "（未说明）"
    watershed = by_key[("4.1", "已建成")]
    assert "于都" in watershed[0] and "贡江小流域" in watershed[2]
    assert watershed[6] == YUDU_EXPLANATION
    assert ws.cell(row=3, column=5).value == "应附佐证材料"
    cover = openpyxl.load_workbook(out)["汇总"]
    notes = [c.value for row in cover.iter_rows(max_col=1) for c in row if c.value]
    assert "有 2 项填报需要佐证材料而未附（2 个单位），详见“无佐证的填报”表。" in notes


def test_an_empty_list_says_so(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ecodesk.consolidation.build import build_summary
    from ecodesk.demo import sample_submission
    from tests.consolidation.evidence_units import PERIOD

    data = sample_submission(pack, NINGDU, PERIOD)
    data.forms = ["G"]
    summary = build_summary(pack, [data], PERIOD)
    assert summary.unbacked == []
    ws = openpyxl.load_workbook(write_summary_workbook(summary, tmp_path / "s.xlsx"))[
        UNBACKED_SHEET
    ]
    assert ws.cell(row=4, column=1).value == "各单位的填报均附有所需的佐证材料。"
