"""Realistic sample data for any county of the catalog: what ``ecodesk demo`` puts in a data folder.

Everything is generated from the pack (indicator kinds, units, ranges, targets, the task's own
text), so it follows the forms as they change. Values are deterministic per county and period
and differ between counties; cumulative figures grow from year to year, levels drift slowly,
annual amounts vary modestly, so that year-over-year checks stay quiet.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import TableCount, TableKey, TableSum, parse_operand
from ecodesk.forms.schema import (
    Column,
    CompareRule,
    Division,
    GradeIndicator,
    MilestoneIndicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    RowCountRule,
    TableSpec,
    TableTotalRule,
    TextIndicator,
    TrendIndicator,
)
from ecodesk.i18n import tr
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, TableRow, UnitProfile

if TYPE_CHECKING:
    from ecodesk.forms.loader import FormPack
    from ecodesk.store import Store

log = logging.getLogger(__name__)

DEFAULT_DEMO_COUNTY = "360730"  # 宁都县
VOCAB_FILE = Path(__file__).resolve().parent / "sample_vocab.yaml"

# Typical county-level magnitudes by unit (low, high), used when the plan sets no target.
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "%": (30, 90),
    "家": (5, 60),
    "个": (2, 30),
    "项": (2, 25),
    "座": (1, 12),
    "处": (2, 20),
    "所": (2, 20),
    "条": (2, 25),
    "宗": (1, 10),
    "件": (5, 80),
    "次": (5, 60),
    "场": (3, 30),
    "户": (50, 2000),
    "人": (50, 3000),
    "人次": (500, 20000),
    "万人次": (20, 500),
    "辆": (20, 500),
    "台": (10, 300),
    "套": (10, 300),
    "亿元": (1, 40),
    "万元": (300, 30000),
    "元": (1000, 100000),
    "吨": (200, 20000),
    "万吨": (1, 60),
    "吨标准煤": (1000, 50000),
    "万吨标准煤": (5, 80),
    "公顷": (300, 15000),
    "万亩": (2, 60),
    "亩": (500, 30000),
    "平方公里": (10, 400),
    "平方千米": (10, 400),
    "平方米": (10000, 500000),
    "万平方米": (5, 100),
    "公里": (10, 300),
    "千米": (10, 300),
    "千瓦": (1000, 100000),
    "万千瓦": (2, 60),
    "兆瓦": (20, 500),
    "万千瓦时": (500, 50000),
    "亿千瓦时": (1, 20),
    "立方米": (10000, 1000000),
    "万立方米": (50, 5000),
    "亿立方米": (0.5, 5),
    "微克/立方米": (18, 32),
    "μg/m³": (18, 32),
    "毫克/升": (0.1, 1.0),
    "mg/L": (0.1, 1.0),
    "天": (330, 360),
    "分": (70, 95),
    "吨/万元": (0.2, 0.8),
}
DEFAULT_RANGE = (10.0, 100.0)
# Share of the three-year cumulative target reached by the end of each plan year.
# Even steps, so that each year's increment is like the last (what the year-over-year check compares).
CUMULATIVE_SHARE = {2024: 0.35, 2025: 0.69, 2026: 1.04}


@functools.cache
def _vocab() -> dict[str, Any]:
    with VOCAB_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _rng(*parts: object) -> random.Random:
    """A generator seeded by ``parts`` (stable across runs, unlike ``hash``)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def _fmt(value: float | Decimal, decimals: int) -> str:
    quantum = Decimal(1).scaleb(-decimals)
    return format(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP), "f")


def _clamp(value: float, low: Decimal | None, high: Decimal | None) -> float:
    if high is not None and value > float(high):
        value = float(high) - (float(high) - float(low or 0)) * 0.02
    if low is not None and value < float(low):
        value = float(low)
    return value


def _unit_range(unit: str) -> tuple[float, float]:
    return UNIT_RANGES.get(unit.strip(), DEFAULT_RANGE)


@dataclass
class _Context:
    pack: FormPack
    division: Division
    period: Period

    @property
    def county(self) -> str:
        return self.division.name

    @property
    def year_index(self) -> int:
        years = self.pack.catalog.plan.years
        return min(max(self.period.year - years[0], 0), len(years) - 1)

    @property
    def scale(self) -> float:
        """How big this county is relative to an average one (stable per county)."""
        return _rng("scale", self.division.code).uniform(0.6, 1.5)

    def rng(self, *parts: object) -> random.Random:
        return _rng(self.division.code, *parts)

    def year_rng(self, *parts: object) -> random.Random:
        return _rng(self.division.code, str(self.period), *parts)

    def towns(self) -> list[str]:
        towns: list[str] = _vocab()["towns"].get(self.division.code) or _vocab()["generic_places"]
        return towns


