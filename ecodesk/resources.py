"""Find files under ``resources/`` the same way from a checkout, an installed wheel and a
PyInstaller bundle."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

CHECKOUT_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
INSTALLED_SUBDIR = ("share", "ecodesk", "resources")  # where the wheel's data-files put them


def installed_resources() -> Path:
    """``<prefix>/share/ecodesk/resources`` of the Python environment EcoDesk was installed into."""
    return Path(sysconfig.get_path("data")).joinpath(*INSTALLED_SUBDIR)


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    if CHECKOUT_RESOURCES.is_dir():  # a checkout, or an editable install of one
        return CHECKOUT_RESOURCES
    return installed_resources()


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("fonts", "wqy-microhei.ttc")``."""
    return resources_dir().joinpath(*parts)


def cjk_font_path() -> Path:
    """The CJK font shared by the window and the printed sheet (TrueType outlines)."""
    return resource_path("fonts", "wqy-microhei.ttc")
