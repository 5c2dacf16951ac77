"""Verify a received workbook: signature, visible cells, and the signer's key in the registry.

Order of the checks (the first failure decides the status):

1. readable xlsx, safe to unpack                         → ``damaged`` / ``not_ecodesk``
2. the data sheet is there and well formed               → ``tampered`` if an EcoDesk workbook lost it
3. Ed25519 signature over the records                    → ``tampered``
4. every visible cell equals its signed record           → ``tampered`` (names sheet and cell)
5. the records make a submission                         → ``damaged``
6. the signing key is in the registry                    → ``unknown_signer``
7. … registered to the unit the workbook names           → ``wrong_unit``

A file saved again by Excel, WPS or LibreOffice without changes stays ``valid``: the signature
binds content, not bytes (see docs/workbook-format.md); the details say which program saved it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ecodesk.attachments.package import PackageReport
from ecodesk.i18n import tr
from ecodesk.signing.keys import group_fingerprint
from ecodesk.signing.registry import KeyRegistry
from ecodesk.submission import UnitProfile, department_label

log = logging.getLogger(__name__)

Status = Literal[
    "valid",
    "display_altered",
    "attachments_bad",
    "tampered",
    "unknown_signer",
    "wrong_unit",
    "not_ecodesk",
    "damaged",
]
Kind = Literal["submission", "feedback", ""]
# The signed data can be taken from these (consolidation, import); display_altered: the data are
# intact and signed by the right unit, only how the file looks was changed after signing.
# attachments_bad: the signed data are intact; evidence files are missing, extra or not as signed.
DATA_TRUSTED: frozenset[str] = frozenset({"valid", "display_altered", "attachments_bad"})

MAX_DETAILS = 20


def status_label(status: Status) -> str:
    """The verdict in a word or two, for tables (each literal visible to the translation tools)."""
    return {
        "valid": tr("verify", "有效"),
        "display_altered": tr("verify", "有效，但显示被改动"),
        "attachments_bad": tr("verify", "有效，但附件缺失或不符"),
        "tampered": tr("verify", "已被改动"),
        "unknown_signer": tr("verify", "签名人未登记"),
        "wrong_unit": tr("verify", "密钥登记单位不符"),
        "not_ecodesk": tr("verify", "不是 EcoDesk 签名报表"),
        "damaged": tr("verify", "文件损坏"),
    }[status]


@dataclass
class VerifyResult:
    status: Status
    message: str  # one Chinese sentence for the person
    unit_code: str = ""
    period: str = ""
    revision: int | None = None
    fingerprint: str = ""
    details: list[str] = field(default_factory=list)
    path: Path | None = None
    workbook: object | None = (
        None  # the SignedWorkbook when it could be read (import, consolidation)
    )

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    kind: Kind = ""  # which kind of EcoDesk file it read ("" when it could not tell)
    # the evidence files the signature binds, checked against the package (None: there are none)
    attachments: PackageReport | None = None

    @property
    def label(self) -> str:
        return status_label(self.status)

    @property
    def severity(self) -> str:
        """``ok``, ``warning`` (the data are good, the file's look was changed) or ``error``."""
        if self.status == "valid":
            return "ok"
        return "warning" if self.status in ("display_altered", "attachments_bad") else "error"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def kind_label(kind: Kind) -> str:
    """What the file is, for the verifier's lines: 报送工作簿 or 审核意见书."""
    return {
        "submission": tr("verify", "报送工作簿"),
        "feedback": tr("verify", "审核意见书"),
        "": "",
    }[kind]


def pack_mismatch(data: Any, receiver_pack: Any) -> list[str]:
    """One sentence when ``data`` was made under a form pack other than ``receiver_pack``."""
    same_version = data.pack_version == receiver_pack.version
    same_digest = not data.pack_digest or data.pack_digest == receiver_pack.digest
    if same_version and same_digest:
        return []
    return [
        tr(
            "verify",
            "该报表按表单包 {theirs}（摘要 {their_digest}）填写，本机使用的表单包是 {ours}"
            "（摘要 {our_digest}）：汇总时按指标代码对应，对方表单包中没有的指标记为未报。",
            theirs=data.pack_version or "?",
            their_digest=(data.pack_digest or "?")[:12],
            ours=receiver_pack.version,
            our_digest=receiver_pack.digest[:12],
        )
    ]


def verify_workbook(
    path: Path,
    registry_dir: Path | KeyRegistry,
    *,
    reader: Callable[[Path], Any] | None = None,
    receiver_pack: Any = None,
) -> VerifyResult:
    """Check one workbook or package (报送包: the workbook and its evidence files in a zip);
    ``registry_dir`` is the registry folder (or an already loaded registry).

    ``receiver_pack`` is the form pack the receiving office uses: a workbook made under another
    pack is still valid (its signed data is what it is), and the details say so.

    ``reader`` reads the file (default: the streaming reader); the differential tests pass the
    openpyxl-based reference reader to check both give the same verdict on every file.

    When the signed data are good (:data:`DATA_TRUSTED`) and list evidence files, each is checked
    (:func:`ecodesk.attachments.package.check_package`): a workbook that came alone, or a package
    with a file missing, altered or added, is ``attachments_bad`` and the details name each file.
    """
    from ecodesk.attachments.package import (
        PackageRefused,
        check_package,
        extracted_workbook,
        is_package,
        missing_report,
        open_package,
    )

    path = Path(path)
    registry = (
        registry_dir
        if isinstance(registry_dir, KeyRegistry)
        else KeyRegistry.load(Path(registry_dir))
    )
    if not is_package(path):
        result = _verify_workbook_file(path, registry, reader, receiver_pack)
        files = _signed_attachments(result)
        return _with_attachments(result, missing_report(files)) if files else result
    try:
        with open_package(path) as package, extracted_workbook(package) as workbook:
            result = _verify_workbook_file(workbook, registry, reader, receiver_pack)
            result.path = path
            if result.workbook is not None:
                result.workbook.path = path  # type: ignore[attr-defined]
            files = _signed_attachments(result)
            if result.status not in DATA_TRUSTED:
                return result
            return _with_attachments(result, check_package(package, files))
    except PackageRefused as exc:
        return VerifyResult(
            "damaged",
            tr("verify", "报送包 {name} 已拒收：{reason}。", name=path.name, reason=exc.reason),
            path=path,
        )


def _signed_attachments(result: VerifyResult) -> list[Any]:
    data = getattr(result.workbook, "data", None)
    if result.status not in DATA_TRUSTED or data is None:
        return []
    return list(data.attachments)


def _with_attachments(result: VerifyResult, report: PackageReport) -> VerifyResult:
    """``result`` with the evidence files' check; any problem makes it ``attachments_bad``."""
    result.attachments = report
    if report.ok:
        result.details.append(tr("verify", "{n} 个附件与签名一致。", n=len(report.checks)))
        return result
    problems = report.problems()
    result.status = "attachments_bad"
    result.message = tr(
        "verify",
        "{message} 但附件有 {n} 处与签名不符：{first}",
        message=result.message,
        n=len(problems),
        first=problems[0],
    )
    result.details = problems[:MAX_DETAILS] + result.details
    if len(problems) > MAX_DETAILS:
        result.details.insert(
            MAX_DETAILS, tr("verify", "……另有 {n} 处不符", n=len(problems) - MAX_DETAILS)
        )
    return result


def _verify_workbook_file(
    path: Path,
    registry: KeyRegistry,
    reader: Callable[[Path], Any] | None,
    receiver_pack: Any = None,
) -> VerifyResult:
    from ecodesk.workbook.reader import DataSheetDamaged, read_signed_workbook
    from ecodesk.workbook.safety import NotAWorkbook, WorkbookDamaged

    read = reader or read_signed_workbook
    name = path.name
    try:
        wb = read(path)
    except DataSheetDamaged as exc:
        return VerifyResult("tampered", str(exc), path=path)
    except WorkbookDamaged as exc:
        return VerifyResult("damaged", str(exc), path=path)
    except NotAWorkbook as exc:
        return VerifyResult("not_ecodesk", str(exc), path=path)

    meta = wb.meta
    from ecodesk.review.model import is_feedback

    kind: Kind = "feedback" if is_feedback(meta) else "submission"
    revision = int(meta["revision"]) if meta.get("revision", "").isdigit() else None
    base = {
        "kind": kind,
        "unit_code": meta.get("unit.division_code", ""),
        "period": meta.get("period", ""),
        "revision": revision,
        "fingerprint": wb.fingerprint,
        "path": path,
        "workbook": wb,
    }
    if not wb.signature_valid():
        return VerifyResult(
            "tampered",
            tr(
                "verify",
                "{name}：签名与签名数据不符，签名数据表或签名已被改动，内容不可信。",
                name=name,
            ),
            details=[tr("verify", "签名数据摘要 {digest}", digest=wb.digest[:16])],
            **base,  # type: ignore[arg-type]
        )
    if wb.mismatches:
        first = wb.mismatches[0]
        details = [m.describe() for m in wb.mismatches[:MAX_DETAILS]]
        if len(wb.mismatches) > MAX_DETAILS:
            details.append(tr("verify", "……另有 {n} 处不符", n=len(wb.mismatches) - MAX_DETAILS))
        return VerifyResult(
            "tampered",
            tr(
                "verify",
                "{name}：可见内容与签名数据不符（{where}），文件在签名后被改动。",
                name=name,
                where=first.describe(),
            ),
            details=details,
            **base,  # type: ignore[arg-type]
        )
    if kind == "feedback":
        from ecodesk.review.verify import check_feedback_signer

        return check_feedback_signer(wb, registry, base)
    if wb.data is None:
        log.warning("signed records of %s do not make a submission: %s", path, wb.data_problem)
        return VerifyResult(
            "damaged",
            tr(
                "verify",
                "{name}：签名完好，但其中的数据无法解读，可能由不兼容的程序版本生成。",
                name=name,
            ),
            details=[wb.data_problem or ""],
            **base,  # type: ignore[arg-type]
        )

    data = wb.data
    details = _save_details(wb.application)
    display = list(getattr(wb, "display_changes", []))
    details.extend(display[:MAX_DETAILS])
    registrations = [
        r for r in registry.by_fingerprint(wb.fingerprint) if r.public_key == wb.public_key
    ]
    if not registrations:
        return VerifyResult(
            "unknown_signer",
            tr(
                "verify",
                "{name}：签名完好，但签名密钥（指纹 {fp}）不在密钥登记中，无法确认是谁签的。"
                "请核对该单位报送的密钥登记表，登记后再验证。",
                name=name,
                fp=group_fingerprint(wb.fingerprint),
            ),
            details=details,
            **base,  # type: ignore[arg-type]
        )
    unit = data.unit
    mine = [
        r
        for r in registrations
        if r.unit_code == unit.division_code
        and department_label(r.department) == department_label(unit.department)
    ]
    if not mine:
        owner = registrations[0]
        return VerifyResult(
            "wrong_unit",
            tr(
                "verify",
                "{name}：工作簿自称来自 {claimed}，但签名密钥登记在 {owner} 名下，不能作为 {claimed} 的报送。",
                name=name,
                claimed=_unit_text(unit),
                owner=owner.display_unit,
            ),
            details=details,
            **base,  # type: ignore[arg-type]
        )
    reg = mine[0]
    if reg.status == "retired":
        details.append(
            tr(
                "verify",
                "签名密钥已于 {when} 更换，这是用旧密钥签署的工作簿。",
                when=(reg.retired or "")[:10],
            )
        )
    if registry.skipped:
        details.append(
            tr("verify", "登记文件夹中有 {n} 个文件无法识别，已忽略。", n=len(registry.skipped))
        )
    if receiver_pack is not None:
        details.extend(pack_mismatch(data, receiver_pack))
    if display:
        return VerifyResult(
            "display_altered",
            tr(
                "verify",
                "{name}：签名数据有效（{unit}，{period}，第{revision}版），但文件的显示方式在签名后"
                "被改动（{what}），打开文件看到的可能与签名内容不同。汇总以签名数据为准；"
                "如需阅读原样，请向报送单位索取原文件。",
                name=name,
                unit=_unit_text(unit),
                period=data.period.label,
                revision=data.revision,
                what=display[0],
            ),
            details=details,
            **base,  # type: ignore[arg-type]
        )
    return VerifyResult(
        "valid",
        tr(
            "verify",
            "{name}：有效。{unit}，{period}，第{revision}版，签名密钥指纹 {fp}。",
            name=name,
            unit=_unit_text(unit),
            period=data.period.label,
            revision=data.revision,
            fp=group_fingerprint(wb.fingerprint),
        )
        + _lateness_text(wb),
        details=details,
        **base,  # type: ignore[arg-type]
    )


def _lateness_text(wb: Any) -> str:
    """迟报 N 天（截止 …），迟报原因：… — as the sender signed it; "" when on time or undated."""
    due, exported = wb.due, wb.exported_at
    if due is None or exported is None or exported.date() <= due:
        return ""
    return tr(
        "verify",
        "迟报 {n} 天（截止日期 {due}，导出于 {when}），迟报原因：{reason}",
        n=(exported.date() - due).days,
        due=due.isoformat(),
        when=exported.date().isoformat(),
        reason=wb.late_reason or tr("verify", "（未写明）"),
    )


def _unit_text(unit: UnitProfile) -> str:
    return tr("verify", "{name}（{code}）", name=unit.display_name, code=unit.division_code)


def _save_details(application: str) -> list[str]:
    if application and "openpyxl" not in application.lower():
        return [
            tr("verify", "文件签名后曾由 {app} 另存，内容未变。", app=application.split("$")[0])
        ]
    return []
