"""The schema every form-pack file is checked against when it is loaded.

The pack is data (YAML under ``ecodesk/forms/pack/``); these pydantic models are the only
place that says what a well-formed definition looks like. Nothing in a definition is ever
evaluated: rules are parsed into the typed structures below and interpreted by
:mod:`ecodesk.forms.rules`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ecodesk.forms import keys
from ecodesk.forms.fields import InputField

CODE_RE = rf"^{keys.CODE}$"
TASK_CODE_RE = (
    r"^[1-9]\d?\.[1-9]\d?$"  # a plan of any shape: this one has 7 actions, the next may not
)
FORM_CODE_RE = keys.FORM_CODE_RE.pattern
DIVISION_CODE_RE = r"^36\d{4}$|^3607[A-Z0-9]{2}$"


CELL_TEXT_LIMIT = 32_767  # Excel's most characters in one cell; LibreOffice cuts longer text


def cell_length(text: str) -> int:
    """The length of ``text`` as a spreadsheet cell counts it (UTF-16 units: a character
    outside the Basic Multilingual Plane counts two)."""
    return len(text.encode("utf-16-le")) // 2


class Strict(BaseModel):
    """Unknown keys are typos in a definition: refuse them."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- catalog


class Division(Strict):
    """A reporting unit: a county-level division (GB/T 2260 code) or a functional zone."""

    code: Annotated[str, Field(pattern=DIVISION_CODE_RE)]
    name: str
    kind: Literal["区", "县", "市", "功能区", "地级市"]
    lead_office: str = Field(
        description="the county's office that leads the plan, e.g. 宁都县生态文明办"
    )


class Department(Strict):
    """A lead city department and its counterpart in a county (市林业局 → 县林业局)."""

    city: str
    county: str | None = Field(
        default=None,
        description="counterpart in a county; None when the body exists only at city level",
    )


class Action(Strict):
    code: Annotated[str, Field(pattern=r"^[1-9]\d?$")]
    title: str


class GoalGroup(Strict):
    code: Annotated[str, Field(pattern=r"^G[1-9]$")]
    title: str
    text: str
    indicators: list[str] = Field(
        default_factory=list,
        description="codes of the main-goals form's indicators that measure this group",
    )


class Task(Strict):
    code: Annotated[str, Field(pattern=TASK_CODE_RE)]
    action: Annotated[str, Field(pattern=r"^[1-9]\d?$")]
    title: str
    text: str = Field(description="the plan's own text for the task")
    lead_departments: list[str] = Field(min_length=1, description="exactly as listed in the plan")


class Duty(Strict):
    """A duty the plan gives to named places."""

    code: Annotated[str, Field(pattern=CODE_RE)]
    task: Annotated[str, Field(pattern=TASK_CODE_RE)]
    divisions: list[str] = Field(min_length=1)
    title: str
    plan_text: str
    fields: list[str] = Field(
        default_factory=list,
        description="'form:code' of the indicators and tables where the place reports on this duty",
    )


class Plan(Strict):
    title: str
    document: str
    issued: str
    years: list[int]


class Catalog(Strict):
    plan: Plan
    city: Division = Field(description="the city (赣州市 360700): consolidates the divisions")
    divisions: list[Division]
    departments: list[Department]
    goal_groups: list[GoalGroup]
    actions: list[Action]
    tasks: list[Task]
    duties: list[Duty]


# --------------------------------------------------------------------------- forms

Comparator = Literal[
    "ge",  # 不低于 / 以上 / 达到
    "gt",  # 突破
    "le",  # 不高于 / 以内
    "eq",  # 等于
    "about",  # 左右
    "zero",  # 清零
    "grade_at_least",  # 达到或好于 (a grade such as Ⅱ类)
    "done",  # 完成 (a milestone)
]
Scope = Literal[
    "level",  # a year-end level (森林覆盖率)
    "annual",  # an amount within the year
    "cumulative",  # a running 2024—2026 total
    "growth",  # an annual growth rate
]
Aggregation = Literal["sum", "ratio", "none"]
Severity = Literal["error", "warning"]


NUMERIC_COMPARATORS = frozenset({"ge", "gt", "le", "eq", "about", "zero"})


def numeric_target(target: Target | None) -> Target | None:
    """The target when a number can be held against it (not a grade or a milestone)."""
    if target is None or target.comparator not in NUMERIC_COMPARATORS:
        return None
    if target.comparator != "zero" and target.value is None:
        return None
    return target


