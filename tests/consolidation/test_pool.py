"""Many files are verified in worker processes with the same verdicts as one by one; the content
cache makes a renamed or touched file cost a hash, and one signed submission is held once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import ecodesk.services.consolidate as consolidate_module
from ecodesk.services.consolidate import VerifyCache, consolidate_received, verify_all
from tests.consolidation.conftest import ReceivedFolder


def with_comment(src: Path, dst: Path, comment: bytes) -> Path:
    """The same workbook with another zip comment: other bytes, the same content."""
    data = src.read_bytes()
    assert data[-2:] == b"\x00\x00"  # no comment yet: the end record's last field is its length
    dst.write_bytes(data[:-2] + len(comment).to_bytes(2, "little") + comment)
    return dst


@pytest.fixture
def many(received: ReceivedFolder, tmp_path: Path) -> list[Path]:
    folder = tmp_path / "inbox"
    folder.mkdir()
    sources = sorted(received.files.values())
    return [
        with_comment(sources[i % len(sources)], folder / f"{i:03d}.xlsx", f"copy {i}".encode())
        for i in range(30)
    ]


def test_the_pool_gives_the_verdicts_of_one_by_one(received: ReceivedFolder, many) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int]] = []
    pooled = verify_all(
        many, received.registry, workers=2, progress=lambda d, t, n: seen.append((d, t))
    )
    alone = verify_all(many, received.registry, workers=1)
    assert [r.path for r in pooled] == many
    assert [(r.result.status, r.digest, r.result.message) for r in pooled] == [
        (r.result.status, r.digest, r.result.message) for r in alone
    ]
    assert seen[-1] == (30, 30) and len({d for d, _ in seen}) >= 30  # one step per file
    assert any(r.result.status == "tampered" for r in pooled)
    # copies of one submission share one SubmissionData
    datas = {id(r.data) for r in pooled if r.data is not None}
    assert len(datas) == len({r.digest for r in pooled if r.data is not None})
    result = consolidate_received(pooled)
    assert {r.status for r in result.received} >= {"used", "duplicate", "refused"}


def test_the_cache_knows_a_renamed_or_touched_file_by_its_content(
    received: ReceivedFolder, many, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    cache = VerifyCache()
    first = verify_all(many[:6], received.registry, cache=cache, workers=1)
    assert len(cache) == 6
    renamed = many[0].with_name("改名.xlsx")
    shutil.move(many[0], renamed)
    os.utime(many[1], ns=(1, 1))  # a sync tool touched it: the stamp changed, the bytes did not

    def no_verifying(path, registry):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{path} verified again")

    monkeypatch.setattr(consolidate_module, "receive", no_verifying)
    again = verify_all(
        [renamed, *many[1:6]], received.registry, previous=first, cache=cache, workers=1
    )
    assert [r.path for r in again] == [renamed, *many[1:6]]
    assert [r.result.status for r in again] == [r.result.status for r in first]


def test_a_registry_change_is_not_served_from_the_cache(received: ReceivedFolder, many) -> None:  # type: ignore[no-untyped-def]
    cache = VerifyCache()
    verify_all(many[:3], received.registry, cache=cache, workers=1)
    (received.registry / "新登记.txt").write_text("x")
    try:
        verify_all(many[:3], received.registry, cache=cache, workers=1)
        assert len(cache) == 6  # verified again under the new registry state
    finally:
        (received.registry / "新登记.txt").unlink()
