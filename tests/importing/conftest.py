"""Fixtures shared by the import tests: a blank template made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def blank_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecodesk.forms.loader import bundled_pack
    from ecodesk.importing.template import write_baseline_template

    return write_baseline_template(
        bundled_pack(), tmp_path_factory.mktemp("tpl") / "基数表.xlsx", year=2025
    )
