"""Two counties' real packages with evidence, made with the real store, export and keys.

宁都县 reports two built watersheds and a GEP accounting 已完成核算; it attaches a real PDF to the
first watershed's row and a photo to the second, nothing to the GEP. 于都县 reports one built
watershed with nothing attached and accepts that warning with an explanation. Each county signs
with its own key, registered in one registry folder; both packages land in one inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ecodesk.forms.loader import FormPack
from ecodesk.submission import AcceptedWarning, Period
from tests.attachments.files import make_pdf, make_png

PERIOD = Period(2026)
FORMS = ["4.1", "5.1"]
NINGDU, YUDU = "360730", "360731"
YUDU_EXPLANATION = "验收会议已召开，验收意见待县水利局印发后补报。"
PASSPHRASE = "赣州生态文明 2026 测试口令"


@dataclass(frozen=True)
class EvidenceInbox:
    inbox: Path
    registry: Path
    packages: dict[str, Path]  # division code → the exported package (or workbook)
    pdf_bytes: bytes  # what 宁都县 attached to its first watershed


def _rows(*specs: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"name": name, "location": "城关镇", "area": "5", "status": status, "year": "2026"}
        for name, status in specs
    ]


def build_evidence_inbox(pack: FormPack, root: Path) -> EvidenceInbox:
    from ecodesk.attachments import attach
    from ecodesk.demo import sample_submission
    from ecodesk.services.export import export_submission
    from ecodesk.services.keys import export_public_key
    from ecodesk.store import Store

    inbox, registry, files = root / "inbox", root / "registry", root / "files"
    for folder in (inbox, registry, files):
        folder.mkdir(parents=True)
    pdf = make_pdf(files / "梅江小流域验收意见.pdf")
    photo = make_png(files / "青塘小流域现场照片.png")
    packages: dict[str, Path] = {}
    plans = {
        NINGDU: (_rows(("梅江小流域", "已建成"), ("青塘小流域", "已验收")), "已完成核算"),
        YUDU: (_rows(("贡江小流域", "已建成")), "核算中"),
    }
    for code, (rows, gep) in plans.items():
        home = root / code
        home.mkdir()
        full = sample_submission(pack, code, PERIOD)
        data = replace(
            full,
            forms=FORMS,
            accepted=[],
            values={k: v for k, v in full.values.items() if k.split(":")[0] in FORMS},
            narratives={k: v for k, v in full.narratives.items() if k.split(":")[0] in FORMS},
            tables={k: v for k, v in full.tables.items() if k.split(":")[0] in FORMS},
        )
        # only the claims this module is about: no other list or milestone claims anything
        for table in ("mines", "wetlands", "soil_water_demo_list"):
            data.tables[f"4.1:{table}"] = []
        data.values["5.1:balance_sheet_status"] = "编制中"
        data.tables["4.1:watersheds"] = rows
        data.values["4.1:clean_watersheds"] = str(len(rows))
        data.values["5.1:gep_status"] = gep
        with Store.open(home, pack=pack) as store:
            store.save_profile(data.unit)
            store.set_responsible_forms(FORMS)
            store.write_submission(data)
            if code == NINGDU:
                attach(store, PERIOD, "4.1:watersheds#1", pdf, "小流域验收意见")
                attach(store, PERIOD, "4.1:watersheds#2", photo, "现场照片")
            else:
                store.accept_warning(
                    PERIOD,
                    AcceptedWarning(
                        "evidence:4.1:watersheds#1", "4.1", "需附佐证材料", YUDU_EXPLANATION
                    ),
                )
            result = export_submission(store, PERIOD, inbox, passphrase=PASSPHRASE, data_dir=home)
            export_public_key(home, store.profile(), registry)
        packages[code] = result.path
    return EvidenceInbox(inbox, registry, packages, pdf.read_bytes())
