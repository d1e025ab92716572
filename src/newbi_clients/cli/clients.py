"""Client commands: add, edit, show, note (list and search are in ``listing``)."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli import fields as f
from newbi_clients.cli.common import (
    ViewFormat,
    ViewFormatOpt,
    interactive,
    open_store,
    resolve,
)

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore

ClientArg = Annotated[
    str,
    typer.Argument(
        metavar="CLIENT",
        help="Identifiant (#12), email, SIRET, SIREN, n° de TVA ou fragment du nom.",
        show_default=False,
    ),
]
NoInput = Annotated[bool, typer.Option("--no-input", help="Ne pose aucune question (scripts).")]
AllowDuplicate = Annotated[
    bool,
    typer.Option(
        "--allow-duplicate", help="Accepte un email ou un SIRET déjà utilisé par un autre client."
    ),
]


class AddFormat(StrEnum):
    """What ``add`` prints on stdout."""

    ID = "id"
    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Attach the client commands to the application."""
    app.command("add")(add)
    app.command("edit")(edit)
    app.command("show")(show)
    app.command("note")(note)


def _defaults(store: "ClientStore") -> dict[str, Any]:
    settings = store.seller_settings()
    return {"terms_days": settings.default_terms_days, "currency": settings.default_currency}


def _suggestions(store: "ClientStore", column: str) -> list[str]:
    rows = store.execute(
        f"SELECT {column}, count(*) n FROM clients WHERE {column} IS NOT NULL"
        f" GROUP BY {column} ORDER BY n DESC LIMIT 20"
    ).fetchall()
    return [r[0] for r in rows]


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
    with open_store() as store:
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
    ``fields`` are custom field values, already checked."""
    from newbi_clients.builder import build_client
    from newbi_clients.cli import prompts
    from newbi_clients.cli.register_fill import register_question
    from newbi_clients.cli.render import info, warn
    from newbi_clients.errors import DuplicateClient

    if ask:
        raw = prompts.ask_client(
            {**raw, "note": "\n".join(notes) or None},
            sectors=_suggestions(store, "sector"),
            segments=_suggestions(store, "segment"),
            defaults=_defaults(store),
            on_email=lambda email: _warn_taken(store, email),
            lookup=register_question(store, raw),
        )
        asked = raw.pop("note", None)
        notes = [asked] if asked else []
    built = build_client(raw, _defaults(store))
    built.client.fields = dict(fields or {})
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
        from newbi_clients.transfer.validate import DEFAULTED
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


def edit(
    client_ref: ClientArg,
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
    tag: f.Tag = None, field: f.CustomField = None,
    unset: Annotated[list[str] | None, typer.Option("--unset", metavar="CHAMP", help="Efface un champ (ex. email, phone, delivery, discount ; répétable).")] = None,
    no_input: NoInput = False, allow_duplicate: AllowDuplicate = False,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Modifie un client : les options données, ou toutes les questions pré-remplies dans un terminal.

    Exemple : newbi-clients edit 12 --email compta@acme.fr --terms-days 45 --unset phone
    """
    from newbi_clients.builder import apply_changes, client_to_raw
    from newbi_clients.cli import prompts
    from newbi_clients.cli.render import emit_fiche, emit_json, info, warn
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.serialize import client_to_dict

    changes = {k: val for k, val in f.collect(locals()).items() if val is not None}
    fields_to_clear = _unset_keys(unset or [])
    with open_store() as store:
        from newbi_clients.customfields import parse_assignments

        values = parse_assignments(store, field or [])
        client = resolve(store, client_ref)
        if not changes and not fields_to_clear and not values:
            if not interactive(no_input):
                raise ValidationFailed.single(
                    "edit", None, "Rien à modifier : donnez au moins une option (voir --help)"
                )
            changes = prompts.ask_client(
                client_to_raw(client), editing=True,
                sectors=_suggestions(store, "sector"), segments=_suggestions(store, "segment"),
            )  # fmt: skip
            changes = {k: val for k, val in changes.items() if k != "note"}
            fields_to_clear = tuple(k for k, val in changes.items() if val in (None, ""))
        built = apply_changes(client, changes, fields_to_clear)
        for field_name, value in values.items():
            if value is None:
                built.client.fields.pop(field_name, None)
            else:
                built.client.fields[field_name] = value
        for message in built.warnings:
            warn(message)
        updated = store.update(built.client, allow_duplicate, expected=client)
        info(f"Client #{updated.id} modifié : {updated.display_name}")
        if format_ is ViewFormat.JSON:
            emit_json(client_to_dict(updated, store.seller_settings()))
        else:
            emit_fiche(updated, store.seller_settings())


def _unset_keys(names: list[str]) -> tuple[str, ...]:
    from newbi_clients.builder import DELIVERY_KEYS, UNSETTABLE
    from newbi_clients.errors import ValidationFailed

    keys: list[str] = []
    for name in names:
        key = name.strip().lstrip("-").replace("-", "_").lower()
        if key in ("delivery", "delivery_address_all"):
            keys.extend(DELIVERY_KEYS)
        elif key in UNSETTABLE or key == "tags":
            keys.append(key)
        else:
            allowed = ", ".join(k.replace("_", "-") for k in (*UNSETTABLE, "delivery", "tags"))
            raise ValidationFailed.single(
                "unset", name, f"Champ inconnu pour --unset : « {name} » (champs : {allowed})"
            )
    return tuple(keys)


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
