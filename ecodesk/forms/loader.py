"""Load the form pack (catalog + one YAML file per form), check it, and answer questions about it."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterator, Mapping
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
from ecodesk.forms.yaml_marks import (
    duplicate_keys,
    expanded_size,
    line_of,
    line_of_path,
    unreadable_scalar_line,
)
from ecodesk.i18n import tr

PACK_DIR = Path(__file__).resolve().parent / "pack"
MAIN_GOALS_FORM = "G"


class FormDefinitionError(EcoDeskError):
    """A definition file is malformed; the message names the file and the field."""

    def __init__(self, file: str, location: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.location = location
        self.problem = problem
        self.line = line  # 1-based line in ``file`` when known (a designer's editor jumps there)
        where = location or tr("forms", "整个文件")
        if line is not None:
            message = tr(
                "forms",
                "表单定义文件 {file} 第 {line} 行有误（位置：{location}）：{problem}",
                file=file,
                line=line,
                location=where,
                problem=problem,
            )
        else:
            message = tr(
                "forms",
                "表单定义文件 {file} 有误（位置：{location}）：{problem}",
                file=file,
                location=where,
                problem=problem,
            )
        super().__init__(message)

    def at_line(self, line: int | None) -> FormDefinitionError:
        """The same error, placed at ``line`` (the loader finds it from the YAML node marks)."""
        return FormDefinitionError(self.file, self.location, self.problem, line)

    @property
    def file_line(self) -> str:
        """``1_1.yaml:12: 位置：问题`` — the shape compilers use, so editors can jump to it."""
        head = f"{self.file}:{self.line}" if self.line is not None else self.file
        where = f"（{self.location}）" if self.location else ""
        return f"{head}: {self.problem}{where}"


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
    # SHA-256 of the signed pack's manifest when the pack came from a pack file ("" for the
    # pack the program ships, which has the digest of its built form, see ecodesk.packs)
    digest: str = ""
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


# A pack file is a few hundred kilobytes of YAML; a file far beyond that is a mistake (or
# hostile), refused before the parser sees it.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_NODES = 200_000  # the largest real file (catalog.yaml) has about 3,000


def _parse_yaml(name: str, raw: bytes, roots: dict[str, yaml.Node]) -> Any:
    """``raw`` as plain data, through the safe loader (never a Python object, never code);
    its node tree is kept in ``roots[name]`` so later errors can name the line."""
    if len(raw) > MAX_YAML_BYTES:
        raise FormDefinitionError(
            name, "", tr("forms", "文件过大（{kb} KB），不像表单定义", kb=len(raw) // 1024)
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FormDefinitionError(
            name, "", tr("forms", "不是 UTF-8 编码的文本，请用 UTF-8 保存"), line
        ) from None
    try:
        loader = _SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise FormDefinitionError(name, "", tr("forms", "文件是空的"))
            # an alias needs an anchor (``&name``): a file without "&" has none to measure
            if "&" in text and expanded_size(node, MAX_YAML_NODES) is None:
                raise FormDefinitionError(
                    name,
                    "",
                    tr(
                        "forms",
                        "YAML 别名（& 和 *）展开后过大或引用了自身，不像表单定义：请直接写出内容",
                    ),
                )
            roots[name] = node
            for dup in duplicate_keys(node):
                raise FormDefinitionError(
                    name,
                    dup.key,
                    tr(
                        "forms",
                        "键 {key} 重复（第 {first} 行已有），YAML 只会保留后一个",
                        key=dup.key,
                        first=dup.first_line,
                    ),
                    dup.line,
                )
            try:
                return loader.construct_document(node)
            except ValueError as exc:  # a scalar that parses but cannot be built (2027-02-30)
                raise FormDefinitionError(
                    name,
                    "",
                    tr("forms", "无法识别的值：{exc}", exc=exc),
                    unreadable_scalar_line(node),
                ) from None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormDefinitionError(
            name,
            "",
            tr("forms", "YAML 格式错误：{exc}", exc=getattr(exc, "problem", None) or exc),
            mark.line + 1 if mark else None,
        ) from None


def parse_pack_yaml(name: str, raw: bytes) -> Any:
    """One YAML file of a pack as plain data, through the loader's checks (safe loader, bounded
    size, no duplicate keys, no aliases); refusals are :class:`FormDefinitionError`."""
    return _parse_yaml(name, raw, {})


def _read_file(directory: Path, name: str) -> bytes:
    path = directory / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise FormDefinitionError(
            "pack.yaml", "forms", tr("forms", "文件名 {name} 不在表单包中", name=name)
        )
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise FormDefinitionError(
                name, "", tr("forms", "文件过大（{kb} KB），不像表单定义", kb=size // 1024)
            )
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise FormDefinitionError(name, "", tr("forms", "文件不存在")) from None
    except OSError as exc:
        raise FormDefinitionError(
            name, "", tr("forms", "无法读取：{e}", e=exc.strerror or exc)
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


def _check(model: type[Any], data: Any, file: str, roots: Mapping[str, yaml.Node] | None) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = _readable_location(data, tuple(first["loc"]))
        line = line_of((roots or {}).get(file), location)
        raise FormDefinitionError(file, location, first["msg"], line) from None


def _cross_check(pack: FormPack) -> None:
    cat = pack.catalog
    division_codes = {d.code for d in cat.divisions}
    action_codes = {a.code for a in cat.actions}
    dept_names = {d.city for d in cat.departments}
    for task in cat.tasks:
        if task.action not in action_codes:
            raise FormDefinitionError(
                "catalog.yaml", f"tasks[{task.code}].action", f"未知行动 {task.action}"
            )
        for dept in task.lead_departments:
            if dept not in dept_names:
                raise FormDefinitionError(
                    "catalog.yaml",
                    f"tasks[{task.code}].lead_departments",
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


def pack_file_names(manifest_raw: bytes) -> list[str]:
    """The files ``pack.yaml`` names (itself, the catalog and the forms), in that order."""
    manifest: PackManifest = _check(
        PackManifest, _parse_yaml("pack.yaml", manifest_raw, {}), "pack.yaml", None
    )
    return ["pack.yaml", "catalog.yaml", *manifest.forms]


def load_pack(directory: Path | None = None) -> FormPack:
    """Read and check the form pack in ``directory`` (the bundled one by default)."""
    directory = directory or PACK_DIR
    files = read_pack_folder(directory)
    return load_pack_files(files, source=directory, digest=content_digest(files))


MAX_PACK_FILES = 200


def read_pack_folder(directory: Path) -> dict[str, bytes]:
    """Every YAML file of a pack folder (the ones ``pack.yaml`` names, and any other the pack
    carries, such as a calendar), by file name, bounded in number and size."""
    files: dict[str, bytes] = {"pack.yaml": _read_file(directory, "pack.yaml")}
    for name in pack_file_names(files["pack.yaml"])[1:]:
        files[name] = _read_file(directory, name)
    others = sorted(p.name for p in directory.glob("*.yaml") if p.name not in files)
    if len(files) + len(others) > MAX_PACK_FILES:
        raise FormDefinitionError(
            "pack.yaml", "", tr("forms", "表单包中的文件超过 {n} 个", n=MAX_PACK_FILES)
        )
    for name in others:
        files[name] = _read_file(directory, name)
    return files


def content_digest(files: Mapping[str, bytes]) -> str:
    """SHA-256 naming a pack's content: every file's name and SHA-256, sorted by name.

    The same YAML gives the same digest whether it is the program's own folder, a designer's
    folder or a signed pack file (its build time and signature are not content).
    """
    lines = "".join(
        f"{name}\t{hashlib.sha256(files[name]).hexdigest()}\n" for name in sorted(files)
    )
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def load_pack_files(
    files: Mapping[str, bytes], *, source: Path = PACK_DIR, digest: str = ""
) -> FormPack:
    """Check and cross-reference a pack given as its files' bytes (from a folder or a signed
    pack file); every refusal is a :class:`FormDefinitionError` naming the file and, where the
    YAML says, the line."""
    roots: dict[str, yaml.Node] = {}
    try:
        return _load(files, source, digest, roots)
    except FormDefinitionError as exc:
        if exc.line is None:
            raise exc.at_line(line_of(roots.get(exc.file), exc.location)) from None
        raise


def _with_target_years(form: FormDef, last_year: int) -> FormDef:
    """A target without ``year`` is due in the plan's last year (catalog.yaml says which)."""
    indicators = []
    changed = False
    for ind in form.indicators:
        target = getattr(ind, "target", None)
        if target is not None and target.year == 0:
            ind = ind.model_copy(update={"target": target.model_copy(update={"year": last_year})})
            changed = True
        indicators.append(ind)
    return form.model_copy(update={"indicators": indicators}) if changed else form


