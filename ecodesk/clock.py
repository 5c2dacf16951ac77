"""The program's one reading of the calendar: what day it is for due dates, the time an export
is signed at, and the year a new store starts in.

Everything that decides "is this late?" asks :func:`now`, so a whole test suite can be run as of a
fixed day (``tests/clock.py``) and does not start failing when the real calendar passes a due
date. For the program the shift is always zero: it reads the computer's clock, as a clerk expects.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

_shift = timedelta(0)


def now() -> datetime:
    """The local time, aware of its offset, to the second."""
    return (datetime.now().astimezone() + _shift).replace(microsecond=0)


def today() -> date:
    return now().date()


def run_as_of(day: date | None) -> None:
    """Let the calendar read ``day`` from now on (the time of day keeps running; ``None``: the
    computer's clock again). For tests in one process; never set from a file, a setting or the
    environment."""
    global _shift
    real = datetime.now().astimezone()
    _shift = timedelta(0) if day is None else datetime.combine(day, real.time(), real.tzinfo) - real
