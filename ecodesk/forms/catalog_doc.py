"""The plan as one document: a JSON-ready structure and a readable Chinese tree.

Both are views of the loaded :class:`~ecodesk.forms.loader.FormPack`; nothing here restates the
plan. Numbers stay ``Decimal`` in the pack and are written as strings in JSON (pydantic's JSON
mode), so ``83.4`` never becomes ``83.40000000000001`` on the way out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecodesk.forms.loader import MAIN_GOALS_FORM, FormPack, input_fields_of
from ecodesk.forms.schema import (
    Indicator,
    NumberIndicator,
    ProvincialIndicator,
    RatioIndicator,
    Target,
    TrendIndicator,
)
from ecodesk.forms.targets import describe_target, trend_words
from ecodesk.i18n import tr

__all__ = ["catalog_document", "catalog_tree", "describe_indicator", "describe_target"]

_CHINESE_NUMERALS = "一二三四五六七八九十"

_SCOPE_WORDS = {
    "level": "年末水平",
    "annual": "年度数",
    "cumulative": "累计数",
    "growth": "年增长率",
}
_AGGREGATION_WORDS = {
    "sum": "各地加总",
    "ratio": "分子、分母分别加总后计算",
    "none": "不汇总",
}


def _what_provincial(ind: ProvincialIndicator) -> str:
    return tr("catalog", "完成省下达指标（填省下达目标和实际完成值，{unit}）", unit=ind.unit or "—")


def _what_trend(ind: TrendIndicator) -> str:
    return tr(
        "catalog", "{trend}（{unit}）", trend=trend_words(ind.direction), unit=ind.unit or "指数"
    )


def _what_number(ind: NumberIndicator) -> str:
    return tr("catalog", "{scope}，{unit}", scope=_SCOPE_WORDS[ind.scope], unit=ind.unit or "—")


def _what_ratio(ind: RatioIndicator) -> str:
    return tr("catalog", "比率（{unit}）", unit=ind.unit)


def _what_choice(ind: Indicator) -> str:
    return tr("catalog", "选择：{choices}", choices="/".join(ind.choices))


def _what_text(ind: Indicator) -> str:
    return tr("catalog", "文字")


# What an indicator without a target of the plan asks for, by the kind's tag.
_WHAT_OF_KIND: dict[str, Callable[[Any], str]] = {
    "provincial": _what_provincial,
    "trend": _what_trend,
    "number": _what_number,
    "ratio": _what_ratio,
    "grade": _what_choice,
    "milestone": _what_choice,
    "text": _what_text,
}


def describe_indicator(ind: Indicator) -> str:
    """One line for an indicator: name, target or kind of figure, and how it adds up."""
    target: Target | None = getattr(ind, "target", None)
    what = _target_text(ind, target) if target is not None else _WHAT_OF_KIND[ind.kind](ind)
    parts = [f"{ind.name}：{what}"]
    if isinstance(ind, RatioIndicator):
        parts.append(
            tr("catalog", "填{num}÷{den}", num=ind.numerator.name, den=ind.denominator.name)
        )
    if not ind.required:
        parts.append(tr("catalog", "选填"))
    return "；".join(parts)


def _target_text(ind: Indicator, target: Target) -> str:
    done_state: str = getattr(ind, "done_state", "")  # a milestone's 已完成
    return describe_target(target, ind.shown_unit, done_state=done_state, local=bool(ind.only_for))


def _indicator_doc(form: str, ind: Indicator) -> dict[str, Any]:
    doc = ind.model_dump(mode="json")
    doc["fields"] = [f.key for f in input_fields_of(form, ind)]
    target = getattr(ind, "target", None)
    doc["target_text"] = _target_text(ind, target) if target else None
    doc["summary"] = describe_indicator(ind)
    return doc


def _form_doc(pack: FormPack, code: str) -> dict[str, Any]:
    form = pack.form(code)
    return {
        "code": form.code,
        "version": form.version,
        "title": form.title,
        "intro": form.intro,
        "indicators": [_indicator_doc(code, ind) for ind in form.indicators],
        "tables": [t.model_dump(mode="json") for t in form.tables],
        "rules": [r.model_dump(mode="json") for r in form.rules],
        "evidence": [e.model_dump(mode="json") for e in form.evidence],  # claims needing 佐证材料
    }


def catalog_document(pack: FormPack) -> dict[str, Any]:
    """Everything in the pack as plain JSON types (numbers from definitions as strings)."""
    cat = pack.catalog
    divisions = {d.code: d.name for d in cat.divisions}
    goals_form = pack.forms.get(MAIN_GOALS_FORM)
    goal_indicators = {i.code: i for i in goals_form.indicators} if goals_form else {}
    return {
        "plan": cat.plan.model_dump(mode="json"),
        "pack_version": pack.version,
        "pack_released": pack.manifest.released,
        "pack_id": pack.manifest.id,
        "pack_digest": pack.digest,
        "narratives": [n.model_dump(mode="json") for n in pack.narratives],
        "goal_groups": [
            {
                **g.model_dump(mode="json", exclude={"indicators"}),
                "indicators": [
                    _indicator_doc(MAIN_GOALS_FORM, goal_indicators[c]) for c in g.indicators
                ],
            }
            for g in cat.goal_groups
        ],
        "main_goals_form": _form_doc(pack, MAIN_GOALS_FORM) if goals_form else None,
        "actions": [
            {
                **a.model_dump(mode="json"),
                "tasks": [t.code for t in cat.tasks if t.action == a.code],
            }
            for a in cat.actions
        ],
        "tasks": [
            {
                **t.model_dump(mode="json", exclude={"lead_departments"}),
                "lead_departments": [
                    {"city": d, "county": pack.county_department(d)} for d in t.lead_departments
                ],
                "duties": [d.code for d in cat.duties if d.task == t.code],
                "form": _form_doc(pack, t.code) if t.code in pack.forms else None,
            }
            for t in cat.tasks
        ],
        "departments": [d.model_dump(mode="json") for d in cat.departments],
        "city": cat.city.model_dump(mode="json"),
        "divisions": [d.model_dump(mode="json") for d in cat.divisions],
        "duties": [
            {
                **d.model_dump(mode="json", exclude={"divisions"}),
                "divisions": [{"code": c, "name": divisions.get(c, c)} for c in d.divisions],
            }
            for d in cat.duties
        ],
        "calendar": calendar_document(pack),
    }


def calendar_document(pack: FormPack) -> dict[str, Any]:
    """The reporting calendar: the rules as the pack states them and, for every period of the
    plan and every form reported on it, when reporting opens and when it is due."""
    cal = pack.calendar
    return {
        "rules": {
            kind: {"opens_before_end": r.opens_before_end, "due_after_end": r.due_after_end}
            for kind, r in cal.rules.items()
        },
        "deadlines": [
            {
                "period": str(d.period),
                "form": d.form,
                "opens": d.opens.isoformat(),
                "due": d.due.isoformat(),
            }
            for d in cal.deadlines(
                pack.catalog.plan.years, {c: f.quarterly for c, f in pack.forms.items()}
            )
        ],
    }


class _Tree:
    """Collects lines drawn with box characters; ``branch`` returns the child's prefix."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, prefix: str, last: bool, text: str) -> str:
        self.lines.append(f"{prefix}{'└─ ' if last else '├─ '}{text}")
        return prefix + ("   " if last else "│  ")


