"""How a value, a narrative, a table, a table cell and a rule operand are named — parsed and
formatted here and nowhere else.

The same names travel through the store, the signed workbook, imports, problems and the
window, so they are plain strings where they are stored (dictionary keys, database columns,
workbook records) and these frozen objects wherever code needs their parts:

- :class:`FieldKey` ``1.1:tech_invest``, ``G:forest.num``: a value (``SubmissionData.values``);
- :class:`SectionKey` ``1.1:progress``: a narrative section;
- :class:`TableKey` ``1.1:projects``: a table's rows (``SubmissionData.tables``);
- :class:`CellKey` ``1.1:projects#3.name``: a table cell in the signed data (row from 1);
- a problem's location ``1.1:table:projects`` or ``1.1:table:projects:2:name`` (row from 0):
  :attr:`TableKey.problem_key`, :attr:`CellKey.problem_key`, :func:`parse_problem_location`;
- :class:`AcceptedKey` ``#2.explanation``: a part of an accepted warning in the signed data;
- :data:`Operand` ``tech_invest``, ``table:t.col``, ``table:t#count``, ``12.5``: an explicit
  rule's operand inside one form, parsed once (:func:`parse_operand`) when the pack loads.

A field key and a section key have the same shape; only the pack knows which one a text is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

FORM_CODE = (
    r"G|[1-9]\d?\.[1-9]\d?"  # the main-goals form, or a task (1.1 … 99.99): the plan says how many
)
CODE = r"[A-Za-z0-9_]+"  # an indicator, table, column, section or rule code
FORM_CODE_RE = re.compile(rf"^(?:{FORM_CODE})$")
FIELD_KEY_RE = re.compile(rf"^(?P<form>{FORM_CODE}):(?P<code>[A-Za-z0-9_.]+)$")
_CELL_KEY_RE = re.compile(
    rf"^(?P<form>{FORM_CODE}):(?P<table>{CODE})#(?P<row>[1-9]\d{{0,5}})\.(?P<column>.+)$"
)
_ACCEPTED_KEY_RE = re.compile(r"^#(?P<n>[1-9]\d{0,5})\.(?P<part>\w+)$")
_TABLE_MARK = "table"


class BadKey(EcoDeskError, ValueError):
    """A text that should name a field, table or cell and does not."""

    def __init__(self, text: str, what: str | None = None) -> None:
        self.key = text
        super().__init__(
            tr(
                "keys",
                "{what}“{key}”格式不对，应为“表单:代码”（如 1.1:upgraded_firms）。",
                what=what or tr("keys", "字段编号"),
                key=text,
            )
        )


def is_form_code(text: str) -> bool:
    return bool(FORM_CODE_RE.match(text))


def form_of(text: str) -> str:
    """The form code a key of any kind begins with ("" when it names no form)."""
    form, sep, _ = text.partition(":")
    return form if sep else ""


def split_key(text: str) -> tuple[str, str]:
    """(form, rest) of a key of any kind, unchecked: for keys read from a file or an older
    pack, which the caller then looks up and reports when unknown."""
    form, _, rest = text.partition(":")
    return form, rest


@dataclass(frozen=True, order=True)
class FieldKey:
    """A value a clerk fills: an indicator, or one part of it (``.num``, ``.den``, ``.target``…)."""

    form: str
    indicator: str
    part: str = ""

    @classmethod
    def parse(cls, text: str) -> FieldKey:
        match = FIELD_KEY_RE.match(text)
        if not match:
            raise BadKey(text)
        indicator, _, part = match["code"].partition(".")
        return cls(match["form"], indicator, part)

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return bool(FIELD_KEY_RE.match(text))

    @property
    def code(self) -> str:
        """The field's code inside its form: ``indicator`` or ``indicator.part``."""
        return f"{self.indicator}.{self.part}" if self.part else self.indicator

    def __str__(self) -> str:
        return f"{self.form}:{self.code}"


@dataclass(frozen=True, order=True)
class SectionKey:
    """A narrative section of a form (工作进展 …)."""

    form: str
    section: str

    @classmethod
    def parse(cls, text: str) -> SectionKey:
        form, _, section = text.partition(":")
        if not is_form_code(form) or not section:
            raise BadKey(text, tr("keys", "文字说明编号"))
        return cls(form, section)

    def __str__(self) -> str:
        return f"{self.form}:{self.section}"


@dataclass(frozen=True, order=True)
class TableKey:
    """A repeatable table of a form; its text is the key of its rows in the data."""

    form: str
    table: str

    @classmethod
    def parse(cls, text: str) -> TableKey:
        form, _, table = text.partition(":")
        if not is_form_code(form) or not re.fullmatch(CODE, table):
            raise BadKey(text, tr("keys", "表格编号"))
        return cls(form, table)

    def __str__(self) -> str:
        return f"{self.form}:{self.table}"

    @property
    def problem_key(self) -> str:
        """How a problem about the whole table names it: ``form:table:<table>``."""
        return f"{self.form}:{_TABLE_MARK}:{self.table}"

    def cell(self, index: int, column: str) -> CellKey:
        """The cell in row ``index`` (0-based, as in the list of rows) and ``column``."""
        return CellKey(self.form, self.table, index, column)


