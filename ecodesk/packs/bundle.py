"""The form pack file (``*.ecodesk-pack``): one zip the city builds, signs and sends.

Layout of the zip (nothing else is accepted in it)::

    manifest.json     what the pack is: format, pack id, plan title and years, version, release
                      date, build time, the content digest and every file's name, size, SHA-256;
                      optionally ``new_anchor``, the public key the city moves to (rotation)
    pack/<name>.yaml  the designer's YAML files, byte for byte (pack.yaml, catalog.yaml, the
                      forms, and any other YAML the pack folder holds, such as a calendar)
    signature.json    Ed25519 signature of the exact bytes of manifest.json, with the public key
                      and its fingerprint (added by ``ecodesk pack sign``; absent = unsigned)

Signing the manifest's bytes (not a re-serialisation) leaves nothing to canonicalise on the
reading side; the manifest in turn pins every file by SHA-256, so a changed YAML byte is caught.
The *content digest* (see :func:`ecodesk.forms.loader.content_digest`) names the pack's content
independently of build time and signature: the digest written into every submission.

Reading is for untrusted files: the zip directory passes the workbook gate
(:func:`ecodesk.workbook.safety.read_directory`: declared sizes, member count, compression ratio)
and then this format's much tighter bounds, before a byte is unpacked; YAML is read only with the
safe loader (:mod:`ecodesk.forms.loader`), never evaluated.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.forms.loader import (
    MAX_PACK_FILES,
    MAX_YAML_BYTES,
    FormDefinitionError,
    FormPack,
    content_digest,
    load_pack_files,
    read_pack_folder,
)
from ecodesk.i18n import tr
from ecodesk.signing.keys import ALGORITHM, SigningKey, fingerprint_of
from ecodesk.storage import storage_error

log = logging.getLogger(__name__)

FORMAT = "ecodesk-form-pack/1"
SIGNATURE_FORMAT = "ecodesk-pack-signature/1"
SUFFIX = ".ecodesk-pack"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
MAX_PACK_BYTES = 8 * 1024 * 1024  # the real pack zips to ≈ 60 KB; room for a plan ten times larger
MAX_SMALL_MEMBER = 256 * 1024  # manifest.json and signature.json
_NAME_RE = re.compile(r"^[A-Za-z0-9_\-.]{1,64}\.yaml$")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same folder builds the same bytes


class PackRefused(EcoDeskError):
    """A pack file that cannot be used; nothing was installed or changed."""


class PackDamaged(PackRefused):
    def __init__(self, path: Path, reason: str) -> None:
        self.reason = reason
        super().__init__(
            tr(
                "packs",
                "表单包文件 {name} 无法使用（{reason}），没有作任何更改。请向市里索取原文件。",
                name=Path(path).name,
                reason=reason,
            )
        )


class PackDefinitionInvalid(PackRefused):
    def __init__(self, path: Path, error: FormDefinitionError) -> None:
        self.error = error
        super().__init__(
            tr(
                "packs",
                "表单包文件 {name} 中的表单定义有误，没有作任何更改：{error}",
                name=Path(path).name,
                error=error,
            )
        )


@dataclass(frozen=True)
class PackSignature:
    algorithm: str
    public_key: bytes
    fingerprint: str
    signature: bytes


@dataclass(frozen=True)
class PackManifestDoc:
    """``manifest.json``, read back."""

    pack_id: str
    plan_title: str
    plan_years: tuple[int, ...]
    version: str
    released: str
    created: str
    content_digest: str
    files: dict[str, str]  # name → SHA-256
    new_anchor: bytes | None = None  # raw Ed25519 public key the city moves to


@dataclass(frozen=True)
class PackFile:
    """A pack file's parts, its directory already measured and its files matched to the manifest."""

    path: Path
    manifest: PackManifestDoc
    manifest_bytes: bytes
    files: dict[str, bytes]
    signature: PackSignature | None
    pack: FormPack = field(repr=False)

    @property
    def digest(self) -> str:
        return self.manifest.content_digest


