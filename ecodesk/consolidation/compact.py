"""A received submission as a consolidation keeps it in memory: small, read-only, the same API.

A city consolidates hundreds to thousands of received workbooks, and every one of them stays in
the program while the window shows the summary (the review, the comparison of revisions and the
adoption read a unit's full data again). A full county submission as plain
:class:`~ecodesk.submission.SubmissionData` is about 340 KB of Python objects, four fifths of
it the rows of its tables (a dict of strings per row) and its narrative sections; 1,800 of them
would be more memory than the machine should give. :class:`ReceivedSubmission` keeps those two
parts as one compressed JSON blob each (made once, in the worker that verified the file) and
decodes them only when something reads them, keeping the last few decoded (a consolidation reads
one unit's data at a time); the figures (``values``) stay a plain dict whose keys are interned,
so 1,800 submissions share one copy of each key. What the completeness matrix asks of every
submission (which forms hold anything) is computed before compressing.

Received data are read-only: a submission to edit is the store's, never one of these.
"""

from __future__ import annotations

import json
import sys
import threading
import zlib
from collections import OrderedDict
from dataclasses import fields
from typing import Any

from ecodesk.submission import SubmissionData, TableRow

_RECENT = 8  # decoded parts kept (a consolidation reads one unit's parts at a time)
_recent: OrderedDict[bytes, Any] = OrderedDict()
_recent_lock = threading.Lock()


def _encode(value: object) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)


def _decode(blob: bytes) -> Any:
    with _recent_lock:  # the window reads received data from its worker thread as well
        found = _recent.get(blob)
        if found is not None:
            _recent.move_to_end(blob)
            return found
    value = json.loads(zlib.decompress(blob))
    with _recent_lock:
        _recent[blob] = value
        while len(_recent) > _RECENT:
            _recent.popitem(last=False)
    return value


def _interned(mapping: dict[str, str]) -> dict[str, str]:
    return {sys.intern(k): v for k, v in mapping.items()}


class ReceivedSubmission(SubmissionData):
    """:class:`SubmissionData` with its tables and narratives compressed (see the module)."""

    _tables_blob: bytes
    _narratives_blob: bytes
    _filled: frozenset[str] | None

    @property  # type: ignore[override]
    def tables(self) -> dict[str, list[TableRow]]:
        decoded: dict[str, list[TableRow]] = _decode(self._tables_blob)
        return decoded

    @tables.setter
    def tables(self, value: dict[str, list[TableRow]]) -> None:
        self._tables_blob = _encode(value)
        self._filled = None  # worked out again when asked

    @property  # type: ignore[override]
    def narratives(self) -> dict[str, str]:
        decoded: dict[str, str] = _decode(self._narratives_blob)
        return decoded

    @narratives.setter
    def narratives(self, value: dict[str, str]) -> None:
        self._narratives_blob = _encode(value)

    @classmethod
    def of(cls, data: SubmissionData) -> ReceivedSubmission:
        """The compact copy of ``data`` (``data`` itself when it is one already)."""
        if isinstance(data, ReceivedSubmission):
            return data
        compact = cls(**{f.name: getattr(data, f.name) for f in fields(SubmissionData)})
        compact.values = _interned(compact.values)
        compact.previous = _interned(compact.previous)
        compact._filled = frozenset(f for f in data.forms if data.has_content(f))
        return compact

    @classmethod
    def from_parts(
        cls,
        *,
        tables_blob: bytes,
        narratives_blob: bytes,
        filled: list[str],
        **data: Any,
    ) -> ReceivedSubmission:
        """Made again from :meth:`blobs` and the other fields (the verification cache)."""
        compact = cls(**data)
        compact.values = _interned(compact.values)
        compact.previous = _interned(compact.previous)
        compact._tables_blob, compact._narratives_blob = tables_blob, narratives_blob
        compact._filled = frozenset(filled)
        return compact

    def blobs(self) -> tuple[bytes, bytes]:
        """The compressed tables and narratives (JSON), as :meth:`from_parts` takes them."""
        return self._tables_blob, self._narratives_blob

    def has_content(self, form: str) -> bool:
        if self._filled is None:
            self._filled = frozenset(f for f in self.forms if SubmissionData.has_content(self, f))
        return form in self._filled

    def __setstate__(self, state: dict[str, Any]) -> None:
        # unpickled in the consolidating process: the keys of every submission's figures are
        # the pack's keys, one shared copy each instead of one per submission
        for name in ("values", "previous"):
            if isinstance(state.get(name), dict):
                state[name] = _interned(state[name])
        self.__dict__.update(state)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubmissionData):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(SubmissionData))

    __hash__ = None  # type: ignore[assignment]  # mutable, as SubmissionData
