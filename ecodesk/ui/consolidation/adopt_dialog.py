"""Confirm, before anything is written, what adopting the consolidation replaces in the unit's own
submission (up the chain: the county office's consolidation becomes the county's submission)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecodesk.forms.keys import split_key
from ecodesk.ui.dialogs.buttons import ok_cancel

PREVIEW_CHARS = 40  # of a narrative shown in the list of replacements


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "…"


class AdoptDialog(QDialog):
    def __init__(self, plan: Any, pack: Any, parent: QWidget | None = None) -> None:
        """``plan`` is an :class:`~ecodesk.services.consolidate.AdoptionPlan`."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("作为本单位报送"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "将把{period}的汇总结果写入本单位（{unit}）{period}第 {revision} 版报送。"
                "写入后可在主窗口检查、补充，再签名导出报送上级。"
            ).format(period=plan.period.label, unit=plan.unit.display_name, revision=plan.revision)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.other_divisions = QLabel(objectName="helpStrip")
        self.other_divisions.setProperty("level", "error")
        self.other_divisions.setWordWrap(True)
        others = list(getattr(plan, "other_divisions", []))
        if others:
            shown = "、".join(others[:5]) + (
                self.tr("等 {n} 个单位").format(n=len(others)) if len(others) > 5 else ""
            )
            self.other_divisions.setText(
                self.tr(
                    "请注意：汇总中有不属于本县（市、区）的单位：{units}。县级单位一般只汇总本县各部门的报表；"
                    "这些单位的数值会计入本单位的报送。如非有意，请取消，并从文件夹中移走这些报表。"
                ).format(units=shown)
            )
            layout.addWidget(self.other_divisions)
        else:
            self.other_divisions.hide()
        lines = [
            self.tr(
                "汇总结果提供 {v} 项指标数值、{n} 段文字说明、{t} 张表格、{w} 条已说明的提示，"
                "写入后替换本单位报送中的同一项。"
            ).format(v=plan.values, n=plan.narratives, t=plan.tables, w=plan.warnings)
        ]
        lines.append(
            self.tr("本单位自己填写、汇总结果没有提供的内容保持不变；每项改动都记入操作日志。")
        )
        if plan.forms_added:
            lines.append(
                self.tr("本单位负责的表将增加：{forms}。").format(forms="、".join(plan.forms_added))
            )
        what = QLabel("\n".join(f"• {line}" for line in lines))
        what.setWordWrap(True)
        layout.addWidget(what)
        replaced = (
            len(plan.replaced_values) + len(plan.replaced_narratives) + len(plan.replaced_tables)
        )
        self.replaced = QTreeWidget(objectName="replacedEntries")
        self.replaced.setHeaderLabels(
            [self.tr("将被替换的内容"), self.tr("现在"), self.tr("汇总结果")]
        )
        self.replaced.setRootIsDecorated(False)
        self.replaced.setColumnWidth(0, 300)
        self.replaced.setColumnWidth(1, 170)
        for change in plan.replaced_values:
            self._add(self._value_label(pack, change.key), change.current, change.new)
        for change in plan.replaced_narratives:
            self._add(
                self._narrative_label(pack, change.key), _short(change.current), _short(change.new)
            )
        for change in plan.replaced_tables:
            self._add(
                self._table_label(pack, change.key),
                self.tr("{n} 行").format(n=change.current),
                self.tr("{n} 行").format(n=change.new),
            )
        if replaced:
            heading = QLabel(
                self.tr("以下 {n} 项本单位已经填写，且与汇总结果不同，将被替换：").format(
                    n=replaced
                )
            )
            heading.setObjectName("sectionTitle")
            layout.addWidget(heading)
            layout.addWidget(self.replaced, 1)
        else:
            self.replaced.hide()
            none = QLabel(
                self.tr("本单位报送中没有与汇总结果不同的已填内容，不会覆盖任何已填写的内容。"),
                objectName="helpStrip",
            )
            none.setWordWrap(True)
            layout.addWidget(none)
            layout.addStretch(1)
        # Enter must not overwrite anything by accident (取消 is shown green as the default)
        self.buttons = ok_cancel(self, self.tr("写入本单位报送"), safe_default=True)
        layout.addWidget(self.buttons)

    def _add(self, what: str, current: str, new: str) -> None:
        item = QTreeWidgetItem([what, current, new])
        for column, text in enumerate((what, current, new)):
            item.setToolTip(column, text)
        self.replaced.addTopLevelItem(item)

    @staticmethod
    def _value_label(pack: Any, key: str) -> str:
        try:
            field = pack.input_field(key)
            return f"{field.form}　{field.label}"
        except KeyError:
            return key

    def _narrative_label(self, pack: Any, key: str) -> str:
        form, section = split_key(key)
        names = {n.code: n.name for n in pack.narratives}
        return self.tr("{form}　文字说明：{section}").format(
            form=form, section=names.get(section, section)
        )

    def _table_label(self, pack: Any, key: str) -> str:
        form, code = split_key(key)
        try:
            names = {t.code: t.name for t in pack.form(form).tables}
        except KeyError:
            names = {}
        return self.tr("{form}　表格：{table}").format(form=form, table=names.get(code, code))
