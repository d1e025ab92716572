"""The ``newbi-clients`` command and ``python -m newbi_clients``.

Signals are taken over before the command line is even imported, so that Ctrl-C at
start-up ends quietly with « Interrompu. » instead of a traceback.
"""

import os


def _quit(signum: int) -> None:
    os.write(2, b"\nInterrompu.\n")
    os._exit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    from newbi_clients import interrupts

    interrupts.install(on_idle=_quit)
    from newbi_clients.cli import main as run

    run()


if __name__ == "__main__":
    main()
