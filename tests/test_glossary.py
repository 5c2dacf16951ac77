"""One thing, one name: the terms docs/glossary.md rules out appear nowhere the user reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"


def _table_rows(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and not set("".join(cells)) <= set("-: "):
            rows.append(cells)
    return rows[1:]  # without the heading row


def glossary() -> tuple[list[str], list[str], list[str]]:
    """(banned Chinese terms, banned English terms, allowed phrases) as the glossary lists them."""
    text = GLOSSARY.read_text(encoding="utf-8")
    terms, _, allowed = text.partition("## Allowed")
    chinese, english = [], []
    for row in _table_rows(terms):
        chinese += [t.strip() for t in row[3].split(",") if t.strip()]
        english += [t.strip() for t in row[4].split(",") if t.strip()]
    return chinese, english, [row[0] for row in _table_rows(allowed)]


def checked_files() -> list[Path]:
    package = ROOT / "ecodesk"
    files = [*package.rglob("*.py"), *package.rglob("*.yaml")]
    files += sorted((ROOT / "resources" / "i18n").glob("*.ts"))
    files += [ROOT / "README.md"]
    files += [p for p in (ROOT / "docs").glob("*.md") if p != GLOSSARY]
    return sorted(files)


def offences(text: str, chinese: list[str], english: list[str], allowed: list[str]) -> list[str]:
    for phrase in allowed:
        text = text.replace(phrase, "")
    found = [t for t in chinese if t in text]
    found += [t for t in english if re.search(rf"\b{re.escape(t)}", text, re.IGNORECASE)]
    return found


def test_the_glossary_rules_out_the_synonyms_the_issue_found() -> None:
    chinese, english, allowed = glossary()
    assert {"提醒", "警告", "预警", "填写中", "签名工作簿", "公钥登记"} <= set(chinese)
    assert {"reminder", "public key registration"} <= set(english)
    assert "预警断面" in allowed


def test_no_banned_synonym_anywhere_the_user_reads() -> None:
    chinese, english, allowed = glossary()
    found = {}
    for path in checked_files():
        bad = offences(path.read_text(encoding="utf-8"), chinese, english, allowed)
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert not found, f"terms the glossary rules out (docs/glossary.md): {found}"


def test_the_check_finds_a_synonym() -> None:
    chinese, english, allowed = glossary()
    assert offences("请接受此警告", chinese, english, allowed) == ["警告"]
    assert offences("A Reminder", chinese, english, allowed) == ["reminder"]
    assert offences("化工园区预警断面", chinese, english, allowed) == []
