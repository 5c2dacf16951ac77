"""A window on a store shared with others: their saves appear within seconds, the tree shows who
works on which form, a lost server is said plainly and reconnected.

* Changes: the store's change feed (:class:`ecodesk.store.live.ChangeFeed`) is read every
  :data:`POLL_MS` — the fallback, e.g. SQLite shared by two programs — and, on PostgreSQL, at
  once when the server's notification arrives (a :class:`~ecodesk.store.live.ChangeListener`
  thread; its callbacks are Qt signals, so they are handled on the UI thread). While the
  notifications flow, the poll slows to :data:`SAFETY_POLL_MS`, a safety net only.
* Presence: a heartbeat every :data:`BEAT_MS` and whenever the clerk opens a form; removed when
  the window closes (:meth:`LiveUpdates.stop`).
* A lost server: the first failed read or save shows the banner and a status-bar message, the
  poll then retries every :data:`RETRY_MS`; the first read that succeeds hides them and sends
  what was typed meanwhile (``EditSession.resend_unsent``).
* Never on the UI thread: the reads and heartbeats go to one background thread of the window's
  (:class:`DatabaseThread`, one request at a time, in order; a poll asked for while one is
  under way is made once it is done), which hands the results back as queued signals. A slow
  or dead server (a query waiting on a lock, a connection timing out) therefore never stalls
  the window: the clerk keeps typing, and the window learns of the server when it answers.
"""

from __future__ import annotations

import copy
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QBoxLayout

from ecodesk.errors import EcoDeskError
from ecodesk.store import live
from ecodesk.ui.dialogs.conflict_dialog import conflict_resolver
from ecodesk.ui.widgets.connection_banner import ConnectionBanner

if TYPE_CHECKING:
    from ecodesk.ui.main_window import MainWindow
    from ecodesk.ui.session import EditSession

log = logging.getLogger(__name__)

POLL_MS = 2000
SAFETY_POLL_MS = 30_000
RETRY_MS = 3000
BEAT_MS = live.BEAT_INTERVAL_S * 1000
COALESCE_MS = 50  # a burst of notifications (a bulk save) is read once
STATUS_MS = 10_000
LEAVE_WAIT_S = 3.0  # closing the window waits this long at most to say it left


class DatabaseThread:
    """One background thread running the window's database requests one after another.

    A plain daemon thread: one stuck on a dead server never holds the program's exit, and
    there is no Qt object to destroy while it runs. Requests report back through signals of
    objects living on the UI thread (queued connections), see :func:`emit`."""

    def __init__(self, name: str) -> None:
        self._requests: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, request: Callable[[], None]) -> None:
        self._requests.put(request)

    def stop(self, timeout: float) -> bool:
        """Run what was submitted, then end; False when that took longer than ``timeout``."""
        self._requests.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while (request := self._requests.get()) is not None:
            try:
                request()
            except Exception:  # noqa: BLE001 — a bug in one request must not end the thread
                log.exception("database request failed")


def emit(signal: SignalInstance, *args: Any) -> None:
    """Emit from the background thread; the window may have been closed and deleted since."""
    try:
        signal.emit(*args)
    except RuntimeError:  # (its C++ object is gone: nobody is left to tell)
        log.debug("result for a closed window dropped")


