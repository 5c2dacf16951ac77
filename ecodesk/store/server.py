"""What a PostgreSQL server's refusal means, as a sentence for the person at the desk.

psycopg reports a failed connection as one ``OperationalError``; the server's SQLSTATE says
which refusal it was (wrong password, no such database), and a missing one means the server
was never reached. Matching the English text is the fallback for servers that answer before
the state is known (e.g. a password requested but none given).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from ecodesk.store.engine import display_url, is_postgresql
from ecodesk.store.errors import (
    DatabaseLoginFailed,
    DatabaseMissing,
    DatabaseNoPermission,
    DatabaseServerError,
    DatabaseUnreachable,
    StoreBusy,
)

log = logging.getLogger(__name__)

LOGIN_STATES = {"28P01", "28000"}  # invalid_password, invalid_authorization_specification
MISSING_DATABASE_STATE = "3D000"  # invalid_catalog_name
NO_PERMISSION_STATE = "42501"  # insufficient_privilege
LOCK_NOT_AVAILABLE_STATE = "55P03"  # lock_not_available (lock_timeout)
# The server's own words (English, and the zh_CN translation a Chinese server may use).
LOGIN_PATTERNS = (
    re.compile(r"password authentication failed|no password supplied|Password 认证失败"),
    re.compile(r"role \"[^\"]*\" does not exist|角色 \"[^\"]*\" 不存在"),
)
MISSING_DATABASE_PATTERN = re.compile(
    r"database \"[^\"]*\" does not exist|数据库 \"[^\"]*\" 不存在"
)


def explain(url: str, error: BaseException) -> DatabaseServerError:
    """The error to show for ``error`` raised while connecting to the server at ``url``."""
    original = getattr(error, "orig", None) or error
    state = getattr(original, "sqlstate", None)
    text = str(original)
    address = display_url(url)
    if state == NO_PERMISSION_STATE:
        return DatabaseNoPermission(address)
    if state in LOGIN_STATES or any(p.search(text) for p in LOGIN_PATTERNS):
        return DatabaseLoginFailed(address)
    if state == MISSING_DATABASE_STATE or MISSING_DATABASE_PATTERN.search(text):
        return DatabaseMissing(address)
    return DatabaseUnreachable(address, text)


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Turn a PostgreSQL connection failure inside the block into a :class:`DatabaseServerError`."""
    if not is_postgresql(url):
        yield
        return
    try:
        yield
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if (
            not exc.connection_invalidated
            and not _is_connection_error(exc)
            and state != NO_PERMISSION_STATE
        ):
            raise
        log.warning("database server %s: %s", display_url(url), exc.orig)
        raise explain(url, exc) from None


def _is_connection_error(exc: DBAPIError) -> bool:
    from psycopg import OperationalError

    return isinstance(exc.orig, OperationalError)


def _is_busy(exc: OperationalError) -> bool:
    """A writer waited out the lock timeout (SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE_STATE:
        return True
    return "database is locked" in str(exc.orig)


@contextmanager
def database_errors(engine: Engine) -> Iterator[None]:
    """Around every read and write of the store: a writer that waited too long for the others,
    and (on a server) a connection that is gone, become sentences; nothing was saved."""
    try:
        yield
    except OperationalError as exc:
        if _is_busy(exc):
            log.warning("store busy: %s", exc.orig)
            raise StoreBusy() from None
        if engine.dialect.name == "postgresql" and (
            exc.connection_invalidated or _is_connection_error(exc)
        ):
            url = engine.url.render_as_string(hide_password=False)
            log.warning("database server %s: %s", display_url(url), exc.orig)
            raise explain(url, exc) from None
        raise
