"""Run the real program as of the test suite's day: ``python -m tests.as_of ARGS`` is
``python -m ecodesk ARGS`` with :mod:`ecodesk.clock` reading :data:`TEST_DAY`.

The pack's calendar makes 2026's annual report due on 2027-01-20; without a fixed day every test
that exports 2026 would start asking for a late reason on 2027-01-21. In-process tests get the
same day from ``tests/conftest.py``; tests of the calendar itself set their own days.
"""

from __future__ import annotations

from datetime import date

TEST_DAY = date(2026, 12, 3)  # the day the suite was last checked against the calendar

if __name__ == "__main__":
    from ecodesk import clock
    from ecodesk.cli import main

    clock.run_as_of(TEST_DAY)
    raise SystemExit(main())
