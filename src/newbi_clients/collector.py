"""Reading the parts of a raw client (see :mod:`newbi_clients.builder`): each field's
validator run with every error kept, and the address, contacts, custom field values and
tags that several raw keys make."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from newbi_clients import validation as v
from newbi_clients.errors import FieldError, ValidationFailed
from newbi_clients.fiscal import overseas_country
from newbi_clients.models import Address, Contact, FieldDef
from newbi_clients.validation import NONE_FOR_NONE

# The person of a company row (an import's « Contact … » columns): its primary contact.
CONTACT_KEYS = (
    "contact_first_name",
    "contact_last_name",
    "contact_position",
    "contact_department",
    "contact_email",
    "contact_phone",
)


# The JSON key a raw key belongs to, for error reports.
ERROR_FIELD = {
    "address": "billing_address.line1",
    "line2": "billing_address.line2",
    "postal_code": "billing_address.postal_code",
    "city": "billing_address.city",
    "country": "billing_address.country",
    "delivery_address": "delivery_address.line1",
    "delivery_line2": "delivery_address.line2",
    "delivery_postal_code": "delivery_address.postal_code",
    "delivery_city": "delivery_address.city",
    "delivery_country": "delivery_address.country",
}


class Collector:
    """Runs each field's validator, keeping every error instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.get = raw.get  # bound once: ``check`` runs some fifteen times a client
        self.errors: list[FieldError] = []

    def plain(self, key: str, func: Callable[[Any], Any]) -> Any:
        """:meth:`check` of a validator of the value alone, None on error: a fixed number
        of arguments is called about a third faster than ``*args`` and a keyword."""
        value = self.get(key)
        if value is None and func in NONE_FOR_NONE:
            return None
        try:
            return func(value)
        except ValidationFailed as exc:
            self.failed(key, exc)
            return None

    def check(self, key: str, func: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        value = self.get(key)
        if value is None and func in NONE_FOR_NONE:
            return None  # most cells of an imported row are empty: no call for them
        try:
            return func(value, *args)
        except ValidationFailed as exc:
            self.failed(key, exc)
            return default

    def failed(self, key: str, exc: ValidationFailed) -> None:
        for err in exc.errors:
            self.errors.append(
                FieldError(ERROR_FIELD.get(key, err.field), err.value, err.message, key)
            )


def read_address(c: Collector, keys: tuple[str, ...], default_country: str) -> Address | None:
    values = list(map(c.get, keys))
    if values.count(None) == len(keys):
        return None  # nothing given (the usual delivery address): what the lines below give
    line1, line2, _, city, country_given = values
    _, _, pc_key, _, country_key = keys
    given = v.clean(country_given)
    country = default_country
    known = True
    if given:
        found = c.plain(country_key, v.normalize_country)
        country, known = found or default_country, found is not None
    # a postal code is checked against its country; against no other when that is refused
    # (« Schweiz » unknown is one error, not a French postal code error besides)
    postal_code = (
        c.check(pc_key, v.normalize_postal_code, country) if known else v.clean(c.get(pc_key))
    )
    normalize_text = v.normalize_text
    address = Address(  # line1, line2, postal code, city, country
        normalize_text(line1),
        normalize_text(line2),
        postal_code,
        normalize_text(city),
        overseas_country(country, postal_code),
    )
    if address.is_empty() and (not given or country_key != "country" or country == "FR"):
        return None  # an address is more than a country (but a billing country alone counts)
    return address


CONTACT_MESSAGE = 'Contact illisible : un objet JSON est attendu, ex. {"last_name": "Martin"}'
_FLAT_CONTACT = tuple(key.removeprefix("contact_") for key in CONTACT_KEYS)


def read_contacts(c: Collector, country: str, postal_code: str | None) -> list[Contact]:
    listed = c.get("contacts")
    if listed and not isinstance(listed, list | tuple):
        listed = [listed]  # one person, or what is not a list of them
    given: list[tuple[object, bool]] = [(r, False) for r in listed] if listed else []
    values = list(map(c.get, CONTACT_KEYS))
    # most rows have no « Contact … » column: all None, counted without a Python loop
    if values.count(None) < len(values) and any(v.clean(value) for value in values):
        given.append((dict(zip(_FLAT_CONTACT, values, strict=True)), True))
    if not given:
        return []
    from newbi_clients.contacts import build_contact, with_primary

    contacts = []
    for person, is_flat in given:
        if not isinstance(person, Mapping):
            c.errors.append(FieldError("contacts", v.clean(person), CONTACT_MESSAGE, "contacts"))
            continue
        try:
            contacts.append(build_contact(person, country, postal_code))
        except ValidationFailed as exc:
            for err in exc.errors:
                key = f"contact_{err.key}" if is_flat and err.key else None
                c.errors.append(FieldError(err.field, err.value, err.message, key))
    return with_primary(contacts) if contacts else []


def read_field_values(c: Collector, field_defs: Mapping[str, FieldDef]) -> dict[str, str]:
    given = c.raw.get("fields")
    if not given:
        return {}
    from newbi_clients.customfields import field_key, normalize_value

    values: dict[str, str] = {}
    for name, value in given.items():
        fdef = field_defs.get(field_key(name))
        if fdef is None:
            c.errors.append(FieldError(f"fields.{name}", v.clean(value),
                                       f"Champ personnalisé inconnu : « {name} »"))  # fmt: skip
            continue
        try:
            text = normalize_value(fdef, value)
        except ValidationFailed as exc:
            c.errors.extend(FieldError(e.field, e.value, e.message, f"fields.{name}")
                            for e in exc.errors)  # fmt: skip
            continue
        if text is not None:
            values[fdef.name] = text
    return values


def read_tags(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return list(_tags_of_text(value))
    return v.normalize_tags(value)  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def _tags_of_text(text: str) -> tuple[str, ...]:
    """The tags of one text: a few combinations repeat over a whole file (a list that is
    too long raises, and is not cached)."""
    return tuple(v.normalize_tags([text]))
