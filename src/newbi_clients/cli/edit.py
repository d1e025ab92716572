"""``edit``: change a client's fields, from flags or prefilled questions."""

from typing import Annotated

import typer

from newbi_clients.cli import fields as f
from newbi_clients.cli.clients import AllowDuplicate, NoInput, suggestions
from newbi_clients.cli.common import (
    ClientArg,
    ViewFormat,
    ViewFormatOpt,
    interactive,
    open_store,
    resolve,
)


def edit(
    client_ref: ClientArg,
    kind: f.Kind = None, name: f.NewName = None, first_name: f.FirstName = None,
    email: f.Email = None, phone: f.Phone = None, address: f.Address = None,
    line2: f.Line2 = None, postal_code: f.PostalCode = None, city: f.City = None,
    country: f.NewCountry = None, delivery_address: f.DeliveryAddress = None,
    delivery_line2: f.DeliveryLine2 = None, delivery_postal_code: f.DeliveryPostalCode = None,
    delivery_city: f.DeliveryCity = None, delivery_country: f.DeliveryCountry = None,
    siret: f.Siret = None, siren: f.Siren = None, vat_number: f.VatNumber = None,
    terms_days: f.TermsDays = None, end_of_month: f.EndOfMonth = None,
    payment_method: f.PaymentMethod = None, discount: f.Discount = None,
    currency: f.Currency = None, sector: f.Sector = None, segment: f.Segment = None,
    tag: f.AddTag = None, untag: f.Untag = None, set_tags: f.SetTags = None,
    field: f.CustomField = None,
    unset: Annotated[list[str] | None, typer.Option("--unset", metavar="CHAMP", help="Efface un champ (ex. email, phone, delivery, discount ; répétable).")] = None,
    no_input: NoInput = False, allow_duplicate: AllowDuplicate = False,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Modifie un client : les options données, ou toutes les questions pré-remplies dans un terminal.

    « --tag » ajoute un tag et « --untag » en retire un (comme « tag add » et « tag remove ») ;
    « --set-tags » remplace toute la liste.

    Exemple : newbi-clients edit 12 --email compta@acme.fr --terms-days 45 --unset phone --tag VIP
    """
    from newbi_clients.builder import apply_changes, client_to_raw
    from newbi_clients.cli import prompts
    from newbi_clients.cli.render import emit_fiche, emit_json, info, warn
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.serialize import client_to_dict
    from newbi_clients.validation import format_phone

    changes = {k: val for k, val in f.collect(locals()).items() if val is not None}
    changes.pop("tags", None)
    fields_to_clear = _unset_keys(unset or [])
    with open_store() as store:
        from newbi_clients.customfields import parse_assignments

        values = parse_assignments(store, field or [])
        client = resolve(store, client_ref)
        if tag or untag or set_tags is not None:
            changes["tags"] = _new_tags(client.tags, tag or [], untag or [], set_tags)
        if not changes and not fields_to_clear and not values:
            if not interactive(no_input):
                raise ValidationFailed.single(
                    "edit", None, "Rien à modifier : donnez au moins une option (voir --help)"
                )
            current = client_to_raw(client)
            current["phone"] = format_phone(client.phone)  # as the fiche shows it
            changes = prompts.ask_client(
                current, editing=True,
                sectors=suggestions(store, "sector"), segments=suggestions(store, "segment"),
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


def _new_tags(
    current: list[str], added: list[str], removed: list[str], replace: str | None
) -> list[str]:
    """The tags after --set-tags (the whole list), then --tag (added) and --untag (removed)."""
    from newbi_clients.validation import normalize_tags, tag_key

    tags = normalize_tags([replace]) if replace is not None else list(current)
    gone = {tag_key(t) for t in normalize_tags(removed)}
    return [t for t in normalize_tags([*tags, *added]) if tag_key(t) not in gone]


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
