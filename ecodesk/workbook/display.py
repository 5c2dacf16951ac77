"""What a reader sees besides the values: changes to it after signing are reported, not hidden.

The signature binds every visible cell's value, kind and (for numbers) number format. A file can
still be changed so that a person reading it sees something else while every bound value stays
the same: a number format with a text section on a text cell (``;;;"省下达 1.00"`` shows 1.00
where 2.75 was signed), white text, hidden or flattened rows and columns, a hidden form sheet,
the data sheet made visible, conditional formats, pictures over cells, comments, hyperlinks,
input messages. EcoDesk writes none of these, so each one found is a change made after signing.

The check compares *effective* properties — the number format, font colour and fill a cell's
style points to, the hidden state — never style indices, so Excel, WPS and LibreOffice re-saving
the file (which renumber styles, spell colours differently and turn *very hidden* into *hidden*)
change nothing here. The verdict is ``display_altered`` (“有效，但显示被改动”): the signed
data are intact and the city's figures come from them, but the file must not be read as it
shows; docs/workbook-format.md gives the reasons.
"""

from __future__ import annotations

from ecodesk.i18n import tr
from ecodesk.workbook.xlsx import XlsxContent

MAX_LISTED = 5

# Colours spelled by theme or legacy palette index that are white or nearly (lt1, lt2; indexed
# white and the system background).
_LIGHT_THEME = {"theme:0", "theme:2"}
_LIGHT_INDEXED = {"indexed:1", "indexed:9", "indexed:65"}
_DARK_THEME = {"theme:1", "theme:3"}
_MIN_CONTRAST = 0.35  # luminance difference between text and background a reader can see
_MIN_FONT_SIZE = 6.0  # points; EcoDesk's smallest is 9


def display_changes(content: XlsxContent, signed_sheets: set[str], data_sheet: str) -> list[str]:
    """A sentence for each change to how the signed sheets look (empty when there is none)."""
    out: list[str] = []
    verdicts: dict[int, tuple[bool, bool]] = {}  # per style: (text shown differently, invisible)
    for sheet in content.sheets:
        if sheet.name == data_sheet:
            if sheet.state == "visible":
                out.append(tr("workbook", "隐藏的签名数据表被设为可见"))
            continue
        if sheet.name not in signed_sheets or sheet.kind != "worksheet":
            continue
        name = sheet.name
        d = sheet.display
        if sheet.state != "visible":
            out.append(tr("workbook", "工作表“{sheet}”被隐藏", sheet=name))
        if d.hidden_rows or d.flat_rows:
            out.append(
                tr(
                    "workbook",
                    "工作表“{sheet}”第 {rows} 行被隐藏或压扁",
                    sheet=name,
                    rows=_listed(sorted(set(d.hidden_rows + d.flat_rows))),
                )
            )
        if d.hidden_columns or d.narrow_columns:
            out.append(
                tr(
                    "workbook",
                    "工作表“{sheet}”有列被隐藏或压窄（{cols}）",
                    sheet=name,
                    cols=_listed([_span(a, b) for a, b in d.hidden_columns + d.narrow_columns]),
                )
            )
        for count, what in (
            (d.conditional_formats, tr("workbook", "条件格式")),
            (d.drawings, tr("workbook", "图片、图形或控件")),
            (d.comments, tr("workbook", "批注")),
            (d.hyperlinks, tr("workbook", "超链接")),
            (d.data_validations, tr("workbook", "数据验证（输入提示）")),
        ):
            if count:
                out.append(tr("workbook", "工作表“{sheet}”被加上了{what}", sheet=name, what=what))
        text_formats: list[str] = []
        unreadable: list[str] = []
        for _row, _column, coordinate, value, formula, style in sheet.cells:
            if value is None or value == "":
                continue
            judged = verdicts.get(style)
            if judged is None:
                judged = verdicts[style] = _judge(content, style)
            text_shown_differently, invisible = judged
            if text_shown_differently and isinstance(value, str) and not formula:
                fmt = content.formats[style].number_format
                text_formats.append(f"{coordinate}（{fmt}）")
            if invisible:
                unreadable.append(coordinate)
        if text_formats:
            out.append(
                tr(
                    "workbook",
                    "工作表“{sheet}”的文字单元格被设了改变显示的数字格式：{cells}",
                    sheet=name,
                    cells=_listed(text_formats),
                )
            )
        if unreadable:
            out.append(
                tr(
                    "workbook",
                    "工作表“{sheet}”单元格 {cells} 的文字颜色与底色相同或字号过小，看不见",
                    sheet=name,
                    cells=_listed(unreadable),
                )
            )
    return out


def _judge(content: XlsxContent, style: int) -> tuple[bool, bool]:
    if style >= len(content.formats):
        return False, False
    fmt = content.formats[style]
    font = content.fonts[fmt.font] if fmt.font < len(content.fonts) else {}
    fill = content.fills[fmt.fill] if fmt.fill < len(content.fills) else None
    return _shows_text_differently(fmt.number_format), _invisible(font, fill)


def _shows_text_differently(fmt: str) -> bool:
    """Whether a number format changes how a *text* cell shows: a fourth (text) section other
    than a bare ``@``, or an ``@`` with anything around it in a shorter format."""
    if fmt in ("General", "@", ""):
        return False
    sections = _sections(fmt)
    if len(sections) >= 4:
        return sections[3].strip() != "@"
    return any("@" in _unquoted(section) for section in sections)


def _sections(fmt: str) -> list[str]:
    out, current, quoted, escaped = [], [], False, False
    for ch in fmt:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == ";" and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def _unquoted(section: str) -> str:
    out, quoted, escaped = [], False, False
    for ch in section:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def _invisible(font: dict[str, str], fill: str | None) -> bool:
    try:
        if float(font.get("size", "11")) < _MIN_FONT_SIZE:
            return True
    except ValueError:
        return True
    text = _luminance(font.get("color"), default=0.0)
    background = _luminance(fill, default=1.0)
    return abs(text - background) < _MIN_CONTRAST


def _luminance(colour: str | None, *, default: float) -> float:
    """0 for black … 1 for white; ``default`` when the colour is automatic or unknown."""
    if colour is None:
        return default
    if colour in _LIGHT_THEME or colour in _LIGHT_INDEXED:
        return 1.0
    if colour in _DARK_THEME or colour in ("indexed:0", "indexed:8", "indexed:64"):
        return 0.0
    hexa = colour[-6:]
    if len(hexa) != 6:
        return default
    try:
        r, g, b = (int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return default
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _span(first: int, last: int) -> str:
    from ecodesk.workbook.xlsx import _column_letters

    a, b = _column_letters(max(1, first)), _column_letters(max(1, last))
    return a if a == b else f"{a}–{b}"


def _listed(items: list) -> str:  # type: ignore[type-arg]
    shown = "、".join(str(i) for i in items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += tr("workbook", " 等 {n} 处", n=len(items))
    return shown
