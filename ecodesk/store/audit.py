"""What the audit log says about one change, as plain data for the window and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who (OS user, the profile's preparer and, when people are on, the
    signed-in person), when (UTC), what, old → new."""

    at: datetime
    os_user: str
    preparer: str
    action: str  # set_value, set_narrative, set_table, accept_warning, withdraw_warning, sign, ...
    period: str | None
    revision: int | None
    form: str | None
    field: str | None
    old: str | None
    new: str | None
    person: str = ""  # the signed-in person (ecodesk.store.people); "" while people are off
