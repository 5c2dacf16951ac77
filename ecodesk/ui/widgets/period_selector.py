"""Choose the reporting period: the plan's years, and quarters where the form pack asks."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ecodesk.forms.loader import FormPack
from ecodesk.submission import Period


def offered_periods(pack: FormPack, stored: Iterable[Period]) -> list[Period]:
    """The plan's years (and their quarters when any form is quarterly) plus what is stored."""
    quarterly = any(f.quarterly for f in pack.forms.values())
    periods = set(stored)
    for year in pack.catalog.plan.years:
        periods.add(Period(year))
        if quarterly:
            periods.update(Period(year, q) for q in range(1, 5))
    return sorted(periods, reverse=True)


class PeriodSelector(QComboBox):
    periodChosen = Signal(object)  # noqa: N815 — a Period

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("periodSelector")
        self.setMinimumContentsLength(10)
        self.activated.connect(lambda i: self.periodChosen.emit(self.itemData(i)))

    def set_periods(self, periods: list[Period], current: Period) -> None:
        self.blockSignals(True)
        self.clear()
        for p in periods:
            self.addItem(p.label, p)
        index = self.index_of(current)
        if index < 0:
            self.addItem(current.label, current)
            index = self.count() - 1
        self.setCurrentIndex(index)
        self.blockSignals(False)

    def index_of(self, period: Period) -> int:
        """Like ``findData``, which compares Python objects by identity, not by value."""
        return next((i for i in range(self.count()) if self.itemData(i) == period), -1)

    def period(self) -> Period:
        return self.currentData()
