from __future__ import annotations

from pathlib import Path

import pytest

from ecodesk.services.export import AlreadySigned, ExportRefused, export_submission
from ecodesk.services.keys import export_public_key
from ecodesk.services.verify import verify_workbook
from ecodesk.signing.keys import KeyStore, WrongPassphrase
from ecodesk.store import Store, SubmissionFrozen
from tests.workbook.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data of 宁都县, made once; each test works on its own copy of the folder."""
    from ecodesk.demo import fill_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    with Store.open(folder) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["G", "1.1", "3.1"])  # a department reports on a few forms
    return folder


@pytest.fixture
def store(demo_folder: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(demo_folder, data_dir, dirs_exist_ok=True)
    with Store.open(data_dir) as store:
        yield store


def test_export_signs_freezes_and_verifies(store, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    period = store.current_period()
    out = tmp_path / "宁都县.xlsx"
    result = export_submission(store, period, out, passphrase=PASSPHRASE)
    assert result.created_key and out.is_file()
    assert store.signature(period, result.revision) == (result.fingerprint, result.digest)
    assert store.load(period).status == "signed"
    with pytest.raises(SubmissionFrozen):
        store.set_value(period, "1.1:upgraded_firms", "1")
    with pytest.raises(AlreadySigned) as exc:
        export_submission(store, period, tmp_path / "again.xlsx", passphrase=PASSPHRASE)
    assert "新建修订版" in str(exc.value)
    keys = export_public_key(data_dir, store.profile(), tmp_path / "registry")
    assert keys.sheet.is_file() and keys.sheet.read_bytes().startswith(b"%PDF")
    verdict = verify_workbook(out, tmp_path / "registry")
    assert verdict.status == "valid", verdict.message
    assert verdict.workbook.digest == result.digest  # type: ignore[attr-defined]


def test_export_refused_while_errors_remain(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    period = store.current_period()
    store.set_value(period, "1.1:upgraded_firms", "很多家")
    out = tmp_path / "x.xlsx"
    with pytest.raises(ExportRefused) as exc:
        export_submission(store, period, out, passphrase=PASSPHRASE)
    assert "暂不能签名导出" in str(exc.value) and "[1.1]" in str(exc.value)
    assert any(p.field == "1.1:upgraded_firms" for p in exc.value.problems)
    data = store.load(period)
    assert data.status != "signed" and data.value("1.1:upgraded_firms") == "很多家"  # nothing lost
    assert not out.exists()


def test_wrong_passphrase_changes_nothing(store, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    KeyStore(data_dir).create(PASSPHRASE)
    period = store.current_period()
    out = tmp_path / "x.xlsx"
    with pytest.raises(WrongPassphrase):
        export_submission(store, period, out, passphrase="not the passphrase")
    assert not out.exists() and store.load(period).status != "signed"
    store.set_value(period, "1.1:blocked_projects", "2")  # still editable


def test_key_rotation_keeps_old_workbooks_verifying(store, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    period = store.current_period()
    first = export_submission(store, period, tmp_path / "v1.xlsx", passphrase=PASSPHRASE)
    registry = tmp_path / "registry"
    export_public_key(data_dir, store.profile(), registry)
    KeyStore(data_dir).replace("a brand new passphrase", old_passphrase=PASSPHRASE)
    store.new_revision(period, "更正技改投资额")
    second = export_submission(
        store, period, tmp_path / "v2.xlsx", passphrase="a brand new passphrase"
    )
    assert second.fingerprint != first.fingerprint and second.revision == first.revision + 1
    # Before the new key is registered the new workbook's signer is unknown...
    assert verify_workbook(tmp_path / "v2.xlsx", registry).status == "unknown_signer"
    export_public_key(data_dir, store.profile(), registry)
    old, new = (
        verify_workbook(tmp_path / "v1.xlsx", registry),
        verify_workbook(tmp_path / "v2.xlsx", registry),
    )
    assert old.status == new.status == "valid"
    assert any("旧密钥" in line for line in old.details)
    assert new.workbook.data.supersedes == first.revision  # type: ignore[attr-defined]


def test_an_edit_by_another_program_during_signing_voids_the_export(
    store, data_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 (2): an edit from a second instance during export froze a revision that differed
    from its signed workbook (5 of 5 rounds). The lock keeps EcoDesk out; this covers a program
    that takes no lock (an older EcoDesk): the freeze sees the change and refuses."""
    from ecodesk.store import ChangedWhileSigning

    period = store.current_period()
    out = tmp_path / "宁都县.xlsx"
    key = "1.1:upgraded_firms"
    edited = []

    def meanwhile(done: int, total: int, what: str) -> None:
        if done == 1 and not edited:  # half-way through laying out the workbook
            with Store.open(data_dir) as other:
                other.set_value(period, key, "99")
            edited.append(True)

    with pytest.raises(ChangedWhileSigning, match="签名过程中又被修改"):
        export_submission(store, period, out, passphrase=PASSPHRASE, progress=meanwhile)
    assert not out.exists() and not list(tmp_path.glob("*part*"))
    assert store.signature(period, store.load(period).revision) is None
    assert store.load(period).value(key) == "99"  # the other program's edit is kept
    result = export_submission(store, period, out, passphrase=PASSPHRASE)  # and now it signs
    from ecodesk.workbook.reader import read_signed_workbook

    signed = read_signed_workbook(out)
    assert signed.digest == result.digest == store.signature(period, result.revision)[1]
    assert signed.data is not None and signed.data.value(key) == "99"
