"""French for Typer and Click: help screens and usage errors of every command.

Typer's own strings go through gettext: a French catalogue (a ``gettext`` translations
object built from the table below) is installed for Typer's modules only. The Click that
Typer bundles writes its strings without gettext, so they are translated where they are
shown: the help formatter (headings, usage line, option help) and the usage error
message. Both read the same catalogue, and :func:`localise` applies them to the whole
command tree, so a command added later speaks French without doing anything.
"""

import gettext
import re
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

import typer
from typer import _click
from typer._click import exceptions as click_exceptions

# English text (exact, as Typer and Click write it) → French
MESSAGES = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "required": "obligatoire",
    "default: {default}": "défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : « {name} ».",
    "Aborted!": "Interrompu.",
    "Aborted.": "Interrompu.",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Install completion for the current shell.": "Installe la complétion pour le shell courant.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Affiche la complétion pour le shell courant, pour la copier ou adapter l'installation."
    ),
    "Install completion for the specified shell.": "Installe la complétion pour ce shell.",
    "Show completion for the specified shell, to copy it or customize the installation.": (
        "Affiche la complétion pour ce shell, pour la copier ou adapter l'installation."
    ),
}

# English templates of the bundled Click (its text is not routed through gettext); each
# {field} matches any text, translated in turn when it is a message itself
TEMPLATES = (
    ("{msg}. Did you mean {choices}?", "{msg}. Vouliez-vous dire {choices} ?"),
    ("{msg} (Possible options: {choices})", "{msg} (options possibles : {choices})"),
    ("No such option: {opt}", "Option inconnue : {opt}"),
    ("No such option {opt}", "Option inconnue : {opt}"),
    ("Missing argument {hint}.{msg}", "Argument manquant : {hint}.{msg}"),
    ("Missing option {hint}.{msg}", "Option manquante : {hint}.{msg}"),
    ("Missing parameter {hint}.{msg}", "Paramètre manquant : {hint}.{msg}"),
    ("Missing parameter: {hint}", "Paramètre manquant : {hint}"),
    ("Invalid value for {hint}: {msg}", "Valeur invalide pour {hint} : {msg}"),
    ("Invalid value: {msg}", "Valeur invalide : {msg}"),
    ("{value} is not one of {choices}.", "{value} n'est pas une valeur possible ({choices})."),
    ("{value} is not in the range {range}.", "{value} : attendu {range}."),
    ("{value} is not a valid {type}.", "{value} n'est pas un {type} valide."),
    (
        "{value} is not a valid boolean. Recognized values: {choices}",
        "{value} n'est pas oui ou non (valeurs reconnues : {choices})",
    ),
    (
        "{value} does not match the formats {choices}.",
        "{value} ne correspond à aucun des formats {choices}.",
    ),
    ("Option {opt} requires an argument.", "L'option {opt} attend une valeur."),
    ("Option {opt} requires {count} arguments.", "L'option {opt} attend {count} valeurs."),
    ("Option {opt} does not take a value.", "L'option {opt} ne prend pas de valeur."),
    ("Got unexpected extra argument ({args})", "Argument en trop : {args}"),
    ("Got unexpected extra arguments ({args})", "Arguments en trop : {args}"),
    ("Got unexpected extra argument(s) ({args})", "Argument(s) en trop : {args}"),
    ("Argument {hint} takes {count} values.", "L'argument {hint} attend {count} valeurs."),
    ("Takes {count} values but {given} given.", "Attend {count} valeurs, {given} données."),
    (
        "{count} values are required, but {given} given.",
        "{count} valeurs attendues, {given} données.",
    ),
    ("Value must be an iterable.", "Plusieurs valeurs attendues."),
    # typer's checks of a path (« File 'x' is a directory. »)
    ("File {file} is a directory.", "{file} est un dossier : indiquez un nom de fichier."),
    ("Directory {file} is a file.", "{file} est un fichier : indiquez un dossier."),
    ("Path {file} is a directory.", "{file} est un dossier : indiquez un nom de fichier."),
    ("File {file} does not exist.", "{file} n'existe pas."),
    ("Path {file} does not exist.", "{file} n'existe pas."),
    ("Directory {file} does not exist.", "Le dossier {file} n'existe pas."),
    ("File {file} is not readable.", "{file} n'est pas lisible (permission refusée)."),
    ("Path {file} is not readable.", "{file} n'est pas lisible (permission refusée)."),
    ("Directory {file} is not readable.", "{file} n'est pas lisible (permission refusée)."),
    ("File {file} is not writable.", "{file} n'est pas accessible en écriture."),
    ("Path {file} is not writable.", "{file} n'est pas accessible en écriture."),
    ("Directory {file} is not writable.", "{file} n'est pas accessible en écriture."),
    ("Path {file} is a file.", "{file} est un fichier : indiquez un dossier."),
    ("Could not open file {file}: {msg}", "Impossible d'ouvrir le fichier {file} : {msg}"),
    ("Choose from:\n\t{choices}", "Valeurs possibles :\n\t{choices}"),
    ("No such file or directory", "fichier ou dossier inexistant"),
    ("Permission denied", "permission refusée"),
    ("Is a directory", "c'est un dossier"),
    ("unknown error", "erreur inconnue"),
    # ranges of numbers, in help (« [x>=0] ») and errors
    ("{low}<=x<={high}", "de {low} à {high}"),
    ("x>={low}", "{low} ou plus"),
    ("x>{low}", "plus de {low}"),
    ("x<={high}", "{high} au plus"),
    ("x<{high}", "moins de {high}"),
)
TYPE_NAMES = {
    "integer": "nombre entier",
    "integer range": "nombre entier",
    "int range": "nombre entier",
    "float": "nombre",
    "float range": "nombre",
    "boolean": "booléen",
    "UUID": "UUID",
}
# metavars of options that name none, by Click type name
METAVARS = {
    "str": "TEXTE",
    "text": "TEXTE",
    "int": "ENTIER",
    "integer": "ENTIER",
    "integer range": "ENTIER",
    "int range": "ENTIER",
    "float": "NOMBRE",
    "float range": "NOMBRE",
    "path": "CHEMIN",
    "filename": "FICHIER",
    "file": "FICHIER",
    "boolean": "OUI|NON",
    "uuid": "UUID",
    "datetime": "DATE",
}
USAGE = "Utilisation : "
SUBCOMMANDS = "COMMANDE [ARGUMENTS]..."
_QUOTED = re.compile(r"'([^']*)'")


