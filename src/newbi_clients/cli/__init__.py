"""The ``newbi-clients`` command: Typer app, global options and the one error boundary."""

import sqlite3
import sys
from contextlib import suppress
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from newbi_clients import interrupts
from newbi_clients.errors import ExitCode, NewbiError

HELP = (
    "Gestion des Clients de Newbi : le carnet d'adresses de vos clients (particuliers,"
    " entreprises françaises, européennes et hors UE) dans un fichier SQLite local.\n\n"
    "Exemple : newbi-clients search dupont --format json"
)


class _State:
    """Global options of the current invocation."""

    db: str | None = None
    debug: bool = False


state = _State()


class BoundaryGroup(TyperGroup):
    """Turns every expected error into a French message on stderr and its exit code, and
    makes every command's help and usage errors French (see :mod:`.french`)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        from newbi_clients.cli import french

        french.localise(self)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except ClickException as exc:  # the main options, before any command runs
            french.show_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # --help or --version written to a full disk
            _fail(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        from newbi_clients.cli.common import discard_new_books, forget_new_books

        forget_new_books()
        try:
            with interrupts.running():
                return super().invoke(ctx)
        except typer.Exit as exc:
            if exc.exit_code:
                discard_new_books(quiet=exc.exit_code >= 128)
            raise
        except BaseException as exc:
            # a book this failed command created, still empty, goes, after the message (an
            # interrupted command says only « Interrompu. »)
            stopped = interrupts.stopping() is not None or isinstance(
                exc, KeyboardInterrupt | EOFError | typer.Abort
            )
            try:
                _stop(exc)
            finally:
                discard_new_books(quiet=stopped)
            raise


def _stop(exc: BaseException) -> None:
    """A command stopped by a signal, or failed: its message and exit code."""
    signum = interrupts.stopping()
    # Ctrl-C or Ctrl-D at a question, or a signal (an interrupted SQL statement fails
    # with « interrupted »: a stop all the same)
    if signum is not None or isinstance(exc, KeyboardInterrupt | EOFError | typer.Abort):
        from newbi_clients.cli.signals import announce

        announce()
        code = 128 + signum if signum is not None else int(ExitCode.INTERRUPTED)
        raise typer.Exit(code) from None
    if isinstance(exc, Exception):
        _fail(exc)


def _fail(exc: Exception) -> None:
    """The one error boundary: a French message on stderr, then the exit code."""
    if isinstance(exc, ClickException):  # a command's usage error
        from newbi_clients.cli import french

        french.show_error(exc)
        raise typer.Exit(exc.exit_code) from None
    if isinstance(exc, NewbiError):
        from newbi_clients.cli.render import print_error

        print_error(exc)
        raise typer.Exit(int(exc.exit_code)) from None
    if isinstance(exc, BrokenPipeError):
        # the reader went away (« | head »): stop quietly, as Unix tools do
        _silence_stdout()
        raise typer.Exit(BROKEN_PIPE) from None
    if isinstance(exc, OSError):  # a file named by the user cannot be written or read
        from newbi_clients.cli.render import print_error

        if _on_stdout(exc):
            _silence_stdout()  # what is left in its buffer must not fail again at exit
            print_error(
                NewbiError(f"Écriture impossible sur la sortie standard ({_os_reason(exc)})")
            )
            raise typer.Exit(int(ExitCode.REFUSED)) from None
        where = f" : {exc.filename}" if exc.filename else ""
        print_error(NewbiError(f"Fichier inaccessible{where} ({_os_reason(exc)})"))
        raise typer.Exit(int(ExitCode.REFUSED)) from None
    if isinstance(exc, sqlite3.OperationalError):
        from newbi_clients.cli.render import print_error

        print_error(NewbiError(_database_reason(exc)))
        raise typer.Exit(int(ExitCode.REFUSED)) from None
    if state.debug:
        raise exc
    from newbi_clients.hygiene import visible

    print(
        f"Erreur inattendue : {type(exc).__name__}: {visible(str(exc))}\n"
        "Relancez la commande avec --debug pour obtenir le détail.",
        file=sys.stderr,
    )
    raise typer.Exit(int(ExitCode.REFUSED)) from None


BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


def _on_stdout(exc: OSError) -> bool:
    """Whether a write error is the standard output's: the files the program writes name
    themselves in their errors (see :mod:`newbi_clients.files`), the standard output never."""
    import errno

    write_errors = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}
    return exc.filename is None and exc.errno in write_errors


def _os_reason(exc: OSError) -> str:
    import errno

    reasons = {
        errno.ENOENT: "dossier ou fichier inexistant",
        errno.EACCES: "permission refusée",
        errno.EPERM: "permission refusée",
        errno.EISDIR: "c'est un dossier",
        errno.ENOSPC: "disque plein",
        errno.EROFS: "système de fichiers en lecture seule",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def _database_reason(exc: Exception) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            "La base est occupée par une autre commande depuis plus d'une minute : réessayez"
            " quand elle aura fini."
        )
    if "readonly" in text:
        return "La base n'est pas accessible en écriture (droits du fichier ou de son dossier)."
    return f"Erreur de la base de données : {text}"


def _silence_stdout() -> None:
    import os

    # objects that still hold stdout (a half-written XLSX) must not complain at exit
    sys.unraisablehook = lambda unraisable: None

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    cls=BoundaryGroup,
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from newbi_clients import __version__

        print(f"newbi-clients {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Fichier de la base (sinon $NEWBI_CLIENTS_DB, sinon le dossier de données).",
            metavar="CHEMIN",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Affiche le détail technique d'une erreur inattendue.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """Gestion des Clients de Newbi."""
    if db is not None and not db.strip():
        raise typer.BadParameter("le chemin de la base est vide", param_hint="--db")
    state.db = db
    state.debug = debug


def _register() -> None:
    from newbi_clients.cli import french

    french.install()
    from newbi_clients.cli import (
        backup,
        blocking,
        clients,
        config,
        contacts,
        custom_fields,
        history,
        listing,
        merge,
        online,
        pick,
        privacy,
        reminders,
        stats,
        tags,
        transfer,
    )

    clients.register(app)
    listing.register(app)
    contacts.register(app)
    custom_fields.register(app)
    blocking.register(app)
    reminders.register(app)
    tags.register(app)
    transfer.register(app)
    merge.register(app)
    history.register(app)
    stats.register(app)
    config.register(app)
    online.register(app)
    privacy.register(app)
    backup.register(app)
    app.command("pick")(pick.pick)


_register()


def _refuse_closed_stdout() -> None:
    """Refuse to run with the standard output closed (``>&-``), before anything is read or
    written: results would be lost (``add`` would create a client without saying its id),
    and the first file opened (the book itself) would take its place."""
    import os

    try:
        os.fstat(1)
        closed = sys.stdout is None
    except OSError:
        closed = True
    if closed:
        with suppress(OSError):
            os.write(
                2,
                "Erreur : la sortie standard est fermée : newbi-clients y écrit ses résultats."
                " Redirigez-la plutôt vers un fichier ou vers /dev/null (> /dev/null)."
                " Rien n'a été fait.\n".encode(),
            )
        sys.exit(int(ExitCode.REFUSED))


def main() -> None:
    """Console-script entry point (``newbi_clients.__main__`` calls it)."""
    from newbi_clients.cli.signals import ignore_signals, install

    install()
    _refuse_closed_stdout()
    # an object collected after an error (the zip file of an XLSX that a full disk cut
    # short) may fail again as it closes: Python prints that as a traceback, which no user
    # should see (--debug shows it, through the hook of interrupts.install, which keeps a
    # stop that lands in a finaliser quiet)
    quiet = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: quiet(unraisable) if state.debug else None
    try:
        app(prog_name="newbi-clients")
    except Exception as exc:  # past the boundary (never expected): still no traceback
        if state.debug:
            raise
        from newbi_clients.hygiene import visible

        _silence_stdout()
        with suppress(OSError, ValueError, AttributeError):
            print(f"Erreur inattendue : {type(exc).__name__}: {visible(str(exc))}", file=sys.stderr)
        sys.exit(int(ExitCode.REFUSED))
    finally:
        # the command has finished and decided its exit code: a late signal changes nothing
        # (Python would otherwise restore the default handlers while it shuts down)
        ignore_signals()
