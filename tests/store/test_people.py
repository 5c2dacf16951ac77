"""People and roles on both engines: accounts, sign-in, the office's review, who may sign.

The refusals are the point: a 填报人 cannot sign, a change after review resets it, a wrong
password signs nobody in, only the head signs, and nothing refused is half-saved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from ecodesk.store import Store
from ecodesk.store import people as people_mod
from ecodesk.store.models import PersonRow
from ecodesk.store.office import (
    ChangedSinceSeen,
    FormsNotReviewed,
    SelfReview,
    check_may_sign,
    form_reviews,
    return_form,
    review_form,
)
from ecodesk.store.people import (
    FILLER,
    HEAD,
    REVIEWER,
    NotSignedIn,
    PeopleRefused,
    RoleRequired,
    WrongPassword,
    add_person,
    deactivate,
    list_people,
    people_enabled,
    set_password,
    set_people_enabled,
    set_roles,
)
from ecodesk.submission import Period, UnitProfile

P = Period(2026)
KEY = "1.1:upgraded_firms"
PW = {"黄建华": "head-pass-1", "刘志明": "filler-pass", "陈丽萍": "review-pass"}


def _office(store: Store, profile: UnitProfile) -> Store:
    """宁都县's office: the head 黄建华, the filler 刘志明, the reviewer 陈丽萍; forms 1.1 and 2.1."""
    store.save_profile(profile)
    store.set_responsible_forms(["1.1", "2.1"])
    add_person(store, "黄建华", [HEAD], PW["黄建华"])  # the first: no sign-in needed
    add_person(store, "刘志明", [FILLER], PW["刘志明"])
    add_person(store, "陈丽萍", [REVIEWER], PW["陈丽萍"])
    return store


def _as(store: Store, name: str) -> Store:
    store.sign_in(name, PW[name])
    return store


def test_the_first_person_is_the_head_and_turns_people_on(store: Store) -> None:
    assert not people_enabled(store)
    with pytest.raises(PeopleRefused, match="第一个账号必须是单位负责人"):
        add_person(store, "刘志明", [FILLER], "filler-pass")
    assert list_people(store) == []
    head = add_person(store, "黄建华", [HEAD, FILLER], "head-pass-1")
    assert people_enabled(store) and head.has(HEAD) and head.has(FILLER)
    assert store.person == head  # whoever set the office up is signed in
    # later people are added by a head only
    store.sign_out()
    with pytest.raises(NotSignedIn):
        add_person(store, "刘志明", [FILLER], "filler-pass")
    assert store.sign_in("黄建华", "head-pass-1").name == "黄建华"
    add_person(store, "刘志明", [FILLER], "filler-pass")
    store.sign_in("刘志明", "filler-pass")
    with pytest.raises(RoleRequired, match="刘志明 不是单位负责人，不能添加人员"):
        add_person(store, "陈丽萍", [REVIEWER], "review-pass")
    assert [p.name for p in list_people(store)] == ["黄建华", "刘志明"]


def test_passwords_are_kept_only_as_a_scrypt_hash(store: Store) -> None:
    add_person(store, "黄建华", [HEAD], "head-pass-1")
    with store.engine.connect() as conn:
        stored = conn.execute(select(PersonRow.password_hash)).scalar_one()
        everything = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM audit_log")) for v in row
        )
    assert stored.startswith(f"scrypt${people_mod.SCRYPT_N}$8$1$")
    assert "head-pass-1" not in stored and "head-pass-1" not in everything
    assert people_mod.verify_password("head-pass-1", stored)
    assert not people_mod.verify_password("head-pass-2", stored)
    # a hash whose cost is beyond reason (the table is data, not code) is refused, not computed
    salt, digest = stored.split("$")[4:]
    assert not people_mod.verify_password("head-pass-1", f"scrypt${2**30}$8$1${salt}${digest}")
    with pytest.raises(PeopleRefused, match="至少要 8 个字符"):
        add_person(store, "刘志明", [FILLER], "short")
    assert [p.name for p in list_people(store)] == ["黄建华"]


