"""A file's size as a clerk reads it (356 KB, 2.4 MB)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

KB = 1024
MB = 1024 * KB


def human_size(size: int) -> str:
    if size < KB:
        return QCoreApplication.translate("AttachmentSize", "{n} 字节").format(n=size)
    if size < MB:
        return f"{size / KB:.0f} KB"
    return f"{size / MB:.1f} MB"
