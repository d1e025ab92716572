"""contact add / edit / remove / list: the people of a client."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import (
    ClientArg,
    ViewFormat,
    ViewFormatOpt,
    interactive,
    open_store,
    resolve,
)

if TYPE_CHECKING:
    from newbi_clients.models import Client, Contact
    from newbi_clients.storage import ClientStore

contact_app = typer.Typer(
    help="Contacts d'un client : les personnes d'une entreprise (acheteur, comptabilité…).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
ContactArg = Annotated[
    str,
    typer.Argument(
        metavar="CONTACT",
        help="Numéro du contact (voir « contact list »), son email ou son nom.",
        show_default=False,
    ),
]


def _opt(flag: str, help_: str, metavar: str = "TEXTE") -> Any:
    return typer.Option(flag, help=help_, metavar=metavar, show_default=False)


FirstName = Annotated[str | None, _opt("--first-name", "Prénom.")]
LastName = Annotated[str | None, _opt("--last-name", "Nom.")]
Position = Annotated[str | None, _opt("--position", "Fonction (Acheteuse, Comptable…).")]
Department = Annotated[str | None, _opt("--department", "Service (Achats, Comptabilité…).")]
Email = Annotated[str | None, _opt("--email", "Adresse email.", "EMAIL")]
Phone = Annotated[str | None, _opt("--phone", "Téléphone (lu dans le pays du client).", "TEL")]
Primary = Annotated[bool, typer.Option("--primary", help="En fait le contact principal du client.")]
NoInput = Annotated[bool, typer.Option("--no-input", help="Ne pose aucune question (scripts).")]
AllowDuplicate = Annotated[
    bool,
    typer.Option("--allow-duplicate", help="Accepte un email déjà utilisé par un autre client."),
]
KEYS = ("first_name", "last_name", "position", "department", "email", "phone")


def register(app: typer.Typer) -> None:
    """Attach the contact commands."""
    app.add_typer(contact_app, name="contact")


def _warn_taken(store: "ClientStore", client: "Client", email: str) -> None:
    from newbi_clients.cli.render import warn
    from newbi_clients.lookup import email_holders

    for match in email_holders(store, email):
        if match.existing.id != client.id or match.contact:
            warn(f"l'email {email} est déjà celui de {match.holder}.")


@contact_app.command("add")
def contact_add(
    client_ref: ClientArg,
    first_name: FirstName = None, last_name: LastName = None, position: Position = None,
    department: Department = None, email: Email = None, phone: Phone = None,
    primary: Primary = False, no_input: NoInput = False, allow_duplicate: AllowDuplicate = False,
) -> None:  # fmt: skip
    """Ajoute un contact à un client ; pose les questions manquantes dans un terminal.

    Le premier contact d'un client est son contact principal. Affiche le numéro du
    nouveau contact seul sur la sortie standard.

    Exemple : newbi-clients contact add acme --first-name Claire --last-name Martin --position Acheteuse --email claire.martin@acme.fr --phone "06 12 34 56 78"
    """
    from newbi_clients.cli.render import info
    from newbi_clients.contacts import add_contact, build_contact

    raw: dict[str, Any] = {k: val for k, val in locals().items() if k in KEYS}
    raw["primary"] = "oui" if primary else None
    with open_store() as store:
        client = resolve(store, client_ref)
        if interactive(no_input) and not any(raw[k] for k in KEYS):
            from newbi_clients.cli import prompts

            raw = prompts.ask_contact(
                raw, client.country, ask_primary=bool(client.contacts),
                on_email=lambda e: _warn_taken(store, client, e),
            )  # fmt: skip
        postal_code = client.billing_address.postal_code if client.billing_address else None
        contact = add_contact(
            store, client, build_contact(raw, client.country, postal_code), allow_duplicate
        )
        principal = " (contact principal)" if contact.primary else ""
        info(f"Contact {contact.id} ajouté à #{client.id} : {contact.display_name}{principal}")
    print(contact.id)


@contact_app.command("edit")
def contact_edit(
    client_ref: ClientArg, contact_ref: ContactArg,
    first_name: FirstName = None, last_name: LastName = None, position: Position = None,
    department: Department = None, email: Email = None, phone: Phone = None,
    primary: Primary = False,
    unset: Annotated[list[str] | None, typer.Option("--unset", metavar="CHAMP", help="Efface un champ : first-name, last-name, position, department, email, phone (répétable).")] = None,
    no_input: NoInput = False, allow_duplicate: AllowDuplicate = False,
) -> None:  # fmt: skip
    """Modifie un contact : les options données, ou les questions pré-remplies dans un terminal.

    Exemple : newbi-clients contact edit acme "Claire Martin" --position "Responsable achats" --primary
    """
    from newbi_clients.cli.render import info
    from newbi_clients.contacts import contact_to_raw, edit_contact, find_contact
    from newbi_clients.errors import ValidationFailed

    changes: dict[str, Any] = {k: val for k, val in locals().items() if k in KEYS and val}
    if primary:
        changes["primary"] = "oui"
    cleared = [_unset_key(name) for name in unset or []]
    with open_store() as store:
        client = resolve(store, client_ref)
        contact = find_contact(client, contact_ref)
        if not changes and not cleared:
            if not interactive(no_input):
                raise ValidationFailed.single(
                    "contact", None, "Rien à modifier : donnez au moins une option (voir --help)"
                )
            from newbi_clients.cli import prompts

            changes = prompts.ask_contact(contact_to_raw(contact), client.country, editing=True)
            cleared = [k for k in KEYS if not changes.get(k)]
        new = edit_contact(store, client, contact, changes, cleared, allow_duplicate)
        info(f"Contact {new.id} de #{client.id} modifié : {new.display_name}")


def _unset_key(name: str) -> str:
    from newbi_clients.errors import ValidationFailed

    key = name.strip().lstrip("-").replace("-", "_").lower()
    if key not in KEYS:
        allowed = ", ".join(k.replace("_", "-") for k in KEYS)
        raise ValidationFailed.single(
            "unset", name, f"Champ inconnu pour --unset : « {name} » (champs : {allowed})"
        )
    return key


@contact_app.command("remove")
def contact_remove(client_ref: ClientArg, contact_ref: ContactArg) -> None:
    """Retire un contact d'un client (noté au journal) ; s'il était le contact principal,
    le suivant le devient.

    Exemple : newbi-clients contact remove acme claire.martin@acme.fr
    """
    from newbi_clients.cli.render import info
    from newbi_clients.contacts import find_contact, remove_contact

    with open_store() as store:
        client = resolve(store, client_ref)
        contact = find_contact(client, contact_ref)
        remove_contact(store, client, contact)
        info(f"Contact {contact.id} retiré de #{client.id} : {contact.display_name}")


@contact_app.command("list")
def contact_list(client_ref: ClientArg, format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les contacts d'un client, le contact principal en premier.

    Exemple : newbi-clients contact list acme --format json
    """
    from newbi_clients.cli.render import emit_json, emit_rows, info

    with open_store() as store:
        client = resolve(store, client_ref)
    if format_ is ViewFormat.JSON:
        emit_json([c.to_dict() for c in client.contacts])
        return
    if not emit_rows(CONTACT_COLUMNS, (_row(c) for c in client.contacts)):
        info(f"#{client.id} {client.display_name} n'a aucun contact.")


CONTACT_COLUMNS = ("N°", "Prénom", "Nom", "Fonction", "Service", "Email", "Téléphone", "Principal")


def _row(contact: "Contact") -> tuple[str, ...]:
    from newbi_clients.validation import format_phone

    return (
        str(contact.id),
        contact.first_name or "",
        contact.last_name or "",
        contact.position or "",
        contact.department or "",
        contact.email or "",
        format_phone(contact.phone) or "",
        "oui" if contact.primary else "",
    )
