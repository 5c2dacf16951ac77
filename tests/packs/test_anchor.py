"""The anchor the program ships is the one the README prints for clerks to compare."""

from __future__ import annotations

import re
from pathlib import Path

from ecodesk.packs.trust import shipped_anchor
from ecodesk.signing.keys import group_fingerprint

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_prints_the_shipped_anchor_fingerprint() -> None:
    text = README.read_text(encoding="utf-8")
    printed = re.findall(r"^ {4}((?:[0-9A-F]{4} ){15}[0-9A-F]{4})$", text, re.MULTILINE)
    assert printed == [group_fingerprint(shipped_anchor().fingerprint)]
