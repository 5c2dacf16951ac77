"""``ecodesk pack check DIR``: a designer's mistake is reported at its file and line.

Each test breaks the YAML *as text*, the way a designer's editor would, so the line the check
names can be compared with the line that was broken.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.cli import main
from ecodesk.forms.loader import FormDefinitionError, load_pack
from ecodesk.packs.bundle import build_pack_file
from tests.packs.helpers import pack_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return pack_folder(tmp_path / "pack", "2026.2")


def _replace_line(path: Path, old: str, new: list[str]) -> int:
    """Replace the first line whose stripped text is ``old`` by ``new``; its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    n = next(i for i, line in enumerate(lines) if line.strip() == old)
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
    lines[n : n + 1] = [indent + text for text in new]
    path.write_text("\n".join(lines), encoding="utf-8")
    return n + 1


def _checked(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["pack", "check", str(folder)])
    captured = capsys.readouterr()
    return code, captured.err.strip()


def _error(folder: Path) -> FormDefinitionError:
    with pytest.raises(FormDefinitionError) as info:
        load_pack(folder)
    return info.value


def test_a_clean_folder_passes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", "check", str(folder)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_bad_type_points_at_its_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the first `decimals: 0` of 1_1.yaml belongs to upgraded_firms
    line = _replace_line(folder / "1_1.yaml", "decimals: 0", ["decimals: 很多"])
    code, err = _checked(folder, capsys)
    assert code == 1
    assert err.startswith(f"{folder / '1_1.yaml'}:{line}: ")
    assert "indicators[upgraded_firms].decimals" in err


def test_unknown_field_points_at_its_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _replace_line(folder / "1_1.yaml", "unit: 亿元", ["unit: 亿元", "colour: 红色"]) + 1
    code, err = _checked(folder, capsys)
    assert code == 1
    assert err.startswith(f"{folder / '1_1.yaml'}:{line}: ")
    assert "colour" in err


def test_duplicate_key_points_at_the_second(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _replace_line(folder / "1_1.yaml", "unit: 亿元", ["unit: 亿元", "unit: 万元"])
    code, err = _checked(folder, capsys)
    assert code == 1
    assert err.startswith(f"{folder / '1_1.yaml'}:{first + 1}: ")
    assert "重复" in err and f"第 {first} 行" in err
    assert _error(folder).line == first + 1


def test_dangling_rule_reference_points_at_the_rule(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _replace_line(
        folder / "1_1.yaml", "id: year_within_cumulative", ["id: year_within_cumulative"]
    )
    _replace_line(folder / "1_1.yaml", "left: upgraded_firms_year", ["left: upgraded_firm_year"])
    code, err = _checked(folder, capsys)
    assert code == 1
    # the rule is found by its id; its item begins on the line of `- kind: compare`, one above
    assert err.startswith(f"{folder / '1_1.yaml'}:{line - 1}: ")
    assert "upgraded_firm_year" in err


def test_unknown_department_in_the_catalog(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (folder / "catalog.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "tasks:")
    n = next(i for i in range(start, len(lines)) if "lead_departments" in lines[i])
    if lines[n].rstrip().endswith(":"):  # a block list: break its first item
        lines[n + 1] = lines[n + 1].split("-")[0] + "- 市不存在局"
    else:
        lines[n] = lines[n].split(":")[0] + ": [市不存在局]"
    (folder / "catalog.yaml").write_text("\n".join(lines), encoding="utf-8")
    code, err = _checked(folder, capsys)
    assert code == 1
    assert err.startswith(f"{folder / 'catalog.yaml'}:{n + 1}: ")
    assert "市不存在局" in err


def test_yaml_syntax_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _replace_line(folder / "2_2.yaml", 'task: "2.2"', ['task: "2.2'])
    code, err = _checked(folder, capsys)
    assert code == 1
    assert err.startswith(f"{folder / '2_2.yaml'}:")
    reported = int(err.split(":")[1])
    assert reported >= line  # an unclosed quote is noticed where the scanner runs out
    assert "YAML" in err


def test_not_a_pack_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", "check", str(tmp_path)]) == 2
    assert "pack.yaml" in capsys.readouterr().err


def test_yaml_aliases_that_would_explode_are_refused(folder: Path) -> None:
    """A "billion laughs" file: ten lines that would expand to 10⁹ strings."""
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    # not named by pack.yaml, but every YAML of the folder is read (a calendar would be)
    (folder / "laughs.yaml").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="展开后过大") as info:
        build_pack_file(folder, folder.parent / "x.ecodesk-pack")
    assert info.value.file == "laughs.yaml"
    assert not (folder.parent / "x.ecodesk-pack").exists()
    (folder / "laughs.yaml").write_text("a: &a [*a]", encoding="utf-8")  # refers to itself
    with pytest.raises(FormDefinitionError, match="引用了自身"):
        load_pack(folder)


def test_an_ordinary_alias_is_fine(folder: Path) -> None:
    _replace_line(folder / "1_1.yaml", "unit: 亿元", ["unit: &u 亿元"])
    _replace_line(folder / "1_1.yaml", "help: 本年度工业技术改造完成投资。", ["help: *u"])
    assert load_pack(folder).indicator("1.1", "tech_invest").help == "亿元"
