"""Several people on one store: what others saved since a window last looked, who is working on
which form, and (on PostgreSQL) a listener that hears of a change the moment it is committed.

* :class:`ChangeFeed` reads the audit log past the last entry it saw (every saved change is
  audited, so the log is the change stream). The query is one index range scan: cheap enough to
  poll every few seconds where there are no notifications (SQLite shared by two programs, or a
  server whose notifications do not arrive). On PostgreSQL audit ids come from a sequence and
  two writers on different forms commit in any order, so an id can appear after a higher one
  was read: the feed remembers the ids it skipped and reads them again until they appear (or,
  after :data:`GAP_PATIENCE_S`, gives them up as a rolled-back transaction's).
* Presence: each open window writes a heartbeat row (:func:`beat`) on opening a form and every
  :data:`BEAT_INTERVAL_S`; :func:`leave` removes it on closing; a row older than
  :data:`PRESENCE_EXPIRY_S` (a crashed window) is ignored and then removed. Times are the
  database's clock, so PCs with wrong clocks still agree on what is stale.
* :class:`ChangeListener` (PostgreSQL only) keeps its own connection with ``LISTEN`` on
  :data:`CHANNEL` (migration 0008 makes the server notify on every audited change and every
  presence change) in a background thread, reconnecting until stopped.

Who a person is: :func:`person_name` — today the profile's preparer, else the computer user (what
the audit log records); a signed-in person's name replaces it there and only there.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import BigInteger, Connection, Table, delete, literal_column, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from ecodesk.store.models import AuditRow, PresenceRow
from ecodesk.store.server import database_errors

if TYPE_CHECKING:
    from ecodesk.store.store import Store

log = logging.getLogger(__name__)

CHANNEL = "ecodesk_changes"  # also in migration 0008, which creates the trigger
BEAT_INTERVAL_S = 15
PRESENCE_EXPIRY_S = 45  # three missed heartbeats: the window is gone
GAP_PATIENCE_S = 120.0  # longer than any save waits for a lock (the lock timeout is 15 s)
MAX_GAPS = 1000
LISTEN_RETRY_S = 3.0


def person_name(store: Store) -> str:
    """The name of the person at this window, as the others see it (presence).

    Today the computer user: on a shared store the profile (and its preparer) is the unit's,
    the same on every PC, so it cannot tell two clerks apart. This is the one place a
    signed-in person's name takes over (people and roles: when someone is signed in)."""
    person = getattr(store, "person", None)
    return person.name if person is not None else store.os_user


# ------------------------------------------------------------------ changes


@dataclass(frozen=True)
class Change:
    """One change someone saved (from the audit log)."""

    id: int
    at: datetime
    action: str
    period: str | None
    revision: int | None
    form: str | None
    field: str | None
    new: str | None
    preparer: str
    os_user: str
    client: str | None  # the running program that saved it (Store.client)

    @property
    def who(self) -> str:
        return self.preparer or self.os_user


class ChangeFeed:
    """The changes saved since the feed was made, each returned once, in the order of their ids."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self.marker = store.change_marker()
        self._gaps: dict[int, float] = {}  # id skipped → when it was first missed

    @property
    def complete_upto(self) -> int:
        """Every change up to this audit id has been returned (on PostgreSQL an id skipped
        by a transaction not yet committed may still come, so this can be below ``marker``)."""
        return min(self._gaps) - 1 if self._gaps else self.marker

    def poll(self) -> list[Change]:
        """What was saved since the last poll. Raises the store's errors (a lost server)."""
        condition = AuditRow.id > self.marker
        if self._gaps:
            condition = or_(condition, AuditRow.id.in_(sorted(self._gaps)))
        with self._store._read() as s:
            rows = s.scalars(select(AuditRow).where(condition).order_by(AuditRow.id)).all()
        now = self._clock()
        found = {r.id for r in rows}
        for gap in found & set(self._gaps):
            del self._gaps[gap]
        newest = max(found, default=self.marker)
        for missing in range(self.marker + 1, newest):
            if missing not in found:
                self._gaps[missing] = now
        self.marker = max(self.marker, newest)
        for gap, since in list(self._gaps.items()):
            if now - since > GAP_PATIENCE_S:
                del self._gaps[gap]
        while len(self._gaps) > MAX_GAPS:
            del self._gaps[min(self._gaps)]
        return [
            Change(
                id=r.id,
                at=datetime.fromisoformat(r.at),
                action=r.action,
                period=r.period,
                revision=r.revision,
                form=r.form,
                field=r.field,
                new=r.new,
                preparer=r.preparer,
                os_user=r.os_user,
                client=r.client,
            )
            for r in rows
        ]


# ------------------------------------------------------------------ presence

PRESENCE = cast(Table, PresenceRow.__table__)


