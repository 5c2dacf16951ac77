"""Load the form pack (catalog + one YAML file per form), check it, and answer questions about it."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ecodesk.errors import EcoDeskError
from ecodesk.forms.calendar import (
    CALENDAR_FILE,
    CalendarSpec,
    ReportingCalendar,
    calendar_from_spec,
    calendar_problems,
)
from ecodesk.forms.fields import InputField
from ecodesk.forms.keys import (
    FieldKey,
    FieldOperand,
    NumberOperand,
    TableSum,
    parse_operand,
    split_key,
)
from ecodesk.forms.schema import (
    Catalog,
    CompareRule,
    Division,
    FormDef,
    Indicator,
    Narrative,
    PackManifest,
    RowCountRule,
    TableSpec,
    TableTotalRule,
    Task,
)
from ecodesk.forms.yaml_lines import line_of, unreadable_scalar_line
from ecodesk.i18n import tr

PACK_DIR = Path(__file__).resolve().parent / "pack"
MAIN_GOALS_FORM = "G"


class FormDefinitionError(EcoDeskError):
    """A definition file is malformed; the message names the file and the field."""

    def __init__(self, file: str, location: str, problem: str) -> None:
        self.file = file
        self.location = location
        self.problem = problem
        super().__init__(
            tr(
                "forms",
                "表单定义文件 {file} 有误（位置：{location}）：{problem}",
                file=file,
                location=location or "整个文件",
                problem=problem,
            )
        )


def input_fields_of(form: str, ind: Indicator) -> list[InputField]:
    """The cells a clerk fills for ``ind`` in ``form`` (one, or two for a rate's or a
    provincial target's parts): each kind says which, see :meth:`FieldBase.input_fields`."""
    return ind.input_fields(form)


@dataclass(frozen=True)
class FormPack:
    """The whole catalog and every form definition, checked and cross-referenced."""

    manifest: PackManifest
    catalog: Catalog
    forms: dict[str, FormDef]  # in the plan's order
    source: Path = field(default=PACK_DIR)
    files: dict[str, str] = field(default_factory=dict)  # form code → file name, for messages
    calendar: ReportingCalendar = field(default_factory=ReportingCalendar)

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def narratives(self) -> list[Narrative]:
        return self.manifest.narratives

    def form(self, code: str) -> FormDef:
        try:
            return self.forms[code]
        except KeyError:
            raise KeyError(tr("forms", "没有代码为 {code} 的表单", code=code)) from None

    def task(self, code: str) -> Task:
        for task in self.catalog.tasks:
            if task.code == code:
                return task
        raise KeyError(tr("forms", "没有代码为 {code} 的重点任务", code=code))

    def division(self, code: str) -> Division:
        """A county-level division, a functional zone, or the city itself (360700)."""
        for division in (*self.catalog.divisions, self.catalog.city):
            if division.code == code:
                return division
        raise KeyError(tr("forms", "没有代码为 {code} 的行政区划或功能区", code=code))

    def county_department(self, city_department: str) -> str | None:
        for dept in self.catalog.departments:
            if dept.city == city_department:
                return dept.county
        return None

    def applies(self, only_for: list[str], division: str | None) -> bool:
        return not only_for or division is None or division in only_for

    def indicators(self, form: str, division: str | None = None) -> list[Indicator]:
        return [i for i in self.form(form).indicators if self.applies(i.only_for, division)]

    def tables(self, form: str, division: str | None = None) -> list[TableSpec]:
        return [t for t in self.form(form).tables if self.applies(t.only_for, division)]

    def input_fields(self, form: str, division: str | None = None) -> list[InputField]:
        return [f for ind in self.indicators(form, division) for f in input_fields_of(form, ind)]

    def all_input_fields(self, division: str | None = None) -> Iterator[InputField]:
        for code in self.forms:
            yield from self.input_fields(code, division)

    def input_field(self, key: str | FieldKey) -> InputField:
        if isinstance(key, str):
            if not FieldKey.is_valid(key):
                raise KeyError(tr("forms", "没有字段 {key}", key=key))
            key = FieldKey.parse(key)
        if key.form in self.forms:
            for f in self.input_fields(key.form):
                if f.field_key == key:
                    return f
        raise KeyError(tr("forms", "表单 {form} 中没有字段 {code}", form=key.form, code=key.code))

    def indicator(self, form: str, code: str) -> Indicator:
        for ind in self.form(form).indicators:
            if ind.code == code:
                return ind
        raise KeyError(tr("forms", "表单 {form} 中没有指标 {code}", form=form, code=code))

    def current_key(self, key: str) -> str | None:
        """Map a key from any earlier pack to this pack's key (``None`` if retired or unknown)."""
        seen: set[str] = set()
        while key in self.manifest.renamed and key not in seen:
            seen.add(key)
            key = self.manifest.renamed[key]
        if key in self.manifest.retired:
            return None
        try:
            self.input_field(key)
        except KeyError:
            return None
        return key


# libyaml's safe loader when PyYAML was built with it (the wheels are): the same safe subset
# of YAML as yaml.SafeLoader, ten times faster, which is most of the pack's load time at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except FileNotFoundError:
        raise FormDefinitionError(path.name, "", tr("forms", "文件不存在")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise FormDefinitionError(
            path.name, where, tr("forms", "YAML 格式错误：{exc}", exc=exc)
        ) from None
    except ValueError as exc:  # a scalar that parses but cannot be built (a date 2027-02-30)
        line = unreadable_scalar_line(path.read_text(encoding="utf-8"))
        raise FormDefinitionError(
            path.name, f"第 {line} 行" if line else "", tr("forms", "无法识别的值：{exc}", exc=exc)
        ) from None


def _readable_location(data: Any, loc: tuple[Any, ...]) -> str:
    """``indicators.3.number.target.comparator`` → ``indicators[tech_invest].target.comparator``.

    A clerk-facing author finds an item by its code faster than by its position, and the
    discriminator tag pydantic adds for a tagged union ("number") is not a key in the file.
    """
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
            name = node.get("code") or node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{name}]" if name else f"[{part}]")
        elif isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(f".{part}")
        elif isinstance(node, dict) and node.get("kind") == part:
            continue  # the union's tag, already visible as `kind:` in the file
        else:
            node = None
            parts.append(f".{part}")
    return "".join(parts).lstrip(".")


def _check(model: type[Any], data: Any, file: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = _readable_location(data, tuple(first["loc"]))
        raise FormDefinitionError(file, location, first["msg"]) from None


def _cross_check(pack: FormPack) -> None:
    cat = pack.catalog
    division_codes = {d.code for d in cat.divisions}
    action_codes = {a.code for a in cat.actions}
    dept_names = {d.city for d in cat.departments}
    for task in cat.tasks:
        if task.action not in action_codes:
            raise FormDefinitionError(
                "catalog.yaml", f"tasks.{task.code}.action", f"未知行动 {task.action}"
            )
        for dept in task.lead_departments:
            if dept not in dept_names:
                raise FormDefinitionError(
                    "catalog.yaml",
                    f"tasks.{task.code}.lead_departments",
                    f"部门 {dept} 不在 departments 中",
                )
        if task.code not in pack.forms:
            raise FormDefinitionError("pack.yaml", "forms", f"重点任务 {task.code} 没有表单")
    task_codes = {t.code for t in cat.tasks}
    for form in pack.forms.values():
        file = pack.files.get(form.code, f"form {form.code}")
        if form.task is not None and form.task not in task_codes:
            raise FormDefinitionError(file, "task", f"未知重点任务 {form.task}")
        for item, where in [(i, "indicators") for i in form.indicators] + [
            (t, "tables") for t in form.tables
        ]:
            for code in item.only_for:
                if code not in division_codes:
                    raise FormDefinitionError(
                        file, f"{where}[{item.code}].only_for", f"未知区划代码 {code}"
                    )
        field_codes = {f.code for f in pack.input_fields(form.code)}
        tables = {t.code: t for t in form.tables}
        for rule in form.rules:
            operands: list[str] = []
            if isinstance(rule, CompareRule):
                operands = [rule.left, rule.right]
            elif isinstance(rule, (TableTotalRule, RowCountRule)):
                operands = [rule.total]
                if rule.table not in tables:
                    raise FormDefinitionError(
                        file, f"rules[{rule.id}].table", f"未知表格 {rule.table}"
                    )
                if isinstance(rule, TableTotalRule) and rule.column not in {
                    c.code for c in tables[rule.table].columns
                }:
                    raise FormDefinitionError(
                        file, f"rules[{rule.id}].column", f"未知列 {rule.column}"
                    )
            for text in operands:
                operand = parse_operand(text)
                if isinstance(operand, FieldOperand):
                    if operand.code not in field_codes:
                        raise FormDefinitionError(file, f"rules[{rule.id}]", f"未知字段 {text}")
                elif not isinstance(operand, NumberOperand):
                    if operand.table not in tables:
                        raise FormDefinitionError(
                            file, f"rules[{rule.id}]", f"未知表格 {operand.table}"
                        )
                    if isinstance(operand, TableSum) and operand.column not in {
                        c.code for c in tables[operand.table].columns
                    }:
                        raise FormDefinitionError(
                            file,
                            f"rules[{rule.id}]",
                            f"表格 {operand.table} 中没有列 {operand.column}",
                        )

    # Duties and goal groups point into the forms: checked last, once the forms are sound.
    for duty in cat.duties:
        if duty.task not in task_codes:
            raise FormDefinitionError(
                "catalog.yaml", f"duties[{duty.code}].task", f"未知重点任务 {duty.task}"
            )
        for code in duty.divisions:
            if code not in division_codes:
                raise FormDefinitionError(
                    "catalog.yaml", f"duties[{duty.code}]", f"未知区划代码 {code}"
                )
        for ref in duty.fields:
            _check_duty_field(pack, duty.code, duty.divisions, ref)
    if MAIN_GOALS_FORM in pack.forms:
        goal_codes = {i.code for i in pack.forms[MAIN_GOALS_FORM].indicators}
        for group in cat.goal_groups:
            for code in group.indicators:
                if code not in goal_codes:
                    raise FormDefinitionError(
                        "catalog.yaml",
                        f"goal_groups[{group.code}].indicators",
                        f"主要目标表中没有指标 {code}",
                    )


def _check_duty_field(pack: FormPack, duty: str, divisions: list[str], ref: str) -> None:
    """A duty points at the indicators/tables where the place reports it; each must exist and be shown there."""
    where = f"duties[{duty}].fields"
    form_code, code = split_key(ref)
    if form_code not in pack.forms:
        raise FormDefinitionError("catalog.yaml", where, f"没有表单 {form_code}（引用 {ref}）")
    form = pack.forms[form_code]
    items = {i.code: i.only_for for i in form.indicators} | {
        t.code: t.only_for for t in form.tables
    }
    if code not in items:
        raise FormDefinitionError(
            "catalog.yaml", where, f"表单 {form_code} 中没有指标或表格 {code}"
        )
    hidden = [d for d in divisions if items[code] and d not in items[code]]
    if hidden:
        raise FormDefinitionError(
            "catalog.yaml", where, f"{ref} 没有对 {'、'.join(hidden)} 显示（检查 only_for）"
        )


def load_pack(directory: Path | None = None) -> FormPack:
    """Read and check the form pack in ``directory`` (the bundled one by default)."""
    directory = directory or PACK_DIR
    manifest: PackManifest = _check(PackManifest, _read_yaml(directory / "pack.yaml"), "pack.yaml")
    catalog: Catalog = _check(Catalog, _read_yaml(directory / "catalog.yaml"), "catalog.yaml")
    forms: dict[str, FormDef] = {}
    files: dict[str, str] = {}
    for name in manifest.forms:
        form: FormDef = _check(FormDef, _read_yaml(directory / name), name)
        if form.code in forms:
            raise FormDefinitionError(
                name, "code", f"表单代码 {form.code} 重复（另见 {files[form.code]}）"
            )
        forms[form.code] = form
        files[form.code] = name
    pack = FormPack(manifest=manifest, catalog=catalog, forms=forms, source=directory, files=files)
    _cross_check(pack)
    calendar = _load_calendar(directory / CALENDAR_FILE, pack)
    if calendar is not None:
        pack = dataclasses.replace(pack, calendar=calendar)
    return pack


def _load_calendar(path: Path, pack: FormPack) -> ReportingCalendar | None:
    """The pack's calendar (``None`` when the pack has none: then nothing is due). Every problem
    names the line of ``calendar.yaml`` it is on, as a form designer fixes it in an editor."""
    if not path.exists():
        return None
    data = _read_yaml(path)
    text = path.read_text(encoding="utf-8")

    def refuse(loc: tuple[Any, ...], location: str, problem: str) -> FormDefinitionError:
        line = line_of(text, loc)
        where = f"第 {line} 行 {location}".strip() if line else location
        return FormDefinitionError(path.name, where, problem)

    try:
        spec = CalendarSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        raise refuse(loc, _readable_location(data, loc), first["msg"]) from None
    problems = calendar_problems(
        spec,
        pack.forms,
        [code for code, form in pack.forms.items() if form.quarterly],
        pack.catalog.plan.years,
    )
    if problems:
        loc, problem = problems[0]
        raise refuse(loc, _readable_location(data, loc), problem)
    return calendar_from_spec(spec)


@functools.cache
def bundled_pack() -> FormPack:
    """The pack that ships with the program, loaded once."""
    return load_pack(PACK_DIR)