def test_a_wrong_password_or_name_signs_nobody_in(store: Store, profile: UnitProfile) -> None:
    _office(store, profile)
    store.sign_out()
    for name, password in (("刘志明", "filler-pasS"), ("刘志明", ""), ("王五", "filler-pass")):
        with pytest.raises(WrongPassword) as refused:
            store.sign_in(name, password)
        assert "姓名或口令不对" in str(refused.value)
        assert store.person is None
    with pytest.raises(NotSignedIn):
        store.set_value(P, KEY, "30")
    assert not [e for e in store.audit_log(P) if e.action == "set_value"]


def test_with_people_on_every_change_needs_a_person_and_names_them(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "刘志明").set_value(P, KEY, "30")
    store.sign_out()
    with pytest.raises(NotSignedIn, match="--user"):
        store.set_value(P, KEY, "31")
    assert store.load(Period(2027)).revision == 1  # reading (even a new period) needs nobody
    _as(store, "刘志明")
    assert store.load(P).value(KEY) == "30"  # the refused change left nothing behind
    entry = store.audit_log(P, limit=1)[0]
    assert (entry.action, entry.person, entry.new) == ("set_value", "刘志明", "30")
    people_changes = [e for e in store.audit_log(limit=50) if e.action == "add_person"]
    assert [(e.field, e.person) for e in reversed(people_changes)] == [
        ("黄建华", "黄建华"),
        ("刘志明", "黄建华"),
        ("陈丽萍", "黄建华"),
    ]


def test_a_reviewer_who_is_no_filler_cannot_change_the_forms(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "陈丽萍")
    with pytest.raises(RoleRequired, match="陈丽萍 不是填报人，不能修改表单"):
        store.set_value(P, KEY, "30")
    with pytest.raises(RoleRequired):
        store.set_narrative(P, "1.1", "progress", "改一下")
    _as(store, "刘志明")
    assert store.load(P).values == {}


def test_the_office_reviews_each_form_and_a_change_resets_it(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "刘志明").set_value(P, KEY, "30")
    with pytest.raises(RoleRequired, match="刘志明 不是审核人"):
        review_form(store, P, "1.1")
    _as(store, "陈丽萍")
    assert review_form(store, P, "1.1").state == "reviewed"
    returned = return_form(store, P, "2.1", "请补充工作进展")
    assert (returned.state, returned.comment, returned.reviewer) == (
        "returned",
        "请补充工作进展",
        "陈丽萍",
    )
    with pytest.raises(Exception, match="写明意见"):
        return_form(store, P, "2.1", "  ")

    _as(store, "刘志明").set_narrative(P, "2.1", "progress", "已补充。")
    store.set_value(P, KEY, "31")  # a value of a reviewed form: it needs review again
    reviews = form_reviews(store, P)
    assert reviews["1.1"].state == "changed" and reviews["1.1"].reviewer == "陈丽萍"
    assert (reviews["2.1"].state, reviews["2.1"].comment) == ("changed", "请补充工作进展")
    resets = [e for e in store.audit_log(P) if e.action == "review_reset"]
    assert {(e.form, e.old, e.person) for e in resets} == {
        ("1.1", "reviewed", "刘志明"),
        ("2.1", "returned", "刘志明"),
    }
    # the same value saved again is no change: the review stays
    _as(store, "陈丽萍")
    review_form(store, P, "1.1")
    _as(store, "刘志明").set_value(P, KEY, "31")
    assert form_reviews(store, P)["1.1"].state == "reviewed"
    # bulk writes (an import, the demo) reset too
    data = store.load(P)
    data.values["1.1:tech_invest"] = "5"
    store.write_submission(data)
    assert form_reviews(store, P)["1.1"].state == "changed"


