"""What the consolidation's states, rules and figures are called — in the consolidated
workbook and in the window's views alike (neither takes its words from the other)."""

from __future__ import annotations

from ecodesk.consolidation.model import FormState, IndicatorSummary, Summary, unit_id
from ecodesk.forms.targets import target_text
from ecodesk.i18n import tr


def state_label(state: FormState) -> str:
    return {
        FormState.SUBMITTED: tr("consolidation", "已报"),
        FormState.WITH_WARNINGS: tr("consolidation", "已报（有预警说明）"),
        FormState.MISSING: tr("consolidation", "未报"),
        FormState.NOT_REQUIRED: tr("consolidation", "—"),
    }[state]


def rule_label(summary: IndicatorSummary) -> str:
    if summary.aggregation == "sum":
        return tr("consolidation", "各单位相加")
    if summary.aggregation == "ratio":
        return tr("consolidation", "分子之和 ÷ 分母之和（不是各单位比率的平均）")
    return tr("consolidation", "不汇总，逐单位列示")


def file_status_label(status: str) -> str:
    return {
        "used": tr("consolidation", "已汇总"),
        "refused": tr("consolidation", "拒收"),
        "superseded": tr("consolidation", "已被更新的修订版取代"),
        "other_period": tr("consolidation", "不属于本报送期"),
        "duplicate": tr("consolidation", "重复文件"),
    }.get(status, status)


def target_label(summary: IndicatorSummary) -> str:
    """The plan's target of a summarized indicator: ``≥76%（2026年）``."""
    return target_text(summary.target, summary.unit)


def unit_labels(summary: Summary) -> dict[tuple[str, str], str]:
    """Short names: the county when the units are counties, the department inside one county."""
    units = [row.unit for row in summary.completeness] or summary.units
    divisions = {u.division_code for u in units}
    by_division = len(divisions) == len(units)
    labels: dict[tuple[str, str], str] = {}
    for u in units:
        if by_division:
            label = u.division_name
        elif len(divisions) == 1:
            label = u.department or u.division_name
        else:
            label = u.display_name or u.division_name
        labels[unit_id(u)] = label
    return labels


def met_label(met: bool | None) -> str:
    if met is None:
        return ""
    return tr("consolidation", "是") if met else tr("consolidation", "否")
