"""Build a validated :class:`Client` from raw field values (flags, prompts, spreadsheet cells).

Raw values are keyed by the names of ``add``'s flags in snake case (``FIELD_KEYS``); every
field is checked and all the errors of a client are reported together.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from newbi_clients import validation as v
from newbi_clients.collector import (
    ERROR_FIELD,
    Collector,
    read_address,
    read_contacts,
    read_field_values,
    read_tags,
)
from newbi_clients.errors import FieldError, ValidationFailed
from newbi_clients.fiscal import EU_COUNTRIES, business_warnings
from newbi_clients.hygiene import clean_raw
from newbi_clients.models import Client, FieldDef, Kind

ADDRESS_KEYS = ("address", "line2", "postal_code", "city", "country")
DELIVERY_KEYS = (
    "delivery_address",
    "delivery_line2",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
)
FIELD_KEYS = (
    "kind",
    "name",
    "first_name",
    "email",
    "phone",
    *ADDRESS_KEYS,
    *DELIVERY_KEYS,
    "siret",
    "siren",
    "vat_number",
    "terms_days",
    "end_of_month",
    "payment_method",
    "discount",
    "currency",
    "sector",
    "segment",
    "tags",
)
# Fields that ``edit --unset`` may clear (the name is mandatory).
UNSETTABLE = tuple(k for k in FIELD_KEYS if k not in ("name", "kind", "tags"))


@dataclass(slots=True)
class Built:
    """A validated client and the warnings it deserves (shown on stderr, never fatal)."""

    client: Client
    warnings: list[str] = field(default_factory=list)


def build_client(
    raw: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
    field_defs: Mapping[str, FieldDef] | None = None,
) -> Built:
    """Validate raw values into a Client.

    ``defaults`` supplies ``terms_days`` and ``currency`` when the raw values have none.
    The client's contacts come from ``raw["contacts"]`` (a list of raw contacts, keyed like
    :data:`~newbi_clients.models.CONTACT_FIELDS`, plus ``primary``) and from the flat
    ``contact_*`` keys (:data:`CONTACT_KEYS`, one more contact); the values of custom
    fields from ``raw["fields"]`` (field name → raw value), checked against ``field_defs``
    (field key → definition, see :func:`newbi_clients.customfields.field_defs`).

    :raises ValidationFailed: with one :class:`FieldError` per invalid field.
    """
    defaults = defaults or {}
    vat_given = raw.get("vat_number")  # (most clients have none: no call for them)
    vat_country = _vat_country(vat_given) if vat_given is not None else None
    guessed = None
    if vat_country and not v.clean(raw.get("country")):
        raw = {**raw, "country": vat_country}  # no country given: the VAT number's prefix
    elif raw.get("phone") and not v.clean(raw.get("country")) and _not_french_postal(raw):
        # an address without country whose postal code France does not have (« 1201 »:
        # Geneva, not 01201) or none, and a phone in a foreign country's international
        # form: that country
        guessed = v.phone_country(raw.get("phone"))
        if guessed:
            raw = {**raw, "country": guessed}
    raw, over = clean_raw(raw)  # no control character, no field over its length limit
    c = Collector(raw)
    if over:
        c.errors.extend(
            FieldError(ERROR_FIELD.get(key, key), value, message, key)
            for key, value, message in over
        )
    name = c.plain("name", v.normalize_name)
    billing = read_address(c, ADDRESS_KEYS, "FR")
    country = billing.country if billing else "FR"
    delivery = read_address(c, DELIVERY_KEYS, country)
    siret = c.plain("siret", v.normalize_siret)
    siren = c.plain("siren", v.normalize_siren)
    vat_number = c.check("vat_number", v.normalize_vat, country)
    if siret and siren and siret[:9] != siren:
        c.errors.append(
            FieldError(
                "siren",
                siren,
                f"SIREN incohérent : le SIRET {siret} a pour SIREN {siret[:9]}",
                "siren",
            )
        )
    siren = siret[:9] if siret else siren
    vat_siren = v.vat_siren(vat_number) if vat_number else None  # French ones hold the SIREN
    if vat_number and not siren:
        siren = vat_siren
    if siren and vat_siren and vat_siren != siren:
        c.errors.append(
            FieldError(
                "vat_number",
                vat_number,
                f"Numéro de TVA incohérent : {vat_number} correspond au SIREN {vat_siren},"
                f" mais le client a le SIREN {siren}",
                "vat_number",
            )
        )
    kind_raw = v.clean(raw.get("kind"))
    if kind_raw:
        kind = c.check("kind", v.normalize_kind, default=Kind.INDIVIDUAL)
    else:
        from newbi_clients.rows import has_company_form

        company = siret or siren or vat_number or has_company_form(name)
        kind = Kind.BUSINESS if company else Kind.INDIVIDUAL
    postal_code = billing.postal_code if billing else None
    # the defaults are the seller's settings, as stored (« 45 », « eur ») or given to the
    # API: read by the validators too, so that the client holds an int and a code
    currency = (
        c.plain("currency", v.normalize_currency)
        or v.normalize_currency(defaults.get("currency"))
        or "EUR"
    )
    terms_default = defaults.get("terms_days")
    # positional, in the order of Client's fields: about half the time of keywords
    client = Client(
        name or "",
        kind,
        v.normalize_text(raw.get("first_name")),
        c.plain("email", v.normalize_email),
        c.check("phone", v.normalize_phone, country, postal_code),
        billing,
        delivery,
        siret,
        siren,
        vat_number,
        c.plain("terms_days", v.normalize_terms) or v.normalize_terms(terms_default) or 30,
        bool(c.plain("end_of_month", v.parse_bool)),
        c.plain("payment_method", v.normalize_payment_method),
        c.check("discount", v.parse_discount, currency),
        currency,
        v.normalize_sector(raw.get("sector")),
        v.normalize_segment(raw.get("segment")),
        c.check("tags", read_tags, default=[]),
    )
    client.contacts = read_contacts(c, country, postal_code)
    client.fields = read_field_values(c, field_defs or {})
    if c.errors:
        raise ValidationFailed(c.errors)
    warnings = business_warnings(kind, country, siret, siren, vat_number)
    if guessed:
        warnings.append(
            f"Pays déduit de l'indicatif du téléphone : {v.country_label(guessed)} (aucun pays"
            " indiqué) ; vérifiez-le."
        )
    if vat_number and vat_country and vat_country not in (country, "FR"):
        warnings.append(
            f"Le numéro de TVA {vat_number} est celui d'un autre pays"
            f" ({v.country_label(vat_country)}) que l'adresse ({v.country_label(country)}) :"
            " vérifiez le pays du client."
        )
    return Built(client, warnings)


def _not_french_postal(raw: Mapping[str, Any]) -> bool:
    """Whether the client has an address (a city or a postal code) whose postal code is
    absent or is not five digits as written."""
    code, city = v.clean(raw.get("postal_code")), v.clean(raw.get("city"))
    if code is None:
        return city is not None
    return not (len(code) == 5 and code.isdigit())


def _vat_country(vat_number: object) -> str | None:
    """The country a VAT number's prefix names (EL → GR, XI → GB), None without one."""
    text = v.clean(vat_number)
    if not text or len(text) < 2 or not text[:2].isalpha():
        return None
    prefix = text[:2].upper()
    code = {"EL": "GR", "XI": "GB"}.get(prefix, prefix)
    return code if code in EU_COUNTRIES or code == "GB" else None


