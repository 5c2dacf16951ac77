"""Import last year's figures as this period's baseline: preview, apply (one transaction), undo.

Two kinds of file are accepted: a signed EcoDesk workbook of an earlier period (verified
first: a tampered one is refused, an unknown signer needs an explicit, recorded yes) and the
city's 上年基数表 (:mod:`ecodesk.importing.template`). Nothing is written by
:func:`preview_import`; :func:`apply_import` writes the chosen items in one transaction that
:func:`undo_import` can reverse while nobody has changed the same data since.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import split_key
from ecodesk.i18n import tr
from ecodesk.importing.errors import (
    ConfirmationNeeded,
    FuturePeriod,
    NoValuesFound,
    TemplateNotRecognized,
    UndoRefused,
    WorkbookRefused,
)
from ecodesk.importing.preview import (
    CarryOver,
    ImportItem,
    ImportPreview,
    ImportResult,
    PlanReference,
    Unmatched,
)
from ecodesk.store import settings
from ecodesk.submission import Period, ProfileMissing, TableRow

log = logging.getLogger(__name__)


Progress = Callable[[int, str], None]


def plan_reference_key(period: Period, form: str) -> settings.Setting:
    return settings.PLAN_REFERENCE.of(period, form)


def plan_reference(store: Any, period: Period, form: str) -> str | None:
    """Last year's 下步计划 of ``form`` kept for ``period`` by an import (for the window)."""
    return store.settings_get(plan_reference_key(period, form))


# ---------------------------------------------------------------------------------------- preview


