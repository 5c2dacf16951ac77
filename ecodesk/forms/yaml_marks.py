"""Where a thing is in a YAML file: line numbers from the parser's node marks.

A form designer edits the pack's YAML in a text editor; a message "第 12 行" takes them to the
mistake, a message "indicators[tech_invest].unit" makes them search. The loader composes each
file into nodes (which carry their start marks) before building plain data from them, so every
refusal can name the line: a pydantic error's location, or a cross-check's readable location
such as ``rules[year_within_cumulative].table``, is walked down the node tree here.

Duplicate keys are found on the nodes as well: PyYAML's safe loader silently keeps the last of
two equal keys, so a designer's pasted-twice ``target:`` would quietly win over the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

_TOKEN_RE = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    line: int  # 1-based, of the second occurrence
    first_line: int


def duplicate_keys(node: yaml.Node) -> Iterator[DuplicateKey]:
    """Every key that appears twice in one mapping, anywhere under ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        yield DuplicateKey(key.value, line, seen[key.value])
                    else:
                        seen[key.value] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def expanded_size(node: yaml.Node, limit: int) -> int | None:
    """How many nodes the document has once every alias is expanded, or ``None`` when that is
    more than ``limit`` or an alias refers to its own ancestor (a cycle).

    Aliases (``&name`` … ``*name``) are ordinary YAML, and a tool that writes YAML may emit them;
    but they are also how a small file becomes an exponentially large document ("billion
    laughs"). Counted on the composed nodes, with each shared node measured once, this costs no
    more than the file itself.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # started and not finished: the ancestors of the current node
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, finished = stack.pop()
        key = id(current)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(current))
            if sizes[key] > limit:
                return None
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            return None
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((c, False) for c in _children(current) if id(c) not in sizes)
    return sizes[id(node)]


def _item_named(seq: yaml.SequenceNode, name: str) -> yaml.Node | None:
    """The item of a list of mappings whose ``code`` (or ``id``) is ``name``, or the n-th item."""
    for item in seq.value:
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in ("code", "id")
                    and isinstance(value, yaml.ScalarNode)
                    and value.value == name
                ):
                    return item
    if name.isdigit() and int(name) < len(seq.value):
        return seq.value[int(name)]
    return None


def line_of(root: yaml.Node | None, location: str) -> int | None:
    """The 1-based line of ``location`` (``indicators[tech_invest].target.comparator``) in the
    file whose root node is ``root``; as deep as the path can be followed, ``None`` without a root.

    A mapping step lands on the key's line (an unknown or misspelt key is reported where it is
    written); a list step on the item found by its ``code``/``id``, or its position.
    """
    if root is None:
        return None
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for bracketed, plain in _TOKEN_RE.findall(location):
        token = bracketed or plain
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == token:
                    found, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode):
            found = _item_named(node, token)
            if found is not None:
                line = found.start_mark.line + 1
        if found is None:
            break
        node = found
    return line


def unreadable_scalar_line(root: yaml.Node) -> int | None:
    """The 1-based line of the first scalar under ``root`` that YAML's safe constructor cannot
    turn into a value (a date such as ``2027-02-30`` looks like one to the parser and fails only
    when built)."""
    constructor = yaml.constructor.SafeConstructor()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return int(node.start_mark.line) + 1
        else:
            stack[:0] = _children(node)
    return None


def line_of_path(root: yaml.Node | None, path: Sequence[object]) -> int | None:
    """The 1-based line of the value at ``path`` (keys and list positions, as pydantic reports
    them) in the file whose root node is ``root``: a key's own line, as deep as the path leads."""
    if root is None:
        return None
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for part in path:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    found, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                found = node.value[part]
                line = found.start_mark.line + 1
        if found is None:
            break
        node = found
    return line
