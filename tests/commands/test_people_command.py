"""The office on the command line: people, --user with ECODESK_PASSWORD, the review, signing.

Demo data (宁都县, three forms) with people turned on: the refusals come before any passphrase
is asked for, nothing refused is written, and the head's export verifies as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.store import Store
from ecodesk.store.office import form_reviews
from tests.workbook.helpers import PASSPHRASE

FORMS = ["G", "1.1", "3.1"]


@pytest.fixture
def office(data_dir: Path) -> Path:
    from ecodesk.demo import fill_demo

    with Store.open(data_dir) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(FORMS)
    return data_dir


def _run(
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    *args: str,
    user: str | None = None,
    password: str | None = None,
    new_password: str | None = None,
) -> int:
    for name, value in (("ECODESK_PASSWORD", password), ("ECODESK_NEW_PASSWORD", new_password)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    who = ["--user", user] if user else []
    return main(["--data-dir", str(data_dir), *who, *args])


def test_people_review_and_signing_from_the_command_line(
    office: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = lambda *a, **k: _run(monkeypatch, office, *a, **k)  # noqa: E731
    # the first account must be the head's, and needs no sign-in
    assert run("people", "add", "刘志明", "--role", "填报人", new_password="filler-pass") == 2
    assert "第一个账号必须是单位负责人" in capsys.readouterr().err
    assert run("people", "add", "黄建华", "--role", "单位负责人", new_password="head-pass-1") == 0
    assert "人员和角色已启用" in capsys.readouterr().out
    # later ones by the head, signed in
    assert run("people", "add", "刘志明", "--role", "填报人", new_password="filler-pass") == 2
    assert "请先登录" in capsys.readouterr().err
    head = {"user": "黄建华", "password": "head-pass-1"}
    assert (
        run("people", "add", "刘志明", "--role", "填报人", new_password="filler-pass", **head) == 0
    )
    assert (
        run("people", "add", "陈丽萍", "--role", "审核人", new_password="review-pass", **head) == 0
    )
    capsys.readouterr()
    assert run("people", "list") == 0
    listed = capsys.readouterr().out
    assert "黄建华\t单位负责人" in listed and "陈丽萍\t审核人" in listed and "已启用" in listed

    # a wrong password: refused, said, no traceback
    assert run("office", "review", "G", user="陈丽萍", password="review-pasS") == 2
    err = capsys.readouterr().err
    assert "姓名或口令不对" in err and "Traceback" not in err

    # a filler cannot sign: refused before the passphrase, nothing frozen
    monkeypatch.setenv("ECODESK_PASSPHRASE", PASSPHRASE)
    out = str(tmp_path / "a.xlsx")
    assert run("export", "--out", out, user="刘志明", password="filler-pass") == 2
    assert "刘志明 不是单位负责人，不能签名" in capsys.readouterr().err
    # the head cannot sign before every form is reviewed
    assert run("export", "--out", out, **head) == 2
    assert "还有 3 张表单没有审核通过" in capsys.readouterr().err
    assert not Path(out).exists()

    reviewer = {"user": "陈丽萍", "password": "review-pass"}
    assert run("office", "review", "G", "1.1", **reviewer) == 0
    assert run("office", "return", "3.1", "--comment", "项目表缺少投资额", **reviewer) == 0
    capsys.readouterr()
    assert run("office", "status") == 0
    status = capsys.readouterr().out
    assert (
        "3.1\t退回修改" in status and "项目表缺少投资额" in status and "G\t已审核（陈丽萍" in status
    )
    assert run("office", "review", "9.9", **reviewer) == 2
    assert "没有表单 9.9" in capsys.readouterr().err

    assert run("office", "review", "3.1", **reviewer) == 0
    assert run("export", "--out", out, **head) == 0
    assert "已签名导出" in capsys.readouterr().out
    with Store.open(office) as store:
        period = store.current_period()
        assert store.load(period).status == "signed"
        assert {f: r.state for f, r in form_reviews(store, period).items()} == dict.fromkeys(
            FORMS, "reviewed"
        )
        signed = [e for e in store.audit_log(period, limit=5) if e.action == "sign"]
        assert signed[0].person == "黄建华"


def test_user_on_a_store_without_people_says_it_is_not_needed(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, office, "office", "status", user="黄建华", password="x" * 8) == 2
    assert "不需要 --user" in capsys.readouterr().err
    # without people, everything works as before
    assert _run(monkeypatch, office, "office", "status") == 0
    assert "G\t待审核" in capsys.readouterr().out