def division_department(division: Division) -> str:
    """The lead office without the division's own name (the profile keeps them apart)."""
    office = division.lead_office
    return office[len(division.name) :] if office.startswith(division.name) else office


def _person(rng: random.Random) -> str:
    vocab = _vocab()
    return rng.choice(vocab["surnames"]) + rng.choice(vocab["given_names"])


def sample_profile(pack: FormPack, division_code: str) -> UnitProfile:
    """The county's lead office for the plan, with plausible names and a Ganzhou phone number."""
    division = _division(pack, division_code)
    rng = _rng("profile", division_code)
    return UnitProfile(
        division_code=division.code,
        division_name=division.name,
        department=division_department(division),
        preparer=_person(rng),
        reviewer=_person(rng),
        phone=f"0797-{rng.randint(2, 8)}{rng.randint(0, 999999):06d}",
        head=_person(rng),
    )


def _division(pack: FormPack, division_code: str) -> Division:
    try:
        return pack.division(division_code)
    except KeyError:
        raise EcoDeskError(
            tr(
                "sample",
                "区划代码 {code} 不在目录中。请用“ecodesk catalog”查看各县（市、区）的代码。",
                code=division_code,
            )
        ) from None


# ---------------------------------------------------------------------------- indicator values


INTENSIVE_UNITS = {"%", "", "微克/立方米", "μg/m³", "毫克/升", "mg/L", "天", "分", "吨/万元"}


def _typical_range(name: str, unit: str) -> tuple[float, float]:
    """What an average county reports for a figure with this name and unit."""
    for entry in _vocab()["name_ranges"]:
        if entry["keyword"] in name and entry.get("unit", unit) == unit:
            low, high = entry["range"]
            return float(low), float(high)
    return _unit_range(unit)


def _typical(ctx: _Context, rng: random.Random, name: str, unit: str) -> float:
    low, high = _typical_range(name, unit)
    value = rng.uniform(low, high)
    # Counts, money, areas grow with the county; rates, concentrations and indices do not.
    return value if unit.strip() in INTENSIVE_UNITS else value * ctx.scale


def _cumulative_share(year: int) -> float:
    return CUMULATIVE_SHARE.get(year, 1.04)


def _number_value(
    ctx: _Context, form: str, ind: NumberIndicator, parent: tuple[NumberIndicator, float] | None
) -> str:
    rng = ctx.rng(form, ind.code)
    noise = ctx.year_rng(form, ind.code)
    year = ctx.period.year
    target = ind.target
    if parent is not None:
        # "其中：…" is a part of the figure above it.
        parent_ind, parent_value = parent
        if parent_ind.scope == "cumulative" and ind.scope != "cumulative":
            increment = (
                _cumulative_share(year) - _cumulative_share(year - 1)
                if year - 1 in CUMULATIVE_SHARE
                else 1
            )
            value = parent_value * min(increment / _cumulative_share(year), 1.0)
        else:
            value = parent_value * rng.uniform(0.25, 0.45)
    elif target is not None and target.comparator == "zero":
        value = 0.0
    elif ind.scope == "growth":
        centre = (
            float(target.value)
            if target and target.value is not None
            else _typical(ctx, rng, ind.name, "%")
        )
        value = centre * noise.uniform(0.9, 1.2)
    else:
        if target is not None and target.value is not None and target.level == "county":
            t = float(target.value)
            factor = {
                "ge": (1.02, 1.12),
                "gt": (1.05, 1.15),
                "le": (0.78, 0.95),
                "about": (0.97, 1.06),
            }
            value = t * rng.uniform(*factor.get(target.comparator, (1.0, 1.0)))
        elif target is not None and target.value is not None:
            counties = max(len(ctx.pack.catalog.divisions), 1)
            value = float(target.value) / counties * ctx.scale * rng.uniform(0.85, 1.15)
        else:
            value = _typical(ctx, rng, ind.name, ind.unit)
        if ind.scope == "cumulative" and (ind.integer or ind.decimals == 0):
            # Small counts grow by the same number every year, or the increments jump about.
            years = ctx.pack.catalog.plan.years
            step = max(1, round(value * _cumulative_share(years[-1]) / len(years)))
            value = step * (ctx.year_index + 1)
        elif ind.scope == "cumulative":
            value *= _cumulative_share(year) * noise.uniform(0.99, 1.01)
        elif ind.scope == "annual":
            value *= noise.uniform(0.9, 1.1)
        else:  # a level improves a little every year
            lower_is_better = target is not None and target.comparator == "le"
            value *= 1 + (-0.01 if lower_is_better else 0.01) * ctx.year_index
    if ind.integer or ind.decimals == 0:
        value = round(value)
        aims_at_zero = target is not None and target.comparator == "zero"
        if (
            ind.required
            and ind.scope != "annual"
            and not aims_at_zero
            and (ind.min is None or ind.min >= 0)
        ):
            value = max(value, 1)
    return _fmt(_clamp(value, ind.min, ind.max), ind.decimals)


