"""Evidence attached to a table row stays with its row when rows are deleted, inserted or undone.

Attachment keys name a row by number (``1.1:projects#2``); the store renumbers them in the
transaction that rewrites the table (see :mod:`ecodesk.store.table_rows`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.attachments import (
    AttachmentRefused,
    attach,
    content_path,
    detach,
    list_attachments,
    restore,
)
from ecodesk.errors import EcoDeskError
from ecodesk.store import Store, SubmissionFrozen
from ecodesk.store.backup import make_backup, restore_database
from ecodesk.store.table_rows import infer_origin
from ecodesk.submission import Period
from tests.attachments.files import make_docx, make_jpeg, make_pdf

ROWS = [{"name": "梅江镇技改"}, {"name": "黄陂镇扩建"}, {"name": "青塘镇改造"}]


def _three_rows_with_files(store: Store, period: Period, files: Path) -> dict[str, bytes]:
    """Three project rows, each with its own file; returns project name → the file's bytes."""
    store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS])
    made = [
        make_pdf(files / "梅江验收.pdf", text="梅江"),
        make_jpeg(files / "黄陂照片.jpg"),
        make_docx(files / "青塘纪要.docx", text="青塘"),
    ]
    for n, (row, path) in enumerate(zip(ROWS, made, strict=True), start=1):
        attach(store, period, f"1.1:projects#{n}", path, f"{row['name']}的材料")
    return {row["name"]: path.read_bytes() for row, path in zip(ROWS, made, strict=True)}


def _by_row(store: Store, period: Period) -> dict[str, str]:
    """The table's project names by attachment: row's name → the note of the file on that row."""
    data = store.load(period)
    rows = data.tables["1.1:projects"]
    found = {}
    for a in list_attachments(store, period):
        if a.key.startswith("1.1:projects#"):
            row = int(a.key.rsplit("#", 1)[1])
            found[rows[row - 1]["name"]] = a.note
    return found


