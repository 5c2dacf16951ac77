"""QR codes that let the city match a sheet of paper to the file it came with."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from ecodesk.i18n import tr
from ecodesk.report.output import ReportLayoutError


def qr_payload(kind: str, fields: dict[str, str]) -> str:
    """A small, human-readable text: ``ecodesk:<kind>`` then one ``key=value`` per line.

    Plain lines rather than JSON so that a phone's scanner shows something a clerk can read.
    """
    lines = [f"ecodesk:{kind}"]
    for key, value in fields.items():
        # A value never spans lines, so a reader can split on the first "=" of each line.
        lines.append(f"{key}={' '.join(value.split())}")
    return "\n".join(lines)


def parse_qr_payload(text: str) -> tuple[str, dict[str, str]]:
    """The inverse of :func:`qr_payload` (for whoever scans the paper)."""
    first, *rest = text.splitlines()
    if not first.startswith("ecodesk:"):
        raise ValueError("not an EcoDesk QR payload")
    fields = {}
    for line in rest:
        key, sep, value = line.partition("=")
        if sep:
            fields[key] = value
    return first[len("ecodesk:") :], fields


# Byte-mode capacity of a version-40 code at level M; beyond it no QR code exists.
QR_MAX_BYTES = 2331


def qr_drawing(payload: str, size: float) -> Drawing:
    """A vector QR code ``size`` points square (level M: survives a stamp's edge or a fold)."""
    if len(payload.encode("utf-8")) > QR_MAX_BYTES:
        raise ReportLayoutError(
            tr(
                "printing",
                "二维码要携带的内容太长（{n} 字节），无法生成 PDF。请检查单位名称、公钥等内容是否正确。",
                n=len(payload.encode("utf-8")),
            )
        )
    widget = QrCodeWidget(payload, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    width, height = x1 - x0, y1 - y0
    drawing = Drawing(size, size, transform=[size / width, 0, 0, size / height, 0, 0])
    drawing.add(widget)
    return drawing
