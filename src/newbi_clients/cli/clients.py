"""Client commands: the arguments they share, ``show`` and ``note``; ``add``, ``edit``,
``list`` and ``search`` live in their own modules."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import ClientArg, ViewFormat, ViewFormatOpt, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

NoInput = Annotated[bool, typer.Option("--no-input", help="Ne pose aucune question (scripts).")]
AllowDuplicate = Annotated[
    bool,
    typer.Option(
        "--allow-duplicate", help="Accepte un email ou un SIRET déjà utilisé par un autre client."
    ),
]


def register(app: typer.Typer) -> None:
    """Attach the client commands to the application."""
    from newbi_clients.cli import add, edit

    app.command("add")(add.add)
    app.command("edit")(edit.edit)
    app.command("show")(show)
    app.command("note")(note)


def defaults(store: "ClientStore") -> dict[str, Any]:
    settings = store.seller_settings()
    return {"terms_days": settings.default_terms_days, "currency": settings.default_currency}


def suggestions(store: "ClientStore", column: str) -> list[str]:
    rows = store.execute(
        f"SELECT {column}, count(*) n FROM clients WHERE {column} IS NOT NULL"
        f" GROUP BY {column} ORDER BY n DESC LIMIT 20"
    ).fetchall()
    return [r[0] for r in rows]


def show(
    client_ref: ClientArg,
    format_: ViewFormatOpt = ViewFormat.TABLE,
    history: Annotated[
        bool, typer.Option("--history", help="Affiche aussi le journal des modifications.")
    ] = False,
) -> None:
    """Affiche la fiche d'un client : identité, adresses, fiscalité, conditions, notes.

    Exemple : newbi-clients show "acme" --format json
    """
    from newbi_clients.cli.render import emit_fiche, emit_json
    from newbi_clients.serialize import client_to_dict

    with open_store() as store:
        client = resolve(store, client_ref)
        settings = store.seller_settings()
        from newbi_clients.cli.stats import show_sections

        sections, extra = show_sections(store, client.id or 0)
        if format_ is ViewFormat.JSON:
            data = client_to_dict(client, settings) | extra
            if history:
                data["audit"] = store.audit_log(client.id or 0)
            emit_json(data)
        else:
            emit_fiche(client, settings, sections)
            if history:
                from newbi_clients.cli.merge import emit_log

                emit_log(store, client.id or 0, format_)


def note(
    client_ref: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXTE", help="Le texte de la note.")],
) -> None:
    """Ajoute une note horodatée à un client.

    Exemple : newbi-clients note 12 "Relancé par téléphone, paiement promis pour vendredi"
    """
    from newbi_clients.cli.render import info
    from newbi_clients.errors import ValidationFailed

    if not text.strip():
        raise ValidationFailed.single("note", text, "Note vide : écrivez un texte")
    with open_store() as store:
        client = resolve(store, client_ref)
        store.add_note(client.id or 0, text.strip())
        info(f"Note ajoutée à #{client.id} {client.display_name}")
