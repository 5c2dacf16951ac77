"""The whole way back through the real command line, with real keys and three data folders:
export → review (a return and three queries) → import → answers and one correction → re-export →
the county sees 已重报 with every query answered, the diff shows exactly the correction → accept
→ 已采用; then the city reviews the county the same way."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from ecodesk.signing.canonical import Record
from ecodesk.submission import Period
from tests.review.conftest import Folders

P = Period(2026)


def _records(path: Path) -> list[Record]:
    from ecodesk.workbook.reader import read_signed_workbook

    return read_signed_workbook(path).records


def _digest(path: Path) -> str:
    from ecodesk.workbook.reader import read_signed_workbook

    return read_signed_workbook(path).digest


def _states(f: Folders, *files: Path) -> dict[str, object]:
    """The county's view: each unit's review (from its own record) over the received files."""
    from ecodesk.services.consolidate import attach_review, consolidate
    from ecodesk.store import Store
    from ecodesk.store.feedback import feedback_entries

    result = consolidate(list(files), f.dept_keys, period=P)
    with Store.open(f.county) as store:
        attach_review(result, feedback_entries(store, "sent", P))
    return {unit[1]: review for unit, review in result.summary.review.items() if review.revision}


def _states_with_files(f: Folders, *files: Path) -> dict[str, str]:
    from ecodesk.services.consolidate import consolidate

    return {r.path.name: r.reason for r in consolidate(list(files), f.dept_keys, period=P).received}


def test_return_answer_resubmit_accept(
    folders: Folders, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.store import Store

    f, t = folders, folders.tmp
    d1, fb1, d2, fb2 = t / "d1.xlsx", t / "fb1.xlsx", t / "d2.xlsx", t / "fb2.xlsx"
    assert f.run(f.department, "export", "--out", str(d1)) == 0
    with Store.open(f.department) as store:
        old_invest = store.load(P).value("1.1:tech_invest")

    # the county reviews: suggestions first, then a return with three queries
    capsys.readouterr()
    assert f.run(f.county, "review", str(d1), "--keys", str(f.dept_keys), "--suggest") == 0
    capsys.readouterr()
    review = [
        "review", str(d1), "--keys", str(f.dept_keys),
        "--return", "技改投资与项目表不一致，请核实后重报",
        "--query", "1.1:tech_invest", "技改投资比上年增幅较大，请核实",
        "--query", "1.1:progress", "请补充具体项目进展",
        "--query", "1.1:projects#1.investment", "本年完成投资是否含上年结转？",
        "--out", str(fb1),
    ]  # fmt: skip
    assert f.run(f.county, *review) == 0
    assert "退回修改，查询 3 条" in capsys.readouterr().out
    wb = openpyxl.load_workbook(fb1)
    assert wb.sheetnames == ["审核意见书", "ecodesk_data"]
    assert wb["ecodesk_data"].sheet_state == "veryHidden"
    shown = [c for row in wb["审核意见书"].iter_rows(values_only=True) for c in row if c]
    assert "本年完成投资是否含上年结转？" in shown and _digest(d1) in shown
    assert (
        f.run(f.county, "verify", str(fb1), str(d1), "--keys", str(f.department / "trusted")) == 1
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[有效] 审核意见书") and "查询 3 条" in lines[0]
    assert lines[1].startswith("[签名人未登记] 报送工作簿")
    assert _states(f, d1)["林业局"].state == "已退回"  # type: ignore[attr-defined]
    aside = _states_with_files(f, d1, fb1)
    assert "是审核意见书，不是报送工作簿" in aside[fb1.name]

    # the department imports it: a new revision opens with the return's reason
    assert f.run(f.department, "feedback", "import", str(fb1), "--yes") == 0
    assert "已新建第2版" in capsys.readouterr().out
    with Store.open(f.department) as store:
        revisions = store.revisions(P)
    assert [r.revision for r in revisions] == [1, 2] and revisions[1].status == "draft"
    assert "技改投资与项目表不一致" in revisions[1].reason

    # export is refused while a query has no answer, naming the queries
    assert f.run(f.department, "export", "--out", str(d2)) == 2
    err = capsys.readouterr().err
    assert "3 条审核查询没有答复" in err and "请补充具体项目进展" in err
    assert not d2.exists()

    assert f.run(f.department, "feedback", "show", "--json") == 0
    shown_json = json.loads(capsys.readouterr().out)
    queries = shown_json[0]["queries"]
    assert [q["key"] for q in queries] == [
        "1.1:tech_invest",
        "1.1:progress",
        "1.1:projects#1.investment",
    ]
    assert {q["state"] for q in queries} == {"待答复"}
    answers = ["已核实，原数据录入有误，已更正", "进展已在正文中补充说明", "不含上年结转"]
    for q, text in zip(queries, answers, strict=True):
        assert f.run(f.department, "feedback", "answer", str(q["id"]), text) == 0
    new_invest = "6.35"
    assert new_invest != old_invest
    with Store.open(f.department) as store:
        store.set_value(P, "1.1:tech_invest", new_invest)
    assert f.run(f.department, "export", "--out", str(d2)) == 0
    assert f.run(f.department, "feedback", "answer", str(queries[0]["id"]), "改口") == 2
    assert "已签名导出，答复已随之报送" in capsys.readouterr().err

    # the printed sheet of that revision lists the queries and their answers
    from tests.report.pdfcheck import page_texts

    sheet = t / "d2.pdf"
    assert f.run(f.department, "print", "--period", "2026", "--out", str(sheet)) == 0
    printed = "".join("".join(page_texts(sheet)).split())
    assert "审核查询及答复" in printed
    for (key, question), answer in zip(
        [
            ("1.1:tech_invest", "技改投资比上年增幅较大，请核实"),
            ("1.1:progress", "请补充具体项目进展"),
            ("1.1:projects#1.investment", "本年完成投资是否含上年结转？"),
        ],
        answers,
        strict=True,
    ):
        assert key in printed and question in printed and answer in printed

    # the new signed workbook carries the answers and the chain of digests
    records = _records(d2)
    meta = {r.key: r.value for r in records if r.section == "meta"}
    assert meta["supersedes"] == "1" and meta["supersedes_digest"] == _digest(d1)
    assert meta["answers_feedback"] == _digest(fb1)
    got = {r.key: r.value for r in records if r.section == "answer"}
    assert [got[f"#{n}.answer"] for n in (1, 2, 3)] == answers
    assert got["#3.key"] == "1.1:projects#1.investment"

    # back at the county: 已重报, every query answered, the diff shows exactly the correction
    review2 = _states(f, d1, d2)["林业局"]
    assert review2.state == "已重报" and review2.revision == 2  # type: ignore[attr-defined]
    assert [q.state for q in review2.queries] == ["已答复"] * 3  # type: ignore[attr-defined]
    capsys.readouterr()
    assert f.run(f.county, "diff", str(d1), str(d2), "--keys", str(f.dept_keys)) == 0
    out = capsys.readouterr().out.splitlines()
    assert "第1版 → 第2版，1 处变化" in out[0]
    assert len(out) == 2 and "1.1:tech_invest" in out[1] and out[1].endswith("→ 6.35")

    # accept → 已采用; at the department the answered queries are closed
    assert (
        f.run(
            f.county, "review", str(d2), "--keys", str(f.dept_keys), "--accept", "--out", str(fb2)
        )
        == 0
    )
    summary = t / "summary.xlsx"
    capsys.readouterr()
    assert (
        f.run(
            f.county,
            "consolidate",
            str(d1),
            str(d2),
            "--keys",
            str(f.dept_keys),
            "-o",
            str(summary),
        )
        == 0
    )
    out_text = capsys.readouterr().out
    assert "审核状态：宁都县林业局 已采用（第2版）" in out_text
    review3 = _states(f, d1, d2)["林业局"]
    assert review3.state == "已采用"  # type: ignore[attr-defined]
    assert [q.state for q in review3.queries] == ["已关闭"] * 3  # type: ignore[attr-defined]
    matrix = openpyxl.load_workbook(summary)["完成情况"]
    cells = [c for row in matrix.iter_rows(values_only=True) for c in row if c]
    assert "审核状态" in cells and "已采用" in cells
    queried = list(
        openpyxl.load_workbook(summary)["审核查询"].iter_rows(min_row=4, values_only=True)
    )
    assert [(r[0], r[1], r[2], r[3], r[7]) for r in queried] == [
        ("宁都县林业局", "已采用", 2, n, "已关闭") for n in (1, 2, 3)
    ]
    assert queried[0][4].endswith("（1.1:tech_invest）") and len(queried[0][4]) > 17  # label first
    assert [r[6] for r in queried] == answers
    cover = [
        c
        for row in openpyxl.load_workbook(summary)["汇总"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert any(isinstance(c, str) and c.startswith("合计使用各单位最新的有效修订版") for c in cover)

    assert f.run(f.department, "feedback", "import", str(fb2), "--yes") == 0
    capsys.readouterr()
    assert f.run(f.department, "feedback", "show", "--json") == 0
    rounds = json.loads(capsys.readouterr().out)
    assert [r["decision"] for r in rounds] == ["return", "accept"]
    assert {q["state"] for q in rounds[0]["queries"]} == {"已关闭"}
    assert [q["answer"] for q in rounds[0]["queries"]] == answers

    # an old feedback replayed after acceptance is refused and changes nothing
    with Store.open(f.department) as store:
        before = (store.revisions(P), store.audit_log(limit=5))
    assert f.run(f.department, "feedback", "import", str(fb1), "--yes") == 2
    assert "[已过时]" in capsys.readouterr().err
    with Store.open(f.department) as store:
        assert (store.revisions(P), store.audit_log(limit=5)) == before


def test_the_city_reviews_the_county_the_same_way(
    folders: Folders, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.store import Store

    f, t = folders, folders.tmp
    c1, cf = t / "county-2026.xlsx", t / "city-feedback.xlsx"
    assert f.run(f.county, "export", "--out", str(c1)) == 0
    review = [
        "review",
        str(c1),
        "--keys",
        str(f.county_keys),
        "--query",
        "1.2",
        "请补充本表的总体说明",
        "--out",
        str(cf),
    ]
    assert f.run(f.city, *review) == 0
    capsys.readouterr()
    assert f.run(f.county, "feedback", "import", str(cf), "--yes") == 0
    out = capsys.readouterr().out
    assert "赣州市市生态文明建设领导小组办公室" in out and "查询（不退回）" in out
    with Store.open(f.county) as store:
        revisions = store.revisions(P)
    assert revisions[-1].revision == 2 and "答复赣州市" in revisions[-1].reason
