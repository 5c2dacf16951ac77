"""What can go wrong with an attachment, said to the clerk in Chinese."""

from __future__ import annotations

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr


class AttachmentRefused(EcoDeskError):
    """A file that cannot be attached (type, size, description, key); ``reason`` says why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason
        super().__init__(
            tr("attachments", "不能添加附件“{name}”：{reason}。", name=name, reason=reason)
        )


class AttachmentNotFound(EcoDeskError):
    def __init__(self, attachment_id: int) -> None:
        self.attachment_id = attachment_id
        super().__init__(
            tr(
                "attachments",
                "没有编号为 {id} 的附件。用 ecodesk attachments 查看各附件的编号。",
                id=attachment_id,
            )
        )


class AttachmentFrozen(EcoDeskError):
    """The attachment belongs to a signed revision: it went out with the signature."""

    def __init__(self, name: str, period: str, revision: int) -> None:
        super().__init__(
            tr(
                "attachments",
                "附件“{name}”属于{period}已签名的第 {revision} 版，已随签名报出，不能删除或更改。"
                "如需更正，请先建立修订版。",
                name=name,
                period=period,
                revision=revision,
            )
        )


class AttachmentContentMissing(EcoDeskError):
    """The bytes of an attachment are not in this computer's data folder."""

    def __init__(self, name: str, sha256: str) -> None:
        self.name, self.sha256 = name, sha256
        super().__init__(
            tr(
                "attachments",
                "附件“{name}”的文件不在本机数据文件夹中（SHA-256 {short}）。"
                "请从备份恢复，或删除该附件后重新添加。",
                name=name,
                short=sha256[:12],
            )
        )


class AttachmentContentDamaged(EcoDeskError):
    """The shared store's copy of an attachment does not hash as recorded: it is not served."""

    def __init__(self, name: str, sha256: str) -> None:
        self.name, self.sha256 = name, sha256
        super().__init__(
            tr(
                "attachments",
                "附件“{name}”在共用数据库中的副本已损坏（内容与记录的 SHA-256 {short} 不符），"
                "没有使用它，并已从数据库中删去这份坏副本。请在添加它的电脑上重新打开 EcoDesk"
                "（会自动重新上传），或删除该附件后重新添加。",
                name=name,
                short=sha256[:12],
            )
        )
