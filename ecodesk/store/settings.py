"""Every setting a data folder keeps, declared once: its name in the store, its default, what it is.

The store's ``settings`` table holds text by name. Code never spells a name: it passes one of the
declarations below to :meth:`Store.settings_get` / :meth:`Store.settings_set`, so a misspelt name
is an ``AttributeError`` at the call, not a setting silently read as missing. Settings that exist
once per something (an import, a period and form) are a :class:`SettingFamily` whose
:meth:`~SettingFamily.of` gives the setting of one member.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One named setting; ``default`` is what reading it gives when it was never set."""

    name: str
    description: str
    default: str | None = None


@dataclass(frozen=True)
class SettingFamily:
    """Settings named ``<prefix><part>:<part>…``, one per member (an import, a period × form)."""

    prefix: str
    description: str

    def of(self, *parts: object) -> Setting:
        return Setting(self.prefix + ":".join(str(p) for p in parts), self.description)


LANGUAGE = Setting("language", "窗口语言（zh_CN 或 en）", "zh_CN")
CURRENT_PERIOD = Setting("current_period", "窗口打开时的报送期，如 2026 或 2026Q3")
RESPONSIBLE_FORMS = Setting("responsible_forms", "本单位负责填报的表单代码（JSON 列表）")
KEY_REGISTRY = Setting("key_registry", "密钥登记文件夹：核验报表、导入上年数据和汇总共用")
IMPORTS = Setting("imports", "导入记录的编号（JSON 列表，先旧后新），供撤销导入")
IMPORT_RECORD = SettingFamily("import:", "一次导入前后的数据（JSON），供撤销该次导入")
PLAN_REFERENCE = SettingFamily(
    "plan_reference:", "<报送期>:<表单> → 上年报表的“下步计划”，供本年对照"
)
WINDOW_GEOMETRY = Setting("ui.geometry", "主窗口的位置和大小")
LAST_FOLDER = Setting("ui.last_folder", "上次选择文件时所在的文件夹")
CONSOLIDATION_FOLDER = Setting("consolidation.folder", "汇总：收到的报表所在文件夹")
CONSOLIDATION_EXPORT_FOLDER = Setting("consolidation.export_folder", "汇总：上次导出汇总表的文件夹")
REVIEW_FOLDER = Setting("review.folder", "审核：上次保存审核意见书的文件夹")
EXPORT_IN_PROGRESS = Setting(
    "export_in_progress",
    "签名导出进行中的记录（JSON：报送期、版本、临时文件、目标文件、阶段），中断后据此补全或撤销",
)
ATTACHMENT_FILE_LIMIT_MB = Setting(
    "attachments.file_limit_mb", "单个附件（佐证材料）的大小上限，单位 MB", "50"
)
ATTACHMENT_SUBMISSION_LIMIT_MB = Setting(
    "attachments.submission_limit_mb", "一次报送全部附件的大小上限，单位 MB", "500"
)
PEOPLE_ENABLED = Setting(
    "people.enabled",
    "人员和角色：1 表示每人登录、单位内审核（共用的服务器上总是需要登录）",
)
LATE_EXPORT = SettingFamily(
    "late_export:", "<报送期>:<版本> → 签名导出时的截止日期和迟报原因（JSON），供打印和再次导出"
)
DEADLINE_MENTIONED = SettingFamily(
    "ui.deadline_mentioned:", "<报送期> → 启动时上次提到临近截止的日期（每期每天只说一次）"
)

ALL: tuple[Setting | SettingFamily, ...] = (
    LANGUAGE,
    CURRENT_PERIOD,
    RESPONSIBLE_FORMS,
    KEY_REGISTRY,
    IMPORTS,
    IMPORT_RECORD,
    PLAN_REFERENCE,
    WINDOW_GEOMETRY,
    LAST_FOLDER,
    CONSOLIDATION_FOLDER,
    CONSOLIDATION_EXPORT_FOLDER,
    REVIEW_FOLDER,
    EXPORT_IN_PROGRESS,
    ATTACHMENT_FILE_LIMIT_MB,
    ATTACHMENT_SUBMISSION_LIMIT_MB,
    PEOPLE_ENABLED,
    LATE_EXPORT,
    DEADLINE_MENTIONED,
)


def declared(name: str) -> Setting:
    """The declared setting stored under ``name`` (a name read back from the program's own
    records, such as an import's undo record); ``KeyError`` for a name nobody declared."""
    for entry in ALL:
        if isinstance(entry, Setting) and entry.name == name:
            return entry
        if isinstance(entry, SettingFamily) and name.startswith(entry.prefix):
            return Setting(name, entry.description)
    raise KeyError(name)
