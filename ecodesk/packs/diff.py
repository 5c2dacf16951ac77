"""What changes when one pack replaces another, in words a clerk reads before confirming.

Forms, indicators, tables and rules are matched by their stable codes (the keys values are
stored under); a target is reported apart from its indicator because a changed target is what
counties most need to see. The calendar is compared by what it decides: each period's (and
each form's) opening and due date, whether a date moved through a rule or an explicit entry.
Any other YAML file the pack carries is compared as data, entry by entry, so a new kind of file
is diffed without new code here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ecodesk.forms.calendar import CALENDAR_FILE, Deadline
from ecodesk.forms.loader import FormPack, parse_pack_yaml
from ecodesk.i18n import tr

Action = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class PackChange:
    action: Action
    area: str  # 方案 / 表单 / 指标 / 目标 / 表格 / 规则 / 截止日期 / a file name
    subject: (
        str  # what, by code and name: "1.1 推动传统产业改造升级 · tech_invest 工业技术改造投资额"
    )
    detail: str = ""  # "目标值 2000 → 2500"

    def line(self) -> str:
        mark = {"added": "＋", "removed": "－", "changed": "～"}[self.action]
        word = {
            "added": tr("packs", "新增"),
            "removed": tr("packs", "删除"),
            "changed": tr("packs", "修改"),
        }[self.action]
        tail = f"：{self.detail}" if self.detail else ""
        return f"{mark} {word}{self.area} {self.subject}{tail}"


@dataclass(frozen=True)
class PackDiff:
    old_version: str
    new_version: str
    changes: list[PackChange] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def summary(self) -> str:
        if not self.changes:
            return tr("packs", "两个表单包的内容相同。")
        return tr(
            "packs",
            "表单包 {old} → {new}：新增 {a} 项，删除 {r} 项，修改 {c} 项。",
            old=self.old_version,
            new=self.new_version,
            a=self.count("added"),
            r=self.count("removed"),
            c=self.count("changed"),
        )

    def lines(self) -> list[str]:
        return [self.summary(), *(c.line() for c in self.changes)]


def _dump(model: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return dict(model.model_dump(mode="json", exclude=exclude or set()))


def _field_word(name: str) -> str:
    """A definition's attribute as a clerk reads it (the YAML name when there is no word)."""
    words = {
        "name": tr("packs", "名称"),
        "title": tr("packs", "标题"),
        "intro": tr("packs", "说明"),
        "unit": tr("packs", "单位"),
        "help": tr("packs", "填报说明"),
        "message": tr("packs", "提示语"),
        "required": tr("packs", "是否必填"),
        "min": tr("packs", "下限"),
        "max": tr("packs", "上限"),
        "decimals": tr("packs", "小数位数"),
        "integer": tr("packs", "是否整数"),
        "scope": tr("packs", "统计口径"),
        "aggregation": tr("packs", "汇总方式"),
        "columns": tr("packs", "列"),
        "choices": tr("packs", "选项"),
        "only_for": tr("packs", "适用地区"),
        "severity": tr("packs", "错误或提示"),
        "left": tr("packs", "比较对象"),
        "right": tr("packs", "比较对象"),
        "op": tr("packs", "比较方式"),
        "quarterly": tr("packs", "是否按季度报送"),
    }
    return words.get(name, name)


def _changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    names = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return list(dict.fromkeys(_field_word(k) for k in names))


def _target_text(target: Any, unit: str) -> str:
    from ecodesk.forms.targets import target_text

    return target_text(target, unit) if target is not None else tr("packs", "无目标")


def _by_code(items: list[Any], attr: str = "code") -> dict[str, Any]:
    return {getattr(i, attr): i for i in items}


SUBJECT_WORDS = 30  # a rule is named by the start of its message


def _name_of(item: Any) -> str:
    """An indicator's or table's name; a rule's message, cut short with "…" where it is long."""
    name = getattr(item, "name", "")
    if name:
        return str(name)
    message = str(getattr(item, "message", ""))
    return message if len(message) <= SUBJECT_WORDS else message[: SUBJECT_WORDS - 1] + "…"


