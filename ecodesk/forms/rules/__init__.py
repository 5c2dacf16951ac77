"""The rule engine: what is wrong or doubtful in a submission, in sentences a clerk can act on.

The package is split by concern: :mod:`.inputs` (one typed value), :mod:`.kinds` (what each
indicator kind adds), :mod:`.history` (earlier periods and the plan's targets), :mod:`.tables`,
:mod:`.explicit` (a form's own rules), :mod:`.narratives`, and :mod:`.check`, which runs them
over a submission with one frozen :class:`~.context.CheckContext`.

Every rule comes from the form pack's data: the implicit rules of each indicator, column and
narrative definition (required, type, range, ratio parts, provincial target, trend, grade,
milestone), the period rules (a cumulative total never falls, a large change from last year
needs an explanation), the target rules (behind a straight-line path to the plan's target)
and the form's explicit ``rules`` (compare, table_total, row_count). Rule text is never
evaluated: operators are looked up in :data:`OPERATORS`, operands are field references.

Decisions worth knowing (they are choices, not accidents):

* **Severity.** Errors are mistakes in the data (missing, unreadable, out of range, a part
  larger than its whole, a cumulative total that fell) and block signing. Anything that
  may be true but needs a reason is a warning the unit can accept with an explanation:
  provincial target missed, trend or grade the wrong way, behind the trajectory, a large
  change from last year — and a **milestone not finished after its deadline**. That one is a
  warning, not an error, because a late task is a fact to be reported honestly: an error
  would leave the clerk only two ways to sign, waiting forever or typing "已完成" untruthfully.
* **Percentages** (unit ``%``) of number and trend indicators and table columns are limited
  to 0–100 unless the definition gives ``max``; growth rates (``scope: growth``) and
  provincial pairs keep only the bounds their definition gives (a 下降率 may be negative).
  Table number columns are non-negative unless the column gives ``min``; year columns lie in
  1949–2100 unless it gives bounds.
* **Targets.** A ``level: county`` target holds every unit to it, so the unit's own value is
  compared. A ``level: city`` target is a city-wide figure: a county's value is only its
  contribution to a sum (2000 firms) or a local rate that may rightly differ from the city's
  (森林覆盖率 in an urban district), and the pack gives no county shares, so county
  submissions skip it; it is checked when the reporting unit is the city itself
  (:data:`CITY_DIVISION_CODE`, the consolidated submission). Grade and milestone targets
  cannot be summed, so they apply to every unit that reports them.
* **Trajectory.** The straight line runs from a base point to the target in its deadline
  year. The base is 0 at the end of the year before the plan for a cumulative total, else the
  earliest value known from the year before the plan onwards (history or last year's value).
  A growth-rate target holds every year, so it is compared as it is. "左右" (``about``/``eq``)
  tolerates :data:`ABOUT_TOLERANCE` shortfall. Without a base the check waits for the deadline.
* **Year-over-year.** A change beyond ``yoy_warn_pct`` from the same period last year is a
  warning. For a cumulative total the comparison is between this year's and last year's
  increments (the total itself always grows fast early on). A zero last year gives no percentage,
  so no warning.
* **Field keys.** Indicator problems name an input field (``"G:forest_coverage.num"``);
  problems about a computed rate name the numerator. Table cells are
  ``"form:table:<table>:<row>:<col>"`` with a 0-based row index (messages say 第 n 行,
  1-based); a whole table is ``"form:table:<table>"``; a narrative is ``"form:<section>"``,
  the key it has in :attr:`SubmissionData.narratives`. Fully blank table rows carry no data
  and are ignored (also by row counts).
"""

from ecodesk.forms.figures import progress, ratio_value
from ecodesk.forms.rules.check import check_field, check_submission
from ecodesk.forms.rules.context import CITY_DIVISION_CODE, CheckContext
from ecodesk.forms.rules.explicit import OPERATORS
from ecodesk.forms.rules.inputs import InvalidChoice, match_choice, typed_value
from ecodesk.forms.rules.problems import Problem, Severity, has_blocking_errors
from ecodesk.forms.targets import ABOUT_TOLERANCE

__all__ = [
    "ABOUT_TOLERANCE",
    "CITY_DIVISION_CODE",
    "OPERATORS",
    "CheckContext",
    "InvalidChoice",
    "Problem",
    "Severity",
    "check_field",
    "check_submission",
    "has_blocking_errors",
    "match_choice",
    "progress",
    "ratio_value",
    "typed_value",
]