def _ratio_values(ctx: _Context, form: str, ind: RatioIndicator) -> tuple[str, str]:
    rng = ctx.rng(form, ind.code)
    scale = float(ind.scale)
    target = ind.target
    lower_is_better = target is not None and target.comparator == "le"
    if target is not None and target.value is not None:
        t = float(target.value)
        rate = t * (rng.uniform(0.8, 0.95) if lower_is_better else rng.uniform(1.0, 1.1))
    else:
        rate = rng.uniform(0.45, 0.9) * scale
    rate += (-0.2 if lower_is_better else 0.2) * ctx.year_index
    rate = min(rate, scale * 0.985)
    den = _typical(ctx, rng, ind.denominator.name, ind.denominator.unit)
    if ind.scope != "level":  # an annual base (e.g. total waste produced) moves a little
        den *= ctx.year_rng(form, ind.code, "den").uniform(0.95, 1.05)
    if ind.denominator.decimals == 0:
        den = max(round(den), 1)
    num = Decimal(str(den * rate / scale))
    # Round the numerator towards the good side so that rounding never misses a target.
    quantum = Decimal(1).scaleb(-ind.numerator.decimals)
    num = num.quantize(quantum, rounding=ROUND_FLOOR if lower_is_better else ROUND_CEILING)
    return format(num, "f"), _fmt(den, ind.denominator.decimals)


def _provincial_values(ctx: _Context, form: str, ind: ProvincialIndicator) -> tuple[str, str]:
    rng = ctx.year_rng(form, ind.code)
    target = _clamp(
        _typical(ctx, ctx.rng(form, ind.code), ind.name, ind.unit) * rng.uniform(0.97, 1.03),
        ind.min,
        ind.max,
    )
    if ind.better == "higher":
        actual = target * rng.uniform(1.02, 1.15)
        if ind.max is not None and actual >= float(ind.max):
            actual = target + (float(ind.max) - target) * rng.uniform(0.2, 0.8)
    else:
        actual = target * rng.uniform(0.8, 0.97)
    return _fmt(target, ind.decimals), _fmt(_clamp(actual, ind.min, ind.max), ind.decimals)


def _trend_value(ctx: _Context, form: str, ind: TrendIndicator) -> str:
    base = _typical(ctx, ctx.rng(form, ind.code), ind.name, ind.unit)
    step = {"up": 0.03, "down": -0.03, "stable_or_up": 0.01}[ind.direction]
    return _fmt(_clamp(base * (1 + step * ctx.year_index), ind.min, ind.max), ind.decimals)


def _grade_value(ctx: _Context, form: str, ind: GradeIndicator) -> str:
    rng = ctx.rng(form, ind.code)
    limit = ind.grades.index(ind.target.grade) if ind.target and ind.target.grade else 1
    return ind.grades[rng.randint(max(limit - 1, 0), limit)]


def _milestone_value(ctx: _Context, ind: MilestoneIndicator) -> str:
    if ctx.period.year >= ind.target.year or ind.done_state not in ind.states:
        return ind.done_state if ind.done_state in ind.states else ind.states[-1]
    in_progress = [s for s in ind.states if s != ind.done_state]
    return in_progress[-1] if in_progress else ind.done_state


def _text_value(ctx: _Context, ind: TextIndicator) -> str:
    text = tr("sample", "{county}已按计划推进{name}相关工作", county=ctx.county, name=ind.name)
    return text[: ind.max_length] if ind.max_length else text


def _indicator_values(ctx: _Context, form: str) -> dict[str, str]:
    values: dict[str, str] = {}
    parent: tuple[NumberIndicator, float] | None = None
    for ind in ctx.pack.indicators(form, ctx.division.code):
        key = f"{form}:{ind.code}"
        if isinstance(ind, NumberIndicator):
            is_part = (
                ind.name.startswith("其中") and parent is not None and parent[0].unit == ind.unit
            )
            values[key] = _number_value(ctx, form, ind, parent if is_part else None)
            if not is_part:
                parent = (ind, float(values[key]))
        elif isinstance(ind, RatioIndicator):
            values[f"{key}.num"], values[f"{key}.den"] = _ratio_values(ctx, form, ind)
        elif isinstance(ind, ProvincialIndicator):
            values[f"{key}.target"], values[f"{key}.actual"] = _provincial_values(ctx, form, ind)
        elif isinstance(ind, TrendIndicator):
            values[key] = _trend_value(ctx, form, ind)
        elif isinstance(ind, GradeIndicator):
            values[key] = _grade_value(ctx, form, ind)
        elif isinstance(ind, MilestoneIndicator):
            values[key] = _milestone_value(ctx, ind)
        elif isinstance(ind, TextIndicator):
            values[key] = _text_value(ctx, ind)
    return values