def _diff_items(
    changes: list[PackChange],
    area: str,
    where: str,
    old: dict[str, Any],
    new: dict[str, Any],
    old_where: str = "",
) -> None:
    for code, item in new.items():
        subject = f"{where} · {code} {_name_of(item)}".strip()
        if code not in old:
            changes.append(PackChange("added", area, subject))
            continue
        before = _dump(old[code], exclude={"target"})
        after = _dump(item, exclude={"target"})
        fields = _changed_fields(before, after)
        if fields:
            detail = "、".join(fields)
            if before.get("message") != after.get("message") and after.get("message"):
                # the words a clerk will see when the rule fires: worth reading in full
                others = "、".join(f for f in fields if f != _field_word("message"))
                shown = tr("packs", "新提示语：{message}", message=after["message"])
                detail = f"{others}；{shown}" if others else shown
            changes.append(PackChange("changed", area, subject, detail))
    for code, item in old.items():
        if code not in new:
            subject = f"{old_where or where} · {code} {_name_of(item)}".strip()
            changes.append(PackChange("removed", area, subject))


def _diff_form(changes: list[PackChange], old: Any, new: Any) -> None:
    where, old_where = f"{new.code} {new.title}", f"{old.code} {old.title}"
    head = _changed_fields(
        _dump(old, exclude={"indicators", "tables", "rules"}),
        _dump(new, exclude={"indicators", "tables", "rules"}),
    )
    if head:
        changes.append(PackChange("changed", tr("packs", "表单"), where, "、".join(head)))
    old_ind, new_ind = _by_code(old.indicators), _by_code(new.indicators)
    _diff_items(changes, tr("packs", "指标"), where, old_ind, new_ind, old_where)
    for code in new_ind.keys() & old_ind.keys():
        before = getattr(old_ind[code], "target", None)
        after = getattr(new_ind[code], "target", None)
        if (before and _dump(before)) != (after and _dump(after)):
            changes.append(
                PackChange(
                    "changed",
                    tr("packs", "目标"),
                    f"{where} · {code} {new_ind[code].name}",
                    f"{_target_text(before, getattr(old_ind[code], 'unit', ''))} → "
                    f"{_target_text(after, getattr(new_ind[code], 'unit', ''))}",
                )
            )
    _diff_items(
        changes, tr("packs", "表格"), where, _by_code(old.tables), _by_code(new.tables), old_where
    )
    _diff_items(
        changes,
        tr("packs", "规则"),
        where,
        _by_code(old.rules, "id"),
        _by_code(new.rules, "id"),
        old_where,
    )


def _entry_key(item: Any) -> str:
    if isinstance(item, dict):
        ident = {
            k: item[k] for k in ("code", "id", "form", "forms", "period", "periods") if k in item
        }
        if ident:
            return json.dumps(ident, ensure_ascii=False, sort_keys=True)
    return json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)


def _entries(data: Any) -> dict[str, Any]:
    """A data file's entries: list items (by their identifying keys), or top-level keys."""
    if isinstance(data, list):
        return {_entry_key(i): i for i in data}
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, list):
                out |= {f"{key} {_entry_key(i)}": i for i in value}
            else:
                out[str(key)] = value
        return out
    return {"": data}


def _diff_data_file(
    changes: list[PackChange], name: str, old: bytes | None, new: bytes | None
) -> None:
    area = tr("packs", "截止日期") if name.startswith("calendar") else name
    before = _entries(parse_pack_yaml(name, old)) if old else {}
    after = _entries(parse_pack_yaml(name, new)) if new else {}
    for key, value in after.items():
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        if key not in before:
            changes.append(PackChange("added", area, key, text[:120]))
        elif before[key] != value:
            old_text = json.dumps(before[key], ensure_ascii=False, sort_keys=True, default=str)
            changes.append(PackChange("changed", area, key, f"{old_text[:60]} → {text[:60]}"))
    for key in before.keys() - after.keys():
        changes.append(PackChange("removed", area, key))


def _deadlines(pack: FormPack) -> dict[tuple[Any, str], Deadline]:
    forms = {code: form.quarterly for code, form in pack.forms.items()}
    found = pack.calendar.deadlines(pack.catalog.plan.years, forms)
    return {(d.period, d.form or ""): d for d in found}


