"""LibreOffice as a second, independent reader in tests, the same on every machine.

What LibreOffice prints depends on the fonts fontconfig finds: a machine with some CJK font
installed renders Chinese, a bare Debian machine prints garbage and the text read back from the
PDF is wrong. So every conversion runs with a fontconfig file of its own that adds the font
EcoDesk bundles (``resources/fonts``) and maps the fonts the workbooks name to it, and with a
profile folder of its own (parallel conversions must not share one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ecodesk.resources import cjk_font_path

# The families EcoDesk's workbooks and templates ask for, and what Excel/WPS users have.
_CJK_FAMILIES = (
    "宋体",
    "SimSun",
    "微软雅黑",
    "Microsoft YaHei",
    "等线",
    "DengXian",
    "黑体",
    "SimHei",
)


def fontconfig_file(folder: Path) -> Path:
    """A fonts.conf that adds the bundled CJK font and makes it the answer for CJK families."""
    folder.mkdir(parents=True, exist_ok=True)
    cache = folder / "fc-cache"
    cache.mkdir(exist_ok=True)
    aliases = "\n".join(
        f"  <alias binding='same'><family>{family}</family>"
        "<prefer><family>WenQuanYi Micro Hei</family></prefer></alias>"
        for family in _CJK_FAMILIES
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
        "  <include ignore_missing='yes'>/etc/fonts/fonts.conf</include>\n"
        f"  <dir>{cjk_font_path().parent}</dir>\n"
        f"  <cachedir>{cache}</cachedir>\n"
        f"{aliases}\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def require_libreoffice() -> str:
    """The LibreOffice program, or skip the test where it is not installed (dev.py installs it)."""
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if program is None:
        pytest.skip("LibreOffice is not installed")
    return program


def convert(src: Path, fmt: str, out_dir: Path, timeout: float = 180) -> Path:
    """Convert ``src`` to ``fmt`` (``pdf``, ``xlsx``) into ``out_dir``; the converted file's path."""
    program = require_libreoffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / ".libreoffice"
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work)))
    done = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(src),
        ],
        capture_output=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    converted = out_dir / f"{src.stem}.{fmt}"
    assert done.returncode == 0 and converted.exists(), done.stderr.decode(errors="replace")
    return converted
