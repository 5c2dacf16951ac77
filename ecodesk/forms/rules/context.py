"""What every check of one submission reads: one frozen context, made once per check run."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from ecodesk.forms.figures import field_number
from ecodesk.forms.loader import FormPack, InputField
from ecodesk.forms.schema import Target
from ecodesk.submission import BadPeriod, Period, SubmissionData

log = logging.getLogger(__name__)

CITY_DIVISION_CODE = "360700"  # 赣州市 itself: the unit whose figures are the city's


@dataclass(frozen=True)
class CheckContext:
    """The pack, the submission and what follows from them for every check."""

    pack: FormPack
    data: SubmissionData
    division: str
    now: Decimal  # the end of the reporting period on the time axis (Period.end)
    plan_start: int  # the plan's first year
    attached: frozenset[str] = frozenset()  # keys that have 佐证材料 (form, indicator, row)

    @classmethod
    def of(
        cls, pack: FormPack, data: SubmissionData, attached: Collection[str] | None = None
    ) -> CheckContext:
        return cls(
            pack=pack,
            data=data,
            division=data.unit.division_code,
            now=data.period.end,
            plan_start=min(pack.catalog.plan.years) if pack.catalog.plan.years else 2024,
            # the submission's own signed (or stored) attachments unless the caller knows better
            attached=frozenset(
                attached if attached is not None else (a.key for a in data.attachments)
            ),
        )

    def applies(self, only_for: list[str]) -> bool:
        return self.pack.applies(only_for, self.division)

    def target_applies(self, target: Target) -> bool:
        return target.level == "county" or self.division == CITY_DIVISION_CODE

    def past_values(self, field: InputField) -> list[tuple[Decimal, Decimal, Period]]:
        """(time, value, period) of this field in earlier periods, oldest first."""
        points: dict[Period, Decimal] = {}
        for label, values in self.data.history.items():
            try:
                period = Period.parse(label)
            except BadPeriod:
                log.debug("history period %r ignored", label)
                continue
            value = field_number(field, values.get(field.key))
            if value is not None and period.end < self.now:
                points[period] = value
        previous = self.data.period.previous_year()
        value = field_number(field, self.data.previous.get(field.key))
        if value is not None:
            points[previous] = value
        return sorted(((p.end, v, p) for p, v in points.items()), key=lambda x: x[0])

    def value_in(self, field: InputField, period: Period) -> Decimal | None:
        if period == self.data.period.previous_year():
            previous = field_number(field, self.data.previous.get(field.key))
            if previous is not None:
                return previous
        return field_number(field, self.data.history.get(str(period), {}).get(field.key))