def test_a_filler_cannot_sign_and_the_head_signs_only_a_reviewed_revision(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "刘志明").set_value(P, KEY, "30")

    def sign() -> None:
        store.mark_signed(P, 1, fingerprint="ED25519:AB", digest="sha256:01", workbook_path=None)

    with pytest.raises(RoleRequired, match="刘志明 不是单位负责人，不能签名"):
        sign()
    with pytest.raises(RoleRequired):
        check_may_sign(store, P)
    _as(store, "陈丽萍")
    with pytest.raises(RoleRequired, match="不是单位负责人"):
        sign()
    review_form(store, P, "1.1")
    _as(store, "黄建华")
    with pytest.raises(FormsNotReviewed, match=r"还有 1 张表单没有审核通过.*2\.1（待审核）"):
        sign()
    assert store.load(P).status == "draft"
    _as(store, "陈丽萍")
    review_form(store, P, "2.1")
    _as(store, "黄建华")
    check_may_sign(store, P)
    sign()
    assert store.signature(P, 1) == ("ED25519:AB", "sha256:01")
    assert store.audit_log(P, limit=1)[0].person == "黄建华"
    # a signed revision is not reviewed again; a correction starts unreviewed
    _as(store, "陈丽萍")
    with pytest.raises(Exception, match="已签名"):
        return_form(store, P, "1.1", "晚了")
    _as(store, "刘志明")
    assert store.new_revision(P, "更正数字") == 2
    assert form_reviews(store, P) == {}
    assert set(form_reviews(store, P, 1)) == {"1.1", "2.1"}


def test_a_reviewer_does_not_review_their_own_filling_unless_alone(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "黄建华")
    set_roles(store, "陈丽萍", [REVIEWER, FILLER])
    add_person(store, "王审核", [REVIEWER], "review-pass-2")
    _as(store, "陈丽萍").set_value(P, KEY, "30")
    review_form(store, P, "2.1")  # a form she did not touch
    with pytest.raises(SelfReview, match="请由另一位审核人审核"):
        review_form(store, P, "1.1")
    assert "1.1" not in form_reviews(store, P)
    store.sign_in("王审核", "review-pass-2")
    review_form(store, P, "1.1")
    # alone as reviewer (the other one stopped): allowed, and recorded as such
    _as(store, "黄建华")
    deactivate(store, "王审核")
    _as(store, "陈丽萍").set_value(P, KEY, "31")
    review_form(store, P, "1.1")
    entry = store.audit_log(P, limit=1)[0]
    assert (entry.action, entry.person, entry.new) == ("review_form", "陈丽萍", "reviewed 本人审核")
    with pytest.raises(WrongPassword):
        store.sign_in("王审核", "review-pass-2")  # a stopped account signs in no more


def test_the_head_manages_people_and_the_last_head_stays(
    store: Store, profile: UnitProfile
) -> None:
    _office(store, profile)
    _as(store, "刘志明")
    with pytest.raises(RoleRequired):
        set_roles(store, "刘志明", [FILLER, HEAD])
    with pytest.raises(RoleRequired):
        set_password(store, "陈丽萍", "taken-over")
    with pytest.raises(WrongPassword):
        set_password(store, "刘志明", "new-filler-pass", old_password="wrong-old")
    set_password(store, "刘志明", "new-filler-pass", old_password="filler-pass")
    store.sign_in("刘志明", "new-filler-pass")
    _as(store, "黄建华")
    with pytest.raises(PeopleRefused, match="唯一的单位负责人"):
        set_roles(store, "黄建华", [FILLER])
    with pytest.raises(PeopleRefused, match="唯一的单位负责人"):
        deactivate(store, "黄建华")
    with pytest.raises(PeopleRefused, match="已有名为“刘志明”"):
        add_person(store, "刘志明", [FILLER], "another-pass")
    set_password(store, "陈丽萍", "reset-by-head")  # the head resets a forgotten password
    store.sign_in("陈丽萍", "reset-by-head")
    roles = [e for e in store.audit_log(limit=50) if e.action == "set_password"]
    assert all(e.new is None and e.old is None for e in roles)


@pytest.mark.postgresql_only("a shared server keeps people on")
def test_a_shared_store_always_asks_people_to_sign_in(store: Store, profile: UnitProfile) -> None:
    assert people_mod.people_required(store)  # even before anyone is created
    _office(store, profile)
    with pytest.raises(PeopleRefused, match="不能关闭"):
        set_people_enabled(store, False)


