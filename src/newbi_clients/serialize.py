"""The JSON shape of a client (the scripting contract documented in the README)."""

from __future__ import annotations

from typing import Any

from newbi_clients.fiscal import SellerSettings, client_regime, zone_of
from newbi_clients.models import Client

JSON_KEYS = (
    "id",
    "kind",
    "name",
    "first_name",
    "email",
    "phone",
    "billing_address",
    "delivery_address",
    "siret",
    "siren",
    "vat_number",
    "zone",
    "vat_regime",
    "vies",
    "terms_days",
    "end_of_month",
    "payment_method",
    "discount",
    "currency",
    "sector",
    "segment",
    "tags",
    "notes",
    "created_at",
    "updated_at",
    "archived_at",
    "merged_into",
    "blocked",
    "contacts",
    "fields",
)


def client_to_dict(client: Client, settings: SellerSettings | None = None) -> dict[str, Any]:
    """A client as a JSON-ready dict: absent values are None, amounts are strings."""
    regime = client_regime(client, settings)
    return {
        "id": client.id,
        "kind": client.kind.value,
        "name": client.name,
        "first_name": client.first_name,
        "email": client.email,
        "phone": client.phone,
        "billing_address": client.billing_address.to_dict() if client.billing_address else None,
        "delivery_address": (
            client.delivery_address.to_dict() if client.delivery_address else None
        ),
        "siret": client.siret,
        "siren": client.siren,
        "vat_number": client.vat_number,
        "zone": zone_of(client.country).value,
        "vat_regime": regime.to_dict(),
        "vies": vies_to_dict(client, regime.warning),
        "terms_days": client.terms_days,
        "end_of_month": client.end_of_month,
        "payment_method": client.payment_method.value if client.payment_method else None,
        "discount": client.discount.to_dict() if client.discount else None,
        "currency": client.currency,
        "sector": client.sector,
        "segment": client.segment,
        "tags": list(client.tags),
        "notes": [n.to_dict() for n in client.notes],
        "created_at": client.created_at,
        "updated_at": client.updated_at,
        "archived_at": client.archived_at,
        "merged_into": client.merged_into,
        "blocked": client.blocked.to_dict() if client.blocked else None,
        "contacts": [c.to_dict() for c in client.contacts],
        "fields": dict(client.fields),
    }


def vies_to_dict(client: Client, warning: str | None = None) -> dict[str, Any] | None:
    """The ``vies`` object: the last check of the client's VAT number (None without a
    number VIES knows), whether VIES's name matches the client's, and the regime warning."""
    if client.vies is None:
        return None
    from newbi_clients.vies import names_match

    return client.vies.to_dict() | {
        "name_matches": names_match(client, client.vies.name),
        "warning": warning,
    }
