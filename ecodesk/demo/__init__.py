"""Demo data: a realistic data folder for any county, generated from the form pack.

Not a use case of the program but a way to see it working: ``ecodesk --data-dir DIR demo
[--county CODE]`` fills a fresh data folder (two signed years and a draft ready to sign), and
the tests, benchmarks and screenshots use the same plausible submissions.
"""

from __future__ import annotations

from ecodesk.demo.sample import (
    DEFAULT_DEMO_COUNTY,
    DemoResult,
    division_department,
    explanation_for,
    fill_demo,
    sample_profile,
    sample_submission,
)

__all__ = [
    "DEFAULT_DEMO_COUNTY",
    "DemoResult",
    "division_department",
    "explanation_for",
    "fill_demo",
    "sample_profile",
    "sample_submission",
]