class Target(Strict):
    comparator: Comparator
    value: Decimal | None = None
    grade: str | None = None
    # the year the target is due; 0 (not written) means the plan's last year, filled in by the
    # loader from catalog.yaml, so a pack for another plan period needs no year on every target
    year: int = 0
    deadline: str = Field(description="as the plan says it: 2026年 / 2024年底 / 2024—2026年累计")
    level: Literal["city", "county"] = Field(
        default="city",
        description="city: a city-wide figure (a county's value is its contribution); "
        "county: every county is held to it (e.g. a rate)",
    )
    plan_text: str = Field(description="the plan's sentence that sets this target")

    @model_validator(mode="after")
    def _value_matches_comparator(self) -> Target:
        if self.comparator in ("ge", "gt", "le", "eq", "about") and self.value is None:
            raise ValueError("目标需要数值 (value)")
        if self.comparator == "grade_at_least" and not self.grade:
            raise ValueError("“达到或好于”目标需要等级 (grade)")
        return self


class FieldBase(Strict):
    """What every indicator kind has. What differs by kind lives with the kind (below), as
    properties the rest of the program asks instead of testing the kind."""

    code: Annotated[str, Field(pattern=CODE_RE)]
    name: str
    help: str = Field(default="", description="the plan's sentence behind the field")
    required: bool = True
    only_for: list[str] = Field(
        default_factory=list, description="division codes; empty means every unit reports it"
    )

    @property
    def plan_sentence(self) -> str:
        """The plan's sentence that sets what is asked ("" when the plan sets nothing)."""
        target: Target | None = getattr(self, "target", None)
        return target.plan_text if target is not None else ""

    @property
    def shown_unit(self) -> str:
        """The unit a figure of this indicator is shown in ("" for a choice or a text)."""
        return ""

    @property
    def numeric_target(self) -> Target | None:
        """The plan's target when a number can be held against it (not a grade, a milestone)."""
        return None

    @property
    def choices(self) -> tuple[str, ...]:
        """The values a clerk chooses from (none: the value is typed)."""
        return ()

    @property
    def percent_capped(self) -> bool:
        """Whether a figure in % is held to 0–100 when the definition gives no ``max``."""
        return False

    def input_fields(self, form: str) -> list[InputField]:
        """The cells a clerk fills for this indicator in ``form``."""
        raise NotImplementedError(f"{type(self).__name__} must say which fields it asks for")

    def _field(self, form: str, part: str = "", **spec: Any) -> InputField:
        spec.setdefault("label", self.name)
        spec.setdefault("help", self.help)
        return InputField(form=form, indicator=self.code, part=part, required=self.required, **spec)


class NumberSpec(Strict):
    unit: str = ""
    decimals: int = Field(default=2, ge=0, le=6)
    integer: bool = False
    min: Decimal | None = Decimal(0)
    max: Decimal | None = None
    multipliers: bool = Field(default=False, description="accept 万/亿 in input")


class NumberIndicator(FieldBase, NumberSpec):
    kind: Literal["number"]
    scope: Scope
    aggregation: Aggregation = "sum"
    target: Target | None = None
    yoy_warn_pct: Decimal | None = Field(
        default=Decimal(50),
        description="a change from last year beyond this % needs an explanation",
    )

    @property
    def shown_unit(self) -> str:
        return self.unit

    @property
    def numeric_target(self) -> Target | None:
        return numeric_target(self.target)

    @property
    def percent_capped(self) -> bool:
        return self.scope != "growth"  # a growth rate may exceed 100 %

    def input_fields(self, form: str) -> list[InputField]:
        return [
            self._field(
                form,
                type="number",
                unit=self.unit,
                decimals=self.decimals,
                integer=self.integer,
                min=self.min,
                max=self.max,
                multipliers=self.multipliers,
            )
        ]


class RatioPart(Strict):
    name: str
    unit: str
    decimals: int = 2
    help: str = ""


class RatioIndicator(FieldBase):
    """A rate entered as numerator and denominator; the form computes the rate."""

    kind: Literal["ratio"]
    scope: Scope = "level"
    aggregation: Literal["ratio"] = "ratio"
    unit: str = "%"
    scale: Decimal = Decimal(100)
    decimals: int = 2
    numerator: RatioPart
    denominator: RatioPart
    target: Target | None = None
    yoy_warn_pct: Decimal | None = Decimal(20)

    @property
    def shown_unit(self) -> str:
        return self.unit

    @property
    def numeric_target(self) -> Target | None:
        return numeric_target(self.target)

    def input_fields(self, form: str) -> list[InputField]:
        return [
            self._field(
                form,
                part,
                label=spec.name,
                type="number",
                unit=spec.unit,
                decimals=spec.decimals,
                min=Decimal(0),
                help=spec.help or self.help,
            )
            for part, spec in (("num", self.numerator), ("den", self.denominator))
        ]


