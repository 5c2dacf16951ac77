"""The last checks of a feedback workbook whose signature and visible cells are intact.

Called by :func:`ecodesk.services.verify.verify_workbook` once it has read a file whose signed
records say ``ecodesk-feedback/1``: the records must make a feedback, its key must be in the
registry (at a unit: the receivers it trusts, see ``ecodesk keys trust``), registered to the
office the feedback names as its author.
"""

from __future__ import annotations

import logging
from typing import Any

from ecodesk.i18n import tr
from ecodesk.review.model import decision_label, feedback_from_records
from ecodesk.signing.keys import group_fingerprint
from ecodesk.signing.registry import KeyRegistry

log = logging.getLogger(__name__)


def check_feedback_signer(wb: Any, registry: KeyRegistry, base: dict[str, Any]) -> Any:
    from ecodesk.services.verify import VerifyResult

    name = wb.path.name
    try:
        fb = feedback_from_records(wb.records)
    except ValueError as exc:
        log.warning("signed records of %s do not make a feedback: %s", wb.path, exc)
        return VerifyResult(
            "damaged",
            tr(
                "verify",
                "{name}：签名完好，但其中的审核意见无法解读，可能由不兼容的程序版本生成。",
                name=name,
            ),
            details=[str(exc)],
            **base,
        )
    base = {**base, "unit_code": fb.about.unit.division_code, "revision": fb.about.revision}
    registrations = [
        r for r in registry.by_fingerprint(wb.fingerprint) if r.public_key == wb.public_key
    ]
    if not registrations:
        return VerifyResult(
            "unknown_signer",
            tr(
                "verify",
                "{name}：签名完好，但审核单位的签名密钥（指纹 {fp}）未登记，无法确认是谁签的。"
                "请核对上级的密钥登记表，用 ecodesk keys trust 登记后再导入。",
                name=name,
                fp=group_fingerprint(wb.fingerprint),
            ),
            **base,
        )
    reviewer = fb.reviewer
    mine = [
        r
        for r in registrations
        if r.unit_code == reviewer.division_code and r.department == reviewer.department
    ]
    if not mine:
        return VerifyResult(
            "wrong_unit",
            tr(
                "verify",
                "{name}：审核意见书自称来自 {claimed}，但签名密钥登记在 {owner} 名下。",
                name=name,
                claimed=f"{reviewer.display_name}（{reviewer.division_code}）",
                owner=registrations[0].display_unit,
            ),
            **base,
        )
    return VerifyResult(
        "valid",
        tr(
            "verify",
            "{name}：有效的审核意见书。{reviewer} 审核 {unit} {period}第{revision}版：{decision}，"
            "查询 {n} 条，签名密钥指纹 {fp}。",
            name=name,
            reviewer=reviewer.display_name,
            unit=fb.about.unit.display_name,
            period=fb.about.period.label,
            revision=fb.about.revision,
            decision=decision_label(fb.decision),
            n=len(fb.queries),
            fp=group_fingerprint(wb.fingerprint),
        ),
        **base,
    )
