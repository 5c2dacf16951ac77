"""Shared fixtures: every test works in a temporary data folder, never the user's real one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.postgresql import PostgresServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Key derivation: the real key format everywhere, but scrypt at a cheap cost, because hundreds of
# derivations are not what most tests are about. A test that is about the cost itself asks for it
# with ``@pytest.mark.real_kdf_cost``. Child processes (command-line tests) keep the real cost.
CHEAP_SCRYPT_N = 2**10


def pytest_configure(config: pytest.Config) -> None:
    from ecodesk.signing import keys
    from ecodesk.store import people

    config.addinivalue_line(
        "markers", "real_kdf_cost: derive passphrase keys at the program's real scrypt cost"
    )
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): a store test about the SQLite file itself (not run on PostgreSQL)",
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): a store test about the PostgreSQL server (run once)"
    )
    config.addinivalue_line(
        "markers", "empty_database: on PostgreSQL, start from an empty database (not migrated)"
    )
    config.stash[_PRODUCTION_SCRYPT_N] = keys.SCRYPT_N
    keys.SCRYPT_N = CHEAP_SCRYPT_N
    # the same for the people's passwords (ecodesk.store.people): the hash keeps its own cost
    config.stash[_PRODUCTION_PASSWORD_N] = people.SCRYPT_N
    people.SCRYPT_N = CHEAP_SCRYPT_N


_PRODUCTION_SCRYPT_N = pytest.StashKey[int]()
_PRODUCTION_PASSWORD_N = pytest.StashKey[int]()


@pytest.fixture(autouse=True)
def _kdf_cost(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_kdf_cost"):
        from ecodesk.signing import keys
        from ecodesk.store import people

        monkeypatch.setattr(keys, "SCRYPT_N", request.config.stash[_PRODUCTION_SCRYPT_N])
        monkeypatch.setattr(people, "SCRYPT_N", request.config.stash[_PRODUCTION_PASSWORD_N])


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ECODESK_HOME points at a fresh folder so nothing can touch the real data folder."""
    monkeypatch.setenv("ECODESK_HOME", str(tmp_path_factory.mktemp("ecodesk-home")))
    monkeypatch.delenv("ECODESK_PASSPHRASE", raising=False)
    monkeypatch.delenv("ECODESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("ECODESK_PASSWORD", raising=False)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole test session (see ``tests/postgresql.py``).

    Fails, never skips, when PostgreSQL is not installed: ``python3 dev.py test`` installs it.
    """
    from tests.postgresql import PostgresMissing, PostgresServer

    try:
        server = PostgresServer()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
        server.prepare_migrated_template()
        yield server
    finally:
        server.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def pack():  # type: ignore[no-untyped-def]
    from ecodesk.forms.loader import bundled_pack

    return bundled_pack()


@pytest.fixture(autouse=True)
def _as_of_the_suites_day() -> Iterator[None]:
    """Every test runs as of :data:`tests.as_of.TEST_DAY` (the calendar's due dates would
    otherwise change the outcome of an export with the real date); tests of the calendar set
    their own day through the session's clock or an explicit ``now``."""
    from ecodesk import clock
    from tests.as_of import TEST_DAY

    clock.run_as_of(TEST_DAY)
    yield
    clock.run_as_of(None)
