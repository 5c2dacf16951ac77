"""Names inside a package come from the signed records and are safe on every file system."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.attachments.package import FOLDER, member_names, safe_component
from ecodesk.submission import AttachedFile


def _file(n: int, name: str, label: str = "1.1 推动传统产业改造升级") -> AttachedFile:
    return AttachedFile(n, "1.1", label, name, "pdf", 10, "0" * 64, "说明")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1 指标 - 报告.pdf", "1.1 指标 - 报告.pdf"),
        ("../../etc/passwd", ".._.._etc_passwd"),
        ("C:\\Windows\\x.pdf", "C__Windows_x.pdf"),
        ("a\x00b\x1fc.pdf", "a_b_c.pdf"),
        ("报告.pdf. . ", "报告.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("..", "_"),
        ("", "_"),
        ('问"号?*<>|.pdf', "问_号_____.pdf"),
    ],
)
def test_safe_component(text: str, expected: str) -> None:
    assert safe_component(text) == expected
    assert "/" not in safe_component(text) and "\\" not in safe_component(text)


def test_a_long_name_keeps_its_extension() -> None:
    name = safe_component("验" * 400 + ".docx")
    assert len(name) <= 150 and name.endswith(".docx")


def test_member_names_are_unique_ignoring_case_and_stay_in_the_folder(tmp_path: Path) -> None:
    files = [
        _file(1, "报告.pdf"),
        _file(2, "报告.PDF"),
        _file(3, "报告.pdf"),
        _file(4, "../../evil.pdf", label="../.."),
    ]
    names = member_names(files)
    assert names[:3] == [
        f"{FOLDER}/1.1 推动传统产业改造升级 - 报告.pdf",
        f"{FOLDER}/1.1 推动传统产业改造升级 - 报告 (2).PDF",
        f"{FOLDER}/1.1 推动传统产业改造升级 - 报告 (3).pdf",
    ]
    assert len({n.casefold() for n in names}) == 4
    for name in names:
        folder, _, leaf = name.partition("/")
        assert folder == FOLDER and "/" not in leaf and leaf not in (".", "..")
        assert (tmp_path / leaf).resolve().parent == tmp_path.resolve()