class ProvincialIndicator(FieldBase):
    """完成省下达指标 / 达到省有关要求: the county fills the provincial target and the actual value."""

    kind: Literal["provincial"]
    unit: str
    scope: Scope = "annual"
    better: Literal["higher", "lower"] = Field(
        description="higher: actual ≥ target fulfils it (下降率); lower: actual ≤ target fulfils it"
    )
    aggregation: Aggregation = "none"
    decimals: int = 2
    min: Decimal | None = None
    max: Decimal | None = None
    plan_text: str

    @property
    def plan_sentence(self) -> str:
        return self.plan_text

    @property
    def shown_unit(self) -> str:
        return self.unit

    def input_fields(self, form: str) -> list[InputField]:
        return [
            self._field(
                form,
                part,
                label=f"{self.name}（{label}）",
                type="number",
                unit=self.unit,
                decimals=self.decimals,
                min=self.min,
                max=self.max,
                help=self.help or self.plan_text,
            )
            for part, label in (("target", "省下达目标"), ("actual", "实际完成"))
        ]


class TrendIndicator(FieldBase):
    """A qualitative trend of the plan (稳步提升, 持续下降, 稳中向好)."""

    kind: Literal["trend"]
    unit: str
    direction: Literal["up", "down", "stable_or_up"]
    aggregation: Aggregation = "none"
    decimals: int = 2
    min: Decimal | None = Decimal(0)
    max: Decimal | None = None
    plan_text: str

    @property
    def plan_sentence(self) -> str:
        return self.plan_text

    @property
    def shown_unit(self) -> str:
        return self.unit

    @property
    def percent_capped(self) -> bool:
        return True

    def input_fields(self, form: str) -> list[InputField]:
        return [
            self._field(
                form,
                type="number",
                unit=self.unit,
                decimals=self.decimals,
                min=self.min,
                max=self.max,
                help=self.help or self.plan_text,
            )
        ]


class GradeIndicator(FieldBase):
    """A value chosen from ordered grades, best first (水质 Ⅰ类 … 劣Ⅴ类)."""

    kind: Literal["grade"]
    grades: list[str] = Field(min_length=2)
    target: Target | None = None
    aggregation: Literal["none"] = "none"

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.grades)

    def input_fields(self, form: str) -> list[InputField]:
        return [self._field(form, type="choice", choices=self.choices)]

    def reached(self, value: str) -> bool | None:
        """Whether a chosen grade is the target's or better (None: no target, or not a grade)."""
        if self.target is None or self.target.grade is None or value not in self.grades:
            return None
        return self.grades.index(value) <= self.grades.index(self.target.grade)

    @model_validator(mode="after")
    def _target_grade_known(self) -> GradeIndicator:
        if self.target and self.target.grade not in self.grades:
            raise ValueError(f"目标等级 {self.target.grade} 不在等级列表中")
        return self


class MilestoneIndicator(FieldBase):
    """Something to be finished by a deadline (2024年底完成 …)."""

    kind: Literal["milestone"]
    states: list[str] = Field(default_factory=lambda: ["未开始", "推进中", "已完成"])
    done_state: str = "已完成"
    target: Target
    aggregation: Literal["none"] = "none"

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.states)

    def input_fields(self, form: str) -> list[InputField]:
        return [self._field(form, type="choice", choices=self.choices)]

    def reached(self, value: str) -> bool | None:
        """Whether the milestone is done (None while nothing is chosen)."""
        return (value == self.done_state) if value else None


class TextIndicator(FieldBase):
    kind: Literal["text"]
    max_length: int = Field(default=200, ge=1, le=CELL_TEXT_LIMIT)
    aggregation: Literal["none"] = "none"

    def input_fields(self, form: str) -> list[InputField]:
        return [self._field(form, type="text", max_length=self.max_length)]


Indicator = Annotated[
    NumberIndicator
    | RatioIndicator
    | ProvincialIndicator
    | TrendIndicator
    | GradeIndicator
    | MilestoneIndicator
    | TextIndicator,
    Field(discriminator="kind"),
]


