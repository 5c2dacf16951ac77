"""Keep the newest revision per unit and period: a correction supersedes what it corrects."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def newest_revisions(
    items: Sequence[T],
    *,
    key: Callable[[T], Hashable],
    revision: Callable[[T], int],
) -> tuple[list[T], list[T], list[T]]:
    """Split ``items`` into (kept, superseded, duplicates).

    ``key`` names unit and period; of each key the item with the highest revision is kept, in
    the order items came. A second item with the same key and revision is a duplicate (the same
    file sent twice, or a copy): the first one seen is kept.
    """
    best: dict[Hashable, T] = {}
    duplicates: list[T] = []
    for item in items:
        k = key(item)
        current = best.get(k)
        if current is None or revision(item) > revision(current):
            best[k] = item
        elif revision(item) == revision(current):
            duplicates.append(item)
    kept_ids = {id(item) for item in best.values()}
    dup_ids = {id(item) for item in duplicates}
    kept = [item for item in items if id(item) in kept_ids]
    superseded = [item for item in items if id(item) not in kept_ids and id(item) not in dup_ids]
    # a duplicate of a revision that was later superseded is superseded, not a duplicate
    still_dup = [d for d in duplicates if revision(d) == revision(best[key(d)])]
    superseded += [d for d in duplicates if revision(d) != revision(best[key(d)])]
    return kept, superseded, still_dup
