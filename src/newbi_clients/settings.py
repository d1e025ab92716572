"""The seller's settings: their keys, defaults and descriptions, and the check of a value."""

from __future__ import annotations

from collections.abc import Mapping

from newbi_clients.errors import ValidationFailed
from newbi_clients.fiscal import SellerSettings
from newbi_clients.validation import normalize_currency, normalize_terms, normalize_vat, parse_bool

# Settings of the online checks: key -> (default, French description)
ONLINE_SETTINGS = {
    "seller_vat_number": (
        "",
        "Votre numéro de TVA : VIES rend alors un numéro de consultation (preuve)",
    ),
    "register.url": (
        "https://recherche-entreprises.api.gouv.fr",
        "Adresse de l'API Recherche d'entreprises (annuaire, recherche explicite)",
    ),
    "online.timeout": ("10", "Délai d'attente d'une réponse en ligne, en secondes"),
    "online.retries": ("3", "Nouveaux essais quand un service en ligne est occupé"),
    "online.delay": ("1", "Pause entre deux requêtes en secondes, doublée à chaque nouvel essai"),
}

SETTINGS: dict[str, tuple[str, str]] = {
    "activity": ("services", "Activité : services ou goods (ventes de biens)"),
    "vat_franchise": ("false", "Franchise en base de TVA (art. 293 B) : true ou false"),
    "default_terms_days": ("30", "Délai de paiement par défaut : 15, 30, 45 ou 60"),
    "default_currency": ("EUR", "Devise par défaut (ISO 4217)"),
    "vies.url": (
        "https://ec.europa.eu/taxation_customs/vies/rest-api",
        "Adresse de l'API REST de VIES (contrôle en ligne explicite)",
    ),
    **ONLINE_SETTINGS,
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
    return check_online_setting(key, value)


def check_online_setting(key: str, value: str) -> str:
    """The stored form of an online setting's value.

    :raises ValidationFailed: for a value that cannot be used.
    """
    text = value.strip()
    if key.endswith(".url"):
        if not text.startswith(("http://", "https://")):
            raise ValidationFailed.single(
                key, value, f"Adresse invalide pour {key} : elle doit commencer par https://"
            )
        return text.rstrip("/")
    if key == "seller_vat_number":
        if not text:
            return ""
        return str(normalize_vat(text))
    numbers = {"online.timeout": (0.001, 300.0), "online.retries": (0, 10), "online.delay": (0, 60)}
    low, high = numbers[key]
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = -1.0
    if not low <= number <= high or (key == "online.retries" and not number.is_integer()):
        raise ValidationFailed.single(
            key, value, f"Valeur invalide pour {key} : un nombre entre {low:g} et {high:g}"
        )
    return str(int(number)) if key == "online.retries" else f"{number:g}"


def seller_settings(raw: Mapping[str, str]) -> SellerSettings:
    """The seller's settings from the stored values, with defaults for what is unset."""
    return SellerSettings(
        activity=raw.get("activity", "services"),
        vat_franchise=raw.get("vat_franchise", "false") == "true",
        default_terms_days=int(raw.get("default_terms_days", "30")),
        default_currency=raw.get("default_currency", "EUR"),
    )
