"""Up the chain: a consolidation becomes the consolidating unit's own submission.

A county office consolidates its departments, then signs and sends the result to the city as
the county's submission, in the same format a department sends: one program, one format from
department to county to city. Totals become the values; what has no total (a grade, a text,
a figure listed per unit) is carried only when a single unit reported it, because choosing
between two departments' answers is the county's decision, not the program's.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecodesk.consolidation.model import IndicatorSummary, Summary
from ecodesk.forms.figures import fixed
from ecodesk.forms.loader import FormPack, InputField, input_fields_of
from ecodesk.forms.schema import TableSpec
from ecodesk.i18n import tr
from ecodesk.submission import AcceptedWarning, Period, SubmissionData, TableRow, UnitProfile


def as_submission(
    summary: Summary, unit: UnitProfile, period: Period, revision: int
) -> SubmissionData:
    """The consolidating unit's submission built from ``summary``, ready to check, sign and send."""
    pack = summary.pack
    forms = [f for f in pack.forms if any(f in data.forms for data in summary.submissions)]
    values: dict[str, str] = {}
    previous: dict[str, str] = {}
    for ind_summary in summary.indicators:
        if ind_summary.form in forms:
            values.update(_values_of(pack, ind_summary))
            previous.update(_previous_of(pack, ind_summary))
    return SubmissionData(
        unit=unit,
        period=period,
        revision=revision,
        pack_version=pack.version,
        forms=forms,
        values=values,
        narratives=_narratives(pack, summary.submissions, forms),
        tables=_tables(pack, summary.submissions, forms),
        accepted=_carried_warnings(summary),
        previous=previous,
    )


def _fields(pack: FormPack, s: IndicatorSummary) -> dict[str, InputField]:
    return {f.part: f for f in input_fields_of(s.form, pack.indicator(s.form, s.code))}


def _values_of(pack: FormPack, s: IndicatorSummary) -> dict[str, str]:
    fields = _fields(pack, s)
    out: dict[str, str] = {}
    if s.aggregation == "ratio":
        num, den = fields["num"], fields["den"]
        out[num.key] = fixed(s.total_numerator, num.decimals)
        out[den.key] = fixed(s.total_denominator, den.decimals)
    elif s.aggregation == "sum" and s.kind == "provincial":
        target, actual = fields["target"], fields["actual"]
        out[actual.key] = fixed(s.total, actual.decimals)
        out[target.key] = fixed(s.total_provincial_target, target.decimals)
    elif s.aggregation == "sum":
        field = fields[""]
        out[field.key] = fixed(s.total, field.decimals)
    else:
        answered = [row for row in s.rows if row.text.strip()]
        if len(answered) == 1:
            row = answered[0]
            if s.kind == "provincial":
                target, actual = fields["target"], fields["actual"]
                out[actual.key] = row.text
                out[target.key] = fixed(row.provincial_target, target.decimals)
            else:
                out[fields[""].key] = row.text
    return {k: v for k, v in out.items() if v}  # "": no figure to carry


def _previous_of(pack: FormPack, s: IndicatorSummary) -> dict[str, str]:
    fields = _fields(pack, s)
    out: dict[str, str] = {}
    if s.aggregation == "ratio" and s.previous_complete:
        num, den = fields["num"], fields["den"]
        out[num.key] = fixed(s.previous_numerator, num.decimals)
        out[den.key] = fixed(s.previous_denominator, den.decimals)
    elif s.aggregation == "sum" and s.previous_complete:
        field = fields["actual"] if s.kind == "provincial" else fields[""]
        out[field.key] = fixed(s.previous_total, field.decimals)
    return {k: v for k, v in out.items() if v}  # "": no figure to carry


def _heading(unit: UnitProfile) -> str:
    return tr("consolidation", "【{unit}】", unit=unit.display_name)


def _narratives(
    pack: FormPack, submissions: Sequence[SubmissionData], forms: list[str]
) -> dict[str, str]:
    keys = [f"{form}:{section.code}" for form in forms for section in pack.narratives]
    parts: dict[str, list[str]] = {}
    for data in submissions:  # each unit's narratives read once (received ones are compressed)
        narratives = data.narratives
        for key in keys:
            if (text := narratives.get(key, "")).strip():
                parts.setdefault(key, []).append(f"{_heading(data.unit)}\n{text.strip()}")
    return {key: "\n\n".join(parts[key]) for key in keys if key in parts}


def source_column(spec: TableSpec) -> str | None:
    """The column that names where a row came from, if the definition gives the table one."""
    return spec.source_column


def _tables(
    pack: FormPack, submissions: Sequence[SubmissionData], forms: list[str]
) -> dict[str, list[TableRow]]:
    specs = [
        (f"{form}:{spec.code}", source_column(spec))
        for form in forms
        for spec in pack.form(form).tables
    ]
    out: dict[str, list[TableRow]] = {}
    for data in submissions:  # each unit's tables read once (received ones are compressed)
        tables = data.tables
        for key, column in specs:
            for row in tables.get(key, []):
                row = dict(row)
                if column:
                    # a row that already names its source (a department) keeps it, after the unit
                    earlier = row.get(column, "").strip()
                    name = data.unit.display_name
                    row[column] = f"{name}·{earlier}" if earlier and earlier != name else name
                out.setdefault(key, []).append(row)
    return {key: out[key] for key, _ in specs if key in out}


def _carried_warnings(summary: Summary) -> list[AcceptedWarning]:
    return [
        AcceptedWarning(
            problem_id=f"from:{w.unit.division_code}:{w.unit.department}:{w.problem_id}",
            form=w.form,
            field=w.field,
            message=f"{_heading(w.unit)}{w.message}",
            explanation=w.explanation,
        )
        for w in summary.warnings
    ]
