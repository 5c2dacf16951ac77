"""The content of the submission sheet as platypus flowables: title, unit, forms, sign-off.

Everything that came from a clerk is escaped before it reaches a Paragraph (whose text is
markup): ``<`` or ``&`` in a project name must print as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ecodesk.forms.lines import IndicatorLine
from ecodesk.forms.loader import FormPack
from ecodesk.forms.schema import TableSpec
from ecodesk.i18n import tr
from ecodesk.report.page import DRAFT_RED, MUTED, PageGeometry, Styles, grid_style, group_hex
from ecodesk.report.signoff import seal_box
from ecodesk.submission import Signoff, SignoffEntry, SubmissionData

CN_DIGITS = "零一二三四五六七八九"
NUMERIC_COLUMNS = ("number", "integer", "year")
SERIAL_WIDTH = 5  # relative width of the 序号 column, in the units of Column.width


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (enough for headings up to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else ""
    return text + (CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class SheetIdentity:
    """Who and what this sheet is, as printed on it."""

    plan_title: str
    fingerprint: str | None
    digest: str | None
    signoff: Signoff | None = None  # who filled, reviewed, signed (people and roles on)
    due: date | None = None  # the calendar's due date the signed export carried
    late_reason: str = ""  # 迟报原因, when the export was late

    @property
    def signed(self) -> bool:
        return self.fingerprint is not None


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text), style)


def _multiline(text: str, style: Any) -> list[Paragraph]:
    """Each typed line its own paragraph, so the clerk's line breaks survive printing."""
    return [_p(line.strip(), style) for line in text.splitlines() if line.strip()]


def title_block(data: SubmissionData, ident: SheetIdentity, styles: Styles) -> list[Flowable]:
    title = tr("report", "{period}工作进展报送单", period=data.period.document_label)
    story: list[Flowable] = [
        _p(f"《{ident.plan_title}》", styles.plan_title),
        _p(title, styles.title),
    ]
    if not ident.signed:
        story.append(
            Paragraph(
                f'<font color="{DRAFT_RED.hexval().replace("0x", "#")}">'
                + escape(tr("report", "草稿（未签名）：仅供内部核对，不能作为正式报送材料"))
                + "</font>",
                styles.subtitle,
            )
        )
    return story


def info_table(
    pack: FormPack, data: SubmissionData, ident: SheetIdentity, styles: Styles, page: PageGeometry
) -> Table:
    unit = data.unit
    revision = tr("report", "第 {n} 版", n=data.revision)
    if data.supersedes:
        revision += tr("report", "（更正第 {n} 版）", n=data.supersedes)
    if ident.signed:
        status = tr("report", "已签名")
    else:
        status = tr("report", "草稿（未签名）")
    c = styles.cell
    rows = [
        [
            _p(tr("report", "报送单位"), c),
            _p(unit.display_name, c),
            _p(tr("report", "行政区划代码"), c),
            _p(unit.division_code, c),
        ],
        [
            _p(tr("report", "报送期"), c),
            _p(data.period.document_label, c),
            _p(tr("report", "版本"), c),
            _p(revision, c),
        ],
        [
            _p(tr("report", "填报人"), c),
            _p(_names(ident.signoff.filled) if ident.signoff else unit.preparer, c),
            _p(tr("report", "联系电话"), c),
            _p(unit.phone, c),
        ],
        [
            _p(tr("report", "表单包版本"), c),
            _p(data.pack_version or pack.version, c),
            _p(tr("report", "状态"), c),
            _p(status, c),
        ],
        [
            _p(tr("report", "签名指纹"), c),
            _p(
                group_hex(ident.fingerprint)
                if ident.fingerprint
                else tr("report", "未签名（草稿）"),
                c,
            ),
            "",
            "",
        ],
        [
            _p(tr("report", "数据摘要"), c),
            _p(ident.digest or tr("report", "未签名（草稿）"), c),
            "",
            "",
        ],
    ]
    if ident.signed and ident.due is not None:
        due = tr("report", "{y}年{m}月{d}日", y=ident.due.year, m=ident.due.month, d=ident.due.day)
        rows.append([_p(tr("report", "截止日期"), c), _p(due, c), "", ""])
        if ident.late_reason:
            rows.append([_p(tr("report", "迟报原因"), c), _p(ident.late_reason, c), "", ""])
    label = 24 * mm
    value = page.frame_width / 2 - label
    table = Table(rows, colWidths=[label, value, label + 4 * mm, value - 4 * mm])
    table.setStyle(
        TableStyle(
            grid_style(header_rows=0)
            + [("SPAN", (1, n), (3, n)) for n in range(6, len(rows))]
            + [
                ("SPAN", (1, 4), (3, 4)),
                ("SPAN", (1, 5), (3, 5)),
                ("BACKGROUND", (0, 0), (0, -1), "#F2F2F2"),
                ("BACKGROUND", (2, 0), (2, 3), "#F2F2F2"),
            ]
        )
    )
    return table


