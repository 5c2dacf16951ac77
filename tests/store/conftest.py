"""Fixtures of the store tests: an open store in a temporary data folder, on each engine.

Every test here runs twice, on SQLite and on a real PostgreSQL server (a fresh database per
test, named by ``ECODESK_DATABASE_URL`` as an office's IT person would configure it), unless it
is marked ``sqlite_only`` because it is about the SQLite file itself, or ``postgresql_only``
because it is about the server (its settings, its refusals, copying to and from it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecodesk.store import Store
from ecodesk.store.engine import ENV_DATABASE_URL
from ecodesk.submission import Period, UnitProfile

ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_engine" in metafunc.fixturenames:
        engines = ENGINES
        if _marked(metafunc, "sqlite_only"):
            engines = ("sqlite",)
        elif _marked(metafunc, "postgresql_only"):
            engines = ("postgresql",)
        metafunc.parametrize("store_engine", engines, indirect=True)


def _marked(metafunc: pytest.Metafunc, name: str) -> bool:
    """The test or its module (``pytestmark``, not yet applied while tests are generated)."""
    module_marks = getattr(metafunc.module, "pytestmark", [])
    if not isinstance(module_marks, list):
        module_marks = [module_marks]
    return metafunc.definition.get_closest_marker(name) is not None or any(
        mark.name == name for mark in module_marks
    )


@pytest.fixture(autouse=True)
def store_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``sqlite`` or ``postgresql``: the engine behind every ``Store.open`` of the test."""
    engine = getattr(request, "param", "sqlite")
    if engine != "postgresql":
        yield engine
        return
    server = request.getfixturevalue("postgresql_server")
    name = server.new_database(migrated=request.node.get_closest_marker("empty_database") is None)
    monkeypatch.setenv(ENV_DATABASE_URL, server.url(name))
    try:
        yield engine
    finally:
        server.drop_database(name)


@pytest.fixture
def store(data_dir: Path, pack) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    with Store.open(data_dir, pack=pack) as opened:
        yield opened


@pytest.fixture
def profile() -> UnitProfile:
    return UnitProfile(
        division_code="360730",
        division_name="宁都县",
        department="生态文明建设领导小组办公室",
        preparer="刘志明",
        reviewer="陈丽萍",
        phone="0797-6821234",
        head="黄建华",
    )


@pytest.fixture
def period() -> Period:
    return Period(2026)
