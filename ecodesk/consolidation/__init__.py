"""Consolidation: many units' submissions of one period become totals, a completeness matrix
and a consolidated workbook; and, up the chain, the consolidating unit's own submission.

Pure data in, data out (plus the openpyxl writer): verifying the received files is the job of
:mod:`ecodesk.services.consolidate`, which feeds this package.
"""

from ecodesk.consolidation.model import (
    CompletenessRow,
    FileNote,
    FormState,
    IndicatorSummary,
    Summary,
    UnitValue,
    UnitWarning,
    unit_id,
)

__all__ = [
    "CompletenessRow",
    "FileNote",
    "FormState",
    "IndicatorSummary",
    "Summary",
    "UnitValue",
    "UnitWarning",
    "unit_id",
]