class Column(Strict):
    code: Annotated[str, Field(pattern=CODE_RE)]
    name: str
    type: Literal["text", "number", "integer", "choice", "year"]
    unit: str = ""
    required: bool = False
    choices: list[str] = Field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    width: int = Field(default=12, description="relative width for screen, sheet and print")

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Column:
        if self.type == "choice" and not self.choices:
            raise ValueError("选择列需要 choices")
        return self


class TableSpec(Strict):
    code: Annotated[str, Field(pattern=CODE_RE)]
    name: str
    help: str = ""
    columns: list[Column] = Field(min_length=1)
    ongoing: dict[str, list[str]] = Field(
        default_factory=dict,
        description="column → values that mark a row as still ongoing (carried over next year)",
    )
    only_for: list[str] = Field(default_factory=list)
    source_column: str | None = Field(
        default=None,
        description="column that names the unit a row came from (来源单位) when the tables of "
        "several units are consolidated into one; None: rows are taken as they are",
    )

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, columns: list[Column]) -> list[Column]:
        _refuse_duplicates("列代码", [c.code for c in columns])
        return columns

    @model_validator(mode="after")
    def _ongoing_names_choices(self) -> TableSpec:
        # A typo here would silently stop unfinished rows from being carried over next year.
        columns = {c.code: c for c in self.columns}
        for code, values in self.ongoing.items():
            if code not in columns:
                raise ValueError(f"ongoing 中的列 {code} 不在 columns 中")
            choices = columns[code].choices
            for value in values:
                if choices and value not in choices:
                    raise ValueError(f"ongoing 中的值 {value} 不是列 {code} 的选项")
        return self

    @model_validator(mode="after")
    def _source_column_known(self) -> TableSpec:
        if self.source_column is not None and self.source_column not in {
            c.code for c in self.columns
        }:
            raise ValueError(f"来源单位列 {self.source_column} 不在 columns 中")
        return self


def _refuse_duplicates(what: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"{what}重复: {code}")
        seen.add(code)


# Cross-field rules. Operands are field references inside the form:
#   "code" (a number), "code.num"/"code.den" (ratio parts), "code.actual"/"code.target" (provincial),
#   "table:code.column" (the sum of a table column), "table:code#count" (number of rows).


class CompareRule(Strict):
    kind: Literal["compare"]
    id: Annotated[str, Field(pattern=CODE_RE)]
    left: str
    op: Literal["<=", "<", ">=", ">", "=="]
    right: str
    severity: Severity = "error"
    message: str


class TableTotalRule(Strict):
    """The sum of a table column equals a reported total."""

    kind: Literal["table_total"]
    id: Annotated[str, Field(pattern=CODE_RE)]
    table: str
    column: str
    total: str
    tolerance: Decimal = Decimal("0.01")
    severity: Severity = "warning"
    message: str


class RowCountRule(Strict):
    """The number of table rows equals a reported count."""

    kind: Literal["row_count"]
    id: Annotated[str, Field(pattern=CODE_RE)]
    table: str
    total: str
    severity: Severity = "warning"
    message: str


Rule = Annotated[CompareRule | TableTotalRule | RowCountRule, Field(discriminator="kind")]


class EvidenceRule(Strict):
    """A claim that needs 佐证材料: when an indicator (or a table row) says something the plan
    counts — a status such as 已命名 / 通过评估验收, or a figure at least ``at_least`` — an
    attachment on that indicator (or that row) should back it. A missing one is a warning the
    unit accepts with an explanation (the document may still be on its way).

    ``indicator`` names an indicator of the form; ``table`` a table, whose every listed row is
    a claim unless ``column`` says which cell makes it one. The claim is a value in ``values``
    (a choice) or a number at least ``at_least``. ``what`` names the document a reviewer
    expects; ``reason`` says why, citing the plan.
    """

    id: Annotated[str, Field(pattern=CODE_RE)]
    indicator: str | None = None
    table: str | None = None
    column: str | None = None
    values: list[str] = Field(default_factory=list)
    at_least: Decimal | None = None
    what: str = Field(min_length=1, description="the document that backs the claim: 命名文件…")
    reason: str = Field(min_length=1, description="why the plan needs it (its sentence)")

    @model_validator(mode="after")
    def _one_subject_one_claim(self) -> EvidenceRule:
        if (self.indicator is None) == (self.table is None):
            raise ValueError("佐证要求须且只能指定 indicator 或 table 之一")
        if self.values and self.at_least is not None:
            raise ValueError("佐证要求不能同时给出 values 和 at_least")
        if self.column is not None and self.table is None:
            raise ValueError("column 只用于表格的佐证要求")
        needs_claim = self.indicator is not None or self.column is not None
        if needs_claim and not self.values and self.at_least is None:
            raise ValueError("佐证要求须说明何时需要佐证（values 或 at_least）")
        if self.table is not None and self.column is None and (self.values or self.at_least):
            raise ValueError("表格的佐证条件须指明列 (column)")
        return self


