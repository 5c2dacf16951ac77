"""One translation mechanism for the whole program: Qt Linguist.

The core (no Qt) writes its user-visible sentences in Chinese through :func:`tr`, with a
context name, exactly like ``QCoreApplication.translate(context, text)``. ``pyside6-lupdate``
misreads ``tr(context, text)`` as ``tr(source, comment)``, so ``tools/update_translations.py``
collects these calls with Python's ``ast`` module into the same ``.ts`` files (the window's
``self.tr`` strings come from lupdate). The window installs Qt's translator
with :func:`install_translator`, so the same ``.ts``/``.qm`` files translate core messages
and widgets alike. Without a translator (command line, tests) the Chinese source is used.

Write the text as a literal at the call: ``tr("verify", STATUS[s])`` hides it from the tool, so it
would stay Chinese (``{"valid": tr("verify", "有效"), …}[s]`` does not). Two contexts are official
Chinese documents whatever the window's language, and stay untranslated in the ``.ts``: ``report``
(the printed submission and key registration sheets) and ``workbook-sheet`` (the signed workbook's
visible sheets); their messages to the user live in other contexts (``printing``, ``workbook``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Translator = Callable[[str, str], str]


def _identity(context: str, text: str) -> str:
    return text


_translator: Translator = _identity


def install_translator(translator: Translator | None) -> None:
    """Route :func:`tr` through ``translator`` (``None`` restores the Chinese source)."""
    global _translator
    _translator = translator or _identity


def tr(context: str, text: str, /, **params: Any) -> str:
    """Translate ``text`` in ``context`` and fill ``{named}`` placeholders."""
    translated = _translator(context, text)
    return translated.format(**params) if params else translated


@contextmanager
def source_language() -> Iterator[None]:
    """Within the block :func:`tr` gives the Chinese source, whatever the window's language:
    for text that goes into the official documents (an accepted warning's message)."""
    global _translator
    saved, _translator = _translator, _identity
    try:
        yield
    finally:
        _translator = saved