def _raw(files: Mapping[str, bytes], name: str) -> bytes:
    try:
        return files[name]
    except KeyError:
        raise FormDefinitionError(name, "", tr("forms", "文件不存在")) from None


def _load(
    files: Mapping[str, bytes], source: Path, digest: str, roots: dict[str, yaml.Node]
) -> FormPack:
    manifest: PackManifest = _check(
        PackManifest, _parse_yaml("pack.yaml", _raw(files, "pack.yaml"), roots), "pack.yaml", roots
    )
    catalog: Catalog = _check(
        Catalog,
        _parse_yaml("catalog.yaml", _raw(files, "catalog.yaml"), roots),
        "catalog.yaml",
        roots,
    )
    forms: dict[str, FormDef] = {}
    names: dict[str, str] = {}
    for name in manifest.forms:
        form: FormDef = _check(FormDef, _parse_yaml(name, _raw(files, name), roots), name, roots)
        form = _with_target_years(form, catalog.plan.years[-1] if catalog.plan.years else 0)
        if form.code in forms:
            raise FormDefinitionError(
                name, "code", f"表单代码 {form.code} 重复（另见 {names[form.code]}）"
            )
        forms[form.code] = form
        names[form.code] = name
    # every other YAML the pack carries (a calendar, say) passes the same safe parse: well-formed,
    # no duplicate keys, no aliases; what it means is the business of the code that reads it
    others = {
        name: _parse_yaml(name, files[name], roots)
        for name in sorted(set(files) - {"pack.yaml", "catalog.yaml", *manifest.forms})
    }
    pack = FormPack(
        manifest=manifest,
        catalog=catalog,
        forms=forms,
        source=source,
        files=names,
        digest=digest,
    )
    _cross_check(pack)
    if CALENDAR_FILE in others:
        pack = dataclasses.replace(
            pack, calendar=_load_calendar(others[CALENDAR_FILE], pack, roots.get(CALENDAR_FILE))
        )
    return pack


def _load_calendar(data: Any, pack: FormPack, root: yaml.Node | None) -> ReportingCalendar:
    """The pack's calendar (a pack without ``calendar.yaml`` has nothing due). Every problem
    names the line of ``calendar.yaml`` it is on, as a form designer fixes it in an editor."""

    def refuse(loc: tuple[Any, ...], location: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(CALENDAR_FILE, location, problem, line_of_path(root, loc))

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