class FormDef(Strict):
    code: Annotated[str, Field(pattern=FORM_CODE_RE)]
    version: int = Field(ge=1)
    title: str
    task: str | None = Field(default=None, description="task code; None for the main-goals form")
    quarterly: bool = False
    intro: str = ""
    indicators: list[Indicator] = Field(default_factory=list)
    tables: list[TableSpec] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    evidence: list[EvidenceRule] = Field(
        default_factory=list, description="claims that need 佐证材料 (attachments)"
    )

    @field_validator("indicators")
    @classmethod
    def _unique_codes(cls, indicators: list[Indicator]) -> list[Indicator]:
        _refuse_duplicates("指标代码", [i.code for i in indicators])
        return indicators

    @field_validator("tables")
    @classmethod
    def _unique_tables(cls, tables: list[TableSpec]) -> list[TableSpec]:
        _refuse_duplicates("表格代码", [t.code for t in tables])
        return tables

    @field_validator("rules")
    @classmethod
    def _unique_rules(cls, rules: list[Rule]) -> list[Rule]:
        _refuse_duplicates("规则代码", [r.id for r in rules])
        return rules

    @model_validator(mode="after")
    def _evidence_names_fields(self) -> FormDef:
        # A typo here would silently stop asking for evidence: refuse it when the pack loads.
        _refuse_duplicates("佐证要求代码", [e.id for e in self.evidence])
        indicators = {i.code: i for i in self.indicators}
        tables = {t.code: t for t in self.tables}
        for rule in self.evidence:
            choices: tuple[str, ...] | list[str] = ()
            numeric = False
            if rule.indicator is not None:
                ind = indicators.get(rule.indicator)
                if ind is None:
                    raise ValueError(f"佐证要求 {rule.id} 的指标 {rule.indicator} 不在本表中")
                choices = ind.choices
                numeric = isinstance(ind, NumberIndicator)
            else:
                table = tables.get(rule.table or "")
                if table is None:
                    raise ValueError(f"佐证要求 {rule.id} 的表格 {rule.table} 不在本表中")
                column = next((c for c in table.columns if c.code == rule.column), None)
                if rule.column is not None and column is None:
                    raise ValueError(f"佐证要求 {rule.id} 的列 {rule.column} 不在表格中")
                if column is not None:
                    choices = column.choices
                    numeric = column.type in ("number", "integer", "year")
            for value in rule.values:
                if value not in choices:
                    raise ValueError(f"佐证要求 {rule.id} 的值 {value} 不是可选项")
            if rule.at_least is not None and not numeric:
                raise ValueError(f"佐证要求 {rule.id} 的 at_least 只能用于数值")
        return self


class Narrative(Strict):
    code: Annotated[str, Field(pattern=CODE_RE)]
    name: str
    hint: str
    min_chars: int = 0
    max_chars: int = Field(default=3000, ge=1, le=CELL_TEXT_LIMIT)


class PackManifest(Strict):
    """``pack.yaml``: the version of the whole set and what changed between versions."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]{2,63}$")] = Field(
        default="ganzhou-eco-2024-2026",
        description="the plan this pack belongs to; stays the same across its versions",
    )
    version: Annotated[str, Field(pattern=r"^\d{4}\.\d+$")]
    released: str
    forms: list[str] = Field(min_length=1, description="form files, in the plan's order")
    narratives: list[Narrative] = Field(min_length=4, max_length=4)
    renamed: dict[str, str] = Field(
        default_factory=dict,
        description="field key of an older pack → key in this pack (e.g. '1.1:old' → '1.1:new')",
    )
    retired: list[str] = Field(default_factory=list, description="keys no longer asked for")

    @field_validator("renamed")
    @classmethod
    def _keys_well_formed(cls, renamed: dict[str, str]) -> dict[str, str]:
        for old, new in renamed.items():
            for key in (old, new):
                if not keys.FieldKey.is_valid(key):
                    raise ValueError(f"字段键格式不对: {key}")
        return renamed