def client_to_raw(client: Client) -> dict[str, Any]:
    """The raw values that rebuild ``client`` (used by ``edit`` to apply changes)."""
    raw: dict[str, Any] = {
        "kind": client.kind.value,
        "name": client.name,
        "first_name": client.first_name,
        "email": client.email,
        "phone": client.phone,
        "siret": client.siret,
        "siren": client.siren,
        "vat_number": client.vat_number,
        "terms_days": str(client.terms_days),
        "end_of_month": client.end_of_month,
        "payment_method": client.payment_method.value if client.payment_method else None,
        "discount": _discount_text(client),
        "currency": client.currency,
        "sector": client.sector,
        "segment": client.segment,
        "tags": list(client.tags),
    }
    for keys, address in (
        (ADDRESS_KEYS, client.billing_address),
        (DELIVERY_KEYS, client.delivery_address),
    ):
        values = (
            (address.line1, address.line2, address.postal_code, address.city, address.country)
            if address
            else (None,) * 5
        )
        raw.update(zip(keys, values, strict=True))
    return raw


def _discount_text(client: Client) -> str | None:
    if client.discount is None:
        return None
    value = str(client.discount.value)
    return f"{value}%" if client.discount.type == "percent" else value


def apply_changes(
    client: Client,
    changes: Mapping[str, Any],
    unset: Collection[str] = (),
    defaults: Mapping[str, Any] | None = None,
) -> Built:
    """Rebuild ``client`` with some raw values changed or cleared; identity fields are kept.

    :raises ValidationFailed: when a new value (or the combination) is invalid.
    """
    raw = client_to_raw(client)
    for key in unset:
        raw[key] = None
    if "siret" in unset and "siren" not in changes:
        raw["siren"] = None
    raw.update({k: val for k, val in changes.items() if val is not None})
    if changes.get("siret") != client.siret and changes.get("siren") in (None, client.siren):
        raw["siren"] = None  # derived again from the new SIRET
    built = build_client(raw, defaults)
    new = built.client
    new.id = client.id
    new.notes = list(client.notes)
    new.created_at = client.created_at
    new.updated_at = client.updated_at
    new.archived_at = client.archived_at
    new.merged_into = client.merged_into
    new.fields = dict(client.fields)
    new.contacts = list(client.contacts)
    new.blocked = client.blocked
    return built
