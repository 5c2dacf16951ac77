"""Installing a pack the city signed: verified, compared, installed, used, undone.

Real pack files built from a copy of the program's pack, signed with a city key made here; a
real data folder (the demo unit), real exports re-read and verified.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ecodesk.forms.loader import bundled_pack
from ecodesk.packs.bundle import PackDamaged, read_pack_file
from ecodesk.packs.installed import (
    NothingToUndo,
    PackAlreadyInstalled,
    PackDowngrade,
    active_pack,
    commit_install,
    prepare_install,
    undo_install,
)
from ecodesk.packs.trust import PackTampered, PackUnsigned, PackWrongKey
from ecodesk.services.export import export_submission
from ecodesk.services.keys import export_public_key
from ecodesk.services.verify import pack_mismatch, verify_workbook
from ecodesk.store import Store
from ecodesk.workbook.reader import read_signed_workbook
from tests.packs.helpers import (
    anchor_of,
    city_key,
    next_version_folder,
    pack_folder,
    signed_pack,
)
from tests.workbook.helpers import PASSPHRASE


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ecodesk.demo import fill_demo

    folder = tmp_path_factory.mktemp("demo") / "data"
    with Store.open(folder) as store:
        fill_demo(store, "360730")
        store.set_responsible_forms(["G", "1.1"])
        period = store.current_period()
        store.set_value(period, "1.1:digital_transform_firms", "37")
        store.set_value(period, "1.1:blocked_projects", "4")
    return folder


@pytest.fixture
def unit_dir(demo_folder: Path, data_dir: Path) -> Path:
    import shutil

    shutil.copytree(demo_folder, data_dir, dirs_exist_ok=True)
    return data_dir


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return city_key(tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="module")
def v2(tmp_path_factory: pytest.TempPathFactory, city) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("v2")
    signed_pack(next_version_folder(tmp / "pack"), tmp / "2026.2.ecodesk-pack", city)
    return tmp / "2026.2.ecodesk-pack"


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the data folder but the logs and backups, to show that nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.parts[len(folder.parts)] not in ("logs", "backups")
    }


def test_install_diff_migrate_export_verify_round_trip(
    unit_dir: Path,
    v2: Path,
    city,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    anchor = anchor_of(city)
    plan = prepare_install(unit_dir, v2, anchor)
    lines = plan.diff.lines()
    assert lines[0] == "表单包 2026.1 → 2026.2：新增 2 项，删除 2 项，修改 1 项。"
    assert any(
        line.startswith("～ 修改目标 1.1") and "2000家左右" in line and "2500家左右" in line
        for line in lines
    )
    assert any(
        line.startswith("＋ 新增指标 1.1") and "green_upgrade_firms" in line for line in lines
    )
    assert any(line.startswith("－ 删除指标 1.1") and "blocked_projects" in line for line in lines)
    assert active_pack(unit_dir).version == "2026.1"  # nothing installed before the confirmation

    with Store.open(unit_dir) as store:
        period = store.current_period()
        signed_2025 = store.load(period.previous_year())
        pack = commit_install(plan, store)
        assert pack.version == "2026.2" and store.pack.version == "2026.2"
        data = store.load(period)
        # kept by stable keys: the renamed field's value under its new key
        assert data.values["1.1:digital_firms"] == "37"
        assert "1.1:digital_transform_firms" not in data.values
        # the removed field's value stays in the store, set aside as 已停用
        assert data.retired == {"1.1:blocked_projects": "4"}
        assert "1.1:blocked_projects" not in data.values
        assert (data.pack_version, data.pack_digest) == ("2026.2", pack.digest)
        # a signed revision is never altered: as it was signed, under its own pack
        again_2025 = store.load(period.previous_year())
        assert again_2025.values == signed_2025.values
        assert again_2025.pack_version == "2026.1"
        assert again_2025.pack_digest == bundled_pack().digest

        out = tmp_path / "宁都县.xlsx"
        export_submission(store, period, out, passphrase=PASSPHRASE, data_dir=unit_dir)
        registry = tmp_path / "registry"
        export_public_key(unit_dir, store.profile(), registry)

    verdict = verify_workbook(out, registry, receiver_pack=pack)
    assert verdict.status == "valid", verdict.message
    wb = read_signed_workbook(out)
    assert wb.meta["pack_version"] == "2026.2"
    assert wb.meta["pack_digest"] == pack.digest
    assert wb.data.values["1.1:digital_firms"] == "37"
    assert "1.1:blocked_projects" not in wb.data.values  # 已停用: never exported
    assert pack_mismatch(wb.data, pack) == []
    # a receiver still on the program's own pack is told the workbook was made under another
    older = verify_workbook(out, registry, receiver_pack=bundled_pack())
    assert older.status == "valid"
    assert any("按表单包 2026.2" in d and "本机使用的表单包是 2026.1" in d for d in older.details)


def test_undo_puts_the_previous_pack_back_and_the_values_as_they_were(
    unit_dir: Path,
    v2: Path,
    city,  # type: ignore[no-untyped-def]
) -> None:
    anchor = anchor_of(city)
    with Store.open(unit_dir) as store:
        commit_install(prepare_install(unit_dir, v2, anchor), store)
        period = store.current_period()
        pack = undo_install(unit_dir, anchor, store)
        assert pack.version == "2026.1" and store.pack.version == "2026.1"
        data = store.load(period)
    assert data.values["1.1:digital_transform_firms"] == "37"
    assert data.values["1.1:blocked_projects"] == "4"
    assert data.retired == {}
    assert active_pack(unit_dir, anchor).version == "2026.1"
    with pytest.raises(NothingToUndo):
        undo_install(unit_dir, anchor)


def _refused_and_unchanged(unit_dir: Path, path: Path, anchor, error: type) -> str:  # type: ignore[no-untyped-def]
    before = _snapshot(unit_dir)
    with pytest.raises(error) as info:
        prepare_install(unit_dir, path, anchor)
    assert _snapshot(unit_dir) == before
    assert active_pack(unit_dir, anchor).version == "2026.1"
    return str(info.value)


def test_unsigned_pack_refused(unit_dir: Path, city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    built = signed_pack(next_version_folder(tmp_path / "p"), tmp_path / "u.ecodesk-pack", None)
    assert built.signature is None
    message = _refused_and_unchanged(unit_dir, built.path, anchor_of(city), PackUnsigned)
    assert "没有签名" in message and "没有作任何更改" in message


def test_pack_signed_by_another_key_refused(unit_dir: Path, city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = city_key(tmp_path / "stranger")
    path = tmp_path / "s.ecodesk-pack"
    signed_pack(next_version_folder(tmp_path / "p"), path, stranger)
    message = _refused_and_unchanged(unit_dir, path, anchor_of(city), PackWrongKey)
    assert "不是用市里的表单包密钥签名的" in message


def _rezip(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))


def test_tampered_yaml_refused(unit_dir: Path, v2: Path, city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.ecodesk-pack"
    _rezip(
        v2,
        path,
        lambda name, data: (
            data.replace(b"value: 2500", b"value: 9999") if name == "pack/1_1.yaml" else data
        ),
    )
    message = _refused_and_unchanged(unit_dir, path, anchor_of(city), PackDamaged)
    assert "1_1.yaml" in message and "改动" in message


def test_tampered_manifest_refused(unit_dir: Path, v2: Path, city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.ecodesk-pack"
    _rezip(
        v2,
        path,
        lambda name, data: (
            data.replace(b'"released": "2026-11-29"', b'"released": "2026-11-30"')
            if name == "manifest.json"
            else data
        ),
    )
    message = _refused_and_unchanged(unit_dir, path, anchor_of(city), PackTampered)
    assert "签名后被改动" in message


def test_older_or_same_pack_cannot_replace_a_newer_one(
    unit_dir: Path,
    v2: Path,
    city,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    anchor = anchor_of(city)
    commit_install(prepare_install(unit_dir, v2, anchor))
    with pytest.raises(PackAlreadyInstalled):
        prepare_install(unit_dir, v2, anchor)
    old = tmp_path / "old.ecodesk-pack"
    signed_pack(pack_folder(tmp_path / "p", "2026.1"), old, city)
    before = _snapshot(unit_dir)
    with pytest.raises(PackDowngrade) as info:
        prepare_install(unit_dir, old, anchor)
    assert "2026.1" in str(info.value) and "2026.2" in str(info.value)
    assert _snapshot(unit_dir) == before
    assert active_pack(unit_dir, anchor).version == "2026.2"


def test_an_installed_file_changed_in_the_data_folder_is_not_used(
    unit_dir: Path,
    v2: Path,
    city,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from ecodesk.notices import listening

    anchor = anchor_of(city)
    commit_install(prepare_install(unit_dir, v2, anchor))
    installed = unit_dir / "packs" / "installed.ecodesk-pack"
    _rezip(
        v2,
        tmp_path / "x",
        lambda name, data: (
            data.replace(b"value: 2500", b"value: 1") if name == "pack/1_1.yaml" else data
        ),
    )
    installed.write_bytes((tmp_path / "x").read_bytes())
    heard: list[str] = []
    with listening(heard.append):
        assert active_pack(unit_dir, anchor).version == "2026.1"
    assert heard and "无法通过核验" in heard[0]


def test_a_pack_file_holds_only_what_it_should(v2: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ecodesk-pack"
    _rezip(v2, extra, lambda name, data: data)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("pack/../../evil.py", b"print('hi')")
    with pytest.raises(PackDamaged, match="不属于表单包"):
        read_pack_file(extra)
    not_zip = tmp_path / "n.ecodesk-pack"
    not_zip.write_bytes(b"version: 2026.9\n")
    with pytest.raises(PackDamaged, match="不是 EcoDesk 表单包文件"):
        read_pack_file(not_zip)
    bomb = tmp_path / "b.ecodesk-pack"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("pack/pack.yaml", b"#" * (3 * 1024 * 1024))
    with pytest.raises(PackDamaged, match="体积异常"):
        read_pack_file(bomb)
