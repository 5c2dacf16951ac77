"""The completeness matrix: for every unit and form, submitted, missing or with accepted warnings."""

from __future__ import annotations

from collections.abc import Sequence

from ecodesk.consolidation.model import CompletenessRow, FormState, unit_id
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Division
from ecodesk.submission import SubmissionData, UnitProfile


def form_state(data: SubmissionData, form: str) -> FormState:
    if form not in data.forms:
        return FormState.NOT_REQUIRED
    if not data.has_content(form):
        return FormState.MISSING
    if any(w.form == form for w in data.accepted):
        return FormState.WITH_WARNINGS
    return FormState.SUBMITTED


def expected_divisions(pack: FormPack, submissions: Sequence[SubmissionData]) -> list[Division]:
    """The units a consolidation should hear from, when the program can know them.

    Submissions from several divisions mean the city consolidating its counties: every division
    of the catalog is expected, so a county that sent nothing shows as missing. Submissions from
    one division are its departments, whose list only the county office knows.
    """
    codes = {data.unit.division_code for data in submissions}
    if len(codes) <= 1:
        return []
    return list(pack.catalog.divisions)


def completeness_matrix(
    pack: FormPack,
    submissions: Sequence[SubmissionData],
    expected: Sequence[Division] = (),
) -> list[CompletenessRow]:
    """One row per received unit, then one all-missing row per expected division not heard from."""
    rows = [
        CompletenessRow(
            unit=data.unit,
            states={form: form_state(data, form) for form in pack.forms},
            revision=data.revision,
        )
        for data in submissions
    ]
    heard = {unit_id(data.unit)[0] for data in submissions}
    for division in expected:
        if division.code in heard:
            continue
        absent = UnitProfile(
            division_code=division.code, division_name=division.name, department=""
        )
        rows.append(CompletenessRow(unit=absent, states={f: FormState.MISSING for f in pack.forms}))
    order = {d.code: i for i, d in enumerate(pack.catalog.divisions)}
    rows.sort(
        key=lambda r: (
            order.get(r.unit.division_code, len(order)),
            r.unit.division_code,
            r.unit.department,
        )
    )
    return rows
