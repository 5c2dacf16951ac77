"""Units that reported under another form pack than the receiver's.

Values are matched by stable key (a renamed field follows the receiver's pack's ``renamed``, see
:func:`ecodesk.consolidation.aggregate.current_values`), so units on two pack versions add up.
What a total cannot show is an indicator a unit was never asked for: its empty cell means "not in
that unit's pack", not "not reported". This module names those indicators, unit by unit, from the
unit's own pack when this computer knows it (the program's pack and every pack installed here,
by content digest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecodesk.forms.loader import FormPack
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData


@dataclass(frozen=True)
class UnitPack:
    """One unit's form pack when it differs from the receiver's."""

    unit: str  # the unit's name as shown
    version: str
    digest: str
    known: bool  # this computer has the pack (so ``missing`` is exact)
    missing: list[str] = field(default_factory=list)  # "1.1 名称" of receiver's indicators it lacks

    def sentence(self) -> str:
        if not self.known:
            return tr(
                "consolidation",
                "{unit} 按表单包 {version}（摘要 {digest}）填报，本机没有该表单包，"
                "其中没有的指标显示为未报。",
                unit=self.unit,
                version=self.version or "?",
                digest=(self.digest or "?")[:12],
            )
        if not self.missing:
            return tr(
                "consolidation",
                "{unit} 按表单包 {version} 填报，本次汇总的指标都在其中。",
                unit=self.unit,
                version=self.version,
            )
        return tr(
            "consolidation",
            "{unit} 按表单包 {version} 填报，其中没有这些指标（不是漏报）：{names}",
            unit=self.unit,
            version=self.version,
            names="、".join(self.missing),
        )


def _same_pack(data: SubmissionData, pack: FormPack) -> bool:
    if data.pack_digest:
        return data.pack_digest == pack.digest
    return data.pack_version == pack.version


def units_on_other_packs(
    pack: FormPack, submissions: Sequence[SubmissionData], known: Mapping[str, FormPack]
) -> list[UnitPack]:
    """Every unit whose pack is not ``pack``, with the receiver's indicators its pack lacks."""
    by_version = {p.version: p for p in known.values()}
    result = []
    for data in submissions:
        if _same_pack(data, pack):
            continue
        theirs = (
            known.get(data.pack_digest) if data.pack_digest else by_version.get(data.pack_version)
        )
        name = data.unit.display_name or data.unit.division_name
        if theirs is None:
            result.append(UnitPack(name, data.pack_version, data.pack_digest, known=False))
            continue
        asked = {pack.current_key(f.key) for f in theirs.all_input_fields(data.unit.division_code)}
        missing = []
        for form in pack.forms:
            if form not in data.forms:
                continue
            for ind in pack.indicators(form, data.unit.division_code):
                keys = [f.key for f in ind.input_fields(form)]
                if keys and not any(k in asked for k in keys):
                    missing.append(f"{form} {ind.name}")
        result.append(UnitPack(name, data.pack_version, data.pack_digest, True, missing))
    return result
