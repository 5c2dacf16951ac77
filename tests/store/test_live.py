"""Several people on one store: the change feed, presence, notifications, per-form locks, long keys.

Runs on both engines unless marked: two ``Store`` objects on the same database are two PCs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ecodesk.store import Store, live
from ecodesk.store.errors import ValueConflict
from ecodesk.store.models import PresenceRow
from ecodesk.submission import AcceptedWarning, Period

P = Period(2026)


@pytest.fixture
def other_pc(data_dir: Path, pack) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as opened:
        yield opened


def test_the_feed_returns_each_saved_change_once_in_order(store: Store, other_pc: Store) -> None:
    store.load(P)
    feed = live.ChangeFeed(store)
    assert feed.poll() == []
    other_pc.set_value(P, "1.1:upgraded_firms", "7")
    other_pc.set_narrative(P, "1.1", "progress", "进展顺利")
    changes = feed.poll()
    assert [(c.action, c.form, c.field, c.new) for c in changes] == [
        ("set_value", "1.1", "upgraded_firms", "7"),
        ("set_narrative", "1.1", "progress", "进展顺利"),
    ]
    assert all(c.period == "2026" and c.revision == 1 for c in changes)
    assert feed.poll() == []  # each change once
    other_pc.set_value(P, "1.1:upgraded_firms", "")
    assert [(c.field, c.new) for c in feed.poll()] == [("upgraded_firms", None)]


def test_an_id_committed_after_a_higher_one_is_not_missed(store: Store) -> None:
    """On a server, two saves on different forms commit in any order: the feed reads ids it
    skipped again, and gives up on one that never appears (a rolled-back save) in time."""
    store.load(P)
    now = [0.0]
    feed = live.ChangeFeed(store, clock=lambda: now[0])
    store.set_value(P, "1.1:upgraded_firms", "1")
    store.set_value(P, "1.2:new_energy_capacity", "2")
    with store.engine.begin() as conn:  # the first of them "not yet committed": hide it
        first = conn.execute(text("SELECT MIN(id) FROM audit_log WHERE field='upgraded_firms'"))
        hidden = first.scalar()
        row = conn.execute(text("SELECT * FROM audit_log WHERE id = :i"), {"i": hidden}).mappings()
        saved = dict(row.one())
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": hidden})
    assert [c.field for c in feed.poll()] == ["new_energy_capacity"]
    assert feed.complete_upto == hidden - 1 < feed.marker  # (what a reviewer has surely seen)
    with store.engine.begin() as conn:  # …and now it commits
        conn.execute(
            text(
                "INSERT INTO audit_log (id, at, os_user, preparer, action, period, revision, form,"
                " field, old, new) VALUES (:id, :at, :os_user, :preparer, :action, :period,"
                " :revision, :form, :field, :old, :new)"
            ),
            saved,
        )
    assert [c.field for c in feed.poll()] == ["upgraded_firms"]
    assert feed.complete_upto == feed.marker
    assert feed.poll() == []
    # a gap that never fills is dropped after a while (and not read again for ever)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": hidden})
    store.set_value(P, "1.1:upgraded_firms", "3")
    feed2 = live.ChangeFeed(store, clock=lambda: now[0])
    feed2.marker = hidden - 1
    assert [c.new for c in feed2.poll()][-1] == "3"
    assert hidden in feed2._gaps
    now[0] = live.GAP_PATIENCE_S + 1
    feed2.poll()
    assert hidden not in feed2._gaps


def test_presence_appears_moves_and_leaves(store: Store, other_pc: Store) -> None:
    live.beat(store, "pc-a", person="刘志明", period="2026", form="1.1")
    live.beat(other_pc, "pc-b", person="王芳", period="2026", form="2.3")
    seen = {(p.client, p.person, p.form) for p in live.present(other_pc, period="2026")}
    assert seen == {("pc-a", "刘志明", "1.1"), ("pc-b", "王芳", "2.3")}
    live.beat(store, "pc-a", person="刘志明", period="2026", form="1.2")  # opens another form
    assert {p.form for p in live.present(other_pc) if p.client == "pc-a"} == {"1.2"}
    assert live.present(other_pc, period="2025") == []
    live.leave(store, "pc-a")
    assert [p.client for p in live.present(other_pc)] == ["pc-b"]


def test_a_silent_window_expires_and_is_removed(store: Store, other_pc: Store) -> None:
    live.beat(store, "crashed", person="刘志明", period="2026", form="1.1")
    with store.engine.begin() as conn:  # its last heartbeat was longer ago than the expiry
        conn.execute(
            text("UPDATE presence SET seen_epoch = seen_epoch - :s"),
            {"s": live.PRESENCE_EXPIRY_S + 5},
        )
    assert live.present(other_pc) == []  # stale: not shown
    live.beat(other_pc, "alive", person="王芳", period="2026", form="2.3")  # and then removed
    with store.engine.connect() as conn:
        clients = conn.execute(text("SELECT client FROM presence")).scalars().all()
    assert clients == ["alive"]


def test_a_heartbeat_keeps_a_window_present(store: Store) -> None:
    live.beat(store, "pc-a", person="刘志明", period="2026", form="1.1")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE presence SET seen_epoch = seen_epoch - 30"))
    live.beat(store, "pc-a", person="刘志明", period="2026", form="1.1")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE presence SET seen_epoch = seen_epoch - 30"))
    assert [p.client for p in live.present(store)] == ["pc-a"]


def test_a_narrative_changed_by_someone_else_is_a_conflict(store: Store, other_pc: Store) -> None:
    store.set_narrative(P, "1.1", "progress", "初稿")
    other_pc.set_narrative(P, "1.1", "progress", "王芳改过的稿", based_on="初稿")
    with pytest.raises(ValueConflict) as caught:
        store.set_narrative(P, "1.1", "progress", "我的稿", based_on="初稿")
    assert (caught.value.key, caught.value.theirs, caught.value.mine) == (
        "1.1:progress",
        "王芳改过的稿",
        "我的稿",
    )
    assert other_pc.load(P).narrative("1.1", "progress") == "王芳改过的稿"


def test_long_keys_and_problem_ids_are_stored(store: Store) -> None:
    """Migration 0008 widened them: a server refused more than 160 characters before."""
    long_id = "1.3:projects[12].name:" + "超长的项目名称" * 40
    store.accept_warning(
        P,
        AcceptedWarning(
            problem_id=long_id,
            form="1.3",
            message="提示",
            explanation="已核实",
            field="1.3:projects:" + "x" * 300,
        ),
    )
    long_source = "/home/clerk/" + "下载/" * 200 + "2025.xlsx"
    store.set_baseline(
        Period(2025), {"1.1:" + "k" * 400: "5"}, source=long_source, signature_status="valid"
    )
    assert [a.problem_id for a in store.load(P).accepted] == [long_id]
    assert store.baseline(Period(2025)).values == {"1.1:" + "k" * 400: "5"}  # type: ignore[union-attr]
    assert any(e.field == long_source for e in store.audit_log(Period(2025)))


@pytest.mark.postgresql_only("the server's per-form locks")
def test_two_people_on_different_forms_never_wait_for_each_other(
    store: Store, other_pc: Store
) -> None:
    """A save held open on form 1.1 (a slow network, say) delays a save on 1.1 from another PC,
    never one on 1.2; a store-wide write waits for both."""
    store.load(P)
    inside, release = threading.Event(), threading.Event()

    def slow_save() -> None:
        with store._write_form(P, "1.1") as s:
            sub = store._editable(s, P)
            store._put_value(s, sub, P, "1.1", "upgraded_firms", "1")
            inside.set()
            release.wait(20)

    holder = threading.Thread(target=slow_save)
    holder.start()
    assert inside.wait(10)
    try:
        started = time.monotonic()
        other_pc.set_value(P, "1.2:new_energy_capacity", "9")  # another form: at once
        assert time.monotonic() - started < 2

        blocked_done = threading.Event()

        def same_form() -> None:
            other_pc.set_value(P, "1.1:upgraded_firms", "2")
            blocked_done.set()

        waiter = threading.Thread(target=same_form)
        waiter.start()
        assert not blocked_done.wait(1.0)  # the same form: waits for the first save
    finally:
        release.set()
        holder.join(10)
    waiter.join(10)
    assert blocked_done.is_set()
    assert other_pc.load(P).value("1.1:upgraded_firms") == "2"  # in the order they committed
    fields = [e.new for e in reversed(store.audit_log(P)) if e.field == "upgraded_firms"]
    assert fields == ["1", "2"]


@pytest.mark.postgresql_only("NOTIFY is the server's")
def test_a_committed_save_is_announced_to_a_listener(store: Store, other_pc: Store) -> None:
    heard: list[str] = []
    states: list[bool] = []
    listener = live.ChangeListener(store, heard.append, states.append)
    listener.start()
    try:
        assert listener.listening.wait(10)
        other_pc.set_value(P, "1.1:upgraded_firms", "4")
        deadline = time.monotonic() + 10
        while "audit_log" not in heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "audit_log" in heard
        live.beat(other_pc, "pc-b", person="王芳", period="2026", form="2.3")
        deadline = time.monotonic() + 10
        while "presence" not in heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "presence" in heard
        heard.clear()
        live.beat(other_pc, "pc-b", person="王芳", period="2026", form="2.3")  # a heartbeat
        time.sleep(1.0)
        assert heard == []  # …wakes nobody
    finally:
        listener.stop()
    assert states[0] is True


def test_presence_rows_are_not_part_of_the_change_feed(store: Store) -> None:
    store.load(P)
    feed = live.ChangeFeed(store)
    live.beat(store, "pc-a", person="刘志明", period="2026", form="1.1")
    assert feed.poll() == []
    assert PresenceRow.__tablename__ == "presence"
