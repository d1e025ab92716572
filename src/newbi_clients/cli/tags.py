"""Tag commands (tag add / remove / list / rename) and archive / unarchive."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

tag_app = typer.Typer(
    help="Tags des clients : ajouter, retirer, lister, renommer.\n\n"
    "Exemple : newbi-clients tag add 12 VIP Salon2026",
    no_args_is_help=True,
    rich_markup_mode=None,
)

StdinOpt = Annotated[
    bool,
    typer.Option(
        "--stdin",
        help="Lit les clients sur l'entrée standard (un identifiant par ligne) ;"
        " tous les arguments sont alors des tags.",
    ),
]
ArgsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="CLIENT TAG...",
        help="Le client puis les tags (ou seulement les tags avec --stdin).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Attach the tag group and the archive commands."""
    app.add_typer(tag_app, name="tag")
    app.command("archive")(archive)
    app.command("unarchive")(unarchive)


def _targets(store: "ClientStore", args: list[str], stdin: bool) -> tuple[list[int], list[str]]:
    """Client ids and tags from the arguments (and stdin); every reference checked first."""
    from newbi_clients.errors import ClientNotFound, ValidationFailed

    if stdin:
        ids = []
        for number, line in enumerate(sys.stdin, start=1):
            ref = line.strip()
            if not ref:
                continue
            try:
                ids.append(resolve(store, ref).id or 0)
            except ClientNotFound:
                raise ValidationFailed.single(
                    "stdin",
                    ref,
                    f"Ligne {number} de l'entrée standard : client introuvable « {ref} »",
                ) from None
        return ids, args
    if len(args) < 2:
        raise ValidationFailed.single(
            "tags", None, "Donnez un client puis au moins un tag (ou --stdin et les tags)"
        )
    return [resolve(store, args[0]).id or 0], args[1:]


@tag_app.command("add")
def tag_add(args: ArgsArg, stdin: StdinOpt = False) -> None:
    """Ajoute des tags à un client (ou aux clients lus sur l'entrée standard).

    Exemple : newbi-clients search --zone Europe --format ids | newbi-clients tag add --stdin Export
    """
    from newbi_clients.cli.render import info
    from newbi_clients.organise import add_tags

    with open_store() as store:
        ids, tags = _targets(store, args, stdin)
        added = add_tags(store, ids, tags)
    info(f"{added} tag(s) ajouté(s) sur {len(set(ids))} client(s).")


@tag_app.command("remove")
def tag_remove(args: ArgsArg, stdin: StdinOpt = False) -> None:
    """Retire des tags d'un client (ou des clients lus sur l'entrée standard).

    Exemple : newbi-clients tag remove acme Relance
    """
    from newbi_clients.cli.render import info
    from newbi_clients.organise import remove_tags

    with open_store() as store:
        ids, tags = _targets(store, args, stdin)
        removed = remove_tags(store, ids, tags)
    info(f"{removed} tag(s) retiré(s) de {len(set(ids))} client(s).")


@tag_app.command("list")
def tag_list(format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les tags avec le nombre de clients qui les portent.

    Exemple : newbi-clients tag list --format json
    """
    from newbi_clients.cli.render import emit_json
    from newbi_clients.cli.tables import emit_rows
    from newbi_clients.organise import tag_counts

    with open_store() as store:
        counts = tag_counts(store)
    if format_ is ViewFormat.JSON:
        emit_json([{"tag": c.name, "clients": c.active, "archived": c.archived} for c in counts])
        return
    emit_rows(
        ("Tag", "Clients", "Archivés"), [(c.name, str(c.active), str(c.archived)) for c in counts]
    )


@tag_app.command("rename")
def tag_rename(
    old: Annotated[str, typer.Argument(metavar="ANCIEN", help="Le tag à renommer.")],
    new: Annotated[
        str, typer.Argument(metavar="NOUVEAU", help="Son nouveau nom (fusionné s'il existe déjà).")
    ],
) -> None:
    """Renomme un tag partout ; s'il existe déjà sous le nouveau nom, les deux fusionnent.

    Exemple : newbi-clients tag rename "salon 2024" "Salon 2025"
    """
    from newbi_clients.cli.render import info
    from newbi_clients.organise import rename_tag

    with open_store() as store:
        count = rename_tag(store, old, new)
    info(f"Tag « {old} » renommé en « {new} » sur {count} client(s).")


ClientsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="CLIENT...",
        help="Les clients (identifiant, email, SIRET, nom…).",
        show_default=False,
    ),
]


def _set_archived(refs: list[str], archived: bool, allow_duplicate: bool = False) -> None:
    from newbi_clients.cli.render import info
    from newbi_clients.organise import set_archived

    with open_store() as store:
        clients = list({c.id: c for c in (resolve(store, ref) for ref in refs)}.values())
        changed = set(set_archived(store, [c.id or 0 for c in clients], archived, allow_duplicate))
    verb = "archivé" if archived else "réactivé"
    already = "déjà archivé" if archived else "déjà actif"
    for client in clients:
        state = verb if client.id in changed else already
        info(f"#{client.id} {client.display_name} : {state}")


def archive(refs: ClientsArg) -> None:
    """Archive des clients : ils quittent les listes et recherches, mais rien n'est effacé.

    Exemple : newbi-clients archive 12 15 "Ancien Client SARL"
    """
    _set_archived(refs, True)


def unarchive(
    refs: ClientsArg,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Réactive même si un client actif a pris le même email ou SIRET.",
        ),
    ] = False,
) -> None:
    """Réactive des clients archivés (refusé si un client actif a pris leur email ou SIRET).

    Exemple : newbi-clients unarchive 12
    """
    _set_archived(refs, False, allow_duplicate)
