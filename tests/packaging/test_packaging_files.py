"""The packaging files agree with the program: versions, icons, what the bundle must carry.

Building the bundle itself takes minutes and needs PyInstaller: `python packaging/build.py`
builds it and runs the built programs (see README, 安装包 Packaging).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ecodesk import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def test_one_version_everywhere() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
    iss = (PACKAGING / "ecodesk.iss").read_text(encoding="utf-8-sig")
    assert re.search(r'#define AppVersion "([^"]+)"', iss).group(1) == __version__


def test_installer_is_per_user_and_its_files_exist() -> None:
    iss = (PACKAGING / "ecodesk.iss").read_text(encoding="utf-8-sig")
    assert "PrivilegesRequired=lowest" in iss
    assert "DefaultDirName={userpf}" in iss
    icon = re.search(r"SetupIconFile=(.+)", iss).group(1).strip().replace("\\", "/")
    assert (PACKAGING / icon).resolve().is_file()
    app_id = re.search(r"AppId=\{\{([^}]+)\}", iss).group(1)
    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", app_id)


def test_icons_are_real_images() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "ecodesk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ico = (icons / "ecodesk.ico").read_bytes()
    assert (
        ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 5
    )  # several sizes


def test_spec_carries_what_is_loaded_at_run_time() -> None:
    spec = (PACKAGING / "ecodesk.spec").read_text(encoding="utf-8")
    for needed in (
        'resources" / "fonts',
        'resources" / "i18n',
        'resources" / "icons',
        "migrations",
        "*.yaml",
        'collect_submodules("ecodesk")',
        "reportlab.graphics.barcode",
        "pypdfium2_raw",
        # Qt's own Chinese (确定/取消/是/否, file and print dialogs), where the window looks
        '"qtbase_zh_CN.qm"), "resources/i18n/qt")',
    ):
        assert needed in spec, needed
    for entry in ("entry_gui.py", "entry_cli.py", "version_info.txt.in"):
        assert (PACKAGING / entry).is_file()


def test_resources_are_found_in_a_checkout_a_wheel_install_and_a_bundle(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import sys
    import sysconfig

    from ecodesk import resources

    assert resources.resources_dir() == ROOT / "resources"  # this checkout
    assert resources.cjk_font_path().is_file()

    prefix = tmp_path / "venv"
    monkeypatch.setattr(resources, "CHECKOUT_RESOURCES", tmp_path / "no-checkout" / "resources")
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(prefix) if name == "data" else "")
    assert resources.resources_dir() == prefix / "share" / "ecodesk" / "resources"

    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert resources.resources_dir() == tmp_path / "bundle" / "resources"


def test_the_wheel_carries_every_resource_file() -> None:
    """pyproject's data-files list names each file of resources/ the program reads."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = {f for files in pyproject["tool"]["setuptools"]["data-files"].values() for f in files}
    tracked = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and p.suffix in {".ttc", ".txt", ".ts", ".svg", ".png", ".ico"}
    }
    assert tracked <= shipped, sorted(tracked - shipped)