# ---------------------------------------------------------------------------- tables

_SUBJECT_TRIM = re.compile(r"^(重点|本年度?|年度|主要)|(名单|清单|情况|明细|一览表|表)$")


def _table_subject(table: TableSpec) -> str:
    subject = table.name
    for _ in range(2):
        subject = _SUBJECT_TRIM.sub("", subject)
    return subject or table.name


def _company(rng: random.Random, ctx: _Context) -> str:
    vocab = _vocab()
    return (
        f"{ctx.county[:-1] if len(ctx.county) > 2 else ctx.county}{rng.choice(vocab['company_words'])}"
        f"{rng.choice(vocab['company_trades'])}有限公司"
    )


def _row_name(rng: random.Random, ctx: _Context, table: TableSpec) -> str:
    subject = _table_subject(table)
    if any(word in subject for word in ("工厂", "企业", "公司", "供应链")):
        return _company(rng, ctx)
    vocab = _vocab()
    industrial = any(word in subject for word in vocab["industrial_words"])
    qualifiers = vocab["industrial_qualifiers"] if industrial else vocab["general_qualifiers"]
    qualifier = rng.choice(qualifiers) if subject.endswith(("项目", "工程")) else ""
    return f"{ctx.county}{rng.choice(ctx.towns())}{qualifier}{subject}"


def _cell(ctx: _Context, form: str, table: TableSpec, column: Column, row_no: int) -> str:
    # Row n describes the same project every year (lists grow, projects move on); only what
    # changes with time (a status, a year's amount) is drawn per year.
    rng = ctx.rng(form, table.code, row_no, column.code)
    name = column.name
    if column.type == "choice":
        ongoing = set(table.ongoing.get(column.code, []))
        done = [c for c in column.choices if c not in ongoing]
        if ongoing:
            year_rng = ctx.year_rng(form, table.code, row_no, column.code)
            # Older years are mostly finished; the current year still has work in progress.
            if done and ctx.period.year < ctx.pack.catalog.plan.years[-1]:
                return year_rng.choice(done + done + sorted(ongoing))
            return year_rng.choice(column.choices)
        if all(c.endswith("类") for c in column.choices):
            # Water-quality grades, best first: a target grade is Ⅲ类, a measured one at least as good.
            if "target" in column.code or "目标" in name:
                return column.choices[min(2, len(column.choices) - 1)]
            return rng.choice(column.choices[:3])
        return rng.choice(column.choices)
    if column.type == "year":
        years = ctx.pack.catalog.plan.years
        if any(word in name for word in ("有效期", "截止", "到期")):
            return str(ctx.period.year + rng.randint(1, 3))
        return str(min(rng.randint(years[0], years[-1]), ctx.period.year))
    if column.type in ("number", "integer"):
        low, high = _typical_range(name, column.unit)
        if column.min is not None:
            low = max(low, float(column.min))
        if column.max is not None:
            high = min(high, float(column.max))
            low = min(low, high)
        value = rng.uniform(low, high) * ctx.year_rng(
            form, table.code, row_no, column.code
        ).uniform(0.9, 1.1)
        if column.max is not None:
            value = min(value, float(column.max))
        if column.type == "integer":
            return str(max(round(value), int(column.min or 0)))
        return _fmt(value, 2 if value < 100 else 1)
    if column.code == "name" or "名称" in name:
        return _row_name(rng, ctx, table)
    if name in ("单位", "计量单位") or column.code.endswith("unit"):
        return str(rng.choice(_vocab()["measure_units"]))
    if any(
        word in name for word in ("企业", "单位", "公司", "主体", "买方", "卖方", "受让", "出让")
    ):
        return _company(rng, ctx)
    if "文号" in name:
        return tr(
            "sample",
            "{short}府办发〔{year}〕{n}号",
            short=ctx.county[:2],
            year=ctx.period.year,
            n=rng.randint(3, 60),
        )
    if any(word in name for word in ("编号", "证书", "代码")):
        return f"GF{ctx.period.year}{rng.randint(0, 999999):06d}"
    if any(word in name for word in ("对方", "相邻", "合作方", "对象")):
        others = [
            d.name
            for d in ctx.pack.catalog.divisions
            if d.code != ctx.division.code and d.kind != "功能区"
        ]
        return tr("sample", "{other}人民政府", other=rng.choice(others))
    if "成果" in name or "成效" in name:
        return tr("sample", "形成{subject}经验材料并印发推广", subject=_table_subject(table))
    if any(word in name for word in ("河流", "水体", "河段", "流域")):
        return f"{rng.choice(ctx.towns())[:-1]}河"
    if "长度" in name:
        return tr("sample", "{km}公里", km=_fmt(rng.uniform(0.5, 6), 1))
    if "面积" in name:
        return tr("sample", "{mu}亩", mu=_fmt(rng.uniform(20, 600), 0))
    if any(word in name for word in ("地点", "位置", "乡镇", "所在", "地址")):
        return f"{ctx.county}{rng.choice(ctx.towns())}"
    if any(word in name for word in ("行业", "领域", "类别", "方向")):
        return str(rng.choice(_vocab()["company_trades"]))
    if any(word in name for word in ("内容", "措施", "做法")):
        return tr("sample", "实施{subject}，按计划推进", subject=_table_subject(table))
    if "备注" in name:
        return ""
    if any(word in name for word in ("负责人", "联系人")):
        return _person(rng)
    return tr(
        "sample", "{town}{subject}", town=rng.choice(ctx.towns()), subject=_table_subject(table)
    )


