"""A field a clerk fills: the unit of input, checking and storage an indicator expands into."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ecodesk.forms.keys import FieldKey

InputType = Literal["number", "choice", "text"]


@dataclass(frozen=True)
class InputField:
    """One cell a clerk fills. An indicator expands into one or two of these."""

    form: str
    indicator: str
    part: str  # "" or num/den (ratio) or target/actual (provincial)
    label: str
    type: InputType
    unit: str = ""
    decimals: int = 2
    integer: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[str, ...] = ()
    multipliers: bool = False
    required: bool = True
    help: str = ""
    max_length: int = 0

    @property
    def field_key(self) -> FieldKey:
        return FieldKey(self.form, self.indicator, self.part)

    @property
    def code(self) -> str:
        return self.field_key.code

    @property
    def key(self) -> str:
        """The stable key of a value across the store, workbooks and imports: ``form:field``."""
        return str(self.field_key)
