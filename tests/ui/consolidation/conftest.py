"""A few counties' real signed workbooks for the consolidation window, made once per session.

Four counties of 赣州 answer two forms: 宁都-like county A and B plainly, county C sends a
first and a corrected second revision (with an accepted warning), county D's workbook is
altered in Excel after signing, and county A also sent last year's workbook. Figures are small and explicit so totals can be worked out by
hand in the tests. Every test copies the files it needs into its own folder.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pytest

from ecodesk.forms.loader import FormPack
from ecodesk.submission import AcceptedWarning, Period
from tests.consolidation.helpers import (
    PERIOD,
    ratio_with_target,
    restrict_forms,
    summed_number,
    tamper_figure,
    write_signed,
)

# county → (summed figure, numerator, denominator) as typed; C's first revision is superseded
FIGURES = {
    "A": ("1.5", "10", "100"),
    "B": ("2.25", "30", "200"),
    "C": ("4", "20", "100"),
    "D": ("7.77", "50", "100"),
}
C_FIRST = ("999", "1", "2")
EARLIER, EARLIER_FIGURES = (
    Period(2024),
    ("0.5", "5", "50"),
)  # county A's workbook of the year before
EXPLANATION = "县统计局口径调整，已核实"


@dataclass
class CountyWorkbooks:
    source: Path  # the signed files; tests copy them, never change them
    registry: Path
    pack: FormPack
    forms: list[str]
    summed_key: str
    num_key: str
    den_key: str
    names: dict[str, str]  # "A" … "D" → county name (the unit label the window shows)
    codes: dict[str, str]
    files: dict[str, Path] = field(
        default_factory=dict
    )  # "A", "B", "C1", "C", "D", "A-earlier" → file

    def copy(self, folder: Path, *which: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for label in which:
            shutil.copy(self.files[label], folder / self.files[label].name)
        return folder


@pytest.fixture(scope="session")
def county_workbooks(pack: FormPack, tmp_path_factory: pytest.TempPathFactory) -> CountyWorkbooks:
    from ecodesk.services.sample import sample_submission

    root = tmp_path_factory.mktemp("county-workbooks")
    s_form, s_ind = summed_number(pack)
    r_form, r_ind = ratio_with_target(pack)
    forms = [f for f in pack.forms if f in {s_form, r_form}]
    divisions = [d for d in pack.catalog.divisions if d.kind != "功能区"][:4]
    made = CountyWorkbooks(
        source=root / "sent",
        registry=root / "registry",
        pack=pack,
        forms=forms,
        summed_key=f"{s_form}:{s_ind.code}",
        num_key=f"{r_form}:{r_ind.code}.num",
        den_key=f"{r_form}:{r_ind.code}.den",
        names={label: d.name for label, d in zip("ABCD", divisions, strict=True)},
        codes={label: d.code for label, d in zip("ABCD", divisions, strict=True)},
    )
    made.source.mkdir()

    def data_for(label: str, figures: tuple[str, str, str], revision: int):  # type: ignore[no-untyped-def]
        data = restrict_forms(
            pack, sample_submission(pack, made.codes[label], PERIOD, revision=revision), forms
        )
        data.values[made.summed_key], data.values[made.num_key], data.values[made.den_key] = figures
        data.previous = {made.summed_key: "1"}
        data.status = "signed"
        data.supersedes = revision - 1 if revision > 1 else None
        return data

    keys = root / "keys"
    for label in "ABCD":
        data = data_for(label, FIGURES[label], 2 if label == "C" else 1)
        if label == "C":
            first = data_for(label, C_FIRST, 1)
            made.files["C1"] = write_signed(
                pack,
                first,
                made.source / f"{made.names[label]}-第1版.xlsx",
                keys,
                made.registry,
            )
            data.accepted.append(
                AcceptedWarning(
                    problem_id=f"yoy:{made.summed_key}",
                    form=s_form,
                    field=made.summed_key,
                    message="与上年相比变化较大",
                    explanation=EXPLANATION,
                )
            )
        made.files[label] = write_signed(
            pack, data, made.source / f"{made.names[label]}.xlsx", keys, made.registry
        )
    earlier = replace(data_for("A", EARLIER_FIGURES, 1), period=EARLIER)
    made.files["A-earlier"] = write_signed(
        pack, earlier, made.source / f"{made.names['A']}-{EARLIER}.xlsx", keys, made.registry
    )
    tamper_figure(made.files["D"], FIGURES["D"][0], Decimal(500))
    return made