@pytest.mark.sqlite_only("people are optional on a single person's file")
def test_on_a_single_persons_file_people_are_optional(
    store: Store, profile: UnitProfile, data_dir: Path, pack
) -> None:
    store.save_profile(profile)
    assert not people_mod.people_required(store)
    store.set_value(P, KEY, "30")  # nobody signs in, as before
    assert store.audit_log(P, limit=1)[0].person == ""
    with pytest.raises(PeopleRefused, match="请先建立单位负责人"):
        set_people_enabled(store, True)
    add_person(store, "刘志明", [FILLER, REVIEWER, HEAD], "one-person-all")  # all three roles
    assert people_mod.people_required(store)
    store.sign_out()
    with pytest.raises(NotSignedIn):  # off again only by a signed-in head
        set_people_enabled(store, False)
    store.sign_in("刘志明", "one-person-all")
    review_form(store, P, "1.1")  # alone in the office: reviews their own filling
    set_people_enabled(store, False)
    store.sign_out()
    store.set_value(P, KEY, "31")  # off: no sign-in, no role, no review to keep up to date
    assert form_reviews(store, P)["1.1"].state == "reviewed"
    store.sign_in("刘志明", "one-person-all")
    set_people_enabled(store, True)  # on again: what changed meanwhile is reviewed afresh
    assert form_reviews(store, P)["1.1"].state == "changed"
    set_people_enabled(store, False)
    store.sign_out()
    with Store.open(data_dir, pack=pack) as again:
        assert not people_mod.people_required(again)


@pytest.mark.real_kdf_cost
@pytest.mark.sqlite_only("about the hash alone")
def test_at_the_real_cost_a_password_takes_32_mib_of_scrypt() -> None:
    stored = people_mod.hash_password("head-pass-1")
    assert stored.split("$")[1:4] == ["32768", "8", "1"]  # 128 × N × r bytes = 32 MiB
    assert people_mod.verify_password("head-pass-1", stored)
    assert not people_mod.verify_password("head-pass-2", stored)


def test_a_review_of_what_the_reviewer_has_not_seen_is_refused(
    store: Store, profile: UnitProfile, data_dir: Path, pack
) -> None:  # type: ignore[no-untyped-def]
    """Two PCs: the reviewer decides on the form as their window showed it (up to an entry of
    the change feed); a change by the filler, or another reviewer's decision, after that is
    said, and the decision is not saved."""
    _office(store, profile)
    _as(store, "黄建华")
    add_person(store, "王审核", [REVIEWER], "review-pass-2")
    _as(store, "陈丽萍")
    with Store.open(data_dir, pack=pack) as other_pc:
        _as(other_pc, "刘志明").set_value(P, KEY, "30")
        seen = store.change_marker()  # the reviewer's window shows 30
        other_pc.set_value(P, KEY, "31")  # …then the filler changes it again
        with pytest.raises(ChangedSinceSeen, match="刘志明") as caught:
            review_form(store, P, "1.1", seen_upto=seen)
        assert "修改了表 1.1（1 处）" in str(caught.value)
        assert "1.1" not in form_reviews(store, P)  # nothing decided
        assert review_form(store, P, "1.1", seen_upto=store.change_marker()).state == "reviewed"

        seen = store.change_marker()
        other_pc.sign_in("王审核", "review-pass-2")
        return_form(other_pc, P, "2.1", "请补充进展")  # another reviewer decided meanwhile
        with pytest.raises(ChangedSinceSeen, match="王审核.*退回修改（请补充进展）"):
            review_form(store, P, "2.1", seen_upto=seen)
        assert form_reviews(store, P)["2.1"].state == "returned"
        # a change of another form, or one's own decision, is no reason to refuse
        seen = store.change_marker()
        _as(other_pc, "刘志明").set_value(P, "2.1:" + next(iter(_fields(store, "2.1"))), "1")
        assert return_form(store, P, "1.1", "再核对", seen_upto=seen).state == "returned"
        assert review_form(store, P, "1.1", seen_upto=seen).state == "reviewed"


def _fields(store: Store, form: str) -> list[str]:
    return [f.key.partition(":")[2] for f in store.pack.input_fields(form) if f.type == "number"]
