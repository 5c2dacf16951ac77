"""The pack a data folder uses, installing a new one, and undoing that.

Layout under ``<data_dir>/packs/``::

    installed.ecodesk-pack   the signed pack file last installed, byte for byte as the city sent it
    previous.ecodesk-pack    the one it replaced (absent: the program's own pack was in use)
    library/<version>-<digest>.ecodesk-pack
                             every pack ever installed here: what the names of retired fields
                             and the indicators of a unit on another pack version are read from
    rotations/NNN-….json     signed records of the city's key rotations (see :mod:`.trust`)

**Which pack is active**: the installed one, re-verified against the city's key at every
start, unless the program itself ships a newer version (a program upgrade brings its pack along
and an older installed file does not hold it back). A file in the folder that no longer verifies
is not used: the program's own pack is, and the user is told.

**Installing** is two steps so the clerk sees the diff before anything changes:
:func:`prepare_install` verifies the file (signature, anchor, content, version) and compares it
with the active pack; :func:`commit_install` then writes the file in atomically (the file it
replaces becomes ``previous``) and moves draft values of renamed fields to their new keys.
Signed revisions are never touched. **Undo** (:func:`undo_install`, ``ecodesk pack install
--undo``) puts ``previous`` back — one step, the way back from one mistaken install; after
it the folder is as it was before that install (a key rotation stays, trust only moves forward).
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import FormPack, bundled_pack, read_pack_folder
from ecodesk.i18n import tr
from ecodesk.packs.bundle import PackFile, PackRefused, read_pack_file, version_key
from ecodesk.packs.diff import PackDiff, diff_packs
from ecodesk.packs.trust import Anchor, current_anchor, record_rotation, verify_pack
from ecodesk.storage import storage_error

log = logging.getLogger(__name__)

INSTALLED = "installed.ecodesk-pack"
PREVIOUS = "previous.ecodesk-pack"


class PackDowngrade(PackRefused):
    def __init__(self, new: str, current: str) -> None:
        super().__init__(
            tr(
                "packs",
                "表单包版本 {new} 不比正在使用的版本 {current} 新，不能替换，没有作任何更改。"
                "如需回到上一个表单包，请用“撤销表单包更新”。",
                new=new,
                current=current,
            )
        )


class PackAlreadyInstalled(PackRefused):
    def __init__(self, version: str) -> None:
        super().__init__(
            tr("packs", "表单包 {version} 已经在使用中，不需要再次安装。", version=version)
        )


class NothingToUndo(EcoDeskError):
    def __init__(self) -> None:
        super().__init__(tr("packs", "没有可以撤销的表单包更新。"))


def packs_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "packs"


@dataclass(frozen=True)
class ActivePack:
    pack: FormPack
    files: dict[str, bytes]
    installed: bool  # False: the program's own pack


_cache: dict[tuple[str, float, int, str], ActivePack] = {}


def _bundled() -> ActivePack:
    pack = bundled_pack()
    return ActivePack(pack, read_pack_folder(pack.source), installed=False)


def active_pack_info(data_dir: Path, shipped: Anchor | None = None) -> ActivePack:
    """The pack ``data_dir`` uses (see the module's notes), with its files for diffs."""
    from ecodesk.notices import notify
    from ecodesk.packs.trust import shipped_anchor

    path = packs_dir(data_dir) / INSTALLED
    try:
        stat = path.stat()
    except OSError:
        return _bundled()
    anchor = current_anchor(data_dir, shipped or shipped_anchor())
    cache_key = (str(path), stat.st_mtime, stat.st_size, anchor.fingerprint)
    if cache_key in _cache:
        return _cache[cache_key]
    try:
        pack_file = read_pack_file(path)
        verify_pack(pack_file, anchor)
    except PackRefused as exc:
        log.error("installed pack %s refused: %s", path, exc)
        notify(
            tr(
                "packs",
                "已安装的表单包无法通过核验，暂用程序自带的表单包：{reason}",
                reason=exc,
            )
        )
        return _bundled()
    bundled = bundled_pack()
    if version_key(bundled.version) > version_key(pack_file.pack.version):
        log.info(
            "program's pack %s newer than installed %s", bundled.version, pack_file.pack.version
        )
        return _bundled()
    active = ActivePack(pack_file.pack, pack_file.files, installed=True)
    _cache[cache_key] = active
    return active


def active_pack(data_dir: Path, shipped: Anchor | None = None) -> FormPack:
    return active_pack_info(data_dir, shipped).pack


@dataclass(frozen=True)
class InstallPlan:
    """A verified pack file and what installing it would change; nothing written yet."""

    data_dir: Path
    pack_file: PackFile
    current: ActivePack
    diff: PackDiff
    rotates_anchor: bool


def prepare_install(data_dir: Path, path: Path, shipped: Anchor) -> InstallPlan:
    """Verify ``path`` and compare it with the active pack; refusals change nothing."""
    pack_file = read_pack_file(Path(path))
    verify_pack(pack_file, current_anchor(data_dir, shipped))
    current = active_pack_info(data_dir, shipped)
    new, old = pack_file.pack, current.pack
    if new.version == old.version and pack_file.digest == (old.digest or ""):
        raise PackAlreadyInstalled(new.version)
    if version_key(new.version) <= version_key(old.version):
        raise PackDowngrade(new.version, old.version)
    diff = diff_packs(old, new, current.files, pack_file.files)
    return InstallPlan(
        Path(data_dir), pack_file, current, diff, pack_file.manifest.new_anchor is not None
    )


def _copy_in(source: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(source, tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise storage_error(exc, target) from None


def commit_install(plan: InstallPlan, store: Any | None = None) -> FormPack:
    """Install the verified pack: the file in (atomically), the old one kept for undo, drafts'
    renamed keys moved (when ``store`` is given). Returns the pack now active."""
    folder = packs_dir(plan.data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, folder) from None
    installed, previous = folder / INSTALLED, folder / PREVIOUS
    # re-read what is about to be copied: the file may have changed since it was verified
    again = read_pack_file(plan.pack_file.path)
    if again.manifest_bytes != plan.pack_file.manifest_bytes:
        raise PackRefused(tr("packs", "表单包文件在确认期间被改动过，没有作任何更改，请重新选择。"))
    if installed.exists():
        _copy_in(installed, previous)
    else:
        previous.unlink(missing_ok=True)
    _copy_in(plan.pack_file.path, installed)
    library = folder / "library"
    library.mkdir(exist_ok=True)
    new = plan.pack_file
    _copy_in(new.path, library / f"{new.pack.version}-{new.digest[:16]}.ecodesk-pack")
    if plan.rotates_anchor:
        record_rotation(plan.data_dir, plan.pack_file)
    if store is not None:
        store.adopt_pack(plan.pack_file.pack)
    log.info(
        "installed pack %s (%s) over %s",
        plan.pack_file.pack.version,
        plan.pack_file.digest,
        plan.current.pack.version,
    )
    return plan.pack_file.pack


def can_undo(data_dir: Path) -> bool:
    return (packs_dir(data_dir) / INSTALLED).exists()


def undo_install(data_dir: Path, shipped: Anchor, store: Any | None = None) -> FormPack:
    """Put back the pack the last install replaced (the program's own when there was none)."""
    folder = packs_dir(data_dir)
    installed, previous = folder / INSTALLED, folder / PREVIOUS
    if not installed.exists():
        raise NothingToUndo()
    try:
        if previous.exists():
            os.replace(previous, installed)
        else:
            installed.unlink()
    except OSError as exc:
        raise storage_error(exc, installed) from None
    pack = active_pack(data_dir, shipped)
    if store is not None:
        store.adopt_pack(pack)
    log.info("pack install undone: %s active", pack.version)
    return pack


def known_packs(data_dir: Path | None) -> dict[str, FormPack]:
    """Every pack this computer knows, by content digest: the program's own and each one ever
    installed in ``data_dir`` (read for names and indicator lists, not for trust: they were
    verified when installed)."""
    packs = {bundled_pack().digest: bundled_pack()}
    if data_dir is None:
        return packs
    library = packs_dir(data_dir) / "library"
    for path in sorted(library.glob("*.ecodesk-pack"))[:200] if library.is_dir() else []:
        try:
            pack_file = read_pack_file(path)
        except PackRefused as exc:
            log.warning("pack library file %s unreadable: %s", path, exc)
            continue
        packs[pack_file.digest] = pack_file.pack
    return packs


@dataclass(frozen=True)
class RetiredValue:
    key: str
    label: str  # the field's name in the pack that asked for it ("" when no known pack has it)
    text: str


def retired_values(data_dir: Path | None, retired: dict[str, str]) -> list[RetiredValue]:
    """The values set aside under the pack in use (已停用), named from the packs that asked for them."""
    packs = list(known_packs(data_dir).values()) if retired else []
    result = []
    for key, text in sorted(retired.items()):
        label = ""
        for pack in packs:
            try:
                label = pack.input_field(key).label
                break
            except KeyError:
                continue
        result.append(RetiredValue(key, label, text))
    return result
