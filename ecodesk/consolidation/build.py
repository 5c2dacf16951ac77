"""Put a consolidation together from the submissions kept for one period."""

from __future__ import annotations

from collections.abc import Sequence

from ecodesk.consolidation.aggregate import summarize_indicators
from ecodesk.consolidation.completeness import completeness_matrix, expected_divisions
from ecodesk.consolidation.evidence import unbacked_claims
from ecodesk.consolidation.model import FileNote, Summary, UnitWarning
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import Division
from ecodesk.submission import Period, SubmissionData


def accepted_warnings(submissions: Sequence[SubmissionData]) -> list[UnitWarning]:
    return [
        UnitWarning(
            unit=data.unit,
            form=w.form,
            field=w.field,
            problem_id=w.problem_id,
            message=w.message,
            explanation=w.explanation,
        )
        for data in submissions
        for w in data.accepted
    ]


def build_summary(
    pack: FormPack,
    submissions: Sequence[SubmissionData],
    period: Period | None,
    *,
    files: Sequence[FileNote] = (),
    expected: Sequence[Division] | None = None,
) -> Summary:
    """The consolidation of ``submissions`` (one per unit, already the newest revision).

    ``expected`` lists the divisions that should have reported; by default it is guessed
    (see :func:`~ecodesk.consolidation.completeness.expected_divisions`).
    """
    if expected is None:
        expected = expected_divisions(pack, submissions)
    return Summary(
        pack=pack,
        period=period,
        submissions=list(submissions),
        indicators=summarize_indicators(pack, submissions),
        completeness=completeness_matrix(pack, submissions, expected),
        warnings=accepted_warnings(submissions),
        files=list(files),
        unbacked=unbacked_claims(pack, submissions),
    )