MAX_SAMPLE_ROWS = 60


def _row_counts(ctx: _Context, form: str, values: dict[str, str]) -> dict[str, int]:
    """How many rows each table gets: as many as a reported count says, where a rule ties them."""
    counts: dict[str, int] = {}
    for rule in ctx.pack.form(form).rules:
        pairs: list[tuple[str, str]] = []
        if isinstance(rule, RowCountRule):
            pairs = [(rule.table, rule.total)]
        elif isinstance(rule, CompareRule):
            for ref, other in ((rule.left, rule.right), (rule.right, rule.left)):
                operand = parse_operand(ref)
                if isinstance(operand, TableCount):
                    pairs.append((operand.table, other))
        for table, field_ref in pairs:
            try:
                wanted = int(Decimal(values.get(f"{form}:{field_ref}", "")))
            except ArithmeticError:
                continue
            counts[table] = min(max(wanted, 1), MAX_SAMPLE_ROWS)
    return counts


def _table_rows(ctx: _Context, form: str, table: TableSpec, count: int | None) -> list[TableRow]:
    if count is None:
        count = ctx.year_rng(form, table.code).randint(3, 6)
    rows = [
        {c.code: _cell(ctx, form, table, c, row_no) for c in table.columns}
        for row_no in range(count)
    ]
    # Required columns are always filled, even where the generic guesses above left a blank.
    for row in rows:
        for c in table.columns:
            if c.required and not row[c.code]:
                row[c.code] = _table_subject(table)
    return rows


# ---------------------------------------------------------------------------- rules


def _operand(
    values: dict[str, str], tables: dict[str, list[TableRow]], form: str, ref: str
) -> Decimal | None:
    operand = parse_operand(ref)
    if isinstance(operand, TableCount):
        return Decimal(len(tables.get(str(TableKey(form, operand.table)), [])))
    if isinstance(operand, TableSum):
        total = Decimal(0)
        for row in tables.get(str(TableKey(form, operand.table)), []):
            try:
                total += Decimal(row.get(operand.column, "") or "0")
            except ArithmeticError:
                return None
        return total
    text = values.get(f"{form}:{ref}")
    try:
        return Decimal(text) if text is not None else Decimal(ref)
    except ArithmeticError:
        return None


def _decimals_of(ctx: _Context, key: str) -> int:
    try:
        spec = ctx.pack.input_field(key)
    except KeyError:
        return 2
    return 0 if spec.integer else spec.decimals


def _apply_rules(
    ctx: _Context, form: str, values: dict[str, str], tables: dict[str, list[TableRow]]
) -> None:
    """Make reported totals agree with the tables and cross-field comparisons hold."""
    rules = ctx.pack.form(form).rules
    for rule in rules:
        if isinstance(rule, TableTotalRule) and f"{form}:{rule.total}" in values:
            _spread_total(ctx, form, rule, values, tables)
        elif isinstance(rule, RowCountRule) and f"{form}:{rule.total}" in values:
            key = f"{form}:{rule.total}"
            values[key] = str(len(tables.get(f"{form}:{rule.table}", [])))
    for _ in range(3):  # a fix can disturb an earlier rule; a few passes settle chains of them
        for rule in rules:
            if isinstance(rule, CompareRule):
                _satisfy(ctx, form, rule, values, tables)


