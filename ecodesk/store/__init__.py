"""The local database: SQLAlchemy models, Alembic migrations, backups and the audit log.

``Store`` is imported lazily: the window's start-up imports this package for the exception
types without paying for SQLAlchemy until the database is actually opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecodesk.store.errors import (
    BadFieldKey,
    ChangedWhileSigning,
    RestoreRefused,
    RevisionNotSigned,
    StoreDamaged,
    StoreTooNew,
    SubmissionFrozen,
)

if TYPE_CHECKING:
    from ecodesk.store.audit import AuditEntry
    from ecodesk.store.store import Baseline, RevisionInfo, Store

__all__ = [
    "AuditEntry",
    "BadFieldKey",
    "Baseline",
    "ChangedWhileSigning",
    "RestoreRefused",
    "RevisionInfo",
    "RevisionNotSigned",
    "Store",
    "StoreDamaged",
    "StoreTooNew",
    "SubmissionFrozen",
]


def __getattr__(name: str) -> Any:
    if name in ("Store", "Baseline", "RevisionInfo"):
        from ecodesk.store import store

        return getattr(store, name)
    if name == "AuditEntry":
        from ecodesk.store.audit import AuditEntry

        return AuditEntry
    raise AttributeError(name)
