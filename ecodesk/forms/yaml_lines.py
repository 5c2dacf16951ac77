"""Where a value sits in a YAML file: the line a form designer opens in the editor.

pydantic reports a problem by its path (``dates.2.due``); the file's node tree, composed by
the same safe loader without building Python objects, maps that path back to a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_of(text: str, path: Sequence[Any]) -> int | None:
    """The 1-based line of the value at ``path`` in ``text`` (as deep as the path leads: a
    missing key points at its parent), ``None`` when the text is not YAML."""
    try:
        node = yaml.compose(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            child = next(
                (
                    v
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part)
                ),
                None,
            )
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def unreadable_scalar_line(text: str) -> int | None:
    """The line of the first scalar YAML's safe constructor cannot turn into a value (a date
    such as ``2027-02-30`` looks like one to the parser and fails only when built)."""
    try:
        root = yaml.compose(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return None
    constructor = yaml.constructor.SafeConstructor()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return int(node.start_mark.line) + 1
        elif isinstance(node, yaml.MappingNode):
            stack[:0] = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
    return None