def _spread_total(
    ctx: _Context,
    form: str,
    rule: TableTotalRule,
    values: dict[str, str],
    tables: dict[str, list[TableRow]],
) -> None:
    """Share a reported total out over the table's rows, so that the column adds up to it exactly."""
    rows = tables.get(f"{form}:{rule.table}", [])
    key = f"{form}:{rule.total}"
    try:
        total = Decimal(values[key])
    except ArithmeticError:
        return
    if not rows:
        return
    decimals = _decimals_of(ctx, key)
    quantum = Decimal(1).scaleb(-decimals)
    weights = []
    for row in rows:
        try:
            weights.append(max(Decimal(row.get(rule.column) or "1"), Decimal("0.01")))
        except ArithmeticError:
            weights.append(Decimal(1))
    shares = [(total * w / sum(weights)).quantize(quantum, rounding=ROUND_FLOOR) for w in weights]
    shares[-1] = total - sum(shares[:-1])
    for row, share in zip(rows, shares, strict=True):
        row[rule.column] = format(share, "f")


def _satisfy(
    ctx: _Context,
    form: str,
    rule: CompareRule,
    values: dict[str, str],
    tables: dict[str, list[TableRow]],
) -> None:
    left = _operand(values, tables, form, rule.left)
    right = _operand(values, tables, form, rule.right)
    if left is None or right is None:
        return
    holds = {
        "<=": left <= right,
        "<": left < right,
        ">=": left >= right,
        ">": left > right,
        "==": left == right,
    }
    if holds[rule.op]:
        return
    # Equal satisfies the non-strict comparisons and moves the value least.
    factor = {
        "<=": Decimal(1),
        "<": Decimal("0.9"),
        ">=": Decimal(1),
        ">": Decimal("1.1"),
        "==": Decimal(1),
    }
    left_key, right_key = f"{form}:{rule.left}", f"{form}:{rule.right}"
    if left_key in values:
        wanted = right * factor[rule.op]
        if rule.op == "<" and wanted >= right:
            wanted = right - 1
        if rule.op == ">" and wanted <= right:
            wanted = right + 1
        values[left_key] = _fmt(wanted, _decimals_of(ctx, left_key))
    elif right_key in values:
        wanted = left / factor[rule.op]
        if rule.op == "<" and wanted <= left:
            wanted = left + 1
        if rule.op == ">" and wanted >= left:
            wanted = left - 1
        values[right_key] = _fmt(wanted, _decimals_of(ctx, right_key))


# ---------------------------------------------------------------------------- narratives

_CLAUSE_SPLIT = re.compile(r"[。；;]")


def _clauses(text: str, title: str) -> list[str]:
    """Sentences of the plan's task text, without the title that opens it."""
    body = text[len(title) :] if text.startswith(title) else text
    out = []
    for part in _CLAUSE_SPLIT.split(body):
        part = part.strip(" ，,。")
        if 8 <= len(part) <= 90 and not re.search(r"按职责分工负责|\d{4}年", part):
            out.append(part)
    return out


def _indicator_sentence(ctx: _Context, form: str, values: dict[str, str]) -> str:
    parts = []
    for ind in ctx.pack.indicators(form, ctx.division.code):
        key = f"{form}:{ind.code}"
        if isinstance(ind, (NumberIndicator, TrendIndicator)) and key in values:
            parts.append(f"{ind.name}{values[key]}{ind.unit}")
        elif isinstance(ind, ProvincialIndicator) and f"{key}.actual" in values:
            parts.append(
                f"{ind.name}{values[key + '.actual']}{ind.unit}（省下达目标{values[key + '.target']}{ind.unit}）"
            )
        elif isinstance(ind, RatioIndicator) and f"{key}.num" in values:
            try:
                rate = Decimal(values[f"{key}.num"]) / Decimal(values[f"{key}.den"]) * ind.scale
                parts.append(f"{ind.name}{_fmt(rate, ind.decimals)}{ind.unit}")
            except ArithmeticError:
                continue
        elif isinstance(ind, (GradeIndicator, MilestoneIndicator)) and key in values:
            parts.append(f"{ind.name}为“{values[key]}”")
        if len(parts) == 3:
            break
    if not parts:
        return ""
    return tr("sample", "截至{year}年底，{facts}。", year=ctx.period.year, facts="，".join(parts))


