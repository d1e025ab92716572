"""field define / list / remove: the custom fields of the clients."""

from typing import Annotated

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store

field_app = typer.Typer(
    help="Champs personnalisés des clients (texte, nombre, date ou choix).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
NameArg = Annotated[
    str, typer.Argument(metavar="NOM", help="Nom du champ (ex. Origine).", show_default=False)
]


def register(app: typer.Typer) -> None:
    """Attach the field commands."""
    app.add_typer(field_app, name="field")


@field_app.command("define")
def field_define(
    name: NameArg,
    type_: Annotated[
        str,
        typer.Option("--type", metavar="TYPE", help="text, number (nombre exact), date ou choice."),
    ] = "text",
    choices: Annotated[
        str | None,
        typer.Option("--choices", metavar="A,B,C", help="Les choix d'un champ choice."),
    ] = None,
) -> None:
    """Définit un champ personnalisé, à remplir avec « add/edit --field NOM=VALEUR ».

    Exemple : newbi-clients field define Origine --type choice --choices Salon,Site,Recommandation
    """
    from newbi_clients.cli.render import info
    from newbi_clients.customfields import define_field

    with open_store(write=True) as store:
        fdef = define_field(store, name, type_, (choices or "").split(","))
    shown = f" ({', '.join(fdef.choices)})" if fdef.choices else ""
    info(f"Champ « {fdef.name} » défini : {fdef.type.label}{shown}")


@field_app.command("list")
def field_list(format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les champs personnalisés, leur type et le nombre de clients qui en ont un.

    Exemple : newbi-clients field list --format json
    """
    from newbi_clients.cli.render import emit_json, emit_rows, info
    from newbi_clients.customfields import list_fields

    with open_store() as store:
        fields = list_fields(store)
    if format_ is ViewFormat.JSON:
        emit_json([fdef.to_dict() | {"clients": count} for fdef, count in fields])
        return
    rows = ((f.name, f.type.label, ", ".join(f.choices), str(n)) for f, n in fields)
    if not emit_rows(("Nom", "Type", "Choix", "Clients"), rows):
        info("Aucun champ personnalisé : « newbi-clients field define NOM --type text ».")


@field_app.command("remove")
def field_remove(
    name: NameArg,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ne demande pas de confirmation.")
    ] = False,
) -> None:
    """Supprime un champ personnalisé et ses valeurs (gardées au journal des modifications).

    Exemple : newbi-clients field remove Origine --yes
    """
    from newbi_clients.cli.common import interactive
    from newbi_clients.cli.render import info
    from newbi_clients.customfields import get_field, list_fields, remove_field

    with open_store() as store:
        fdef = get_field(store, name)
        count = dict((f.name, n) for f, n in list_fields(store))[fdef.name]
        if count and not yes and interactive():
            from newbi_clients.cli.prompts import ask_confirm

            if not ask_confirm(f"Supprimer « {fdef.name} » et ses {count} valeurs ?"):
                raise typer.Exit(1)
        removed = remove_field(store, fdef.name)
    info(f"Champ « {fdef.name} » supprimé ({removed} valeur(s) effacée(s)).")
