#!/usr/bin/env python3
"""Refresh ``resources/i18n/ecodesk_<lang>.ts`` from the sources, keeping every translation made.

    python tools/update_translations.py            # update the .ts files
    python tools/update_translations.py --release  # also compile them to .qm (build step)

Two kinds of strings are collected:
- the window's ``self.tr("…")`` calls, by ``pyside6-lupdate`` (context = class name);
- the core's ``tr("context", "…")`` calls (``ecodesk.i18n.tr``), which lupdate misreads as
  ``tr(source, comment)``, so they are found here with Python's ``ast`` module instead.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ecodesk"
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ["en"]
BIN = Path(sys.executable).parent


def _core_tr_calls() -> Iterator[tuple[Path, ast.Call]]:
    """Every ``tr(…)`` call of the core's kind (a bare name, two or more arguments)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and len(node.args) >= 2
            ):
                yield path, node


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def core_messages() -> dict[str, list[str]]:
    """``tr("context", "text", …)`` calls anywhere in the package, in source order."""
    found: dict[str, list[str]] = {}
    for _, node in _core_tr_calls():
        if _literal(node.args[0]) and _literal(node.args[1]):
            context, text = node.args[0].value, node.args[1].value  # type: ignore[attr-defined]
            texts = found.setdefault(context, [])
            if text not in texts:
                texts.append(text)
    return found


def hidden_messages() -> list[str]:
    """``tr()`` calls whose text is not a literal: this tool cannot see them, so they are never translated.

    Write the literal at the call (``{"valid": tr("verify", "有效"), …}[status]``) instead.
    """
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, node in _core_tr_calls()
        if not (_literal(node.args[0]) and _literal(node.args[1]))
    ]


def run_lupdate(ts: Path) -> None:
    sources = [str(p) for p in sorted((PACKAGE / "ui").rglob("*.py"))]
    tool = BIN / "pyside6-lupdate"
    subprocess.run(
        [
            str(tool),
            *sources,
            "-ts",
            str(ts),
            "-source-language",
            "zh_CN",
            "-target-language",
            ts.stem.split("_", 1)[1],
            "-silent",
        ],
        check=True,
    )


def merge_core(ts: Path, messages: dict[str, list[str]]) -> None:
    tree = ET.parse(ts)
    root = tree.getroot()
    contexts = {c.findtext("name"): c for c in root.findall("context")}
    # lupdate's misreading of tr("context", "text"): an unnamed context, or one named after a variable
    for bogus in ("", "parent"):
        if bogus in contexts:
            root.remove(contexts.pop(bogus))
    for name, texts in messages.items():
        context = contexts.get(name)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
            contexts[name] = context
        known = {m.findtext("source"): m for m in context.findall("message")}
        for text in texts:
            if text in known:
                translation = known[text].find("translation")
                if translation is not None and translation.get("type") == "vanished":
                    del translation.attrib["type"]
                continue
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = text
            ET.SubElement(message, "translation", type="unfinished")
    # strings no longer in the sources: lupdate marks the window's as vanished; the core's simply vanish
    for name, context in contexts.items():
        current = set(messages.get(name, []))
        for message in list(context.findall("message")):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else None
            stale = kind in ("vanished", "obsolete") or (
                name in messages and message.findtext("source") not in current
            )
            if stale:
                context.remove(message)
        if not context.findall("message"):
            root.remove(context)
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True)
    return qm


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--release", action="store_true", help="compile the .qm files too")
    args = parser.parse_args()
    messages = core_messages()
    for place in hidden_messages():
        print(
            f"warning: {place}: tr() text is not a literal, so it cannot be collected",
            file=sys.stderr,
        )
    for language in LANGUAGES:
        ts = I18N / f"ecodesk_{language}.ts"
        run_lupdate(ts)
        merge_core(ts, messages)
        print(f"updated {ts.relative_to(ROOT)}")
        if args.release:
            print(f"compiled {release(ts).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
