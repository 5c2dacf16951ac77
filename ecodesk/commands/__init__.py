"""Sub-commands of ``ecodesk``: one module each, with ``register(subparsers)``.

A module here defines ``register(subparsers) -> None`` that adds its parser and sets
``func=<callable(args) -> int>`` as the parser default. :mod:`ecodesk.cli` finds the modules
itself, so a feature adds its command without touching a shared list; modules whose name starts
with ``_`` hold what several commands share (:mod:`._arguments`). No Qt here.
"""
