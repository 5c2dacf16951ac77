"""Run in a child process by test_startup.py: the real program on DATA_DIR, its window closed
the way a person closes it, at MOMENT, while start-up work is still under way:

    python -X faulthandler -m tests.ui.close_early_child DATA_DIR MOMENT

MOMENT is ``shown`` (as soon as the window shows: the form pack and the store still loading
behind it), ``attached`` (as soon as the window has its data: the first form just built, its
thumbnails rendering on the pool, checks and live updates just started) or a number of
milliseconds after the window shows. Prints ``CLOSED attached=True|False`` when it closes the
window, ``EXIT <code>`` when the program returns; exits with the program's code.
"""

from __future__ import annotations

import sys
from typing import Any


def close_at(moment: str) -> Any:
    """An application event filter that closes the main window at ``moment`` (kept by the
    caller for as long as the program runs)."""
    from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from ecodesk.ui.main_window import MainWindow

    def close(window: MainWindow) -> None:
        busy = QThreadPool.globalInstance().activeThreadCount()
        print(f"CLOSED attached={window.attached} pool={busy}", flush=True)
        window.close()

    class CloseWhenShown(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's)
            if event.type() == QEvent.Type.Show and isinstance(watched, MainWindow):
                QApplication.instance().removeEventFilter(self)
                if moment == "shown":
                    QTimer.singleShot(0, lambda: close(watched))
                elif moment == "attached":
                    self.poll = QTimer(interval=1)
                    self.poll.timeout.connect(lambda: self._when_attached(watched))
                    self.poll.start()
                else:
                    QTimer.singleShot(int(moment), lambda: close(watched))
            return False

        def _when_attached(self, window: MainWindow) -> None:
            if window.attached:
                self.poll.stop()
                close(window)

    return CloseWhenShown()


def main(data_dir: str, moment: str) -> int:
    from ecodesk import clock
    from ecodesk.cli import main as ecodesk
    from ecodesk.ui.app import application
    from tests.as_of import TEST_DAY

    clock.run_as_of(TEST_DAY)  # the suite's day, as tests.as_of runs the program
    closer = close_at(moment)
    application().installEventFilter(closer)
    code = ecodesk(["--data-dir", data_dir])
    print(f"EXIT {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
