"""A received submission kept compact: the same data through the same API, a fraction of the
memory, and one copy of each figure's key however many submissions are held."""

from __future__ import annotations

import pickle
import sys
import tracemalloc
from dataclasses import replace

from ecodesk.consolidation.compact import ReceivedSubmission
from ecodesk.consolidation.completeness import form_state
from ecodesk.demo import sample_submission
from ecodesk.forms.loader import FormPack
from ecodesk.submission import SubmissionData
from tests.consolidation.helpers import PERIOD


def full_county(pack: FormPack) -> SubmissionData:
    return sample_submission(pack, "360730", PERIOD)


def test_the_compact_copy_reads_as_the_original(pack: FormPack) -> None:
    data = full_county(pack)
    compact = ReceivedSubmission.of(data)
    assert compact == data and data == compact
    assert compact.tables == data.tables and compact.narratives == data.narratives
    assert compact.values == data.values
    form, table = next(
        (f, t.code) for f in pack.forms for t in pack.tables(f) if data.rows(f, t.code)
    )
    assert compact.rows(form, table) == data.rows(form, table)
    assert [form_state(compact, f) for f in pack.forms] == [form_state(data, f) for f in pack.forms]
    assert ReceivedSubmission.of(compact) is compact
    # dataclasses.replace makes another compact copy, its answers worked out again
    other = replace(compact, revision=2, tables={})
    assert isinstance(other, ReceivedSubmission) and other.revision == 2 and other.tables == {}
    assert [other.has_content(f) for f in pack.forms] == [
        SubmissionData.has_content(replace(data, tables={}), f) for f in pack.forms
    ]
    changed = replace(data, narratives={**data.narratives, "G:progress": "改了"})
    assert compact != changed


def test_held_after_unpickling_it_is_a_fraction_and_keys_are_shared(pack: FormPack) -> None:
    data = full_county(pack)
    plain, compact = pickle.dumps(data), pickle.dumps(ReceivedSubmission.of(data))
    assert len(compact) < len(plain) / 3  # what a worker sends the consolidating process

    def held(blob: bytes, n: int = 5) -> tuple[float, list[SubmissionData]]:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        items = [pickle.loads(blob) for _ in range(n)]
        size = (tracemalloc.get_traced_memory()[0] - before) / n
        tracemalloc.stop()
        return size, items

    plain_size, _ = held(plain)
    compact_size, items = held(compact)
    assert compact_size < plain_size / 4
    assert items[0] == data
    key = next(iter(data.values))
    a = next(k for k in items[0].values if k == key)
    b = next(k for k in items[1].values if k == key)
    assert a is b and a is sys.intern(key)