def _compile(template: str) -> "re.Pattern[str]":
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        f"(?P<{part}>.*?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(f"^{pattern}$", re.DOTALL)


@cache
def _patterns() -> list[tuple["re.Pattern[str]", str]]:
    return [(_compile(en), fr) for en, fr in TEMPLATES]


def _quote(text: str) -> str:
    """Click quotes values as Python does (« 'x' »); French uses « x »."""
    return _QUOTED.sub(r"« \1 »", text)


def translate(text: str) -> str:
    """French for a string of Typer or Click (exact, or one of its templates); other text
    is returned as it is."""
    if text in MESSAGES:
        return MESSAGES[text]
    if not text.strip():
        return text
    for pattern, french in _patterns():
        match = pattern.match(text)
        if match is None:
            continue
        values = {}
        for name, value in match.groupdict().items():
            if name == "type":
                values[name] = TYPE_NAMES.get(value, value)
            elif name in ("msg", "range"):
                values[name] = translate(value)
            else:
                values[name] = _quote(value)
        return french.format(**values)
    return text


class Catalogue(gettext.NullTranslations):
    """The French catalogue as a gettext translations object."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


def install() -> None:
    """Install the catalogue for Typer's modules (not for the whole process)."""
    import typer.core

    typer.core._ = Catalogue().gettext  # type: ignore[attr-defined]
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is not None:  # only when something already loaded it
        for name in ("DEFAULT_STRING", "REQUIRED_LONG_STRING", "COMMANDS_PANEL_TITLE"):
            setattr(rich_utils, name, translate(getattr(rich_utils, name)))


class HelpFormatter(_click.HelpFormatter):
    """Click's help formatter, speaking French."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{translate(heading)} :\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _help_text(text)) for term, text in rows], col_max, col_spacing)


def _help_text(text: str) -> str:
    """An option's help: its sentence and the « [défaut : …; obligatoire] » that follows."""
    text = translate(text)
    match = re.search(r"\[([^\[\]]*)\]$", text)
    if match is None:
        return text
    extra = "; ".join(translate(part) for part in match.group(1).split("; "))
    return f"{text[: match.start()]}[{extra}]"


class Context(typer.Context):
    """A context whose help is written in French."""

    formatter_class = HelpFormatter


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for child in getattr(command, "commands", {}).values():
        yield from _walk(child)


def localise(root: Any) -> None:
    """French help for every command under ``root``: formatter, usage line, metavars."""
    for command in _walk(root):
        command.context_class = Context
        command.rich_markup_mode = None  # one help layout (Click's), the one translated
        if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
            command.subcommand_metavar = SUBCOMMANDS
        for param in command.params:
            if param.name == "install_completion":
                param.callback = _install_completion
            if param.param_type_name != "option" or param.metavar is not None:
                continue
            if getattr(param, "is_flag", False) or hasattr(param.type, "choices"):
                continue
            param.metavar = METAVARS.get(param.type.name.lower())


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """``--install-completion``: Typer installs it, the message is French."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value if isinstance(value, str) else None)
    print(f"Complétion {shell} installée dans {path}")
    print("Elle prendra effet dans un nouveau terminal.")
    raise typer.Exit(0)


def show_error(exc: Any) -> None:
    """A usage error the way Click shows it (usage, hint, message), in French, on stderr."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click_exceptions.NoArgsIsHelpError):
        print(exc.format_message(), file=sys.stderr)
        return
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(
                f"Essayez « {ctx.command_path} {ctx.help_option_names[0]} » pour l'aide.\n"
            )
    lines.append(f"Erreur : {translate(exc.format_message())}")
    print("\n".join(lines), file=sys.stderr)
