"""The ``newbi-clients`` command and ``python -m newbi_clients``.

Signals are taken over as soon as this module is loaded, with ``signal`` and ``os``
only, before the command line is even imported: Ctrl-C (or SIGTERM,
SIGHUP) at start-up ends quietly with « Interrompu. » instead of a traceback. Only the
interpreter's own start, before any line of this program runs, is left to Python's
defaults (about 20 ms, during which a signal ends the process without a message).
"""

import os
import signal


def _quit(signum: int, _frame: object = None) -> None:
    os.write(2, b"\nInterrompu.\n")
    os._exit(128 + signum)


for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _quit)


def main() -> None:
    """Console-script entry point."""
    from newbi_clients import interrupts

    interrupts.install(on_idle=_quit)
    from newbi_clients.cli import main as run

    run()


if __name__ == "__main__":
    main()
