"""The ``ecodesk`` command: the window when run bare, sub-commands for scripts (no Qt imported)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import TextIO

from ecodesk import __version__, commands
from ecodesk.commands._arguments import ChineseArgumentParser
from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="ecodesk",
        description=tr(
            "cli",
            "EcoDesk：赣州市生态文明建设行动方案报送程序（方案及表单来自市里签名下发的表单包）。不带子命令时打开窗口。",
        ),
    )
    parser.add_argument("--version", action="version", version=f"EcoDesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=tr("cli", "数据文件夹（默认：环境变量 ECODESK_HOME，或用户数据文件夹）"),
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help=tr(
            "cli",
            "使用单位的 PostgreSQL 数据库服务器，如 postgresql://用户名:密码@服务器/数据库名"
            "（默认：环境变量 ECODESK_DATABASE_URL，或“设置 → 数据库”中保存的地址，"
            "否则用数据文件夹中的 SQLite 文件）",
        ),
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=tr(
            "cli",
            "以这个人的身份操作（启用了人员和角色的数据库需要登录）；"
            "口令取自环境变量 ECODESK_PASSWORD，否则在终端中询问",
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # shared helpers of the commands, not a command
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    log.warning(
        "ignored error in %r: %s",
        unraisable.object,
        unraisable.exc_value,
        exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)
        if unraisable.exc_value is not None
        else None,
    )


def _log_to_file(data_dir: str | None) -> None:
    """The command's log goes to the data folder's log file, never to the terminal."""
    from ecodesk.logs import setup_file_logging
    from ecodesk.paths import resolve_data_dir

    # openpyxl and other libraries speak through ``warnings``: to the log file, not the terminal
    logging.captureWarnings(True)
    # a log line that cannot be written (a full disk) is lost, not printed as a traceback
    logging.raiseExceptions = False
    # errors Python can only report, not raise (a library's file closed by the garbage
    # collector after a failed save on a full disk): to the log file, not the terminal
    sys.unraisablehook = _log_unraisable
    try:
        setup_file_logging(resolve_data_dir(data_dir))
    except OSError:  # a read-only or missing data folder: the command itself says what is wrong
        logging.getLogger().addHandler(logging.NullHandler())


def _ask_password() -> str:
    """The --user's password: ``ECODESK_PASSWORD``, else asked in the terminal (never echoed)."""
    import getpass

    from ecodesk.store.people import PASSWORD_ENV

    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        raise EcoDeskError(
            tr("cli", "需要登录口令：请设置环境变量 ECODESK_PASSWORD，或在终端中运行以输入口令。")
        )
    return getpass.getpass(tr("cli", "登录口令："))


def _user(name: str | None) -> contextlib.AbstractContextManager[None]:
    """``--user NAME``: every store the command opens is signed in as NAME."""
    if not name:
        return contextlib.nullcontext()
    from ecodesk.store.people import user_from_command_line

    return user_from_command_line(name, _ask_password)


def _database(url: str | None) -> contextlib.AbstractContextManager[None]:
    """``--database URL``: the command uses that database (SQLAlchemy imported only then)."""
    if not url:
        return contextlib.nullcontext()
    from ecodesk.store.engine import database_from_command_line

    return database_from_command_line(url)


class _ClosedPipeSafe:
    """stdout that survives a reader who went away (``ecodesk export … | head``).

    The first write into a closed pipe sends the rest of the output to the null device: the
    command finishes its work (an export is signed and frozen whatever ``head`` read) and exits
    with its own status, without a BrokenPipeError traceback. One place for every command.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _to_null(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        log.info("standard output closed by its reader; the rest of the output is dropped")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_null()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_null()
            with contextlib.suppress(BrokenPipeError, OSError, ValueError):
                self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _print_notice(message: str) -> None:
    print(tr("cli", "注意：{message}", message=message), file=sys.stderr)


def _run_command(args: argparse.Namespace) -> int:
    from ecodesk.notices import listening

    with listening(_print_notice):
        if not getattr(args, "writes_data", False):
            return int(args.func(args) or 0)
        from ecodesk.paths import resolve_data_dir
        from ecodesk.store.lock import data_folder_lock

        with data_folder_lock(resolve_data_dir(args.data_dir), f"ecodesk {args.command}"):
            return int(args.func(args) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a bad argument (already explained)
        return done.code if isinstance(done.code, int) else 2
    if args.command is None:
        try:
            with _database(args.database):
                from ecodesk.ui.app import run_app  # Qt is imported only for the window

                return run_app(args.data_dir)
        except EcoDeskError as exc:  # a malformed --database address
            print(tr("cli", "错误：{message}", message=exc), file=sys.stderr)
            return 2
    if not isinstance(sys.stdout, _ClosedPipeSafe):
        sys.stdout = _ClosedPipeSafe(sys.stdout)  # type: ignore[assignment]
    try:
        with _database(args.database), _user(args.user):
            _log_to_file(args.data_dir)
            return _run_command(args)
    except EcoDeskError as exc:
        print(tr("cli", "错误：{message}", message=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(tr("cli", "已取消。"), file=sys.stderr)
        return 130
    except Exception:  # a defect of the program, not the user's doing: logged, never a traceback
        log.exception("unexpected error in command %s", args.command)
        print(
            tr(
                "cli",
                "程序内部错误，操作没有完成。详细情况已写入日志文件，请把它发给技术支持。",
            ),
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