@dataclass(frozen=True, order=True)
class CellKey:
    """One cell of a table; ``index`` is 0-based like the list of rows it indexes."""

    form: str
    table: str
    index: int
    column: str

    @property
    def table_key(self) -> TableKey:
        return TableKey(self.form, self.table)

    @classmethod
    def parse(cls, text: str) -> CellKey:
        """A cell as the signed data names it: ``form:table#row.column`` with row from 1."""
        match = _CELL_KEY_RE.match(text)
        if not match:
            raise BadKey(text, tr("keys", "表格单元格编号"))
        return cls(match["form"], match["table"], int(match["row"]) - 1, match["column"])

    def __str__(self) -> str:
        return f"{self.form}:{self.table}#{self.index + 1}.{self.column}"

    @property
    def problem_key(self) -> str:
        """How a problem about this cell names it: ``form:table:<table>:<row>:<column>``."""
        return f"{self.table_key.problem_key}:{self.index}:{self.column}"


def cell_key_parts(text: str) -> tuple[str, int, str]:
    """:meth:`CellKey.parse` without building the key: ``(table key text, index, column)``, for
    reading the thousands of table records of a workbook; raises :class:`BadKey` likewise."""
    match = _CELL_KEY_RE.match(text)
    if not match:
        raise BadKey(text, tr("keys", "表格单元格编号"))
    form, table, row, column = match.groups()
    return f"{form}:{table}", int(row) - 1, column


def parse_problem_location(text: str) -> TableKey | CellKey | None:
    """The table or cell a problem's field names, or ``None`` when it names neither."""
    parts = text.split(":")
    if len(parts) < 3 or parts[1] != _TABLE_MARK or not is_form_code(parts[0]):
        return None
    table = TableKey(parts[0], parts[2])
    if len(parts) == 3:
        return table
    if len(parts) == 5 and parts[3].isdigit() and parts[4]:
        return table.cell(int(parts[3]), parts[4])
    return None


@dataclass(frozen=True)
class AcceptedKey:
    """One part of the n-th accepted warning in the signed data: ``#n.part`` (n from 1)."""

    number: int
    part: str

    @classmethod
    def parse(cls, text: str) -> AcceptedKey:
        match = _ACCEPTED_KEY_RE.match(text)
        if not match:
            raise BadKey(text, tr("keys", "已接受提示编号"))
        return cls(int(match["n"]), match["part"])

    def __str__(self) -> str:
        return f"#{self.number}.{self.part}"


# --------------------------------------------------------------------------- rule operands


@dataclass(frozen=True)
class FieldOperand:
    """A field of the rule's form: ``code`` or ``code.part``."""

    code: str

    @property
    def indicator(self) -> str:
        return self.code.partition(".")[0]

    def key(self, form: str) -> str:
        return f"{form}:{self.code}"

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class TableSum:
    """The sum of a table column: ``table:<table>.<column>``."""

    table: str
    column: str

    def __str__(self) -> str:
        return f"{_TABLE_MARK}:{self.table}.{self.column}"


@dataclass(frozen=True)
class TableCount:
    """The number of (non-blank) rows of a table: ``table:<table>#count``."""

    table: str

    def __str__(self) -> str:
        return f"{_TABLE_MARK}:{self.table}#count"


@dataclass(frozen=True)
class NumberOperand:
    """A number written in the rule itself."""

    value: Decimal

    def __str__(self) -> str:
        return str(self.value)


Operand = FieldOperand | TableSum | TableCount | NumberOperand
TableOperand = TableSum | TableCount


@functools.lru_cache(maxsize=1024)
def parse_operand(text: str) -> Operand:
    """An operand of an explicit rule; which fields and tables exist is checked by the loader.

    ``table:t`` with neither a column nor ``#count`` is the table itself (a rule reading it);
    it parses as a count. A text that is no field code and a finite number is a literal.
    """
    if text.startswith(f"{_TABLE_MARK}:"):
        ref = text[len(_TABLE_MARK) + 1 :]
        table_part, hash_, _count = ref.partition("#")
        table, _, column = table_part.partition(".")
        if hash_ or not column:
            return TableCount(table)
        return TableSum(table, column)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?", text):
        return FieldOperand(text)
    try:
        return NumberOperand(Decimal(text))  # possibly not finite: such a rule never fires
    except InvalidOperation:
        return FieldOperand(text)  # neither: the loader names it as an unknown field