def _narratives(
    ctx: _Context,
    form: str,
    profile: UnitProfile,
    values: dict[str, str],
    tables: dict[str, list[TableRow]],
) -> dict[str, str]:
    pack, vocab = ctx.pack, _vocab()
    definition = pack.form(form)
    rng = ctx.year_rng(form, "narratives")
    if definition.task:
        task = pack.task(definition.task)
        title, clauses = task.title, _clauses(task.text, task.title)
    else:
        title = definition.title
        clauses = [c for g in pack.catalog.goal_groups for c in _clauses(g.text, g.title)]
    clauses = clauses or [title]
    picked = rng.sample(clauses, min(3, len(clauses)))
    ordinals = ["一是", "二是", "三是"]
    plan_title = pack.catalog.plan.title
    last_year = pack.catalog.plan.years[-1]
    final = ctx.period.year >= last_year
    progress = tr(
        "sample",
        "{year}年，{county}深入贯彻《{plan}》部署，聚焦“{title}”重点任务，细化分解年度目标，压茬推进各项工作。"
        "{facts}{pace}",
        year=ctx.period.year,
        county=ctx.county,
        plan=plan_title,
        title=title,
        facts=_indicator_sentence(ctx, form, values),
        pace=tr("sample", "三年行动目标任务总体完成。")
        if final
        else tr("sample", "各项工作总体符合序时进度要求。"),
    )
    table_notes = []
    for spec in pack.tables(form, ctx.division.code):
        rows = tables.get(f"{form}:{spec.code}", [])
        if rows:
            table_notes.append(tr("sample", "全年纳入{name}{n}个", name=spec.name, n=len(rows)))
    practice = (
        rng.choice(vocab["practice_openers"]).format(county=ctx.county, dept=profile.department)
        + "".join(f"{ordinals[i]}{c}。" for i, c in enumerate(picked))
        + (
            tr("sample", "{notes}，工作成效逐步显现。", notes="，".join(table_notes))
            if table_notes
            else ""
        )
    )
    problems = "".join(rng.sample(vocab["problems"], 2))
    plan = (
        rng.choice(vocab["plan_openers"]).format(county=ctx.county, deadline=f"{last_year}年")
        + tr("sample", "持续抓好“{title}”各项工作，", title=title)
        + (
            tr("sample", "巩固三年行动成果，建立健全长效机制，")
            if final
            else tr("sample", "紧盯薄弱环节补短板，")
        )
        + rng.choice(vocab["plan_closers"])
    )
    texts = {"progress": progress, "practice": practice, "problems": problems, "plan": plan}
    result = {}
    for i, section in enumerate(pack.narratives):
        # The pack names its four sections; unknown codes get the section in the same position.
        text = texts.get(section.code) or list(texts.values())[min(i, 3)]
        result[f"{form}:{section.code}"] = text[: section.max_chars]
    return result


# ---------------------------------------------------------------------------- the submission


def sample_submission(
    pack: FormPack, division_code: str, period: Period, *, revision: int = 1
) -> SubmissionData:
    """A complete, plausible submission of ``division_code``'s lead office for ``period``."""
    ctx = _Context(pack=pack, division=_division(pack, division_code), period=period)
    profile = sample_profile(pack, division_code)
    data = SubmissionData(
        unit=profile,
        period=period,
        revision=revision,
        pack_version=pack.version,
        forms=list(pack.forms),
    )
    for form in pack.forms:
        values = _indicator_values(ctx, form)
        counts = _row_counts(ctx, form, values)
        tables = {
            f"{form}:{t.code}": _table_rows(ctx, form, t, counts.get(t.code))
            for t in pack.tables(form, division_code)
        }
        _apply_rules(ctx, form, values, tables)
        data.values.update(values)
        data.tables.update(tables)
        data.narratives.update(_narratives(ctx, form, profile, values, tables))
    return data


# ---------------------------------------------------------------------------- the demo folder


@dataclass
class DemoResult:
    """What ``fill_demo`` wrote, for the command's summary."""

    profile: UnitProfile
    periods: list[Period]
    current: Period
    accepted: int = 0
    errors: list[str] = field(default_factory=list)  # messages of errors left (should be none)


NOTABLE_CHANGES = 2  # annual figures that jump this year, so the demo shows accepted warnings


def _add_notable_changes(pack: FormPack, data: SubmissionData) -> None:
    """Make a couple of annual amounts jump, as real years do (a big project completed, a cut-back)."""
    division = data.unit.division_code
    referenced = set()
    for form in pack.forms.values():
        for rule in form.rules:
            for ref in (
                getattr(rule, "left", ""),
                getattr(rule, "right", ""),
                getattr(rule, "total", ""),
            ):
                referenced.add(f"{form.code}:{ref}")
    candidates = [
        (form, ind)
        for form in pack.forms
        for ind in pack.indicators(form, division)
        if isinstance(ind, NumberIndicator)
        and ind.scope == "annual"
        and ind.yoy_warn_pct is not None
        and not ind.integer
        and not ind.name.startswith("其中")
        and f"{form}:{ind.code}" not in referenced
        and ind.target is None
        and f"{form}:{ind.code}" in data.values
    ]
    rng = _rng("notable", division, str(data.period))
    for code, ind in rng.sample(candidates, min(NOTABLE_CHANGES, len(candidates))):
        key = f"{code}:{ind.code}"
        factor = Decimal(1) + (Decimal(ind.yoy_warn_pct or 50) / 100) * Decimal(
            str(rng.uniform(1.3, 1.8))
        )
        value = Decimal(data.values[key]) * factor
        if ind.max is not None:
            value = min(value, ind.max)
        data.values[key] = _fmt(value, ind.decimals)


