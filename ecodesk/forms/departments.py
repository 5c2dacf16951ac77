"""The plan's departments as a unit in one division names them, and what each reports on.

The catalog names a county's counterpart of a city department generically, as the plan does:
``县林业局`` means "the forestry bureau of this county". A unit in 于都县 is 于都县林业局, not
于都县县林业局: the leading 县 stands for the division. This module turns the plan's wording into
the department's own name inside one division (``林业局``; ``国网于都县供电公司`` where the
placeholder sits inside the name), finds a department from what a clerk types
(``县生态环境局``, ``生态环境局``), and says which forms it reports on. A unit's full name is
composed in one place: :func:`unit_name`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecodesk.forms.loader import MAIN_GOALS_FORM, FormPack
from ecodesk.forms.schema import Division
from ecodesk.submission import (
    CITY_PLACEHOLDER,
    COUNTY_PLACEHOLDER,
    short_division_name,
    unit_name,
)


@dataclass(frozen=True)
class LocalDepartment:
    """A department as one division names it, and the city departments whose tasks it shares."""

    name: str  # stored in the profile: 林业局, 国网于都县供电公司
    full_name: str  # 于都县林业局
    city_departments: frozenset[str]  # empty for the lead office, which reports on everything
    lead_office: bool = False


def _local(template: str, division: Division, placeholder: str) -> str:
    if template.startswith(placeholder) and len(template) > 1:
        return template[1:]
    if placeholder in template:
        return template.replace(placeholder, division.name, 1)
    return template


def local_departments(pack: FormPack, division_code: str) -> list[LocalDepartment]:
    """The lead office first, then the plan's departments, named as in ``division_code``."""
    division = pack.division(division_code)
    is_city = division.code == pack.catalog.city.code
    lead = division.lead_office.removeprefix(division.name) or division.lead_office
    result = [
        LocalDepartment(
            lead, unit_name(division.name, lead), city_departments=frozenset(), lead_office=True
        )
    ]
    by_name: dict[str, set[str]] = {}
    for dept in pack.catalog.departments:
        if is_city:
            name = _local(dept.city, division, CITY_PLACEHOLDER)
        elif dept.county:
            name = _local(dept.county, division, COUNTY_PLACEHOLDER)
        else:
            continue
        by_name.setdefault(name, set()).add(dept.city)
    for name, city in by_name.items():
        result.append(LocalDepartment(name, unit_name(division.name, name), frozenset(city)))
    return result


def _normalised(division: Division, text: str) -> list[str]:
    """What the clerk may have meant: 于都县林业局, 县林业局 and 林业局 all mean 林业局."""
    text = "".join(text.split())
    variants = [text]
    for prefix in (division.name, short_division_name(division.name)):
        if prefix and text.startswith(prefix) and len(text) > len(prefix):
            variants.append(text[len(prefix) :])
    for variant in list(variants):
        if variant[:1] in (COUNTY_PLACEHOLDER, CITY_PLACEHOLDER, "区") and len(variant) > 1:
            variants.append(variant[1:])
    return list(dict.fromkeys(v for v in variants if v))


def find_departments(pack: FormPack, division_code: str, text: str) -> list[LocalDepartment]:
    """Departments of the division matching what was typed: exact names first, then names
    containing it (县生态环境局 and 生态环境局 both find 赣州市生态环境局于都县分局)."""
    division = pack.division(division_code)
    candidates = local_departments(pack, division_code)
    wanted = _normalised(division, text)
    if not wanted:
        return candidates
    exact = [d for d in candidates if d.name in wanted or d.full_name in wanted]
    partial = [
        d
        for d in candidates
        if d not in exact and any(w in d.name or w in d.full_name for w in wanted)
    ]
    return exact + partial


def department_named(pack: FormPack, division_code: str, text: str) -> LocalDepartment | None:
    """The department ``text`` names (after the division and the placeholder are stripped),
    exactly or as the only department containing it (生态环境局 → 赣州市生态环境局于都县分局);
    None when it names none or several: then the name is the clerk's own, not a guess."""
    if not "".join(text.split()):
        return None
    found = find_departments(pack, division_code, text)
    wanted = _normalised(pack.division(division_code), text)
    exact = [d for d in found if d.name in wanted or d.full_name in wanted]
    if exact:
        return exact[0]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class ReportingScope:
    """The forms a unit reports on, and whether they follow from a department the plan names."""

    forms: list[str]
    department: LocalDepartment | None

    @property
    def recognised(self) -> bool:
        return self.department is not None


def reporting_scope(pack: FormPack, division_code: str, department: str) -> ReportingScope:
    """The lead office reports on every form; a department on the tasks its city counterpart
    leads, plus the main goals; an unknown department on every form (the caller must say so)."""
    dept = department_named(pack, division_code, department)
    if dept is None or dept.lead_office:
        return ReportingScope(list(pack.forms), dept)
    tasks = {t.code for t in pack.catalog.tasks if dept.city_departments & set(t.lead_departments)}
    if not tasks:
        return ReportingScope(list(pack.forms), dept)
    return ReportingScope(
        [code for code in pack.forms if code in tasks or code == MAIN_GOALS_FORM], dept
    )