def version_key(version: str) -> tuple[int, ...]:
    """``"2026.10"`` → ``(2026, 10)``: versions compare as numbers, not text."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


# ---------------------------------------------------------------------------- building


def manifest_bytes_for(
    files: Mapping[str, bytes],
    pack: FormPack,
    *,
    created: datetime | None = None,
    new_anchor: bytes | None = None,
) -> bytes:
    import hashlib

    doc: dict[str, Any] = {
        "format": FORMAT,
        "pack_id": pack.manifest.id,
        "plan_title": pack.catalog.plan.title,
        "plan_years": list(pack.catalog.plan.years),
        "version": pack.version,
        "released": pack.manifest.released,
        "created": (created or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        "content_digest": content_digest(files),
        "files": [
            {
                "name": name,
                "size": len(files[name]),
                "sha256": hashlib.sha256(files[name]).hexdigest(),
            }
            for name in sorted(files)
        ],
    }
    if new_anchor is not None:
        doc["new_anchor"] = {
            "algorithm": ALGORITHM,
            "public_key": base64.b64encode(new_anchor).decode("ascii"),
            "fingerprint": fingerprint_of(new_anchor),
        }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def _zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise storage_error(exc, path) from None


def build_pack_file(directory: Path, out: Path, *, created: datetime | None = None) -> PackFile:
    """Check the pack folder with the program's own loader and write an unsigned pack file."""
    directory = Path(directory)
    files = read_pack_folder(directory)
    pack = load_pack_files(files, source=directory, digest=content_digest(files))
    manifest = manifest_bytes_for(files, pack, created=created)
    members = {MANIFEST: manifest} | {f"pack/{name}": files[name] for name in sorted(files)}
    _write_atomically(Path(out), _zip_bytes(members))
    log.info("built pack %s %s into %s", pack.version, pack.digest, out)
    return read_pack_file(Path(out))


def sign_pack_file(path: Path, key: SigningKey, *, new_anchor: bytes | None = None) -> PackFile:
    """Sign ``path`` in place with ``key`` (the city's); ``new_anchor`` makes it a rotation pack.

    A rotation rewrites the manifest (it names the new key), so the old signature, if any, is
    replaced: the pack is signed by ``key`` over exactly the manifest it now carries.
    """
    current = read_pack_file(path)
    manifest = current.manifest_bytes
    if new_anchor is not None:
        created = datetime.fromisoformat(current.manifest.created)
        manifest = manifest_bytes_for(
            current.files, current.pack, created=created, new_anchor=new_anchor
        )
    signature = {
        "format": SIGNATURE_FORMAT,
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(key.public_key).decode("ascii"),
        "fingerprint": key.fingerprint,
        "signature": base64.b64encode(key.sign(manifest)).decode("ascii"),
    }
    members = (
        {MANIFEST: manifest}
        | {f"pack/{name}": current.files[name] for name in sorted(current.files)}
        | {SIGNATURE: json.dumps(signature, indent=1).encode("utf-8")}
    )
    _write_atomically(Path(path), _zip_bytes(members))
    log.info("signed pack %s with %s", path, key.fingerprint)
    return read_pack_file(Path(path))


# ---------------------------------------------------------------------------- reading


