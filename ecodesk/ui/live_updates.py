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
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QBoxLayout

from ecodesk.store import live
from ecodesk.store.errors import DatabaseUnreachable
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


class LiveUpdates(QObject):
    presenceChanged = Signal()  # noqa: N815 — see .presence
    connectionChanged = Signal(bool, str)  # noqa: N815 — reachable?, the sentence when not
    _notified = Signal(str)  # from the listener thread
    _listening = Signal(bool)

    def __init__(self, session: EditSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.feed = live.ChangeFeed(self.store)
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
        """Read the others' changes and who is where; apply them to the session."""
        try:
            changes = self.feed.poll()
            period = str(self.session.period) if self.session.data is not None else None
            present = [
                p
                for p in live.present(self.store, period=period)
                if not p.client.startswith(self.store.client[:16])  # this program's windows
            ]
        except DatabaseUnreachable as exc:
            self._lost(str(exc))
            return
        self._back()
        if changes:
            self.session.apply_changes(changes)
        if present != self.presence:
            self.presence = present
            self.presenceChanged.emit()

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
        period = str(self.session.period) if self.session.data is not None else None
        try:
            live.beat(self.store, self.client, person=self.person, period=period, form=self.form)
        except DatabaseUnreachable as exc:
            self._lost(str(exc))

    def stop(self) -> None:
        """The window closes: stop listening and say we left (if the server is there)."""
        self._poll.stop()
        self._beat.stop()
        self._soon.stop()
        if self.listener is not None:
            self.listener.stop()
        try:
            live.leave(self.store, self.client)
        except DatabaseUnreachable as exc:  # the row expires by itself
            log.info("presence not removed: %s", exc)

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
    updates.presenceChanged.connect(lambda: window.tree.show_presence(updates.by_form()))
    window.tree.formSelected.connect(updates.set_form)
    session.loaded.connect(updates.beat_now)
    return updates