@dataclass(frozen=True)
class Presence:
    """Someone with a form open (as of their last heartbeat)."""

    client: str
    person: str
    os_user: str
    host: str
    period: str | None
    form: str | None
    since: datetime


def _db_epoch(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        sql = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)"
    else:
        sql = "CAST(strftime('%s', 'now') AS INTEGER)"
    return literal_column(sql, type_=BigInteger)


@contextmanager
def _presence_write(store: Store) -> Iterator[Connection]:
    """A short transaction of its own: presence never waits for (or holds) the store's write lock."""
    with database_errors(store.engine), store.engine.begin() as conn:
        yield conn


def beat(store: Store, client: str, *, person: str, period: str | None, form: str | None) -> None:
    """``client`` (one open window) is on ``form`` of ``period`` now (``form`` None: no form)."""
    with _presence_write(store) as conn:
        row = PRESENCE
        same = conn.execute(
            update(row)
            .where(
                row.c.client == client,
                row.c.form.is_not_distinct_from(form),
                row.c.period.is_not_distinct_from(period),
                row.c.person == person,
            )
            .values(seen_epoch=_db_epoch(conn))
        )
        if same.rowcount:
            return  # a heartbeat: nothing for the others to redraw
        values = {
            "person": person[:64],
            "os_user": store.os_user[:64],
            "host": socket.gethostname()[:128],
            "period": period,
            "form": form,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "seen_epoch": _db_epoch(conn),
        }
        moved = conn.execute(update(row).where(row.c.client == client).values(**values))
        if not moved.rowcount:
            try:
                with conn.begin_nested():
                    conn.execute(row.insert().values(client=client, **values))
            except IntegrityError:  # the same client raced itself: the update wins
                conn.execute(update(row).where(row.c.client == client).values(**values))
        _remove_stale(conn)


def _remove_stale(conn: Connection) -> None:
    row = PRESENCE
    stale = row.c.seen_epoch < _db_epoch(conn) - PRESENCE_EXPIRY_S
    # (only when there is something to remove: a statement trigger would notify everyone)
    if conn.execute(select(row.c.client).where(stale).limit(1)).first() is not None:
        conn.execute(delete(row).where(stale))


def leave(store: Store, client: str) -> None:
    """The window closes: it no longer works on any form."""
    with _presence_write(store) as conn:
        conn.execute(delete(PRESENCE).where(PresenceRow.client == client))


def present(store: Store, *, period: str | None = None) -> list[Presence]:
    """Everyone whose heartbeat is recent, oldest arrival first (stale rows are left out)."""
    row = PRESENCE
    with database_errors(store.engine), store.engine.connect() as conn:
        query = select(row).where(row.c.seen_epoch >= _db_epoch(conn) - PRESENCE_EXPIRY_S)
        if period is not None:
            query = query.where(row.c.period == period)
        rows = conn.execute(query.order_by(row.c.since, row.c.client)).all()
    return [
        Presence(
            client=r.client,
            person=r.person,
            os_user=r.os_user,
            host=r.host,
            period=r.period,
            form=r.form,
            since=datetime.fromisoformat(r.since),
        )
        for r in rows
    ]


# ------------------------------------------------------------------ notifications (PostgreSQL)


class ChangeListener:
    """``LISTEN`` on its own connection in a thread; calls back from that thread.

    ``on_notify(table)`` for each notification (``audit_log`` or ``presence``), ``on_state(True)``
    when listening (again), ``on_state(False)`` when the connection is lost — it then retries
    every :data:`LISTEN_RETRY_S` until :meth:`stop`.
    """

    def __init__(
        self,
        store: Store,
        on_notify: Callable[[str], None],
        on_state: Callable[[bool], None],
    ) -> None:
        if store.engine.dialect.name != "postgresql":
            raise ValueError("notifications need PostgreSQL")
        _args, kwargs = store.engine.dialect.create_connect_args(store.engine.url)
        self._connect_kwargs = {
            **kwargs,
            "autocommit": True,
            "connect_timeout": 5,
            "application_name": "EcoDesk (listening)",
            # a pulled network cable is noticed within about half a minute
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        self._on_notify = on_notify
        self._on_state = on_state
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ecodesk-listen", daemon=True)
        self.listening = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        lost_reported = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._connect_kwargs) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    lost_reported = False
                    self._on_state(True)
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            if not self._stop.is_set():  # (the window may be gone)
                                self._on_notify(notice.payload)
            except (psycopg.Error, DBAPIError, OSError) as exc:
                self.listening.clear()
                if not lost_reported and not self._stop.is_set():
                    log.warning("listening for changes stopped: %s", exc)
                    self._on_state(False)
                    lost_reported = True
                self._stop.wait(LISTEN_RETRY_S)
        self.listening.clear()
