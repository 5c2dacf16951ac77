"""Small builders for consolidation tests: units, submissions, and indicators found by kind.

Indicators are looked up by what they are (a summed number that accepts 万/亿, a rate with a
target…), never by today's codes: the pack grows while the program is written.
"""

from __future__ import annotations

from collections.abc import Callable

from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Indicator
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

PERIOD = Period(2025)


def find_indicator(pack: FormPack, wanted: Callable[[Indicator], bool]) -> tuple[str, Indicator]:
    for form in pack.forms:
        for ind in pack.form(form).indicators:
            if wanted(ind):
                return form, ind
    raise LookupError("the pack has no such indicator")


def summed_number(pack: FormPack) -> tuple[str, Indicator]:
    return find_indicator(
        pack, lambda i: i.kind == "number" and i.aggregation == "sum" and not i.only_for and not i.integer
    )


def ratio_with_target(pack: FormPack) -> tuple[str, Indicator]:
    return find_indicator(
        pack,
        lambda i: i.kind == "ratio" and not i.only_for and i.target is not None
        and i.target.comparator == "ge" and i.target.value is not None,
    )


def listed_number(pack: FormPack) -> tuple[str, Indicator]:
    """A number the plan does not add up across units (a growth rate, a trend)."""
    return find_indicator(pack, lambda i: i.kind in ("number", "trend") and i.aggregation == "none" and not i.only_for)


def unit(code: str, department: str = "生态文明建设领导小组办公室", name: str | None = None) -> UnitProfile:
    return UnitProfile(division_code=code, division_name=name or code, department=department)


def submission(
    pack: FormPack,
    who: UnitProfile,
    values: dict[str, str],
    *,
    previous: dict[str, str] | None = None,
    revision: int = 1,
    forms: list[str] | None = None,
    narratives: dict[str, str] | None = None,
    tables: dict[str, list[dict[str, str]]] | None = None,
    accepted: list[AcceptedWarning] | None = None,
) -> SubmissionData:
    return SubmissionData(
        unit=who,
        period=PERIOD,
        revision=revision,
        pack_version=pack.version,
        forms=forms if forms is not None else list(pack.forms),
        values=dict(values),
        narratives=dict(narratives or {}),
        tables=dict(tables or {}),
        accepted=list(accepted or []),
        previous=dict(previous or {}),
        status="signed",
    )
