"""``add``: create a client from flags and questions, handling duplicates."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli import fields as f
from newbi_clients.cli.clients import AllowDuplicate, NoInput, defaults, suggestions
from newbi_clients.cli.common import interactive, open_store

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore


class AddFormat(StrEnum):
    """What ``add`` prints on stdout."""

    ID = "id"
    TABLE = "table"
    JSON = "json"


def add(
    kind: f.Kind = None, name: f.Name = None, first_name: f.FirstName = None,
    email: f.Email = None, phone: f.Phone = None, address: f.Address = None,
    line2: f.Line2 = None, postal_code: f.PostalCode = None, city: f.City = None,
    country: f.Country = None, delivery_address: f.DeliveryAddress = None,
    delivery_line2: f.DeliveryLine2 = None, delivery_postal_code: f.DeliveryPostalCode = None,
    delivery_city: f.DeliveryCity = None, delivery_country: f.DeliveryCountry = None,
    siret: f.Siret = None, siren: f.Siren = None, vat_number: f.VatNumber = None,
    terms_days: f.TermsDays = None, end_of_month: f.EndOfMonth = None,
    payment_method: f.PaymentMethod = None, discount: f.Discount = None,
    currency: f.Currency = None, sector: f.Sector = None, segment: f.Segment = None,
    tag: f.Tag = None, note: f.Note = None, no_input: NoInput = False,
    allow_duplicate: AllowDuplicate = False,
    format_: Annotated[AddFormat, typer.Option("--format", "-f", help="id (défaut) : l'identifiant seul ; table : la fiche ; json.", case_sensitive=False)] = AddFormat.ID,
) -> None:  # fmt: skip
    """Ajoute un client ; pose les questions manquantes dans un terminal.

    Affiche l'identifiant du nouveau client seul sur la sortie standard.

    Exemple : newbi-clients add --kind professionnel --name "ACME SAS" --siret "732 829 320 00074" --email contact@acme.fr --no-input
    """
    raw = f.collect(locals())
    with open_store(write=True) as store:
        ask = interactive(no_input)
        client = create_client(store, raw, list(note or []), allow_duplicate, ask)
        _print_added(store, client, format_, ask)


def create_client(
    store: "ClientStore", raw: dict[str, Any], notes: list[str], allow_duplicate: bool, ask: bool
) -> "Client":
    """The add flow: questions (when ``ask``), validation, warnings, duplicate handling."""
    from newbi_clients.builder import build_client
    from newbi_clients.cli import prompts
    from newbi_clients.cli.render import info, warn
    from newbi_clients.errors import DuplicateClient

    if ask:
        raw = prompts.ask_client(
            {**raw, "note": "\n".join(notes) or None},
            sectors=suggestions(store, "sector"),
            segments=suggestions(store, "segment"),
            defaults=defaults(store),
            on_email=lambda email: _warn_taken(store, email),
        )
        asked = raw.pop("note", None)
        notes = [asked] if asked else []
    built = build_client(raw, defaults(store))
    for message in built.warnings:
        warn(message)
    try:
        from newbi_clients.models import Note
        from newbi_clients.storage import now

        built.client.notes = [Note(now(), text) for text in notes]
        client = store.add(built.client, None, allow_duplicate)
    except DuplicateClient as exc:
        if not ask:
            raise
        from newbi_clients.importing import DEFAULTED
        from newbi_clients.validation import clean

        unset = tuple(k for k in DEFAULTED if clean(raw.get(k)) is None)
        client, created = _on_duplicate(store, exc, built.client, notes, unset)
        if not created:
            return client
    info(f"Client #{client.id} créé : {client.display_name}")
    return client


def _warn_taken(store: "ClientStore", email: str) -> None:
    """Say at once, while the questions go on, that a client already has this email."""
    from newbi_clients.cli.render import warn
    from newbi_clients.models import Client

    for match in store.find_duplicates(Client(name="?", email=email)):
        warn(f"l'email {email} est déjà celui de {match.existing} (vous pourrez choisir à la fin).")


def _on_duplicate(
    store: "ClientStore", exc: Any, client: "Client", notes: list[str], unset: tuple[str, ...]
) -> "tuple[Client, bool]":
    """In a terminal: show the existing client, merge into it, create anyway, or cancel."""
    from newbi_clients.cli import prompts
    from newbi_clients.cli.render import emit_fiche, info, print_error

    print_error(exc)
    existing = exc.matches[0].existing
    choice = prompts.ask_select(
        "Que voulez-vous faire ?",
        [
            ("show", f"Afficher le client existant #{existing.id}"),
            ("merge", f"Compléter #{existing.id} avec ces informations (rien n'est écrasé)"),
            ("create", "Créer quand même un nouveau client"),
            ("cancel", "Annuler"),
        ],
        "show",
    )
    if choice == "create":
        return store.add(client, None, allow_duplicate=True), True
    if choice == "merge":
        from newbi_clients.merging import complete_client
        from newbi_clients.storage import now

        stamped = [(now(), text) for text in notes]
        merged = complete_client(
            store, existing.id, client, "saisie de « add »", stamped, unset=unset
        )
        info(f"Client #{merged.id} complété : {merged.display_name}")
        return merged, False
    if choice == "show":
        emit_fiche(store.get(existing.id), store.seller_settings(), to_stderr=True)
    raise typer.Exit(1)


def _print_added(store: "ClientStore", client: "Client", format_: AddFormat, asked: bool) -> None:
    from newbi_clients.cli.render import emit_fiche, emit_json
    from newbi_clients.serialize import client_to_dict

    settings = store.seller_settings()
    if format_ is AddFormat.JSON:
        emit_json(client_to_dict(client, settings))
    elif format_ is AddFormat.TABLE:
        emit_fiche(client, settings)
    else:
        if asked:
            emit_fiche(client, settings, to_stderr=True)
        print(client.id)
