"""The narrative sections of a form (工作进展 …): required, shortest and longest."""

from __future__ import annotations

from ecodesk.forms.keys import (
    SectionKey,
)
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.problems import Problem, problem
from ecodesk.i18n import tr


def check_narratives(ctx: CheckContext, form: str, only: str | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for section in ctx.pack.narratives:
        if only is not None and section.code != only:
            continue
        key = str(SectionKey(form, section.code))
        text = ctx.data.narratives.get(key, "").strip()
        count = len(text)
        if not text and (section.min_chars > 0):
            message = tr("rules", "请填写“{name}”：{hint}", name=section.name, hint=section.hint)
            problems.append(problem("narrative", "error", form, key, message))
        elif count < section.min_chars:
            message = tr(
                "rules",
                "“{name}”至少 {min} 字，目前 {n} 字，请补充：{hint}",
                name=section.name,
                min=section.min_chars,
                n=count,
                hint=section.hint,
            )
            problems.append(problem("narrative", "error", form, key, message))
        elif count > section.max_chars:
            message = tr(
                "rules",
                "“{name}”最多 {max} 字，目前 {n} 字，请精简。",
                name=section.name,
                max=section.max_chars,
                n=count,
            )
            problems.append(problem("narrative", "error", form, key, message))
    return problems
