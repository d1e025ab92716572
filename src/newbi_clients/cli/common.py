"""Options shared by several commands, and access to the store."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.search import ClientQuery
    from newbi_clients.storage import ClientStore

# the CLIENT argument of every command that takes one client
ClientArg = Annotated[
    str,
    typer.Argument(
        metavar="CLIENT",
        help="Identifiant (12), email (du client ou d'un contact), SIRET, SIREN, n° de TVA"
        " ou fragment du nom.",
        show_default=False,
    ),
]


class ListFormat(StrEnum):
    """Output of commands that list clients."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    IDS = "ids"


class ViewFormat(StrEnum):
    """Output of commands that show one thing."""

    TABLE = "table"
    JSON = "json"


class Status(StrEnum):
    """Which clients a listing covers."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


class Sort(StrEnum):
    """Sort keys of a listing."""

    NAME = "name"
    CREATED = "created"
    REVENUE = "revenue"


FILTERS = "Filtres"
ListFormatOpt = Annotated[
    ListFormat, typer.Option("--format", "-f", help="Format de sortie.", case_sensitive=False)
]
ViewFormatOpt = Annotated[
    ViewFormat, typer.Option("--format", "-f", help="Format de sortie.", case_sensitive=False)
]
TagFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        help="Clients portant ce tag (répétable : tous doivent correspondre).",
        rich_help_panel=FILTERS,
    ),
]
SectorOpt = Annotated[
    str | None, typer.Option("--sector", help="Secteur d'activité.", rich_help_panel=FILTERS)
]
SegmentOpt = Annotated[
    str | None, typer.Option("--segment", help="Segment (VIP, Régulier…).", rich_help_panel=FILTERS)
]
ZoneOpt = Annotated[
    str | None,
    typer.Option("--zone", help="France, Europe ou International.", rich_help_panel=FILTERS),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="particulier (individual) ou professionnel (business).",
        rich_help_panel=FILTERS,
    ),
]
CountryOpt = Annotated[
    str | None, typer.Option("--country", help="Pays (code ou nom).", rich_help_panel=FILTERS)
]
ArchivedOpt = Annotated[
    bool,
    typer.Option("--archived", help="Seulement les clients archivés.", rich_help_panel=FILTERS),
]
AllOpt = Annotated[
    bool, typer.Option("--all", help="Clients actifs et archivés.", rich_help_panel=FILTERS)
]
BlockedOpt = Annotated[
    bool,
    typer.Option("--blocked", help="Seulement les clients bloqués.", rich_help_panel=FILTERS),
]
FieldFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        metavar="NOM=VALEUR",
        help="Clients dont le champ personnalisé vaut VALEUR (répétable).",
        rich_help_panel=FILTERS,
    ),
]
SortOpt = Annotated[
    Sort | None,
    typer.Option(
        "--sort",
        help="Tri : name (nom, défaut), created (date de création) ou revenue (chiffre d'affaires HT, affiché en colonne).",
        case_sensitive=False,
    ),
]
DescOpt = Annotated[
    bool | None,
    typer.Option(
        "--desc/--asc",
        help="Ordre décroissant (--desc) ou croissant (--asc). Sans l'une ni l'autre : l'ordre"
        " naturel du tri (noms et dates croissants, le plus gros chiffre d'affaires d'abord).",
        show_default=False,
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        help="Nombre maximal de clients (0 : tous). Un tableau en montre 100 par défaut.",
    ),
]
ViesFilterOpt = Annotated[
    str | None,
    typer.Option(
        "--vies",
        metavar="STATUT",
        help="Contrôle VIES du numéro de TVA : valid, invalid, unavailable, not_checked ou stale (plus de 30 jours).",
        rich_help_panel=FILTERS,
    ),
]
TABLE_LIMIT = 100


def make_query(
    *,
    text: str | None = None,
    tag: list[str] | None = None,
    sector: str | None = None,
    segment: str | None = None,
    zone: str | None = None,
    kind: str | None = None,
    country: str | None = None,
    archived: bool = False,
    all_: bool = False,
    blocked: bool = False,
    sort: Sort | None = None,
    desc: bool | None = None,
    limit: int | None = None,
    vies: str | None = None,
) -> "ClientQuery":
    """The core query for the shared filter options."""
    from newbi_clients.search import ClientQuery

    return ClientQuery(
        text=text,
        tags=tuple(tag or ()),
        sector=sector,
        segment=segment,
        zone=zone,
        kind=kind,
        country=country,
        status="all" if all_ else ("archived" if archived else "active"),
        blocked=blocked,
        sort=sort.value if sort else None,
        desc=desc,
        limit=limit or None,  # 0: no limit
        vies=vies,
    )


def open_store(write: bool = False) -> "ClientStore":
    """The store named by --db, $NEWBI_CLIENTS_DB or the default location.

    A book that does not exist yet (or an empty file) is made a book only by a command
    that writes (``write``), and, when named by --db or $NEWBI_CLIENTS_DB, only in a folder
    that exists: a typo in a path must not look like an empty book. A book this command
    creates is removed again if the command then fails having written nothing in it
    (:func:`discard_new_books`).

    :raises StorageError: for a missing book (reading) or a missing folder.
    """
    from newbi_clients.cli import state
    from newbi_clients.connection import check_book_file, is_empty_file
    from newbi_clients.errors import StorageError
    from newbi_clients.storage import ClientStore, resolve_db_path

    path = resolve_db_path(state.db)
    named = bool(state.db or os.environ.get("NEWBI_CLIENTS_DB"))
    check_book_file(path)
    if not path.exists() or is_empty_file(path):
        if named and not path.parent.is_dir():
            raise StorageError(
                f"Le dossier {path.parent} n'existe pas : rien n'a été créé. Vérifiez le chemin"
                " (--db ou NEWBI_CLIENTS_DB), ou créez d'abord le dossier."
            )
        if not write:
            what = "est un fichier vide" if path.exists() else "n'existe pas"
            raise StorageError(
                f"Carnet introuvable : {path} {what}. Vérifiez le chemin (--db ou"
                " NEWBI_CLIENTS_DB) ; un carnet est créé par la première commande qui écrit"
                " (add, import…)."
            )
        store = ClientStore(path)
        if store.created:
            _created.append((path, store.created_counts, store.was_empty_file))
        from newbi_clients.cli.render import info

        info(f"Nouveau carnet créé : {path}")
        return store
    store = ClientStore(path, on_migrate=_announce_migration)
    if store.migration_backup is not None:
        from newbi_clients.cli.render import info
        from newbi_clients.schema import SCHEMA_VERSION

        info(
            f"Base mise à jour (schéma {SCHEMA_VERSION}) ; copie de la version précédente :"
            f" {store.migration_backup}"
        )
    return store


# the books this command created: (path, what each held once created, was an empty file)
_created: list[tuple[Path, dict[str, int], bool]] = []


def forget_new_books() -> None:
    """A new command starts: no book is its own yet (several commands run in one process
    in the tests)."""
    _created.clear()


def discard_new_books(quiet: bool = False) -> None:
    """The command failed or was interrupted: a book it created and wrote nothing into is
    removed (an empty file given as the book is emptied again), so that a refused
    ``import`` leaves no empty book behind. A book another command uses is kept. Said on
    stderr unless ``quiet`` (an interrupted command says only « Interrompu. »)."""
    from newbi_clients.connection import discard_unused

    while _created:
        path, counts, was_empty_file = _created.pop()
        if discard_unused(path, counts, was_empty_file) and not quiet:
            from newbi_clients.cli.render import info

            info(f"Le carnet créé par cette commande, resté vide, a été retiré : {path}")


def _announce_migration(old: int, new: int) -> None:
    from newbi_clients.cli.render import info

    info(
        f"Mise à jour de la base du schéma {old} au schéma {new} : une copie de la version"
        " précédente est faite d'abord (quelques secondes pour un grand carnet)…"
    )


def book_exists() -> bool:
    """Whether the book named by --db, $NEWBI_CLIENTS_DB or the default location exists
    (an empty file is no book yet)."""
    from newbi_clients.cli import state
    from newbi_clients.connection import is_empty_file
    from newbi_clients.storage import resolve_db_path

    path = resolve_db_path(state.db)
    return path.exists() and not is_empty_file(path)


@contextmanager
def scratch_store() -> "Iterator[ClientStore]":
    """An empty book in a temporary folder, removed afterwards: what a dry run compares a
    file with when there is no book yet (a dry run creates nothing)."""
    import tempfile

    from newbi_clients.storage import ClientStore

    with tempfile.TemporaryDirectory() as folder, ClientStore(Path(folder) / "c.db") as store:
        yield store


def interactive(no_input: bool = False) -> bool:
    """True when questions may be asked: stdin is a terminal and --no-input was not given."""
    if no_input or os.environ.get("NEWBI_CLIENTS_NO_INPUT"):
        return False
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def resolve(store: "ClientStore", ref: str) -> "Client":
    """The client a reference designates; a merged client's id leads, with a notice, to
    the client it was merged into."""
    client = store.resolve(ref, follow_merged=False)
    while client.merged_into is not None:
        from newbi_clients.cli.render import info

        info(f"#{client.id} a été fusionné dans #{client.merged_into} : c'est lui qui est utilisé.")
        client = store.get(client.merged_into)
    return client
