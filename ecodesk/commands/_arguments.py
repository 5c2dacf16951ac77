"""Arguments several commands share, declared once so they read and fail the same everywhere."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from ecodesk.i18n import tr
from ecodesk.submission import BadPeriod, Period


def period_type(text: str) -> Period:
    """argparse type of ``--period``: a :class:`Period`, or the one clear sentence for a bad one."""
    try:
        return Period.parse(text)
    except BadPeriod as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_period_argument(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    """``--period P`` (a year ``2026`` or a quarter ``2026Q3``); ``args.period`` is a Period or None."""
    parser.add_argument(
        "--period",
        metavar="P",
        type=period_type,
        help=help_text or tr("cli", "报送期，如 2026 或 2026Q3（默认：当前报送期）"),
    )


def add_force_argument(parser: argparse.ArgumentParser) -> None:
    """``--force``: replace an existing output file (without it, an existing file is kept)."""
    parser.add_argument(
        "--force",
        action="store_true",
        help=tr("cli", "输出文件已存在时替换它（不加时不会覆盖任何已有文件）"),
    )


# argparse's own sentences (Python's ``argparse`` runs them through ``gettext``, which finds no
# Chinese catalogue): the same texts in Chinese, through the program's one translation mechanism.
def _argparse_texts() -> dict[str, str]:
    return {
        "usage: ": tr("argparse", "用法："),
        "positional arguments": tr("argparse", "位置参数"),
        "options": tr("argparse", "选项"),
        "show this help message and exit": tr("argparse", "显示本帮助并退出"),
        "show program's version number and exit": tr("argparse", "显示版本号并退出"),
        "the following arguments are required: %s": tr("argparse", "缺少必需的参数：%s"),
        "unrecognized arguments: %s": tr("argparse", "无法识别的参数：%s"),
        "argument %(argument_name)s: %(message)s": tr(
            "argparse", "参数 %(argument_name)s：%(message)s"
        ),
        "invalid choice: %(value)r (choose from %(choices)s)": tr(
            "argparse", "无效的选择 %(value)r（可选：%(choices)s）"
        ),
        "expected one argument": tr("argparse", "需要一个值"),
        "expected at most one argument": tr("argparse", "最多只能有一个值"),
        "expected at least one argument": tr("argparse", "至少需要一个值"),
        "invalid %(type)s value: %(value)r": tr("argparse", "无效的值 %(value)r"),
        "not allowed with argument %s": tr("argparse", "不能与参数 %s 同时使用"),
        "ambiguous option: %(option)s could match %(matches)s": tr(
            "argparse", "选项 %(option)s 不明确，可能是：%(matches)s"
        ),
        "one of the arguments %s is required": tr("argparse", "必须给出以下参数之一：%s"),
    }


def _argparse_gettext(text: str) -> str:
    return _argparse_texts().get(text, text)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors speak Chinese; a bad argument exits 2 with
    ``错误：…`` (the same form as every other error of the command line), never a traceback."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        argparse._ = _argparse_gettext  # type: ignore[attr-defined]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, tr("cli", "错误：{message}", message=message) + "\n")
