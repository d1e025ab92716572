"""config set / get / list: the seller's settings."""

from typing import Annotated

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store
from newbi_clients.settings import SETTINGS, check_setting

config_app = typer.Typer(
    help="Réglages du vendeur (activité, franchise de TVA, délais, devise).\n\n"
    "Exemple : newbi-clients config set default_terms_days 45",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Attach config."""
    app.add_typer(config_app, name="config")


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help=", ".join(SETTINGS))],
    value: Annotated[str, typer.Argument(metavar="VALEUR")],
) -> None:
    """Change un réglage du vendeur.

    Exemple : newbi-clients config set vat_franchise true
    """
    from newbi_clients.cli.render import info

    checked = check_setting(key, value)
    with open_store(write=True) as store:
        store.set_setting(key, checked)
    info(f"{key} = {checked}")


@config_app.command("get")
def config_get(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help=", ".join(SETTINGS))],
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:
    """Affiche la valeur d'un réglage (sa valeur par défaut s'il n'a pas été changé).

    Exemple : newbi-clients config get activity
    """
    from newbi_clients.cli.render import emit_json

    check_setting(key, SETTINGS.get(key, ("", ""))[0])
    with open_store() as store:
        value = store.get_setting(key) or SETTINGS[key][0]
    if format_ is ViewFormat.JSON:
        emit_json({key: value})
    else:
        print(value)


@config_app.command("list")
def config_list(format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les réglages du vendeur.

    Exemple : newbi-clients config list --format json
    """
    from newbi_clients.cli.render import emit_json, emit_rows

    with open_store() as store:
        stored = store.all_settings()
    values = {key: stored.get(key, default) for key, (default, _) in SETTINGS.items()}
    if format_ is ViewFormat.JSON:
        emit_json(values)
    else:
        emit_rows(
            ("Réglage", "Valeur", "Description"), [(k, values[k], SETTINGS[k][1]) for k in SETTINGS]
        )
