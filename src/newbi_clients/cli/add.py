"""``add``: create a client from flags and questions, handling duplicates."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli import fields as f
from newbi_clients.cli.clients import AllowDuplicate, NoInput, defaults, suggestions
from newbi_clients.cli.common import interactive, open_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from newbi_clients.errors import DuplicateClient
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
    tag: f.Tag = None, note: f.Note = None, field: f.CustomField = None,
    no_input: NoInput = False, allow_duplicate: AllowDuplicate = False,
    format_: Annotated[AddFormat, typer.Option("--format", "-f", help="id (défaut) : l'identifiant seul ; table : la fiche ; json.", case_sensitive=False)] = AddFormat.ID,
    lookup: Annotated[str | None, typer.Option("--lookup", metavar="SIRET", help="Remplit la fiche depuis l'annuaire des entreprises (en ligne) ; les options données priment.")] = None,
) -> None:  # fmt: skip
    """Ajoute un client ; pose les questions manquantes dans un terminal.

    Affiche l'identifiant du nouveau client seul sur la sortie standard.

    Exemple : newbi-clients add --kind professionnel --name "ACME SAS" --siret "732 829 320 00074" --email contact@acme.fr --no-input
    """
    raw = f.collect(locals())
    with open_store(write=True) as store:
        from newbi_clients.customfields import parse_assignments

        values = {k: val for k, val in parse_assignments(store, field or []).items() if val}
        ask = interactive(no_input)
        if lookup is not None:
            from newbi_clients.cli.register_fill import fill_from_register

            raw = fill_from_register(store, raw, lookup, ask)
        client = create_client(store, raw, list(note or []), allow_duplicate, ask, values)
        _print_added(store, client, format_, ask)


def create_client(
    store: "ClientStore", raw: dict[str, Any], notes: list[str], allow_duplicate: bool, ask: bool,
    fields: dict[str, str] | None = None,
) -> "Client":  # fmt: skip
    """The add flow: questions (when ``ask``), validation, warnings, duplicate handling;
    ``fields`` are custom field values, already checked.

    In a terminal, an email or SIRET given as a flag that another client already has is
    named before the first question, with the choice of completing that client at once.
    """
    from newbi_clients.builder import build_client
    from newbi_clients.cli import prompts
    from newbi_clients.cli.register_fill import register_question
    from newbi_clients.cli.render import info, warn
    from newbi_clients.errors import DuplicateClient
    from newbi_clients.validation import clean

    given = {key for key, value in raw.items() if clean(value) is not None}
    if ask and not allow_duplicate:
        early = _flag_duplicate(store, raw)
        if early is not None:
            if _duplicate_choice(store, early) == "merge":  # with the flags alone
                name = raw.get("name") or store.get(early.matches[0].existing.id).name
                flags = build_client({**raw, "name": name}, defaults(store)).client
                flags.fields = dict(fields or {})
                unset = _not_given(raw, given, defaults(store))
                return _complete(store, early, flags, notes, unset)
            allow_duplicate = True  # « create anyway », chosen before the questions
    if ask:
        raw = prompts.ask_client(
            {**raw, "note": "\n".join(notes) or None},
            sectors=suggestions(store, "sector"),
            segments=suggestions(store, "segment"),
            defaults=defaults(store),
            on_email=lambda email: _warn_taken(store, email),
            lookup=register_question(store, raw),
        )
        asked = raw.pop("note", None)
        notes = [asked] if asked else []
    built = build_client(raw, defaults(store))
    built.client.fields = dict(fields or {})
    for message in built.warnings:
        warn(message)
    from newbi_clients.models import Note
    from newbi_clients.storage import now

    built.client.notes = [Note(now(), text) for text in notes]
    try:
        client = store.add(built.client, None, allow_duplicate)
    except DuplicateClient as exc:
        if not ask:
            raise
        if _duplicate_choice(store, exc) == "merge":
            return _complete(
                store, exc, built.client, notes, _not_given(raw, given, defaults(store))
            )
        client = store.add(built.client, None, allow_duplicate=True)
    info(f"Client #{client.id} créé : {client.display_name}")
    return client


def _flag_duplicate(store: "ClientStore", raw: dict[str, Any]) -> "DuplicateClient | None":
    """The clients that already have the email or SIRET given as flags, if any."""
    from newbi_clients import validation as v
    from newbi_clients.errors import DuplicateClient, ValidationFailed
    from newbi_clients.models import Client

    try:
        email = v.normalize_email(raw.get("email"))
        siret = v.normalize_siret(raw.get("siret"))
    except ValidationFailed:
        return None  # said with the other errors, after the questions
    matches = store.find_duplicates(Client(name="?", email=email, siret=siret))
    return DuplicateClient(matches) if matches else None


def _not_given(raw: dict[str, Any], given: set[str], seller: dict[str, Any]) -> tuple[str, ...]:
    """The fields whose value is only an accepted default (the type, payment terms, end of
    month, currency): completing a client must not record them as values left aside."""
    from newbi_clients import validation as v
    from newbi_clients.models import Kind

    offered: dict[str, Callable[[Any], bool]] = {
        "kind": lambda x: v.normalize_kind(x) is Kind.INDIVIDUAL,
        "terms_days": lambda x: v.normalize_terms(x) in (None, int(seller["terms_days"])),
        "end_of_month": lambda x: not v.parse_bool(x),
        "currency": lambda x: v.normalize_currency(x) in (None, seller["currency"]),
    }
    return tuple(
        key for key, is_default in offered.items()
        if key not in given and (v.clean(raw.get(key)) is None or is_default(raw.get(key)))
    )  # fmt: skip


def _warn_taken(store: "ClientStore", email: str) -> None:
    """Say at once, while the questions go on, that a client already has this email."""
    from newbi_clients.cli.render import warn
    from newbi_clients.models import Client

    for match in store.find_duplicates(Client(name="?", email=email)):
        warn(f"l'email {email} est déjà celui de {match.existing} (vous pourrez choisir à la fin).")


def _duplicate_choice(store: "ClientStore", exc: "DuplicateClient") -> str:
    """In a terminal: « merge » (complete the existing client) or « create » (anyway);
    showing the existing client comes back to the choice, cancelling exits 1."""
    from newbi_clients.cli import prompts
    from newbi_clients.cli.render import emit_fiche, info, warn

    existing = exc.matches[0].existing
    warn(exc.headline)
    while True:
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
        if choice != "show":
            break
        emit_fiche(store.get(existing.id), store.seller_settings(), to_stderr=True)
    if choice == "cancel":
        info("Annulé : rien n'a été créé.")
        raise typer.Exit(1)
    return choice


def _complete(
    store: "ClientStore",
    exc: "DuplicateClient",
    client: "Client",
    notes: list[str],
    unset: tuple[str, ...],
) -> "Client":
    """Complete the existing client with what was given (nothing is overwritten)."""
    from newbi_clients.cli.render import info
    from newbi_clients.merging import complete_client
    from newbi_clients.storage import now

    stamped = [(now(), text) for text in notes]
    existing = exc.matches[0].existing
    merged = complete_client(store, existing.id, client, "saisie de « add »", stamped, unset=unset)
    info(f"Client #{merged.id} complété : {merged.display_name}")
    return merged


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
