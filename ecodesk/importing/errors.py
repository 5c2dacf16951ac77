"""Why a file offered for import was refused; each message says what to do, and that nothing was changed."""

from __future__ import annotations

from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


class ImportRefused(EcoDeskError):
    """The file cannot be imported; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message + tr("import", "本机数据没有任何改动。"))


class ImportFileMissing(ImportRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(tr("import", "找不到文件 {path}，请检查文件名和所在文件夹。", path=path))


class NotAnExcelFile(ImportRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            tr(
                "import",
                "文件 {name} 不是 Excel 工作簿（.xlsx）。请选择上年的签名工作簿或市里下发的上年基数表。",
                name=path.name,
            )
        )


class OldExcelFormat(ImportRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            tr(
                "import",
                "文件 {name} 是旧版 Excel（.xls）格式。请在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入。",
                name=path.name,
            )
        )


class PasswordProtected(ImportRefused):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            tr(
                "import",
                "文件 {name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码"
                "（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。",
                name=path.name,
            )
        )


class ImportFileDamaged(ImportRefused):
    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            tr(
                "import",
                "文件 {name} 已损坏或不完整（{reason}），无法读取。请向发文单位重新索取该文件。",
                name=path.name,
                reason=reason,
            )
        )


class SuspiciousFile(ImportRefused):
    """A zip bomb, an absurd size, or XML with entity declarations: refused before it is unpacked."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            tr(
                "import",
                "文件 {name} 的内容异常（{reason}），为安全起见拒绝读取。这不是正常的 Excel 文件，"
                "请向发文单位核实后重新索取。",
                name=path.name,
                reason=reason,
            )
        )


class TemplateNotRecognized(ImportRefused):
    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(
            tr(
                "import",
                "文件 {name} 既不是 EcoDesk 签名工作簿，也不是上年基数表（{reason}）。"
                "上年基数表可用“ecodesk template baseline --out 文件.xlsx”生成。",
                name=path.name,
                reason=reason,
            )
        )


class NoValuesFound(ImportRefused):
    """The file holds nothing this unit could import (an empty template, a column of blanks …)."""

    def __init__(self, path: Path, blank: int, problems: list[str]) -> None:
        self.path = path
        lines = "".join(f"\n  · {p}" for p in problems[:8])
        if len(problems) > 8:
            lines += "\n  " + tr("import", "……另有 {n} 处", n=len(problems) - 8)
        super().__init__(
            tr(
                "import",
                "文件 {name} 中没有找到本单位可以导入的数值（空白 {blank} 项，无法采用 {bad} 项），"
                "没有导入任何内容。请确认本单位一列已经填写，并且是数字而不是外部链接或公式。",
                name=path.name,
                blank=blank,
                bad=len(problems),
            )
            + lines
        )


class WorkbookRefused(ImportRefused):
    """A signed workbook failed verification in a way no confirmation can overcome (tampered, …)."""

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(
            tr(
                "import",
                "不能导入：{message} 请向报送单位索取原始签名文件。",
                message=message.rstrip("。") + "。",
            )
        )


class FuturePeriod(ImportRefused):
    def __init__(self, source: str, period: str) -> None:
        super().__init__(
            tr(
                "import",
                "文件中的数据属于{source}，不早于当前报送期{period}，不能作为上年基数导入。"
                "请选择更早年度的文件，或先切换报送期。",
                source=source,
                period=period,
            )
        )


class ConfirmationNeeded(EcoDeskError):
    """The import needs the person's explicit yes (unknown signer, another unit's workbook)."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            tr(
                "import",
                "导入前需要确认：{reasons} 确认后再导入；本机数据没有任何改动。",
                reasons="；".join(r.rstrip("。") for r in reasons) + "。",
            )
        )


class UndoRefused(EcoDeskError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