def catalog_tree(pack: FormPack) -> str:
    """The plan as a readable Chinese tree: goals, actions → tasks → indicators, duties, units."""
    cat = pack.catalog
    names = {d.code: d.name for d in cat.divisions}
    out = _Tree()
    out.lines.append(f"{cat.plan.title}（{cat.plan.document}）")
    out.lines.append(
        tr(
            "catalog",
            "表单包版本 {version}（{released}）",
            version=pack.version,
            released=pack.manifest.released,
        )
    )
    out.lines.append("")
    out.lines.append(tr("catalog", "主要目标"))
    goals_form = pack.forms.get(MAIN_GOALS_FORM)
    goal_indicators = {i.code: i for i in goals_form.indicators} if goals_form else {}
    for gi, group in enumerate(cat.goal_groups):
        prefix = out.add("", gi == len(cat.goal_groups) - 1, f"{group.code} {group.title}")
        for ii, code in enumerate(group.indicators):
            out.add(
                prefix, ii == len(group.indicators) - 1, describe_indicator(goal_indicators[code])
            )
    out.lines.append("")
    out.lines.append(tr("catalog", "重点任务"))
    for ai, action in enumerate(cat.actions):
        numeral = _CHINESE_NUMERALS[int(action.code) - 1]
        a_prefix = out.add("", ai == len(cat.actions) - 1, f"（{numeral}）{action.title}")
        tasks = [t for t in cat.tasks if t.action == action.code]
        for ti, task in enumerate(tasks):
            t_prefix = out.add(a_prefix, ti == len(tasks) - 1, f"{task.code} {task.title}")
            leads = "、".join(
                f"{d}（县级：{pack.county_department(d) or '无对应'}）"
                for d in task.lead_departments
            )
            form = pack.forms.get(task.code)
            indicators = form.indicators if form else []
            tables = form.tables if form else []
            duties = [d for d in cat.duties if d.task == task.code]
            children: list[str] = [tr("catalog", "牵头部门：{leads}", leads=leads)]
            for ind in indicators:
                scope = (
                    f"〔仅{'、'.join(names.get(c, c) for c in ind.only_for)}〕"
                    if ind.only_for
                    else ""
                )
                children.append(tr("catalog", "指标 {text}", text=describe_indicator(ind)) + scope)
            for table in tables:
                scope = (
                    f"〔仅{'、'.join(names.get(c, c) for c in table.only_for)}〕"
                    if table.only_for
                    else ""
                )
                children.append(tr("catalog", "表格 {name}", name=table.name) + scope)
            for duty in duties:
                places = "、".join(names.get(c, c) for c in duty.divisions)
                children.append(
                    tr("catalog", "地方专项 {places}：{title}", places=places, title=duty.title)
                )
            for ci, child in enumerate(children):
                out.add(t_prefix, ci == len(children) - 1, child)
    out.lines.append("")
    out.lines.append(tr("catalog", "地方专项任务"))
    for di, duty in enumerate(cat.duties):
        places = "、".join(f"{names.get(c, c)}（{c}）" for c in duty.divisions)
        out.add("", di == len(cat.duties) - 1, f"{places}：{duty.title}〔任务 {duty.task}〕")
    out.lines.append("")
    out.lines.append(tr("catalog", "报送单位"))
    for vi, division in enumerate(cat.divisions):
        out.add(
            "", vi == len(cat.divisions) - 1, f"{division.code} {division.name}（{division.kind}）"
        )
    _calendar_tree(pack, out)
    return "\n".join(out.lines) + "\n"


def _calendar_tree(pack: FormPack, out: _Tree) -> None:
    """报送日历: each period's due date, and the forms whose own date differs from it."""
    deadlines = pack.calendar.deadlines(
        pack.catalog.plan.years, {c: f.quarterly for c, f in pack.forms.items()}
    )
    if not deadlines:
        return
    out.lines.append("")
    out.lines.append(tr("catalog", "报送日历"))
    periods = list(dict.fromkeys(d.period for d in deadlines))
    for pi, period in enumerate(periods):
        mine = [d for d in deadlines if d.period == period]
        first = min(d.due for d in mine)
        prefix = out.add(
            "",
            pi == len(periods) - 1,
            tr(
                "catalog",
                "{period}：{opens} 开始填报，{due} 截止",
                period=period.label,
                opens=min(d.opens for d in mine).isoformat(),
                due=first.isoformat(),
            ),
        )
        own = [d for d in mine if d.due != first]
        for oi, d in enumerate(own):
            out.add(
                prefix,
                oi == len(own) - 1,
                tr("catalog", "表 {form}：{due} 截止", form=d.form or "", due=d.due.isoformat()),
            )
