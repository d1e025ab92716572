"""Stopping a command on SIGINT (Ctrl-C), SIGTERM or SIGHUP: at once and leaving nothing, or
not at all once its write is committed.

The three signals go through one handler. While a command runs, the handler raises
:class:`Interrupted` in the main thread: the transaction in progress rolls back, and a long
SQL statement is cut short by the connection's progress handler (:func:`sqlite_progress`),
so the command stops within a fraction of a second. Around ``COMMIT``, and once a write is
committed, a signal is only noted: the command finishes and reports what it wrote.
Validation workers ignore the signals a terminal sends to the whole process group; their
parent ends them, and the kernel ends them if the parent dies (Linux).

The command line installs the handler (:func:`install`); the library alone never does.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by a signal; nothing it was writing is kept."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports it: 130, 143 or 129."""
        return 128 + self.signum


class _State:
    running = False  # a command is running: a signal raises Interrupted
    shielded = 0  # depth of sections that must not be cut (COMMIT)
    committed = False  # the command's write is committed: it finishes, signals are noted
    received: int | None = None  # the first signal received
    raised: int | None = None  # the signal that was turned into Interrupted
    on_stop: Callable[[int], None] | None = None
    on_idle: Callable[[int], None] | None = None


_state = _State()
_lock = threading.RLock()


def install(on_idle: Callable[[int], None], on_stop: Callable[[int], None] | None = None) -> None:
    """Route the three signals through :func:`_handle` (main thread only).

    :param on_idle: called with the signal number when no command runs (start-up, option
        parsing): nothing is being written, so it may end the process at once.
    :param on_stop: called when a running command is stopped, before :class:`Interrupted`
        is raised (to arm a deadline, say).
    """
    _state.on_idle = on_idle
    if on_stop is not None:
        _state.on_stop = on_stop
    for signum in SIGNALS:
        signal.signal(signum, _handle)


@contextmanager
def running() -> Iterator[None]:
    """While the body runs, a signal raises :class:`Interrupted` instead of ending at once."""
    _state.running = True
    try:
        yield
    finally:
        _state.running = False


def _handle(signum: int, frame: object) -> None:
    with _lock:
        if _state.received is None:
            _state.received = signum
        if _state.shielded or _state.committed or _state.raised is not None:
            return  # noted: the command finishes what it committed, or is already stopping
        if not _state.running:
            if _state.on_idle is not None:
                _state.on_idle(signum)
            return
        _state.raised = signum
    if _state.on_stop is not None:
        _state.on_stop(signum)
    raise Interrupted(signum)


def stopping() -> int | None:
    """The signal that is stopping the command, if any (an interrupted SQL statement then
    fails with « interrupted »)."""
    return _state.raised


def committed() -> bool:
    """Whether the command's write is committed (a signal no longer stops it)."""
    return _state.committed


@contextmanager
def committing() -> Iterator[None]:
    """Around ``COMMIT``: a signal is only noted; once the body succeeds, the command is
    committed and finishes whatever signal comes."""
    with _lock:
        _state.shielded += 1
    try:
        yield
        _state.committed = True
    finally:
        with _lock:
            _state.shielded -= 1


def checkpoint() -> None:
    """Between the writes of a command made of several (one VIES answer after another):
    what is committed stays, and the command may be stopped again; a signal that came
    while a write was being committed stops it now.

    :raises Interrupted: for that signal.
    """
    with _lock:
        _state.committed = False
        pending = _state.received if _state.raised is None and not _state.shielded else None
        if pending is not None:
            _state.raised = pending
    if pending is not None:
        if _state.on_stop is not None:
            _state.on_stop(pending)
        raise Interrupted(pending)


def sqlite_progress() -> int:
    """SQLite's progress handler: non-zero aborts the running statement (when stopping)."""
    return 1 if _state.raised is not None and not _state.shielded else 0


def reset() -> None:
    """Forget every signal and commit (for a new command in the same process, in tests)."""
    _state.received = _state.raised = None
    _state.committed = False
    _state.shielded = 0


# --- validation workers ---------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def worker_init(parent: int) -> None:
    """In a worker process: ignore the terminal's signals (the parent ends the worker with
    SIGTERM), and die with the parent, so that none is left behind to write on a closed
    pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the parent ends us
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
