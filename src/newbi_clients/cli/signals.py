"""What the command line does on SIGINT, SIGTERM and SIGHUP: one French line, the shell's
exit code (130, 143, 129), and a deadline so that no interrupted command lingers."""

from __future__ import annotations

import contextlib
import os
import threading

from newbi_clients import interrupts

MESSAGE = "Interrompu."
DEADLINE_S = 1.5  # a stopped command that has not exited by then is ended (nothing committed)
_announced = threading.Lock()


def announce() -> None:
    """Print « Interrompu. » on stderr, once."""
    if _announced.acquire(blocking=False):
        with contextlib.suppress(OSError):
            os.write(2, f"\n{MESSAGE}\n".encode())


def _quit(signum: int) -> None:
    """No command is running: nothing is being written, end now."""
    announce()
    os._exit(128 + signum)


def _arm_deadline(signum: int) -> None:
    """The command was told to stop: roll back and exit, or be ended in DEADLINE_S.

    Ending the process loses nothing committed (a signal during or after COMMIT never
    stops a command) and SQLite discards an unfinished transaction; the validation
    workers die with their parent.
    """

    def expire() -> None:
        if not interrupts.committed():
            announce()
            os._exit(128 + signum)

    timer = threading.Timer(DEADLINE_S, expire)
    timer.daemon = True
    timer.start()


def install() -> None:
    """Take over the three signals for the command line."""
    interrupts.install(on_idle=_quit, on_stop=_arm_deadline)


def ignore_signals() -> None:
    """Once the command is done: its exit code stands whatever signal comes."""
    import signal

    for signum in interrupts.SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
