"""Shared fixtures: every test works in a temporary data folder, never the user's real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ECODESK_HOME points at a fresh folder so nothing can touch the real data folder."""
    monkeypatch.setenv("ECODESK_HOME", str(tmp_path_factory.mktemp("ecodesk-home")))
    monkeypatch.delenv("ECODESK_PASSPHRASE", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def pack():  # type: ignore[no-untyped-def]
    from ecodesk.forms.loader import bundled_pack

    return bundled_pack()
