"""What an import would do, shown to the person before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ecodesk.i18n import tr
from ecodesk.submission import Period, TableRow

SourceKind = Literal["workbook", "template"]
ItemStatus = Literal["new", "changed", "same"]


@dataclass(frozen=True)
class ImportItem:
    """One baseline value: what the file says, and what is already there."""

    key: str  # this pack's field key; also the key in ``choices``
    form: str
    label: str
    unit: str
    new: str
    old: str | None
    where: str  # where in the file (第12行, or the form)
    file_key: str = ""  # the key as the file wrote it, when a rename mapped it

    @property
    def status(self) -> ItemStatus:
        if self.old is None:
            return "new"
        return "same" if self.old == self.new else "changed"

    @property
    def status_label(self) -> str:
        return {
            "new": tr("import", "新增"),
            "changed": tr("import", "有变化"),
            "same": tr("import", "相同"),
        }[self.status]


@dataclass(frozen=True)
class Unmatched:
    """Something in the file that will not be imported, and why."""

    where: str
    code: str
    name: str
    reason: str


@dataclass(frozen=True)
class CarryOver:
    """Rows of a repeatable table still ongoing last year, to be added to this year's table."""

    key: str  # "table:form:table" in ``choices``
    form: str
    table: str
    name: str
    rows: list[TableRow]
    existing: int  # rows already in this year's table (kept)
    cleared: tuple[str, ...]  # column names emptied because they held last year's amounts


@dataclass(frozen=True)
class PlanReference:
    """Last year's 下步计划 of a form, kept beside this year's narrative as a reference."""

    key: str  # "plan:form" in ``choices``
    form: str
    text: str
    old: str | None


@dataclass
class ImportPreview:
    path: Path
    kind: SourceKind
    period: Period  # the period being reported now
    baseline_period: Period  # the period the file's figures belong to
    source_unit_code: str
    source_unit_name: str
    own_unit_code: str
    signature_status: str  # valid / unknown_signer / template
    verification_message: str
    items: list[ImportItem] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    carry_over: list[CarryOver] = field(default_factory=list)
    plan_references: list[PlanReference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def other_unit(self) -> bool:
        return bool(self.source_unit_code) and self.source_unit_code != self.own_unit_code

    @property
    def unknown_signer(self) -> bool:
        return self.signature_status == "unknown_signer"

    @property
    def confirmations_needed(self) -> list[str]:
        """Chinese sentences for what the person must explicitly agree to."""
        reasons = []
        if self.unknown_signer:
            reasons.append(tr("import", "该工作簿的签名人不在密钥登记中，无法确认是谁签的"))
        if self.other_unit:
            reasons.append(
                tr(
                    "import",
                    "该文件是{other}（{code}）的数据，不是本单位（{own}）的",
                    other=self.source_unit_name,
                    code=self.source_unit_code,
                    own=self.own_unit_code,
                )
            )
        return reasons

    @property
    def changes(self) -> list[ImportItem]:
        return [i for i in self.items if i.status != "same"]

    def keep_all_existing(self) -> dict[str, bool]:
        """``choices`` that keep every value already present and only fill the gaps ("keep for all")."""
        return {i.key: False for i in self.changes if i.status == "changed"}

    def choice_keys(self) -> list[str]:
        return (
            [i.key for i in self.changes]
            + [c.key for c in self.carry_over]
            + [p.key for p in self.plan_references]
        )


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    baseline_period: Period
    values_set: int
    values_kept: int  # differing values the person chose to keep
    rows_added: int
    plans_kept: int
