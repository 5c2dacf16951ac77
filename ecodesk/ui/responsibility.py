"""Which forms a department most likely reports on, read from the catalog (a default, changeable)."""

from __future__ import annotations

from ecodesk.forms.loader import MAIN_GOALS_FORM, FormPack


def suggested_forms(pack: FormPack, department: str) -> list[str]:
    """Tasks whose lead city department has ``department`` as its county counterpart.

    A county office that coordinates the whole plan (or a department the catalog does not
    know) gets every form, as the store's default does.
    """
    city = {d.city for d in pack.catalog.departments if d.county and d.county == department.strip()}
    tasks = [t.code for t in pack.catalog.tasks if city & set(t.lead_departments)]
    if not tasks:
        return list(pack.forms)
    return [code for code in pack.forms if code in tasks or code == MAIN_GOALS_FORM]
