"""The program's log: a rotating file in the data folder, for the window and the command line alike.

Library code logs through ``logging.getLogger(__name__)``; nothing English reaches the clerk's
screen or terminal. The file is what a clerk sends to the help desk.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_FILE_NAME = "ecodesk.log"


def log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_FILE_NAME


def setup_file_logging(data_dir: Path) -> Path:
    """Send the program's log to ``<data>/logs/ecodesk.log`` (rotating); returns its path."""
    from ecodesk.paths import make_private

    path = log_file(data_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    make_private(path)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path
