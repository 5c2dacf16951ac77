"""The preview as plain-text Chinese tables, for the command line (the window has its own dialog)."""

from __future__ import annotations

import unicodedata

from ecodesk.i18n import tr
from ecodesk.importing.preview import ImportPreview, ImportResult

MAX_CELL = 36


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int = MAX_CELL) -> str:
    text = text.replace("\n", " ")
    if _width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > limit - 1:
            return out + "…"
        out += ch
    return out


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded by display width, so Chinese text lines up in a terminal."""
    cells = [[_cut(c) for c in row] for row in [headers, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render_preview(preview: ImportPreview, *, show_same: bool = False) -> list[str]:
    lines = [
        tr("import", "文件：{path}", path=preview.path),
        tr(
            "import",
            "来源：{unit}（{code}），{period}的数据，导入为{now}的上年基数。",
            unit=preview.source_unit_name,
            code=preview.source_unit_code,
            period=preview.baseline_period.label,
            now=preview.period.label,
        ),
        tr("import", "验证：{message}", message=preview.verification_message),
    ]
    lines += [tr("import", "注意：{note}", note=note) for note in preview.notes]
    lines += [tr("import", "需要确认：{reason}。", reason=r) for r in preview.confirmations_needed]
    items = preview.items if show_same else preview.changes
    same = len(preview.items) - len(preview.changes)
    lines += [
        "",
        tr(
            "import",
            "一、将写入的上年值（{n} 项，另有 {same} 项与已有值相同）",
            n=len(preview.changes),
            same=same,
        ),
    ]
    if items:
        lines += table(
            [
                tr("import", "状态"),
                tr("import", "指标代码"),
                tr("import", "指标名称"),
                tr("import", "原值"),
                tr("import", "新值"),
                tr("import", "单位"),
            ],
            [
                [i.status_label, i.key, i.label, i.old if i.old is not None else "—", i.new, i.unit]
                for i in items
            ],
        )
    if preview.unmatched:
        lines += ["", tr("import", "二、不能导入的内容（{n} 项）", n=len(preview.unmatched))]
        lines += table(
            [
                tr("import", "位置"),
                tr("import", "代码"),
                tr("import", "名称"),
                tr("import", "原因"),
            ],
            [[u.where, u.code, u.name, u.reason] for u in preview.unmatched],
        )
    if preview.carry_over:
        lines += ["", tr("import", "三、带入本年表格的未完成项目")]
        for carry in preview.carry_over:
            cleared = (
                tr("import", "，已清空“{cols}”待本年填写", cols="、".join(carry.cleared))
                if carry.cleared
                else ""
            )
            lines.append(
                tr(
                    "import",
                    "  表单 {form}《{name}》：{n} 行{cleared}",
                    form=carry.form,
                    name=carry.name,
                    n=len(carry.rows),
                    cleared=cleared,
                )
            )
    if preview.plan_references:
        lines += [
            "",
            tr(
                "import",
                "四、上年“下步计划”作为本年参考：表单 {forms}",
                forms="、".join(p.form for p in preview.plan_references),
            ),
        ]
    return lines


def render_result(result: ImportResult, *, command_line: bool = True) -> str:
    """What was imported; ``command_line`` adds how to undo it there (the window has a menu)."""
    if not command_line:
        return tr(
            "import",
            "已导入：{period}上年值 {n} 项（保留原值 {kept} 项），带入表格 {rows} 行，下步计划参考 {plans} 项。",
            period=result.baseline_period.label,
            n=result.values_set,
            kept=result.values_kept,
            rows=result.rows_added,
            plans=result.plans_kept,
        )
    return tr(
        "import",
        "已导入：{period}上年值 {n} 项（保留原值 {kept} 项），带入表格 {rows} 行，下步计划参考 {plans} 项。"
        "导入编号 {id}，如需撤销：ecodesk import-previous --undo {id}",
        period=result.baseline_period.label,
        n=result.values_set,
        kept=result.values_kept,
        rows=result.rows_added,
        plans=result.plans_kept,
        id=result.import_id,
    )