def _dates_text(d: Deadline) -> str:
    return tr("packs", "{opens} 开始，{due} 截止", opens=d.opens.isoformat(), due=d.due.isoformat())


def _moved_text(old: Deadline, new: Deadline) -> str:
    parts = []
    if old.due != new.due:
        parts.append(tr("packs", "截止 {old} → {new}", old=old.due, new=new.due))
    if old.opens != new.opens:
        parts.append(tr("packs", "开始 {old} → {new}", old=old.opens, new=new.opens))
    return "；".join(parts)


def _diff_calendar(changes: list[PackChange], old: FormPack, new: FormPack) -> None:
    """Each period whose dates moved, one line per kind of move: the forms that moved alike
    together (all of them: "全部表单"), in the pack's form order."""
    area = tr("packs", "截止日期")
    before, after = _deadlines(old), _deadlines(new)
    rank = {code: i for i, code in enumerate(dict.fromkeys([*new.forms, *old.forms]))}
    for period in sorted({period for period, _ in before.keys() | after.keys()}):
        forms = sorted(
            {f for p, f in before.keys() | after.keys() if p == period},
            key=lambda f: rank.get(f, len(rank)),
        )
        groups: dict[Any, list[str]] = {}
        pairs: dict[Any, tuple[Deadline | None, Deadline | None]] = {}
        for form in forms:
            was, now = before.get((period, form)), after.get((period, form))
            move = (was and (was.opens, was.due), now and (now.opens, now.due))
            if move[0] != move[1]:
                groups.setdefault(move, []).append(form)
                pairs[move] = (was, now)
        for move, moved in groups.items():
            if len(moved) == len(forms) and len(forms) > 1:
                subject = tr("packs", "{period}（全部表单）", period=period.label)
            else:
                subject = tr(
                    "packs", "{period} 表 {forms}", period=period.label, forms="、".join(moved)
                )
            was, now = pairs[move]
            if was is None and now is not None:
                changes.append(PackChange("added", area, subject, _dates_text(now)))
            elif now is None and was is not None:
                changes.append(PackChange("removed", area, subject, _dates_text(was)))
            elif was is not None and now is not None:
                changes.append(PackChange("changed", area, subject, _moved_text(was, now)))


def diff_packs(
    old: FormPack,
    new: FormPack,
    old_files: Mapping[str, bytes] | None = None,
    new_files: Mapping[str, bytes] | None = None,
) -> PackDiff:
    """Everything that differs between ``old`` and ``new``, plan first, then form by form."""
    changes: list[PackChange] = []
    plan = tr("packs", "方案")
    if old.catalog.plan.title != new.catalog.plan.title:
        changes.append(
            PackChange(
                "changed",
                plan,
                tr("packs", "标题"),
                f"{old.catalog.plan.title} → {new.catalog.plan.title}",
            )
        )
    if old.catalog.plan.years != new.catalog.plan.years:
        changes.append(
            PackChange(
                "changed",
                plan,
                tr("packs", "年度"),
                f"{old.catalog.plan.years[0]}—{old.catalog.plan.years[-1]} → "
                f"{new.catalog.plan.years[0]}—{new.catalog.plan.years[-1]}",
            )
        )
    form_area = tr("packs", "表单")
    for code, form in new.forms.items():
        if code not in old.forms:
            changes.append(PackChange("added", form_area, f"{code} {form.title}"))
        else:
            _diff_form(changes, old.forms[code], form)
    for code, form in old.forms.items():
        if code not in new.forms:
            changes.append(PackChange("removed", form_area, f"{code} {form.title}"))
    _diff_calendar(changes, old, new)
    known = {"pack.yaml", "catalog.yaml", CALENDAR_FILE, *old.files.values(), *new.files.values()}
    old_files, new_files = old_files or {}, new_files or {}
    for name in sorted((set(old_files) | set(new_files)) - known):
        if old_files.get(name) != new_files.get(name):
            _diff_data_file(changes, name, old_files.get(name), new_files.get(name))
    return PackDiff(old.version, new.version, changes)
