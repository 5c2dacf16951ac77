"""Checking a whole submission, or what one edited value affects."""

from __future__ import annotations

import logging
from collections.abc import Collection

from ecodesk.forms.keys import (
    parse_problem_location,
    split_key,
)
from ecodesk.forms.loader import FormPack
from ecodesk.forms.rules.context import CheckContext
from ecodesk.forms.rules.evidence import check_evidence, rule_reads
from ecodesk.forms.rules.explicit import check_rule, rule_reads_indicator, rule_reads_table
from ecodesk.forms.rules.kinds import check_indicator
from ecodesk.forms.rules.narratives import check_narratives
from ecodesk.forms.rules.problems import Problem, accept
from ecodesk.forms.rules.tables import check_table
from ecodesk.i18n import tr
from ecodesk.submission import SubmissionData

log = logging.getLogger(__name__)


def check_form(ctx: CheckContext, form: str) -> list[Problem]:
    definition = ctx.pack.form(form)
    problems: list[Problem] = []
    for ind in definition.indicators:
        problems += check_indicator(ctx, form, ind)
    for table in definition.tables:
        problems += check_table(ctx, form, table)
    for rule in definition.rules:
        problems += check_rule(ctx, form, rule)
    for evidence in definition.evidence:
        problems += check_evidence(ctx, form, evidence)
    problems += check_narratives(ctx, form)
    return problems


def check_submission(
    pack: FormPack,
    data: SubmissionData,
    *,
    form: str | None = None,
    attached: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem of the submission (all its forms, or just ``form``), in the forms' order.

    ``attached``: the keys that have 佐证材料 (see :mod:`.evidence`); none when not given."""
    ctx = CheckContext.of(pack, data, attached)
    problems: list[Problem] = []
    for code in [form] if form is not None else data.forms:
        if code not in pack.forms:
            log.warning("submission lists form %s which pack %s does not have", code, pack.version)
            continue
        problems += check_form(ctx, code)
    return accept(problems, data)


def check_field(
    pack: FormPack, data: SubmissionData, key: str, *, attached: Collection[str] | None = None
) -> list[Problem]:
    """The problems that depend on the value at ``key`` — for instant feedback while typing.

    ``key`` is an input field key (``"1.1:upgraded_firms"``, ``"G:forest_coverage.den"``), a
    table key or table cell key (``"1.1:table:projects"`` / ``"1.1:table:projects:0:name"``)
    or a narrative key (``"1.1:progress"``). Returned are the problems of the whole indicator,
    table or narrative, and of the form's rules that read it: each names its own field, so a
    caller replaces its problems for all of those (a smaller denominator can make the
    numerator's "greater than" error appear).
    """
    form, rest = split_key(key)
    definition = pack.form(form)
    ctx = CheckContext.of(pack, data, attached)
    problems: list[Problem] = []
    location = parse_problem_location(key)
    if location is not None:
        tcode = location.table
        table = next((t for t in definition.tables if t.code == tcode), None)
        if table is None:
            raise KeyError(tr("rules", "表单 {form} 中没有表格 {table}", form=form, table=tcode))
        problems += check_table(ctx, form, table)
        problems += [
            p
            for rule in definition.rules
            if rule_reads_table(rule, tcode)
            for p in check_rule(ctx, form, rule)
        ]
        problems += [
            p
            for evidence in definition.evidence
            if rule_reads(evidence, table=tcode)
            for p in check_evidence(ctx, form, evidence)
        ]
        return accept(problems, data)
    try:
        field = pack.input_field(key)
    except KeyError:
        if rest in {n.code for n in pack.narratives}:
            return accept(check_narratives(ctx, form, only=rest), data)
        raise
    ind = pack.indicator(form, field.indicator)
    problems += check_indicator(ctx, form, ind)
    problems += [
        p
        for rule in definition.rules
        if rule_reads_indicator(rule, ind.code)
        for p in check_rule(ctx, form, rule)
    ]
    problems += [
        p
        for evidence in definition.evidence
        if rule_reads(evidence, indicator=ind.code)
        for p in check_evidence(ctx, form, evidence)
    ]
    return accept(problems, data)
