"""Exceptions of the store, each with a sentence a clerk can act on (no SQLAlchemy import here)."""

from __future__ import annotations

from pathlib import Path

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


class SubmissionFrozen(EcoDeskError):
    """An edit was attempted on a signed revision."""

    def __init__(self, period: str, revision: int) -> None:
        self.period = period
        self.revision = revision
        super().__init__(
            tr(
                "store",
                "{period} 的第 {revision} 版报送已签名，不能再修改。如需更正，请新建一个更正版本"
                "（写明更正原因）后在新版本中修改。",
                period=period,
                revision=revision,
            )
        )


class StoreDamaged(EcoDeskError):
    """The database file cannot be trusted: it fails the integrity check or is not EcoDesk's."""

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        self.detail = detail
        backups = self.path.parent / "backups"
        super().__init__(
            tr(
                "store",
                "数据文件 {path} 已损坏，无法打开{detail}。请不要继续使用它：用“ecodesk restore 备份文件”"
                "从备份恢复（自动备份在 {backups} 文件夹中，按日期命名），恢复前当前文件会另存一份。"
                "如没有可用备份，请联系技术支持。",
                path=self.path,
                detail=tr("store", "（{detail}）", detail=detail) if detail else "",
                backups=backups,
            )
        )


class StoreTooNew(EcoDeskError):
    """The database was written by a newer EcoDesk whose schema this program does not know."""

    def __init__(self, path: Path | str, revision: str) -> None:
        self.path = Path(path)
        self.revision = revision
        super().__init__(
            tr(
                "store",
                "数据文件 {path} 由更新版本的 EcoDesk 创建（数据结构版本 {revision}），本程序无法读取。"
                "请安装最新版本的 EcoDesk 后再打开。",
                path=self.path,
                revision=revision,
            )
        )


class RevisionNotSigned(EcoDeskError):
    """A correction revision was asked for while the latest revision can still be edited."""

    def __init__(self, period: str, revision: int) -> None:
        super().__init__(
            tr(
                "store",
                "{period} 的第 {revision} 版尚未签名，可以直接修改，不需要新建更正版本。",
                period=period,
                revision=revision,
            )
        )


class BadFieldKey(EcoDeskError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            tr(
                "store",
                "字段编号“{key}”格式不对（应为“表单:字段”，如 1.1:upgraded_firms），未保存。",
                key=key,
            )
        )


class RestoreRefused(EcoDeskError):
    """A file offered for restore is not a sound EcoDesk database; nothing was changed."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(
            tr(
                "store",
                "不能用 {path} 恢复：{reason}。当前数据没有任何改动。请换一个备份文件"
                "（自动备份在数据文件夹的 backups 中）。",
                path=self.path,
                reason=reason,
            )
        )


class ChangedWhileSigning(EcoDeskError):
    """Data was saved between reading a revision for signing and freezing it."""

    def __init__(self, period: str, revision: int) -> None:
        super().__init__(
            tr(
                "store",
                "{period}第{revision}版在签名过程中又被修改了（可能有另一个程序同时在改这份数据），"
                "这次签名作废，没有导出文件，数据也没有冻结。请确认数据无误后重新签名导出。",
                period=period,
                revision=revision,
            )
        )