def explanation_for(problem_id: str, message: str, county: str) -> str:
    """A clerk's plausible explanation for accepting a warning."""
    if problem_id.startswith("yoy"):
        return tr(
            "sample",
            "经核实数据无误。{county}本年度有重大项目集中竣工投产（详见重点项目表），"
            "带动该项数据较上年大幅增长，已与统计部门核对一致。",
            county=county,
        )
    if "trajectory" in problem_id or "behind" in problem_id or "target" in problem_id:
        return tr(
            "sample",
            "受项目前期手续办理周期影响，进度略滞后于序时要求；{county}已制定赶超措施，"
            "预计下一季度完成年度任务。",
            county=county,
        )
    if "total" in problem_id or "count" in problem_id:
        return tr("sample", "表格只列入重点项目，合计数另含一般项目，已与台账核对一致。")
    return tr("sample", "经{county}相关部门核实，数据真实准确，特此说明。", county=county)


def _check(pack: FormPack, data: SubmissionData) -> list[Any] | None:
    """Colleague B's checks, when they are available in this build."""
    try:
        from ecodesk.forms.rules import check_submission
    except ImportError:
        log.info("ecodesk.forms.rules not available: demo data not checked")
        return None
    return list(check_submission(pack, data))


def _accept_warnings(
    store: Store, pack: FormPack, period: Period, county: str
) -> tuple[int, list[str]]:
    problems = _check(pack, store.load(period))
    if problems is None:
        return 0, []
    accepted = 0
    errors = []
    for p in problems:
        if p.severity == "warning":
            store.accept_warning(
                period,
                AcceptedWarning(
                    problem_id=p.id,
                    form=p.form,
                    message=p.message,
                    field=p.field,
                    explanation=explanation_for(p.id, p.message, county),
                ),
            )
            accepted += 1
        else:
            errors.append(f"{p.id}: {p.message}")
    return accepted, errors


def _demo_signature(data: SubmissionData) -> tuple[str, str]:
    """Stand-ins for past years' signatures (the demo has no key for those years)."""
    canonical = json.dumps(
        {"values": data.values, "narratives": data.narratives, "tables": data.tables},
        ensure_ascii=False,
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    fingerprint = hashlib.sha256(f"demo-key-{data.unit.division_code}".encode()).hexdigest()[:32]
    return ":".join(fingerprint[i : i + 4] for i in range(0, 32, 4)).upper(), digest


def fill_demo(store: Store, division_code: str = DEFAULT_DEMO_COUNTY) -> DemoResult:
    """Fill an empty store with a county lead office's reporting: past years signed, this year ready to sign."""
    pack = store.pack
    _division(pack, division_code)
    if store.profile() is not None or store.audit_log(limit=1):
        raise EcoDeskError(
            tr(
                "sample",
                "这个数据文件夹里已经有数据，演示数据只能放进一个空文件夹。"
                "请用 --data-dir 指定一个新的文件夹。",
            )
        )
    profile = sample_profile(pack, division_code)
    store.save_profile(profile)
    store.set_responsible_forms(list(pack.forms))
    years = pack.catalog.plan.years
    current = Period(years[-1])
    result = DemoResult(profile=profile, periods=[Period(y) for y in years], current=current)
    for year in years:
        period = Period(year)
        data = sample_submission(pack, division_code, period)
        if period == current:
            _add_notable_changes(pack, data)
        store.write_submission(data)
        accepted, errors = _accept_warnings(store, pack, period, profile.division_name)
        if period == current:
            result.accepted, result.errors = accepted, errors
            continue
        fingerprint, digest = _demo_signature(data)
        store.mark_signed(period, 1, fingerprint=fingerprint, digest=digest, workbook_path=None)
        if year == years[-2]:
            store.set_baseline(
                period,
                data.values,
                source=f"{profile.display_name}_{period.label}_第1版.xlsx",
                signature_status="valid",
            )
    store.set_current_period(current)
    if result.errors:
        log.info("demo data for %s has %d validation errors", division_code, len(result.errors))
    return result
