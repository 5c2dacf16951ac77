"""Small builders for consolidation tests: units, submissions, indicators found by kind, and
real signed workbooks (a unit's own key, registered or not, then tampered with if need be).

Indicators are looked up by what they are (a summed number that accepts 万/亿, a rate with a
target…), never by today's codes: the pack grows while the program is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Indicator
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, UnitProfile

PERIOD = Period(2025)
PASSPHRASE = "赣州生态文明 2026 测试口令"


def find_indicator(pack: FormPack, wanted: Callable[[Indicator], bool]) -> tuple[str, Indicator]:
    for form in pack.forms:
        for ind in pack.form(form).indicators:
            if wanted(ind):
                return form, ind
    raise LookupError("the pack has no such indicator")


def summed_number(pack: FormPack) -> tuple[str, Indicator]:
    return find_indicator(
        pack,
        lambda i: (
            i.kind == "number" and i.aggregation == "sum" and not i.only_for and not i.integer
        ),
    )


def ratio_with_target(pack: FormPack) -> tuple[str, Indicator]:
    return find_indicator(
        pack,
        lambda i: (
            i.kind == "ratio"
            and not i.only_for
            and i.target is not None
            and i.target.comparator == "ge"
            and i.target.value is not None
        ),
    )


def listed_number(pack: FormPack) -> tuple[str, Indicator]:
    """A number the plan does not add up across units (a growth rate, a trend)."""
    return find_indicator(
        pack, lambda i: i.kind in ("number", "trend") and i.aggregation == "none" and not i.only_for
    )


def unit(
    code: str, department: str = "生态文明建设领导小组办公室", name: str | None = None
) -> UnitProfile:
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


def restrict_forms(pack: FormPack, data: SubmissionData, forms: list[str]) -> SubmissionData:
    """Only a few forms per workbook: the rules under test need no more, and openpyxl is the cost."""
    keep = tuple(f"{f}:" for f in forms)
    return replace(
        data,
        forms=list(forms),
        values={k: v for k, v in data.values.items() if k.startswith(keep)},
        narratives={k: v for k, v in data.narratives.items() if k.startswith(keep)},
        tables={k: v for k, v in data.tables.items() if k.startswith(keep)},
        accepted=[],
    )


def tamper_figure(path: Path, old: str, new: Decimal) -> None:
    """Raise a figure in a visible cell, as someone editing the file in Excel would."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and Decimal(str(cell.value)) == Decimal(
                    old
                ):
                    cell.value = float(new)
                    wb.save(path)
                    return
    raise AssertionError(f"no visible cell holds {old}")


def write_signed(
    pack: FormPack,
    data: SubmissionData,
    path: Path,
    keys_home: Path,
    registry: Path,
    *,
    register: bool = True,
    meta: Any = None,
) -> Path:
    """Sign ``data`` with its unit's own new key (registered in ``registry`` unless told not) into ``path``.

    The key format is the real one; its passphrase derivation is cheap in tests (tests/conftest.py).
    """
    from datetime import datetime

    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.workbook.writer import write_signed_workbook

    keys = KeyStore(keys_home / f"{data.unit.division_code}-{data.unit.department}")
    key = keys.unlock_or_create(PASSPHRASE)
    if register:
        write_registrations(keys, registry / data.unit.division_code, data.unit)
    if meta is None:
        meta = ExportMeta(
            exported_at=datetime(2026, 1, 20, 9, 30).astimezone(), program_version="test"
        )
    write_signed_workbook(pack, data, path, key=key, meta=meta)
    return path
