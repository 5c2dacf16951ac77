"""Where a reporting unit's data lives: ``--data-dir``, then ``ECODESK_HOME``, then the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "ECODESK_HOME"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("EcoDesk", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use; created if missing, and private to the user (see :func:`make_private`)."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(ENV_HOME):
        path = Path(os.environ[ENV_HOME])
    else:
        path = default_data_dir()
    path = path.expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """On POSIX, take group and other permissions off ``path`` (a folder 0700, a file 0600).

    The data folder holds the unit's unpublished figures, its backups and its log; other local
    users have no business reading them. Only what this user owns is changed; on Windows the
    per-user AppData folder is private already.
    """
    if os.name != "posix":
        return
    try:
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(st.st_mode & 0o700)
    except OSError:  # a read-only medium: the program works on, the folder stays as it is
        pass