def preview_import(
    store: Any,
    path: Path,
    *,
    period: Period,
    registry_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Read and check ``path`` and say what importing it into ``period`` would change. Writes nothing."""
    from ecodesk.importing.safety import check_import_file, open_for_import

    report = progress or (lambda percent, text: None)
    path = Path(path)
    profile = store.profile()
    if profile is None or not profile.division_code:
        raise ProfileMissing(
            tr(
                "import",
                "请先在“单位信息”中选择本单位（行政区划），再导入上年数据。本机数据没有任何改动。",
            )
        )
    catalog = store.pack.catalog
    if profile.division_code not in {d.code for d in (*catalog.divisions, catalog.city)}:
        raise EcoDeskError(
            tr(
                "import",
                "本单位的行政区划代码 {code} 不在表单目录中，请在“单位信息”中重新选择。"
                "本机数据没有任何改动。",
                code=profile.division_code,
            )
        )
    from ecodesk.attachments.package import is_package

    if is_package(path) and path.is_file():
        # last year's package (the signed workbook and its evidence): the verifier checks the
        # package and measures the workbook inside with the same gate as any workbook
        report(30, tr("import", "验证签名"))
        preview = _preview_workbook(store, path, period, registry_dir, profile.division_code)
        report(100, tr("import", "预览完成"))
        return preview
    report(5, tr("import", "检查文件安全性"))
    check_import_file(path)
    report(20, tr("import", "识别文件类型"))
    if _is_signed_workbook(path):
        report(30, tr("import", "验证签名"))
        preview = _preview_workbook(store, path, period, registry_dir, profile.division_code)
    else:
        from ecodesk.importing.template_reader import looks_like_template

        opened = open_for_import(path)
        if not looks_like_template(opened, store.pack):
            raise TemplateNotRecognized(path, tr("import", "没有“指标代码”或“指标名称”表头"))
        report(40, tr("import", "读取上年基数表"))
        preview = _preview_template(store, opened, period, profile.division_code)
    report(100, tr("import", "预览完成"))
    return preview


def _is_signed_workbook(path: Path) -> bool:
    """Peek at the sheet list and properties (already size-checked) without loading the workbook twice."""
    import zipfile

    from ecodesk.workbook.datasheet import DATA_SHEET
    from ecodesk.workbook.writer import DOC_KEYWORDS

    marks = {
        "xl/workbook.xml": f'name="{DATA_SHEET}"'.encode(),
        "docProps/core.xml": DOC_KEYWORDS.encode(),
    }
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for part, mark in marks.items():
            if part in names and mark in zf.read(part):
                return True
    return False


def _registry(store: Any, registry_dir: Path | None) -> Any:
    """The key registry, plus this unit's own keys (the active one and those it retired): a
    unit's own last-year file is signed by a key it holds or registered, not a stranger's."""
    from ecodesk.services.export import store_data_dir
    from ecodesk.signing.keys import KeyStore
    from ecodesk.signing.registry import KeyRegistry, registrations_for

    configured = store.settings_get(settings.KEY_REGISTRY)
    chosen = Path(configured) if configured else registry_dir
    # Without a registry the signature can still prove the file unchanged, not who signed it.
    registry = KeyRegistry([], []) if chosen is None else KeyRegistry.load(Path(chosen))
    keys, profile = KeyStore(store_data_dir(store)), store.profile()
    if profile is not None and keys.has_key():
        known = {r.fingerprint for r in registry.registrations}
        registry.registrations += [
            r for r in registrations_for(keys, profile) if r.fingerprint not in known
        ]
    return registry


def _preview_workbook(
    store: Any, path: Path, period: Period, registry_dir: Path | None, division: str
) -> ImportPreview:
    from ecodesk.importing.previous_workbook import content_of
    from ecodesk.services.verify import verify_workbook

    result = verify_workbook(path, _registry(store, registry_dir))
    if result.status not in ("valid", "display_altered", "attachments_bad", "unknown_signer"):
        raise WorkbookRefused(result.status, result.message)
    data = result.workbook.data  # type: ignore[attr-defined]
    if data.period >= period:
        raise FuturePeriod(data.period.label, period.label)
    pack = store.pack
    content = content_of(pack, data, division)
    baseline = store.baseline(data.period)
    old_values = baseline.values if baseline else {}
    items = []
    for key, (text, file_key) in content.values.items():
        spec = pack.input_field(key)
        items.append(
            ImportItem(
                key=key,
                form=spec.form,
                label=spec.label,
                unit=spec.unit,
                new=text,
                old=old_values.get(key),
                where=tr("import", "表单 {form}", form=spec.form),
                file_key=file_key,
            )
        )
    preview = ImportPreview(
        path=path,
        kind="workbook",
        period=period,
        baseline_period=data.period,
        source_unit_code=data.unit.division_code,
        source_unit_name=data.unit.display_name,
        own_unit_code=division,
        signature_status=result.status,
        verification_message=result.message,
        items=_in_pack_order(pack, items),
        unmatched=content.unmatched,
    )
    if data.pack_version != pack.version:
        preview.notes.append(
            tr(
                "import",
                "文件使用表单包 {old}，本程序为 {new}；已按指标代码对照表转换。",
                old=data.pack_version,
                new=pack.version,
            )
        )
    _add_carry_over(store, preview, content)
    _note_signed_previous(store, preview)
    return preview


def _preview_template(store: Any, opened: Any, period: Period, division: str) -> ImportPreview:
    from ecodesk.importing.template_reader import read_template

    pack = store.pack
    reading = read_template(opened, pack, division)
    notes = []
    if reading.year is None:
        year = period.year - 1
        notes.append(tr("import", "表中没有写明“基数年度”，按{year}年处理。", year=year))
    else:
        year = reading.year
    baseline_period = Period(year)
    if baseline_period >= period:
        raise FuturePeriod(baseline_period.label, period.label)
    if not reading.values:
        raise NoValuesFound(
            opened.path,
            reading.blank,
            [f"{p.where} {p.code or p.name}：{p.reason}" for p in reading.problems],
        )
    baseline = store.baseline(baseline_period)
    old_values = baseline.values if baseline else {}
    items = []
    for value in reading.values:
        spec = pack.input_field(value.key)
        items.append(
            ImportItem(
                key=value.key,
                form=spec.form,
                label=spec.label,
                unit=spec.unit,
                new=value.text,
                old=old_values.get(value.key),
                where=value.where,
                file_key=value.file_key if value.file_key != value.key else "",
            )
        )
    division_name = pack.division(division).name
    preview = ImportPreview(
        path=opened.path,
        kind="template",
        period=period,
        baseline_period=baseline_period,
        source_unit_code=division,
        source_unit_name=division_name,
        own_unit_code=division,
        signature_status="template",
        verification_message=tr(
            "import", "市级上年基数表（未签名），读取“{column}”列。", column=reading.column
        ),
        items=_in_pack_order(pack, items),
        unmatched=[Unmatched(p.where, p.code, p.name, p.reason) for p in reading.problems],
        notes=notes,
    )
    if reading.blank:
        preview.notes.append(tr("import", "本单位一列中有 {n} 项空白，未导入。", n=reading.blank))
    _note_signed_previous(store, preview)
    return preview


def _in_pack_order(pack: Any, items: list[ImportItem]) -> list[ImportItem]:
    order = {f.key: n for n, f in enumerate(pack.all_input_fields())}
    return sorted(items, key=lambda i: order.get(i.key, len(order)))


def _note_signed_previous(store: Any, preview: ImportPreview) -> None:
    if any(r.status == "signed" for r in store.revisions(preview.baseline_period)):
        preview.notes.append(
            tr(
                "import",
                "本机已有{period}已签名的报送，上年值以本机签名数据为准；导入的基数只作备查。",
                period=preview.baseline_period.label,
            )
        )


def _current_tables(store: Any, period: Period) -> tuple[dict[str, list[TableRow]], bool]:
    """This period's tables without creating anything, and whether they can still be edited."""
    revisions = store.revisions(period)
    if not revisions:
        return {}, True
    if revisions[-1].status == "signed":
        return {}, False
    return store.load(period).tables, True


def _add_carry_over(store: Any, preview: ImportPreview, content: Any) -> None:
    tables, editable = _current_tables(store, preview.period)
    if content.ongoing and not editable:
        preview.notes.append(
            tr(
                "import",
                "{period}的报送已签名，未完成的项目不能带入；如需带入请先新建更正版本。",
                period=preview.period.label,
            )
        )
    else:
        for table_key, (spec, rows, cleared) in content.ongoing.items():
            existing = tables.get(table_key, [])
            new_rows = [r for r in rows if not any(_same_row(r, e) for e in existing)]
            if new_rows:
                form = split_key(table_key)[0]
                preview.carry_over.append(
                    CarryOver(
                        key=f"table:{table_key}",
                        form=form,
                        table=spec.code,
                        name=spec.name,
                        rows=new_rows,
                        existing=len(existing),
                        cleared=cleared,
                    )
                )
    for form, text in content.plans.items():
        old = plan_reference(store, preview.period, form)
        if old != text:
            preview.plan_references.append(
                PlanReference(key=f"plan:{form}", form=form, text=text, old=old)
            )


def _same_row(carried: TableRow, existing: TableRow) -> bool:
    return all(existing.get(k, "") == v for k, v in carried.items() if v)


# ---------------------------------------------------------------------------------------- apply


def apply_import(
    store: Any,
    preview: ImportPreview,
    *,
    choices: dict[str, bool] | None = None,
    confirm_unknown_signer: bool = False,
    confirm_other_unit: bool = False,
) -> ImportResult:
    """Write what ``preview`` lists, in one transaction; ``choices[key] = False`` keeps the present value.

    Keys of ``choices`` are :meth:`ImportPreview.choice_keys` (field keys, ``table:…``,
    ``plan:…``); anything not named is taken. Raises :class:`ConfirmationNeeded` when the
    signer is unknown or the file is another unit's and that was not confirmed.
    """
    choices = choices or {}
    missing = []
    if preview.unknown_signer and not confirm_unknown_signer:
        missing.append(preview.confirmations_needed[0])
    if preview.other_unit and not confirm_other_unit:
        missing.append(preview.confirmations_needed[-1])
    if missing:
        raise ConfirmationNeeded(missing)

    existing = store.baseline(preview.baseline_period)
    before_baseline = (
        {
            "values": existing.values,
            "source": existing.source,
            "signature_status": existing.signature_status,
        }
        if existing
        else None
    )
    baseline = dict(existing.values) if existing else {}
    taken = kept = 0
    for item in preview.changes:
        if choices.get(item.key, True):
            baseline[item.key] = item.new
            taken += 1
        else:
            kept += 1

    tables_now, _ = _current_tables(store, preview.period)
    tables: dict[str, list[TableRow]] = {}
    rows_added = 0
    for carry in preview.carry_over:
        if choices.get(carry.key, True):
            table_key = carry.key.removeprefix("table:")
            tables[table_key] = list(tables_now.get(table_key, [])) + [dict(r) for r in carry.rows]
            rows_added += len(carry.rows)
    plans = {
        plan_reference_key(preview.period, p.form): p.text
        for p in preview.plan_references
        if choices.get(p.key, True)
    }

    import_id = uuid.uuid4().hex[:12]
    signature_status = preview.signature_status
    status_label = {
        "valid": tr("import", "签名有效"),
        "display_altered": tr("import", "签名有效，但显示被改动"),
        "attachments_bad": tr("import", "签名有效，但附件缺失或不符"),
        "unknown_signer": tr("import", "签名人未登记"),
        "template": tr("import", "未签名"),
    }.get(signature_status, signature_status)
    note = tr(
        "import",
        "导入 {name}（{kind}，{status}）：基数 {taken} 项，保留原值 {kept} 项，带入表格行 {rows} 行，"
        "下步计划参考 {plans} 项。导入编号 {id}。",
        name=preview.path.name,
        kind=tr("import", "签名报表") if preview.kind == "workbook" else tr("import", "上年基数表"),
        status=status_label,
        taken=taken,
        kept=kept,
        rows=rows_added,
        plans=len(plans),
        id=import_id,
    )
    if preview.unknown_signer:
        signature_status = "unknown_signer_confirmed"
        note += tr(
            "import",
            "签名人未登记，经操作人确认后导入（指纹见验证结果：{message}）。",
            message=preview.verification_message,
        )
    if preview.other_unit:
        note += tr(
            "import",
            "文件属于{other}（{code}），经操作人确认后导入。",
            other=preview.source_unit_name,
            code=preview.source_unit_code,
        )

    settings_before = {setting.name: store.settings_get(setting) for setting in plans}
    record = {
        "id": import_id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(preview.path),
        "period": str(preview.period),
        "baseline_period": str(preview.baseline_period),
        "before": {
            "baseline": before_baseline,
            "tables": {k: tables_now.get(k, []) for k in tables},
            "settings": settings_before,
        },
        "after": {
            "baseline": baseline,
            "tables": tables,
            "settings": {setting.name: text for setting, text in plans.items()},
        },
        "undone_at": None,
    }
    index = json.loads(store.settings_get(settings.IMPORTS) or "[]")
    changes: dict[settings.Setting, str | None] = dict(plans)
    changes[settings.IMPORT_RECORD.of(import_id)] = json.dumps(record, ensure_ascii=False)
    changes[settings.IMPORTS] = json.dumps(index + [import_id])
    store.write_import(
        preview.period,
        baseline_period=preview.baseline_period,
        baseline=baseline,
        source=preview.path.name,
        signature_status=signature_status,
        tables=tables,
        settings=changes,
        action="import_previous",
        note=note,
    )
    log.info("import %s from %s: %d values, %d rows", import_id, preview.path, taken, rows_added)
    return ImportResult(
        import_id=import_id,
        baseline_period=preview.baseline_period,
        values_set=taken,
        values_kept=kept,
        rows_added=rows_added,
        plans_kept=len(plans),
    )


# ---------------------------------------------------------------------------------------- undo


def import_ids(store: Any) -> list[str]:
    """Imports recorded in this data folder, oldest first."""
    return list(json.loads(store.settings_get(settings.IMPORTS) or "[]"))


@dataclass(frozen=True)
class ImportRecord:
    """An import that can still be undone, as the window offers it."""

    import_id: str
    at: datetime  # local time
    source: str  # the file's name
    baseline_period: Period


def undoable_imports(store: Any) -> list[ImportRecord]:
    """Imports not undone yet, newest first (only the newest can be undone without undoing a
    later one first; :func:`undo_import` says so when asked for an older one)."""
    found = []
    for import_id in reversed(import_ids(store)):
        text = store.settings_get(settings.IMPORT_RECORD.of(import_id))
        if text is None:
            continue
        record = json.loads(text)
        if record.get("undone_at"):
            continue
        found.append(
            ImportRecord(
                import_id=import_id,
                at=datetime.fromisoformat(record["at"]).astimezone().replace(tzinfo=None),
                source=Path(record["source"]).name,
                baseline_period=Period.parse(record["baseline_period"]),
            )
        )
    return found


def _record(store: Any, import_id: str) -> dict[str, Any]:
    text = store.settings_get(settings.IMPORT_RECORD.of(import_id))
    if text is None:
        raise UndoRefused(tr("import", "没有编号为 {id} 的导入记录，无法撤销。", id=import_id))
    return json.loads(text)


def undo_import(store: Any, import_id: str) -> None:
    """Put back what import ``import_id`` replaced, in one transaction, if nothing changed since."""
    record = _record(store, import_id)
    if record.get("undone_at"):
        raise UndoRefused(
            tr("import", "导入 {id} 已于 {at} 撤销过。", id=import_id, at=record["undone_at"])
        )
    period = Period.parse(record["period"])
    baseline_period = Period.parse(record["baseline_period"])
    after, before = record["after"], record["before"]
    current = store.baseline(baseline_period)
    if (current.values if current else None) != after["baseline"]:
        raise UndoRefused(
            tr(
                "import",
                "{period}的基数在这次导入之后又被改动（可能是再次导入），不能撤销这次导入。"
                "请先撤销之后的导入。",
                period=baseline_period.label,
            )
        )
    tables_now, editable = _current_tables(store, period)
    if after["tables"] and not editable:
        raise UndoRefused(
            tr("import", "{period}的报送已签名，带入的表格行不能再撤销。", period=period.label)
        )
    for key, rows in after["tables"].items():
        if tables_now.get(key, []) != rows:
            raise UndoRefused(
                tr(
                    "import",
                    "导入后又修改了表格“{table}”，撤销会丢掉这些修改，因此没有撤销。"
                    "如确需撤销，请手工删除带入的行。",
                    table=key,
                )
            )
    for name, value in after["settings"].items():
        if store.settings_get(settings.declared(name)) != value:
            raise UndoRefused(tr("import", "导入后又修改了下步计划参考，不能撤销。"))

    old = before["baseline"]
    record["undone_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    changes = {settings.declared(name): value for name, value in before["settings"].items()}
    changes[settings.IMPORT_RECORD.of(import_id)] = json.dumps(record, ensure_ascii=False)
    store.write_import(
        period,
        baseline_period=baseline_period,
        baseline=old["values"] if old else None,
        source=old["source"] if old else Path(record["source"]).name,
        signature_status=old["signature_status"] if old else "",
        tables=before["tables"],
        settings=changes,
        action="undo_import",
        note=tr(
            "import",
            "撤销导入 {id}（{source}），恢复导入前的基数和表格。",
            id=import_id,
            source=Path(record["source"]).name,
        ),
    )
    log.info("import %s undone", import_id)
