"""Eighteen counties' signed workbooks, made once per session with the real export code.

Each county signs with its own real Ed25519 key, registered in a key registry folder, except:
one county's workbook is tampered after signing (its figure raised in the visible sheet), one
is signed by a key that was never registered, and one county sends two revisions. A few
indicators get small explicit values so the tests can add them up by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ecodesk.forms.loader import FormPack
from ecodesk.submission import AcceptedWarning, SubmissionData
from tests.consolidation.helpers import (
    PERIOD,
    ratio_with_target,
    restrict_forms,
    summed_number,
    tamper_figure,
)

PASSPHRASE = "赣州生态文明 2026 测试口令"


@dataclass
class County:
    code: str
    name: str
    summed: str  # the summed indicator as typed
    num: str  # the rate's numerator and denominator as typed
    den: str
    previous: str  # last year's summed figure


@dataclass
class ReceivedFolder:
    """What the fixture made, and the figures a test needs to work out totals by hand."""

    inbox: Path
    registry: Path
    keys_home: Path
    pack: FormPack
    forms: list[str]
    summed_key: str
    num_key: str
    den_key: str
    counties: list[County]
    tampered: str  # division code of the county whose workbook was altered
    unregistered: str  # … signed with a key not in the registry
    revised: str  # … that sent revision 1 and 2
    revised_first: County  # revision 1's figures (superseded)
    files: dict[str, Path] = field(default_factory=dict)  # label → file
    warning_explanation: str = ""

    @property
    def trusted(self) -> list[County]:
        """Counties whose valid workbook is consolidated (the newest revision's figures)."""
        return [c for c in self.counties if c.code not in (self.tampered, self.unregistered)]


@pytest.fixture(scope="session")
def received(pack: FormPack, tmp_path_factory: pytest.TempPathFactory) -> ReceivedFolder:
    from ecodesk.services.sample import sample_submission
    from ecodesk.signing.canonical import ExportMeta
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import write_registrations
    from ecodesk.workbook.writer import write_signed_workbook

    root = tmp_path_factory.mktemp("received")
    inbox, registry, keys_home = root / "inbox", root / "registry", root / "keys"
    inbox.mkdir()
    s_form, s_ind = summed_number(pack)
    r_form, r_ind = ratio_with_target(pack)
    forms = [f for f in pack.forms if f in {"G", s_form, r_form}]
    counties_div = [d for d in pack.catalog.divisions if d.kind != "功能区"][:18]
    assert len(counties_div) == 18
    counties = [
        County(
            code=d.code,
            name=d.name,
            summed=str(Decimal(i + 1) + Decimal("0.25")),  # 1.25, 2.25, … 18.25
            num=str(100 * (i + 1)),
            den=str(1000 + 500 * i),  # rates from 10 % down to ~19.8 %
            previous=str(i + 1),
        )
        for i, d in enumerate(counties_div)
    ]
    counties[0].summed = "１,２３４.５"  # typed with full-width digits and a separator: 1234.5
    revised_first = replace(counties[2], summed="999", num="1", den="2")
    folder = ReceivedFolder(
        inbox=inbox,
        registry=registry,
        keys_home=keys_home,
        pack=pack,
        forms=forms,
        summed_key=f"{s_form}:{s_ind.code}",
        num_key=f"{r_form}:{r_ind.code}.num",
        den_key=f"{r_form}:{r_ind.code}.den",
        counties=counties,
        tampered=counties[4].code,
        unregistered=counties[6].code,
        revised=counties[2].code,
        revised_first=revised_first,
        warning_explanation="县统计局口径调整，已核实",
    )
    meta = ExportMeta(exported_at=datetime(2026, 1, 20, 9, 30).astimezone(), program_version="test")

    def data_for(county: County, revision: int) -> SubmissionData:
        data = restrict_forms(
            pack, sample_submission(pack, county.code, PERIOD, revision=revision), forms
        )
        data.values[folder.summed_key] = county.summed
        data.values[folder.num_key] = county.num
        data.values[folder.den_key] = county.den
        data.previous = {folder.summed_key: county.previous}
        data.status = "signed"
        if revision > 1:
            data.supersedes = revision - 1
        return data

    for county in counties:
        keys = KeyStore(keys_home / county.code)
        key = keys.create(PASSPHRASE)
        data = data_for(county, 1)
        if county.code == folder.unregistered:
            KeyStore(keys_home / "stranger").create(PASSPHRASE)  # registered for nobody…
            key = KeyStore(keys_home / "stranger").unlock(PASSPHRASE)  # …signs this one
        if county.code != folder.unregistered:
            write_registrations(keys, registry / county.code, data.unit)
        if county.code == folder.revised:
            first = data_for(revised_first, 1)
            path = inbox / f"{county.name}-第1版.xlsx"
            write_signed_workbook(pack, first, path, key=key, meta=meta)
            folder.files["revised_first"] = path
            data = data_for(county, 2)
            data.accepted.append(
                AcceptedWarning(
                    problem_id=f"yoy:{folder.summed_key}",
                    form=folder.summed_key.split(":")[0],
                    field=folder.summed_key,
                    message="与上年相比变化较大",
                    explanation=folder.warning_explanation,
                )
            )
        path = inbox / f"{county.name}.xlsx"
        write_signed_workbook(pack, data, path, key=key, meta=meta)
        folder.files[county.code] = path
    tamper_figure(folder.files[folder.tampered], counties[4].summed, Decimal(500))
    return folder