class LiveUpdates(QObject):
    presenceChanged = Signal()  # noqa: N815 — see .presence
    connectionChanged = Signal(bool, str)  # noqa: N815 — reachable?, the sentence when not
    polled = Signal()  # the others' changes read and applied (no further poll pending)
    _notified = Signal(str)  # from the listener thread
    _listening = Signal(bool)
    _read = Signal(object, object, int)  # from the database thread: changes, presence, marker
    _failed = Signal(str)  # from the database thread: the server is not there (a poll)
    _beat_failed = Signal(str)  # the same, for a heartbeat (or a check, a reload)
    _checked = Signal(object, int)  # from the database thread: problems, session generation
    _reloaded = Signal(object, object, object, int)  # data, problems, attachments, generation
    othersSaved = Signal(object)  # noqa: N815 — when the newest change read was saved (datetime)

    def __init__(self, session: EditSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.feed = live.ChangeFeed(self.store)
        # the newest change this window shows (decisions on what it shows are checked against
        # it, see ecodesk.store.office.review_form)
        self.shown_upto = self.feed.marker
        self.presence: list[live.Presence] = []  # the others', this period's, fresh
        self.form: str | None = None
        self.online = True
        self.person = live.person_name(self.store)
        # this window (a window reopened in another language is another one on the same store)
        self.client = self.store.client[:16] + uuid.uuid4().hex[:16]
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.poll_now)
        self._soon = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self._soon.timeout.connect(self.poll_now)
        self._beat = QTimer(self, interval=BEAT_MS)
        self._beat.timeout.connect(self.beat_now)
        self.polling = False  # a poll is under way on the database thread
        self._poll_again = False
        self._beating = False
        self._db = DatabaseThread("ecodesk-live")
        self._read.connect(self._apply)
        self._failed.connect(self._poll_failed)
        self._beat_failed.connect(self._lost)
        self._checked.connect(self.session.set_problems)
        self._reloaded.connect(self._show_reloaded)
        session.connectionLost.connect(self._lost)
        self.banner: ConnectionBanner | None = None  # set by install_live_updates
        self.listener: live.ChangeListener | None = None
        if self.store.engine.dialect.name == "postgresql":
            self._notified.connect(self._soon.start)
            self._listening.connect(self._listening_changed)
            self.listener = live.ChangeListener(
                self.store, self._notified.emit, self._listening.emit
            )
            self.listener.start()
        self._poll.start()
        self._beat.start()

    # ------------------------------------------------------------------ reading

    def poll_now(self) -> None:
        """Read the others' changes and who is where (on the database thread); they are applied
        to the session when the answer comes (:meth:`_apply`), then :attr:`polled` is emitted."""
        if self.polling:
            self._poll_again = True  # (what is under way may have started before the news)
            return
        self.polling = True
        period = str(self.session.period) if self.session.data is not None else None
        own = self.store.client[:16]  # this program's windows
        feed, store = self.feed, self.store

        def read() -> None:
            try:
                changes = feed.poll()
                present = [
                    p for p in live.present(store, period=period) if not p.client.startswith(own)
                ]
            except EcoDeskError as exc:  # unreachable, or gone (a dropped database)
                emit(self._failed, str(exc))
                return
            emit(self._read, changes, present, feed.complete_upto)

        self._db.submit(read)

    def _apply(self, changes: list[live.Change], present: list[live.Presence], marker: int) -> None:
        self.polling = False
        self._back()
        if changes:
            changed, stale = self.session.apply_changes(changes)
            if stale:
                self.reload_now()
            elif changed:
                self.check_now()
            self.othersSaved.emit(max(c.at for c in changes))
        self.shown_upto = max(self.shown_upto, marker)
        if present != self.presence:
            self.presence = present
            self.presenceChanged.emit()
        self._next_poll()

    def _poll_failed(self, message: str) -> None:
        self.polling = False
        self._lost(message)
        self._next_poll()

    def _next_poll(self) -> None:
        if self._poll_again:
            self._poll_again = False
            self.poll_now()
        else:
            self.polled.emit()

    def check_now(self) -> None:
        """Check the submission as shown now, on the database thread (the check reads the
        attachments and the receiver's queries); shown unless something changed meanwhile."""
        from ecodesk.review.unit import problems_with_queries

        session = self.session
        if session.data is None:
            return
        session.generation += 1
        generation, data, store = session.generation, copy.deepcopy(session.data), self.store

        def check() -> None:
            try:
                problems = problems_with_queries(store, data)
            except EcoDeskError as exc:
                emit(self._beat_failed, str(exc))
                return
            emit(self._checked, problems, generation)

        self._db.submit(check)

    def reload_now(self) -> None:
        """Read the submission again as a whole (someone signed it, imported into it, …) and
        check it, on the database thread; shown when nothing changed here meanwhile."""
        from ecodesk.attachments import list_attachments
        from ecodesk.review.unit import problems_with_queries

        session = self.session
        if session.data is None:
            return
        session.generation += 1
        generation, period, store = session.generation, session.period, self.store

        def load() -> None:
            try:
                data = store.load(period)
                problems = problems_with_queries(store, data)
                attachments = list_attachments(store, period, data.revision)
            except EcoDeskError as exc:
                emit(self._beat_failed, str(exc))
                return
            emit(self._reloaded, data, problems, attachments, generation)

        self._db.submit(load)

    def _show_reloaded(
        self, data: Any, problems: list[Any], attachments: list[Any], generation: int
    ) -> None:
        session = self.session
        if session.data is None or data.period != session.period or session.unsent:
            return  # another period meanwhile; or edits wait for the server (they come first)
        if generation != session.generation:
            self.reload_now()  # something changed here meanwhile: read it again
            return
        session.load(prepared=(data, problems), attachments=attachments)

    def by_form(self) -> dict[str, list[str]]:
        """Form → the names of the others working on it now."""
        result: dict[str, list[str]] = {}
        for p in self.presence:
            if p.form and p.person not in result.get(p.form, []):
                result.setdefault(p.form, []).append(p.person)
        return result

    # ------------------------------------------------------------------ presence

    def set_form(self, form: str | None) -> None:
        self.form = form
        self.beat_now()

    def beat_now(self) -> None:
        """Say (on the database thread) which form this window is on; at most one waits."""
        if self._beating:
            return  # the one waiting reads the form when it runs
        self._beating = True

        def beat() -> None:
            self._beating = False
            period = str(self.session.period) if self.session.data is not None else None
            try:
                live.beat(
                    self.store, self.client, person=self.person, period=period, form=self.form
                )
            except EcoDeskError as exc:
                emit(self._beat_failed, str(exc))

        self._db.submit(beat)

    def stop(self) -> None:
        """The window closes: stop listening and say we left (if the server answers soon)."""
        self._poll.stop()
        self._beat.stop()
        self._soon.stop()
        if self.listener is not None:
            self.listener.stop()
        store, client = self.store, self.client

        def leave() -> None:
            try:
                live.leave(store, client)
            except EcoDeskError as exc:  # the row expires by itself
                log.info("presence not removed: %s", exc)

        self._db.submit(leave)
        if not self._db.stop(LEAVE_WAIT_S):
            log.info("the database did not answer in %s s: presence left to expire", LEAVE_WAIT_S)

    # ------------------------------------------------------------------ the connection

    def _listening_changed(self, ok: bool) -> None:
        self._poll.setInterval(SAFETY_POLL_MS if ok and self.online else self._poll.interval())
        if ok:
            self._soon.start()  # catch up on what was saved while not listening

    def _lost(self, message: str) -> None:
        if self.online:
            self.online = False
            log.warning("database server lost: %s", message)
            self.connectionChanged.emit(False, message)
        self._poll.setInterval(RETRY_MS)

    def _back(self) -> None:
        if self.online:
            return
        self.online = True
        log.info("database server back")
        listening = self.listener is not None and self.listener.listening.is_set()
        self._poll.setInterval(SAFETY_POLL_MS if listening else POLL_MS)
        self.connectionChanged.emit(True, "")
        self.session.resend_unsent()
        self.beat_now()
        self.session.schedule_recheck()