def test_deleting_row_1_keeps_the_other_files_on_their_rows(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    detached = store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    assert _by_row(store, period) == {
        "黄陂镇扩建": "黄陂镇扩建的材料",
        "青塘镇改造": "青塘镇改造的材料",
    }
    assert [a.key for a in list_attachments(store, period)] == [
        "1.1:projects#1",
        "1.1:projects#2",
    ]
    # the deleted row's file went with it (off the draft, undoable), and is said to have
    gone = [a for a in list_attachments(store, period, include_removed=True) if a.removed_at]
    assert [a.note for a in gone] == ["梅江镇技改的材料"]
    assert detached == {gone[0].id: 0}
    # nothing but the undo of the delete can put it back (on a row that is not its own)
    with pytest.raises(AttachmentRefused, match="所在的表格行已经删除"):
        restore(store, gone[0].id)
    actions = [e.action for e in store.audit_log(period)]
    assert actions.count("move_attachment") == 2 and "detach" in actions


def test_undo_of_the_delete_brings_the_row_and_its_file_back(
    store: Store, period: Period, files: Path
) -> None:
    originals = _three_rows_with_files(store, period, files)
    detached = store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    # the undo: the old rows back, rows 0 and 1 now continue as 1 and 2, row 0 is new
    store.set_table_rows(
        period,
        "1.1",
        "projects",
        [dict(r) for r in ROWS],
        origin=[None, 0, 1],
        revive={attachment: row for attachment, row in detached.items()},
    )
    assert _by_row(store, period) == {r["name"]: f"{r['name']}的材料" for r in ROWS}
    assert [a.key for a in list_attachments(store, period)] == [
        "1.1:projects#1",
        "1.1:projects#2",
        "1.1:projects#3",
    ]
    for a in list_attachments(store, period):
        assert content_path(store, a).read_bytes() == originals[a.note.removesuffix("的材料")]


def test_inserting_a_row_above_moves_the_files_down_with_their_rows(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    new = [{"name": "新增项目"}] + [dict(r) for r in ROWS]
    assert store.set_table_rows(period, "1.1", "projects", new) == {}
    assert _by_row(store, period) == {r["name"]: f"{r['name']}的材料" for r in ROWS}
    assert sorted(a.key for a in list_attachments(store, period)) == [
        "1.1:projects#2",
        "1.1:projects#3",
        "1.1:projects#4",
    ]
    # a middle insert, said explicitly (as the window says it), and a cell edited meanwhile
    rows = store.load(period).tables["1.1:projects"]
    rows.insert(2, {"name": "中间插入"})
    rows[1]["name"] = "梅江镇技改（二期）"
    store.set_table_rows(period, "1.1", "projects", rows, origin=[0, 1, None, 2, 3])
    assert _by_row(store, period) == {
        "梅江镇技改（二期）": "梅江镇技改的材料",
        "黄陂镇扩建": "黄陂镇扩建的材料",
        "青塘镇改造": "青塘镇改造的材料",
    }


def test_a_cell_edit_and_a_moved_row_are_recognised_without_being_told() -> None:
    old = [{"a": "1"}, {"a": "2"}, {"a": "3"}]
    assert infer_origin(old, [{"a": "1"}, {"a": "二"}, {"a": "3"}]) == [0, 1, 2]
    assert infer_origin(old, [{"a": "2"}, {"a": "3"}]) == [1, 2]
    assert infer_origin(old, [{"a": "1"}, {"a": "3"}]) == [0, 2]
    assert infer_origin(old, [{"a": "0"}, {"a": "1"}, {"a": "2"}, {"a": "3"}]) == [None, 0, 1, 2]
    assert infer_origin([], [{"a": "1"}]) == [None]


def test_a_bad_origin_is_refused_and_nothing_changes(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    for origin in ([0, 0, 1], [0, 1], [0, 1, 7]):
        with pytest.raises(EcoDeskError, match="对应关系不对"):
            store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS], origin=origin)
    assert store.load(period).tables["1.1:projects"] == ROWS
    assert _by_row(store, period) == {r["name"]: f"{r['name']}的材料" for r in ROWS}


def test_a_file_detached_by_hand_follows_its_row_and_can_still_be_put_back(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    third = next(a for a in list_attachments(store, period) if a.key == "1.1:projects#3")
    detach(store, third.id)
    store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    back = restore(store, third.id)
    assert back.key == "1.1:projects#2"
    assert _by_row(store, period)["青塘镇改造"] == "青塘镇改造的材料"


def test_a_signed_revision_refuses_the_delete_and_keeps_every_file(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    store.mark_signed(period, 1, fingerprint="f" * 16, digest="d" * 64, workbook_path=None)
    before = list_attachments(store, period)
    with pytest.raises(SubmissionFrozen):
        store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    assert list_attachments(store, period) == before
    # the correction carries rows and files; deleting a row there keeps the signed one whole
    store.new_revision(period, "删去重复的项目")
    store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    assert list_attachments(store, period, revision=1) == before
    assert _by_row(store, period) == {
        "黄陂镇扩建": "黄陂镇扩建的材料",
        "青塘镇改造": "青塘镇改造的材料",
    }


def test_a_bulk_write_keeps_the_files_on_their_rows(
    store: Store, period: Period, files: Path
) -> None:
    _three_rows_with_files(store, period, files)
    data = store.load(period)
    data.tables["1.1:projects"] = [dict(r) for r in ROWS[1:]]
    store.write_submission(data)
    assert _by_row(store, period) == {
        "黄陂镇扩建": "黄陂镇扩建的材料",
        "青塘镇改造": "青塘镇改造的材料",
    }


def test_the_signed_records_and_a_backup_name_the_right_rows(
    store: Store, period: Period, files: Path, tmp_path: Path, pack
) -> None:
    _three_rows_with_files(store, period, files)
    store.set_table_rows(period, "1.1", "projects", [dict(r) for r in ROWS[1:]])
    signed = store.load(period).attachments
    assert [(f.key, f.note) for f in signed] == [
        ("1.1:projects#1", "黄陂镇扩建的材料"),
        ("1.1:projects#2", "青塘镇改造的材料"),
    ]
    assert [f.label for f in signed] == ["1.1 重点技术改造项目第1行", "1.1 重点技术改造项目第2行"]
    assert store.db_path is not None
    made = make_backup(store.db_path, tmp_path / "备份.sqlite3")
    elsewhere = tmp_path / "另一台电脑"
    elsewhere.mkdir()
    restore_database(elsewhere / "ecodesk.sqlite3", made)
    with Store.open(elsewhere, pack=pack) as restored:
        assert _by_row(restored, period) == _by_row(store, period)
        assert [(f.key, f.sha256) for f in restored.load(period).attachments] == [
            (f.key, f.sha256) for f in signed
        ]


def test_the_exported_package_verifies_with_the_files_on_their_rows(
    tmp_path: Path, pack, files: Path
) -> None:
    from ecodesk.demo import fill_demo
    from ecodesk.services.export import export_submission
    from ecodesk.services.verify import verify_workbook
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from tests.workbook.helpers import PASSPHRASE

    data_dir, period = tmp_path / "data", Period(2026)
    with Store.open(data_dir, pack=pack) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["1.1"])
        rows = store.load(period).tables["1.1:projects"]
        assert len(rows) >= 2
        for n, row in enumerate(rows[:2], start=1):
            path = make_pdf(files / f"第{n}行.pdf", text=str(n))
            attach(store, period, f"1.1:projects#{n}", path, f"{row['name']}的验收报告")
        kept = rows[1]["name"]
        store.set_table_rows(period, "1.1", "projects", rows[1:])
        (tmp_path / "out").mkdir()
        result = export_submission(
            store, period, tmp_path / "out" / "宁都县.zip", passphrase=PASSPHRASE, data_dir=data_dir
        )
        profile = store.profile()
    assert profile is not None
    registry = tmp_path / "registry"
    registry.mkdir()
    write_registrations(KeyStore(data_dir), registry, profile)
    verified = verify_workbook(result.path, registry)
    assert verified.status == "valid", verified.message
    assert verified.attachments is not None and verified.attachments.ok
    assert [(c.file.key, c.file.note) for c in verified.attachments.checks] == [
        ("1.1:projects#1", f"{kept}的验收报告")
    ]
