"""Exceptions of the store, each with a sentence a clerk can act on (no SQLAlchemy import here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.store.table_merge import Clash, TableMerge, same_rows
from ecodesk.submission import TableRow


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
                path=path,
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


class StoreBusy(EcoDeskError):
    """A save waited longer than the lock timeout for other people's saves to finish."""

    def __init__(self) -> None:
        super().__init__(
            tr(
                "store",
                "数据库正忙（其他人正在保存大量数据），这次没有保存成功；已保存的内容不受影响。"
                "请稍等片刻再保存一次。",
            )
        )


class ValueConflict(EcoDeskError):
    """Someone else saved a different value in a field while this person was changing it."""

    def __init__(
        self,
        key: str,
        *,
        based_on: str | None,
        mine: str | None,
        theirs: str | None,
        by: tuple[str, str] | None,
        at: datetime | None,
    ) -> None:
        self.key, self.based_on, self.mine, self.theirs = key, based_on, mine, theirs
        self.by, self.at = by, at
        self.place: str | None = None  # where, when more precise than the key (a table's cell)
        self.current: Any = theirs  # what the store holds now (a table: its rows)
        empty = tr("store", "（空）")
        who = (
            tr("store", "{preparer}（电脑用户 {os_user}）", preparer=by[0] or "—", os_user=by[1])
            if by
            else tr("store", "其他人")
        )
        when = at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if at else "—"
        super().__init__(
            tr(
                "store",
                "“{key}”在您修改期间已被 {who} 于 {when} 改为“{theirs}”（您开始修改时是“{base}”）。"
                "您输入的“{mine}”没有保存：请核对后决定保留哪个值。",
                key=key,
                who=who,
                when=when,
                theirs=theirs if theirs is not None else empty,
                base=based_on if based_on is not None else empty,
                mine=mine if mine is not None else empty,
            )
        )

    def resolution(self, keep_mine: bool) -> tuple[Any, Any] | None:
        """What to save after the person chose: (value, the value it knowingly replaces), or
        None when there is nothing left to save (they took the other person's value)."""
        return (self.mine or "", self.theirs or "") if keep_mine else None


class TableConflict(ValueConflict):
    """Someone else changed the same cells (or deleted or changed the same row) of a table
    while this person was changing it. ``place`` names the table and where in it; ``mine`` and
    ``theirs`` are the clashing values (one per line where several clash). The rows to save for
    each choice are ready: every change that did not clash is kept either way."""

    def __init__(
        self,
        key: str,
        *,
        place: str,
        clashes: Sequence[Clash],
        column_names: Mapping[str, str],
        merge: TableMerge,
        current: list[TableRow],
        by: tuple[str, str] | None,
        at: datetime | None,
    ) -> None:
        clashes = list(clashes)

        def text(value: str | None, column: str | None) -> str | None:
            if column is None and value is None:
                return tr("store", "（删除了这一行）")
            return value

        if len(clashes) == 1:
            c = clashes[0]
            values = (c.base, text(c.mine, c.column), text(c.theirs, c.column))
        else:

            def lines(pick: Callable[[Clash], str | None]) -> str:
                return "\n".join(
                    tr(
                        "store",
                        "第 {row} 行“{column}”：{value}",
                        row=c.row + 1,
                        column=column_names.get(c.column, c.column) if c.column else "",
                        value=text(pick(c), c.column) or tr("store", "（空）"),
                    )
                    for c in clashes
                )

            values = (
                lines(lambda c: c.base),
                lines(lambda c: c.mine),
                lines(lambda c: c.theirs),
            )
        super().__init__(place, based_on=values[0], mine=values[1], theirs=values[2], by=by, at=at)
        self.key, self.place, self.clashes, self.merge, self.current = (
            key,
            place,
            clashes,
            merge,
            current,
        )

    def resolution(self, keep_mine: bool) -> tuple[Any, Any] | None:
        rows = self.merge.keep_mine if keep_mine else self.merge.keep_theirs
        if not keep_mine and same_rows(rows, self.current):
            return None
        return rows, self.current


