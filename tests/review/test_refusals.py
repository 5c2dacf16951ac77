"""Every feedback a unit must not import is refused with the verifier's words, and nothing is
written; every review that cannot be made as asked is refused before a file exists."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from ecodesk.submission import Period
from tests.review.conftest import DEPARTMENT, Folders

P = Period(2026)


def _snapshot(folder: Path) -> tuple[object, ...]:
    from ecodesk.store import Store
    from ecodesk.store.feedback import feedback_entries

    with Store.open(folder) as store:
        return (
            store.revisions(P),
            feedback_entries(store, "received"),
            feedback_entries(store, "sent"),
            store.audit_log(limit=3),
        )


def test_feedback_refusals(
    folders: Folders, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.store import Store

    f = folders
    d1, c1, fb1 = tmp_path / "d1.xlsx", tmp_path / "c1.xlsx", tmp_path / "fb1.xlsx"
    with Store.open(f.department) as store:
        previous = store.load(P).previous["1.1:tech_invest"]
        store.set_value(P, "1.1:tech_invest", str(float(previous) * 3))  # a big change
    assert f.run(f.department, "export", "--out", str(d1)) == 0
    assert f.run(f.county, "export", "--out", str(c1)) == 0
    keys = ["--keys", str(f.dept_keys)]

    # ready-made questions: the big change is offered with its key
    capsys.readouterr()
    assert f.run(f.county, "review", str(d1), *keys, "--suggest") == 0
    suggested = dict(line.split("\t", 1) for line in capsys.readouterr().out.splitlines())
    assert "1.1:tech_invest" in suggested and "上年" in suggested["1.1:tech_invest"]

    # reviews that cannot be made: refused, no file, nothing recorded
    county_before = _snapshot(f.county)
    bad_reviews = {
        "查询位置“1.1:no_such_field”不对": ["--query", "1.1:no_such_field", "？"],
        "这份报表没有表单 2.1": ["--query", "2.1", "？"],
        "只有": ["--query", "1.1:projects#999.investment", "？"],
        "退回必须写明原因": ["--return", " "],
        "采用的报送不能再提查询": ["--accept", "--query", "1.1", "？"],
        "请给出审核结论": [],
    }
    for expected, extra in bad_reviews.items():
        assert f.run(f.county, "review", str(d1), *keys, *extra, "--out", str(fb1)) == 2, extra
        assert expected in capsys.readouterr().err
        assert not fb1.exists()
    tampered_sub = tmp_path / "d1-tampered.xlsx"
    wb = openpyxl.load_workbook(d1)
    wb["封面"]["B4"] = "别的单位"
    wb.save(tampered_sub)
    assert f.run(f.county, "review", str(tampered_sub), *keys, "--accept", "--out", str(fb1)) == 2
    assert "只能审核验证有效的报送" in capsys.readouterr().err
    assert not fb1.exists() and _snapshot(f.county) == county_before

    assert f.run(f.county, "review", str(d1), *keys, "--return", "请核实", "--query",
                 "1.1:tech_invest", "增幅过大", "--out", str(fb1)) == 0  # fmt: skip

    # feedback signed by a key the department has not trusted (the city's)
    from_city = tmp_path / "from-city.xlsx"
    assert (
        f.run(f.city, "review", str(d1), *keys, "--query", "1.1", "？", "--out", str(from_city))
        == 0
    )
    # feedback addressed to the county, from the city the department now trusts
    to_county = tmp_path / "to-county.xlsx"
    assert f.run(f.city, "review", str(c1), "--keys", str(f.county_keys), "--accept",
                 "--out", str(to_county)) == 0  # fmt: skip
    # a changed question
    tampered = tmp_path / "fb1-tampered.xlsx"
    wb = openpyxl.load_workbook(fb1)
    ws = wb["审核意见书"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "增幅过大")
    cell.value = "不用答复了"
    wb.save(tampered)
    capsys.readouterr()

    dept_before = _snapshot(f.department)
    refusals = [
        (tampered, "[已被改动]"),
        (from_city, "[签名人未登记]"),
        (d1, "[不是审核意见书]"),
    ]
    for path, verdict in refusals:
        assert f.run(f.department, "feedback", "import", str(path), "--yes") == 2, path
        assert verdict in capsys.readouterr().err
        assert _snapshot(f.department) == dept_before
    city_reg = next((f.tmp / "city-reg").glob("*.ecodesk-key.json"))
    assert f.run(f.department, "keys", "trust", str(city_reg)) == 0
    dept_before = _snapshot(f.department)
    assert f.run(f.department, "feedback", "import", str(to_county), "--yes") == 2
    assert "[收件单位不符]" in capsys.readouterr().err
    assert _snapshot(f.department) == dept_before

    # a second install of the same department that never sent this revision
    other = tmp_path / "dept-elsewhere"
    with Store.open(other) as store:
        store.save_profile(DEPARTMENT)
    county_reg = next(f.county_keys.glob("*.ecodesk-key.json"))
    assert f.run(other, "keys", "trust", str(county_reg)) == 0
    other_before = _snapshot(other)
    capsys.readouterr()
    assert f.run(other, "feedback", "import", str(fb1), "--yes") == 2
    assert "[本单位未报送该版本]" in capsys.readouterr().err
    assert _snapshot(other) == other_before

    # the genuine one goes in once
    assert f.run(f.department, "feedback", "import", str(fb1), "--yes") == 0
    imported = _snapshot(f.department)
    assert f.run(f.department, "feedback", "import", str(fb1), "--yes") == 2
    assert "[已导入过]" in capsys.readouterr().err
    assert _snapshot(f.department) == imported

    # answers: an unknown id, an empty answer
    assert f.run(f.department, "feedback", "answer", "999", "已核实") == 2
    assert "没有编号为 999 的查询" in capsys.readouterr().err
    assert f.run(f.department, "feedback", "answer", "1", "  ") == 2
    assert "答复不能为空" in capsys.readouterr().err
    assert _snapshot(f.department) == imported


def test_keys_trust_refuses_what_is_not_a_registration(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ecodesk.cli import main

    d = ["--data-dir", str(data_dir)]
    garbage = tmp_path / "360730-0000.ecodesk-key.json"
    for text in ("not json", '{"format": "ecodesk-key-registration", "algorithm": "Ed25519"}'):
        garbage.write_text(text, encoding="utf-8")
        assert main([*d, "keys", "trust", str(garbage)]) == 2
        assert "不是有效的 EcoDesk 密钥登记文件" in capsys.readouterr().err
    assert main([*d, "keys", "trust", str(tmp_path / "missing.json")]) == 2
    assert "找不到密钥登记文件" in capsys.readouterr().err
    assert not (data_dir / "trusted").exists()

    registration = Path(__file__).parent / "data" / "registry"
    source = next(registration.glob("*.ecodesk-key.json"))
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    assert main([*d, "keys", "trust", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "指纹：188B A534 7F4E 5275 8CE4 C391 8571 DA46" in out  # grouped as on the sheet
    assert [p.name for p in (data_dir / "trusted").iterdir()] == [source.name]


def test_a_workbook_made_by_earlier_code_still_verifies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Made by main at f888ad1 (before the way back): the new records are optional."""
    from ecodesk.cli import main
    from ecodesk.services.verify import verify_workbook

    data = Path(__file__).parent / "data"
    result = verify_workbook(data / "main-f888ad1-2026.xlsx", data / "registry")
    assert result.ok and result.kind == "submission"
    submission = result.workbook.data  # type: ignore[union-attr]
    assert submission.answers == [] and submission.answers_feedback == ""
    assert submission.supersedes_digest == ""
    assert (
        main(["verify", str(data / "main-f888ad1-2026.xlsx"), "--keys", str(data / "registry")])
        == 0
    )
    assert capsys.readouterr().out.startswith("[有效] 报送工作簿 ")