def indicator_table(lines: list[IndicatorLine], styles: Styles, page: PageGeometry) -> Table:
    head = [
        tr("report", "序号"),
        tr("report", "指标"),
        tr("report", "单位"),
        tr("report", "目标（方案要求）"),
        tr("report", "上年"),
        tr("report", "本期"),
        tr("report", "进度"),
    ]
    part_style = styles.cell.clone("cell_part", leftIndent=9)
    rows: list[list[Any]] = [[_p(h, styles.cell_head) for h in head]]
    spans: list[tuple[Any, ...]] = []
    serial = 0
    for line in lines:
        if not line.part:
            serial += 1
        if line.free_text:
            # A sentence, not a figure: give it the width of target, last year, this value and progress.
            spans.append(("SPAN", (3, len(rows)), (6, len(rows))))
            rows.append(
                [
                    _p(str(serial), styles.cell_center),
                    _p(line.name, styles.cell),
                    "",
                    _p(line.this_value, styles.cell),
                    "",
                    "",
                    "",
                ]
            )
            continue
        rows.append(
            [
                _p("" if line.part else str(serial), styles.cell_center),
                _p(line.name, part_style if line.part else styles.cell),
                _p(line.unit, styles.cell_center),
                _p(line.target, styles.cell_small),
                _p(line.last_year, styles.cell_right),
                _p(line.this_value, styles.cell_right),
                _p(line.progress, styles.cell_center),
            ]
        )
    # Relative widths sized for 156 mm (portrait); scaled to whatever frame holds the table.
    relative = [9, 40, 12, 36, 20, 20, 19]
    scale = page.frame_width / sum(relative)
    table = Table(rows, colWidths=[w * scale for w in relative], repeatRows=1, splitInRow=24)
    table.setStyle(TableStyle(grid_style() + spans))
    return table


def needs_landscape(spec: TableSpec, portrait: PageGeometry) -> bool:
    """A table is wide when, on a portrait page, one width unit would get less than 1.8 mm.

    Column.width counts roughly in characters; below that a 9 pt CJK character no
    longer fits and every cell would wrap after one or two characters.
    """
    units = SERIAL_WIDTH + sum(col.width for col in spec.columns)
    return portrait.frame_width / units < 1.8 * mm or len(spec.columns) > 8