class ProfileConflict(ValueConflict):
    """Someone else changed the same entries of the unit's profile (单位信息) meanwhile.
    ``clashes``: (what the entry is called, as started from, mine, theirs) each; the profiles
    to save for each choice keep every entry that did not clash."""

    def __init__(
        self,
        clashes: Sequence[tuple[str, str, str, str]],
        *,
        keep_mine: Any,
        keep_theirs: Any,
        current: Any,
        by: tuple[str, str] | None,
        at: datetime | None,
    ) -> None:
        def lines(i: int) -> str | None:
            if len(clashes) == 1:
                return clashes[0][i] or None
            return "\n".join(f"{c[0]}：{c[i] or tr('store', '（空）')}" for c in clashes)

        place = tr("store", "单位信息“{entries}”", entries="、".join(c[0] for c in clashes))
        super().__init__(place, based_on=lines(1), mine=lines(2), theirs=lines(3), by=by, at=at)
        self.place, self.current = place, current
        self.keep_mine, self.keep_theirs = keep_mine, keep_theirs

    def resolution(self, keep_mine: bool) -> tuple[Any, Any] | None:
        chosen = self.keep_mine if keep_mine else self.keep_theirs
        if not keep_mine and chosen == self.current:
            return None
        return chosen, self.current


class ProfileTextTooLong(EcoDeskError):
    """A profile entry longer than the database keeps (the same limit on every engine)."""

    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        super().__init__(
            tr(
                "store",
                "单位信息中“{start}…”太长（最多 {limit} 个字），没有保存。请简写后再保存。",
                start=text[:12],
                limit=limit,
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


class BadDatabaseUrl(EcoDeskError):
    """A database address that is neither a PostgreSQL URL nor a SQLite file."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            tr(
                "store",
                "数据库地址“{text}”格式不对。PostgreSQL 数据库请写成 "
                "postgresql://用户名:密码@服务器:5432/数据库名，本机 SQLite 文件请写文件路径。",
                text=text,
            )
        )


class DatabaseServerError(EcoDeskError):
    """The PostgreSQL server could not be used; ``address`` never shows the password."""

    def __init__(self, address: str, message: str) -> None:
        self.address = address
        super().__init__(message)


class DatabaseUnreachable(DatabaseServerError):
    def __init__(self, address: str, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            address,
            tr(
                "store",
                "连接不上数据库服务器（{address}）。请检查网络、服务器地址和端口，"
                "确认数据库服务器已开机运行；仍不行请联系单位的网管。已保存的数据不受影响。",
                address=address,
            ),
        )


class DatabaseLoginFailed(DatabaseServerError):
    def __init__(self, address: str) -> None:
        super().__init__(
            address,
            tr(
                "store",
                "数据库服务器（{address}）拒绝登录：用户名或密码不对，或这个用户没有权限。"
                "请向单位的网管核对数据库地址中的用户名和密码。",
                address=address,
            ),
        )


class DatabaseNoPermission(DatabaseServerError):
    def __init__(self, address: str) -> None:
        super().__init__(
            address,
            tr(
                "store",
                "数据库用户没有使用这个数据库的权限（{address}）。请网管按说明书把数据库的所有者"
                "设为这个用户（ALTER DATABASE … OWNER TO …），或授予它权限。",
                address=address,
            ),
        )


class DatabaseMissing(DatabaseServerError):
    def __init__(self, address: str) -> None:
        super().__init__(
            address,
            tr(
                "store",
                "数据库服务器上没有这个数据库（{address}）。请核对地址中的数据库名，"
                "或请网管按说明书先建好数据库（CREATE DATABASE）。",
                address=address,
            ),
        )


class DatabaseNotEcoDesk(DatabaseServerError):
    def __init__(self, address: str) -> None:
        super().__init__(
            address,
            tr(
                "store",
                "数据库 {address} 里已有别的程序的表，不是 EcoDesk 的数据库。"
                "请为 EcoDesk 单独建一个空数据库。",
                address=address,
            ),
        )


class DatabaseNotEmpty(EcoDeskError):
    """``store copy`` was asked to write into a database that already holds data."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(
            tr(
                "store",
                "目标数据库 {address} 里已经有数据，没有复制。如确实要用本处的数据覆盖它，"
                "请加 --force（覆盖前请先备份目标数据库）。",
                address=address,
            )
        )
