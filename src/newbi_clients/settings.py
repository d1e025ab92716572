"""The seller's settings: their keys, defaults and descriptions, and the check of a value."""

from __future__ import annotations

from newbi_clients.errors import ValidationFailed
from newbi_clients.validation import normalize_currency, normalize_terms, parse_bool

SETTINGS: dict[str, tuple[str, str]] = {
    "activity": ("services", "Activité : services ou goods (ventes de biens)"),
    "vat_franchise": ("false", "Franchise en base de TVA (art. 293 B) : true ou false"),
    "default_terms_days": ("30", "Délai de paiement par défaut : 15, 30, 45 ou 60"),
    "default_currency": ("EUR", "Devise par défaut (ISO 4217)"),
    "vies.url": (
        "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number",
        "Adresse du service VIES (contrôle en ligne explicite)",
    ),
}


def check_setting(key: str, value: str) -> str:
    """The stored form of a setting's value.

    :raises ValidationFailed: for an unknown key or a value the key does not accept.
    """
    if key not in SETTINGS:
        raise ValidationFailed.single(
            "key", key, f"Réglage inconnu : « {key} » (réglages : {', '.join(SETTINGS)})"
        )
    if key == "activity":
        if value not in ("services", "goods"):
            raise ValidationFailed.single(key, value, "Activité : services ou goods")
        return value
    if key == "vat_franchise":
        flag = parse_bool(value, key)
        return "true" if flag else "false"
    if key == "default_terms_days":
        return str(normalize_terms(value))
    if key == "default_currency":
        return str(normalize_currency(value))
    return value