def data_table(
    spec: TableSpec, rows: list[dict[str, str]], styles: Styles, page: PageGeometry
) -> Flowable:
    if not rows:
        return _p(tr("report", "（本期无填报内容）"), styles.note)
    head = [_p(tr("report", "序号"), styles.cell_head)]
    for col in spec.columns:
        name = f"{col.name}（{col.unit}）" if col.unit else col.name
        head.append(_p(name, styles.cell_head))
    body: list[list[Any]] = [head]
    for number, row in enumerate(rows, start=1):
        cells: list[Any] = [_p(str(number), styles.cell_center)]
        for col in spec.columns:
            style = styles.cell_right if col.type in NUMERIC_COLUMNS else styles.cell
            cells.append(_p(row.get(col.code, "").strip(), style))
        body.append(cells)
    units = [SERIAL_WIDTH] + [col.width for col in spec.columns]
    scale = page.frame_width / sum(units)
    # repeatRows: every page the table continues on starts with its header again.
    table = Table(body, colWidths=[u * scale for u in units], repeatRows=1, splitInRow=24)
    table.setStyle(TableStyle(grid_style()))
    return table


def warnings_block(data: SubmissionData, form: str, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    accepted = [a for a in data.accepted if a.form == form]
    for number, warning in enumerate(accepted, start=1):
        story.append(_p(f"{number}. {warning.message}", styles.body))
        story.append(_p(tr("report", "说明：{text}", text=warning.explanation), styles.indented))
    return story


def answers_block(data: SubmissionData, styles: Styles) -> list[Flowable]:
    """The receiver's queries this revision answers, each with the unit's answer."""
    if not data.answers:
        return []
    story: list[Flowable] = [_p(tr("report", "审核查询及答复"), styles.h1)]
    if data.supersedes:
        story.append(
            _p(
                tr(
                    "report",
                    "本版替代第{old}版（数据摘要 {digest}），答复审核意见书 {feedback}。",
                    old=data.supersedes,
                    digest=data.supersedes_digest[:16],
                    feedback=data.answers_feedback[:16],
                ),
                styles.note,
            )
        )
    for answer in data.answers:
        story.append(
            _p(
                tr(
                    "report",
                    "{n}. 查询（{key}）：{question}",
                    n=answer.n,
                    key=answer.key,
                    question=answer.question,
                ),
                styles.body,
            )
        )
        story.append(
            _p(
                tr("report", "答复：{text}", text=answer.answer or tr("report", "（未答复）")),
                styles.indented,
            )
        )
    return story


def file_size_text(size: int) -> str:
    """``1.5 MB``, ``320 KB``: how a clerk reads a file's size."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def attachments_block(data: SubmissionData, styles: Styles, page: PageGeometry) -> list[Flowable]:
    """附件清单: every evidence file the signature binds — where it belongs, its name and
    description, size and the first 16 hex digits of its SHA-256 (enough to tell a swapped file
    on paper; the full digest is in the signed workbook)."""
    if not data.attachments:
        return []
    head = [
        _p(text, styles.cell_head)
        for text in (
            tr("report", "序号"),
            tr("report", "所属表单或指标"),
            tr("report", "文件名"),
            tr("report", "说明"),
            tr("report", "大小"),
            tr("report", "SHA-256（前16位）"),
        )
    ]
    body: list[list[Any]] = [head]
    for f in data.attachments:
        body.append(
            [
                _p(str(f.n), styles.cell_center),
                _p(f.label, styles.cell),
                _p(f.name, styles.cell),
                _p(f.note, styles.cell),
                _p(file_size_text(f.size), styles.cell_right),
                _p(group_hex(f.sha256[:16]), styles.cell_small),
            ]
        )
    units = [7, 21, 22, 20, 9, 25]  # 序号 on one line
    scale = page.frame_width / sum(units)
    table = Table(body, colWidths=[u * scale for u in units], repeatRows=1, splitInRow=24)
    table.setStyle(TableStyle(grid_style()))
    note = tr(
        "report",
        "共 {n} 个附件，随签名报表装在同一个报送包（.zip）的“附件”文件夹中；"
        "市里核验时逐个比对大小和 SHA-256。",
        n=len(data.attachments),
    )
    return [_p(tr("report", "附件清单"), styles.h1), table, _p(note, styles.note)]


def narrative_block(text: str, styles: Styles) -> list[Flowable]:
    paragraphs = _multiline(text, styles.indented)
    return paragraphs or [_p(tr("report", "（未填写）"), styles.note)]


def _names(entries: tuple[SignoffEntry, ...]) -> str:
    return "、".join(e.name for e in entries)


def _time_text(entries: tuple[SignoffEntry, ...]) -> str:
    times = [e.at for e in entries if e.at is not None]
    return max(times).astimezone().strftime("%Y-%m-%d %H:%M") if times else ""


def _recorded_rows(signoff: Signoff) -> list[tuple[str, str, str]]:
    """(role, names, time) as the store recorded them; a step not taken yet says so."""
    signed = (signoff.signed,) if signoff.signed else ()
    return [
        (
            tr("report", "填报人"),
            _names(signoff.filled) or tr("report", "（尚无填报记录）"),
            _time_text(signoff.filled),
        ),
        (
            tr("report", "审核人"),
            _names(signoff.reviewed) or tr("report", "（尚未审核）"),
            _time_text(signoff.reviewed),
        ),
        (
            tr("report", "单位负责人"),
            _names(signed) or tr("report", "（尚未签发）"),
            _time_text(signed),
        ),
    ]


def signoff_block(
    data: SubmissionData, styles: Styles, page: PageGeometry, signoff: Signoff | None = None
) -> Flowable:
    """A grid with room for three handwritten signatures and dates, and a box for the seal.

    With ``signoff`` (people and roles on) the names and times are the store's record of who
    filled, reviewed and signed this revision; the date column prints the recorded time.
    """
    unit = data.unit
    date_text = tr("report", "{gap}年{gap2}月{gap2}日", gap="&nbsp;" * 10, gap2="&nbsp;" * 6)
    rows: list[list[Any]] = [
        [
            _p(h, styles.cell_head)
            for h in (
                tr("report", "职责"),
                tr("report", "姓名"),
                tr("report", "签字"),
                tr("report", "日期"),
            )
        ]
    ]
    if signoff is not None:
        for role, names, when in _recorded_rows(signoff):
            rows.append(
                [
                    _p(role, styles.cell_center),
                    _p(names, styles.cell_center),
                    "",
                    _p(when, styles.cell_center)
                    if when
                    else Paragraph(date_text, styles.cell_right),
                ]
            )
    for role, name in (
        ()
        if signoff is not None
        else (
            (tr("report", "填报人"), unit.preparer),
            (tr("report", "审核人"), unit.reviewer),
            (tr("report", "单位负责人"), unit.head),
        )
    ):
        rows.append(
            [
                _p(role, styles.cell_center),
                _p(name, styles.cell_center),
                "",
                Paragraph(date_text, styles.cell_right),
            ]
        )
    relative = [30, 34, 52, 40]
    scale = page.frame_width / sum(relative)
    grid = Table(rows, colWidths=[w * scale for w in relative], rowHeights=[8 * mm] + [14 * mm] * 3)
    grid.setStyle(TableStyle(grid_style()))
    seal_side = 42 * mm
    statement = tr(
        "report",
        "本单位对以上报送数据和情况的真实性、准确性负责。纸质报送单与签名指纹相同的电子工作簿一并报送。",
    )
    bottom = Table(
        [[_p(statement, styles.body), seal_box(tr("report", "单位盖章"), styles, seal_side)]],
        colWidths=[page.frame_width - seal_side - 6 * mm, seal_side + 6 * mm],
    )
    bottom.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ]
        )
    )
    return KeepTogether(
        [
            Paragraph(escape(tr("report", "审核签字")), styles.h1),
            grid,
            Spacer(1, 5 * mm),
            bottom,
        ]
    )


def muted(text: str, styles: Styles) -> Paragraph:
    return Paragraph(
        f'<font color="{MUTED.hexval().replace("0x", "#")}">{escape(text)}</font>', styles.body
    )
