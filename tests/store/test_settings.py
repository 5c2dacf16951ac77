"""Settings are declared once (ecodesk/store/settings.py) and read only through the declarations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecodesk.store import settings
from ecodesk.submission import Period

ECODESK = Path(__file__).resolve().parents[2] / "ecodesk"


def test_names_are_unique_and_families_do_not_shadow_settings() -> None:
    names = [s.name for s in settings.ALL if isinstance(s, settings.Setting)]
    prefixes = [f.prefix for f in settings.ALL if isinstance(f, settings.SettingFamily)]
    assert len(set(names)) == len(names)
    assert not any(name.startswith(prefix) for name in names for prefix in prefixes)
    assert all(s.description for s in settings.ALL)


def test_a_family_member_is_found_again_by_its_stored_name() -> None:
    member = settings.PLAN_REFERENCE.of(Period(2026), "1.1")
    assert member.name == "plan_reference:2026:1.1"
    assert settings.declared(member.name) == member
    assert settings.declared("language") is settings.LANGUAGE
    with pytest.raises(KeyError):
        settings.declared("no-such-setting")


def test_no_module_spells_a_setting_name() -> None:
    """settings_get/settings_set take a declaration, never a string literal."""
    spelt = [
        f"{path.relative_to(ECODESK.parent)}:{n}"
        for path in ECODESK.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"settings_(get|set)\(\s*[\"']", line)
    ]
    assert spelt == []