def _members(path: Path) -> dict[str, zipfile.ZipInfo]:
    """The zip's members after the workbook gate and this format's tighter bounds."""
    from ecodesk.workbook.safety import WorkbookDamaged, read_directory

    if not path.is_file():
        raise PackDamaged(path, tr("packs", "找不到文件"))
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise PackDamaged(path, tr("packs", "无法打开：{e}", e=exc.strerror or exc)) from None
    if size > MAX_PACK_BYTES:
        raise PackDamaged(path, tr("packs", "文件过大（{kb} KB）", kb=size // 1024))
    if not head.startswith(b"PK"):
        raise PackDamaged(path, tr("packs", "不是 EcoDesk 表单包文件"))
    try:
        infos = read_directory(path)
    except WorkbookDamaged as exc:
        raise PackDamaged(path, exc.reason) from None
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in (MANIFEST, SIGNATURE):
            limit = MAX_SMALL_MEMBER
        elif name.startswith("pack/") and _NAME_RE.match(name[5:]):
            limit = MAX_YAML_BYTES
        else:
            raise PackDamaged(path, tr("packs", "包含不属于表单包的部件 {name}", name=name[:80]))
        if name in members:
            raise PackDamaged(path, tr("packs", "部件 {name} 出现两次", name=name))
        total += info.file_size
        if (
            info.file_size > limit
            or total > MAX_PACK_FILES * 64 * 1024
            or len(members) > MAX_PACK_FILES
        ):
            raise PackDamaged(path, tr("packs", "解压后体积异常"))
        members[name] = info
    if MANIFEST not in members:
        raise PackDamaged(path, tr("packs", "没有 manifest.json，不是 EcoDesk 表单包文件"))
    return members


def _manifest_doc(path: Path, raw: bytes) -> PackManifestDoc:
    try:
        doc = json.loads(raw.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format') if isinstance(doc, dict) else '?'}")
        files = {str(f["name"]): str(f["sha256"]) for f in doc["files"]}
        anchor = doc.get("new_anchor")
        new_anchor = None
        if anchor is not None:
            new_anchor = base64.b64decode(str(anchor["public_key"]), validate=True)
            if len(new_anchor) != 32 or fingerprint_of(new_anchor) != anchor["fingerprint"]:
                raise ValueError("new_anchor")
        return PackManifestDoc(
            pack_id=str(doc["pack_id"]),
            plan_title=str(doc["plan_title"]),
            plan_years=tuple(int(y) for y in doc["plan_years"]),
            version=str(doc["version"]),
            released=str(doc["released"]),
            created=str(doc["created"]),
            content_digest=str(doc["content_digest"]),
            files=files,
            new_anchor=new_anchor,
        )
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        log.info("pack manifest of %s unreadable: %r", path, exc)
        raise PackDamaged(path, tr("packs", "manifest.json 无法读取")) from None


def _signature(path: Path, raw: bytes) -> PackSignature:
    try:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("format") != SIGNATURE_FORMAT:
            raise ValueError("format")
        public = base64.b64decode(str(doc["public_key"]), validate=True)
        return PackSignature(
            algorithm=str(doc["algorithm"]),
            public_key=public,
            fingerprint=str(doc["fingerprint"]),
            signature=base64.b64decode(str(doc["signature"]), validate=True),
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        log.info("pack signature of %s unreadable: %r", path, exc)
        raise PackDamaged(path, tr("packs", "signature.json 无法读取")) from None


def read_pack_file(path: Path) -> PackFile:
    """Open an untrusted pack file: measured, every file matched to the manifest, the YAML
    checked by the program's loader. The signature is read but **not** judged here (see
    :func:`ecodesk.packs.trust.verify_pack`)."""
    import hashlib

    path = Path(path)
    members = _members(path)
    try:
        with zipfile.ZipFile(path) as zf:
            raw = {name: zf.read(name) for name in members}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        log.info("pack %s unreadable: %r", path, exc)
        raise PackDamaged(path, tr("packs", "压缩结构损坏，文件可能没有下载或复制完整")) from None
    manifest_raw = raw.pop(MANIFEST)
    manifest = _manifest_doc(path, manifest_raw)
    signature = _signature(path, raw.pop(SIGNATURE)) if SIGNATURE in raw else None
    files = {name[5:]: data for name, data in raw.items()}
    if set(files) != set(manifest.files):
        raise PackDamaged(path, tr("packs", "文件清单与内容不一致（文件被增删过）"))
    for name, data in files.items():
        if hashlib.sha256(data).hexdigest() != manifest.files[name]:
            raise PackDamaged(path, tr("packs", "文件 {name} 与清单不一致（被改动过）", name=name))
    if content_digest(files) != manifest.content_digest:
        raise PackDamaged(path, tr("packs", "内容摘要与清单不一致"))
    try:
        pack = load_pack_files(files, source=path, digest=manifest.content_digest)
    except FormDefinitionError as exc:
        raise PackDefinitionInvalid(path, exc) from None
    if pack.version != manifest.version:
        raise PackDamaged(path, tr("packs", "清单中的版本与 pack.yaml 不一致"))
    return PackFile(path, manifest, manifest_raw, files, signature, pack)