def install_live_updates(window: MainWindow) -> LiveUpdates:
    """Hook a window to its shared store: conflicts asked in a dialog, the others' saves and
    presence shown, a lost server announced (banner + status bar) and recovered."""
    session = window.session
    session.conflict_resolver = conflict_resolver(window)
    updates = LiveUpdates(session, window)
    banner = ConnectionBanner()
    holder = window.banner.parentWidget()
    layout = holder.layout() if holder is not None else None
    if isinstance(layout, QBoxLayout):  # above the form, beside the period's feedback banner
        layout.insertWidget(0, banner)
    updates.banner = banner

    def connection(ok: bool, message: str) -> None:
        if ok:
            banner.show_back()
            window.statusBar().showMessage(
                QCoreApplication.translate(
                    "MainWindow", "已重新连上数据库服务器，等待中的修改已保存。"
                ),
                STATUS_MS,
            )
        else:
            banner.show_lost(message, len(session.unsent))
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "数据库服务器连接中断，正在重试……")
            )

    updates.connectionChanged.connect(connection)
    session.unsentChanged.connect(
        lambda n: banner.show_lost(banner.toolTip(), n) if not updates.online else None
    )
    updates.othersSaved.connect(window.show_saved_at)
    updates.presenceChanged.connect(lambda: window.tree.show_presence(updates.by_form()))
    window.tree.formSelected.connect(updates.set_form)
    session.loaded.connect(updates.beat_now)
    return updates
