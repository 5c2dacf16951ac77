"""A tiny X client for black-box timing: when does a new top-level window get mapped?

It listens on the root window for MapNotify (SubstructureNotify), through libxcb with ctypes:
no dependency beyond the library Qt's xcb platform needs anyway. Used by bench_startup.py.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import subprocess
import time

XCB_CW_EVENT_MASK = 2048
XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY = 524288
XCB_MAP_NOTIFY = 19


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _MapNotify(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("event", ctypes.c_uint32),
        ("window", ctypes.c_uint32),
        ("override_redirect", ctypes.c_uint8),
    ]


def _xcb() -> ctypes.CDLL:
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    lib = ctypes.CDLL(name)
    lib.xcb_connect.restype = ctypes.c_void_p
    lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    lib.xcb_get_setup.restype = ctypes.c_void_p
    lib.xcb_get_setup.argtypes = [ctypes.c_void_p]
    lib.xcb_setup_roots_iterator.restype = _ScreenIterator
    lib.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
    lib.xcb_change_window_attributes_checked.restype = _Cookie
    lib.xcb_change_window_attributes_checked.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_uint32,
        ctypes.c_void_p,
    ]
    lib.xcb_request_check.restype = ctypes.c_void_p
    lib.xcb_request_check.argtypes = [ctypes.c_void_p, _Cookie]
    lib.xcb_flush.argtypes = [ctypes.c_void_p]
    lib.xcb_get_file_descriptor.argtypes = [ctypes.c_void_p]
    lib.xcb_poll_for_event.restype = ctypes.c_void_p
    lib.xcb_poll_for_event.argtypes = [ctypes.c_void_p]
    lib.xcb_disconnect.argtypes = [ctypes.c_void_p]
    return lib


class MapWatcher:
    """Connected to ``display``; :meth:`wait_for_map` returns when a top-level window is mapped."""

    def __init__(self, display: str) -> None:
        self._lib = _xcb()
        self._libc = ctypes.CDLL(None)
        self._libc.free.argtypes = [ctypes.c_void_p]
        self._conn = self._lib.xcb_connect(display.encode(), None)
        if not self._conn or self._lib.xcb_connection_has_error(self._conn):
            raise RuntimeError(f"cannot connect to the X display {display}")
        screen = self._lib.xcb_setup_roots_iterator(self._lib.xcb_get_setup(self._conn))
        root = ctypes.c_uint32.from_address(screen.data).value  # xcb_screen_t starts with root
        mask = ctypes.c_uint32(XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY)
        cookie = self._lib.xcb_change_window_attributes_checked(
            self._conn, root, XCB_CW_EVENT_MASK, ctypes.byref(mask)
        )
        error = self._lib.xcb_request_check(self._conn, cookie)
        if error:
            self._libc.free(error)
            raise RuntimeError("cannot listen to the root window")
        self._fd = self._lib.xcb_get_file_descriptor(self._conn)

    def drain(self) -> None:
        """Forget the events seen so far (windows of an earlier run)."""
        while event := self._lib.xcb_poll_for_event(self._conn):
            self._libc.free(event)

    def wait_for_map(self, timeout: float) -> float | None:
        """``time.perf_counter()`` when the next top-level (not override-redirect) window is
        mapped, or None after ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while True:
            while event := self._lib.xcb_poll_for_event(self._conn):
                now = time.perf_counter()
                notify = _MapNotify.from_address(event)
                kind, override = notify.response_type & 0x7F, notify.override_redirect
                self._libc.free(event)
                if kind == XCB_MAP_NOTIFY and not override:
                    return now
            left = deadline - time.perf_counter()
            if left <= 0 or self._lib.xcb_connection_has_error(self._conn):
                return None
            select.select([self._fd], [], [], left)

    def close(self) -> None:
        self._lib.xcb_disconnect(self._conn)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private Xvfb on a free display number; returns the process and ``:N``."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"
