"""Things the user should know although the work goes on (a skipped backup on a full disk …).

The core calls :func:`notify` with a Chinese sentence; whoever shows things to the user (the
command line prints to stderr, the window shows a message) listens with :func:`listening`.
Each notice is also logged. Nothing here imports Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

Listener = Callable[[str], None]
_listeners: list[Listener] = []


def notify(message: str) -> None:
    """Tell the user ``message`` (Chinese, already translated) through every listener."""
    log.warning("notice: %s", message)
    for listener in list(_listeners):
        listener(message)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Within the block, ``listener`` receives every notice."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
