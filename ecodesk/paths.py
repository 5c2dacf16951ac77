"""Where a reporting unit's data lives: ``--data-dir``, then ``ECODESK_HOME``, then the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "ECODESK_HOME"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("EcoDesk", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use; created if missing."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        path = default_data_dir()
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
