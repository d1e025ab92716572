"""Mapping between :class:`Client` objects and rows of the ``clients`` table."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from newbi_clients import validation as v
from newbi_clients.fiscal import zone_of
from newbi_clients.models import (
    Address,
    Blocked,
    Client,
    Contact,
    Discount,
    Kind,
    Note,
    PaymentMethod,
    Zone,
    format_decimal,
)
from newbi_clients.vies import check_of

LEGAL_FORMS = frozenset(
    "sa sas sasu sarl eurl sci snc scop scp selarl selas sca eirl ei ets etablissements"
    " societe ste cie compagnie gmbh ltd llc inc bv nv spa srl sl".split()
)


# legal forms that make a name a company's (« Martin SARL », « Müller GmbH »)
COMPANY_FORMS = frozenset(
    "sa sas sasu sarl eurl sci snc scop scp selarl selas selasu sca gmbh ltd llc inc bv nv spa"
    " srl".split()
)


# what str.isalnum refuses: in a str pattern, \w is exactly str.isalnum plus « _ »
_NOT_ALNUM = re.compile(r"[\W_]")


def words(text: str) -> list[str]:
    """The runs of letters and digits of ``text`` (what ``str.isalnum`` accepts).

    >>> words("S.A.R.L. d'Œuvres_2")
    ['S', 'A', 'R', 'L', 'd', 'Œuvres', '2']
    """
    return _NOT_ALNUM.sub(" ", text).split()


def has_company_form(name: str | None) -> bool:
    """Whether a name carries a company legal form as a word (« ACME SAS », « S.A.R.L. »).

    >>> has_company_form("Martin SARL"), has_company_form("S.A.R.L. Martin")
    (True, True)
    >>> has_company_form("Sarlat Jean")
    False
    """
    if not name:
        return False
    return any(word in COMPANY_FORMS for word in words(v.fold(name).replace(".", "")))


def folded(*parts: str | None) -> str:
    """``fold`` of the parts given, joined by spaces: folding a space-joined text is
    folding each part (case and accents are per character), which lets the cache of
    ``fold`` serve the names and first names that repeat in a book.

    >>> folded("Dupré", None, "Éléonore")
    'dupre eleonore'
    """
    return " ".join(v.fold(p) for p in parts if p)


@lru_cache(maxsize=16384)
def _key_words(part: str) -> tuple[str, ...]:
    return tuple(w for w in words(v.fold(part)) if w not in LEGAL_FORMS)


def name_key(client: Client) -> str:
    """The normalised name used to find probable duplicates: no case, accents, legal form."""
    # the words of the folded « first name » are those of each part, in turn (tuples
    # joined: no generator made for each client of an import)
    first, name = client.first_name, client.name
    found = _key_words(name) if name else ()
    return " ".join(_key_words(first) + found if first else found)


_LIGATURE = re.compile("[œŒæÆ]")


def search_ids(client: Client) -> str:
    """The identifier tokens the search index holds: SIRET, VAT, phone (both forms), the
    SIREN of a client without a SIRET, and the words of the name and city written with a
    ligature (« Œuvre »), spelt out (« oeuvre ») since the index's tokenizer does not
    unfold them. (A SIRET begins with its SIREN, and an identifier is always searched as
    a prefix: the SIRET's token finds its SIREN, which a token of its own would find twice.)"""
    siret, siren = client.siret, client.siren
    tokens = [siret, siren if not (siret and siren and siret.startswith(siren)) else None]
    billing = client.billing_address
    for text in (client.name, client.first_name, billing and billing.city):
        if text and not text.isascii() and _LIGATURE.search(text):
            words = (w for w in text.split() if _LIGATURE.search(w))
            tokens += [v.fold(w).replace("œ", "oe").replace("æ", "ae") for w in words]
    if client.vat_number:
        tokens += [client.vat_number, client.vat_number[2:]]
    if client.phone:
        tokens += phone_tokens(client.phone)
    return " ".join(filter(None, tokens))


# the country codes of France and of its overseas departments and Saint-Pierre-et-
# Miquelon, whose numbers are dialled at home as 0 and the national number (+262 692 12 34
# 56 is « 0692 12 34 56 » at La Réunion, as phonenumbers' national format writes it)
_TRUNK_ZERO_CODES = ("+33", "+262", "+590", "+594", "+596", "+508")


def phone_tokens(phone: str) -> list[str]:
    """The search tokens of a phone number in E.164: its digits and, for a French or
    overseas number, the national form that is dialled (« 33612345678 », « 0612345678 »)."""
    tokens = [phone.lstrip("+")]
    for code in _TRUNK_ZERO_CODES:
        if phone.startswith(code):
            tokens.append("0" + phone[len(code) :])
            break
    return tokens


# a client's state, which only commands change (merged, archived, blocked)
STATE_COLUMNS = ("merged_into", "archived_at", "blocked_at", "blocked_reason")
ROW_COLUMNS = (
    "kind", "name", "first_name", "email", "email_key", "phone",
    "billing_line1", "billing_line2", "billing_postal_code", "billing_city", "billing_country",
    "delivery_line1", "delivery_line2", "delivery_postal_code", "delivery_city",
    "delivery_country",
    "siret", "siren", "vat_number", "zone", "terms_days", "end_of_month", "payment_method",
    "discount_type", "discount_value", "currency", "sector", "segment",
    "sort_name", "name_key", "search_ids",
    *STATE_COLUMNS,
)  # fmt: skip
_NO_ADDRESS = Address()
_NO_DELIVERY = (None,) * 5
# an enum's ``.value`` goes through a descriptor (about 0.1 µs a read): from dicts instead
_KINDS = {member: member.value for member in Kind}
_METHODS = {member: member.value for member in PaymentMethod}
_ZONES = {member: member.value for member in Zone}


@lru_cache(maxsize=1024)
def _zone_value(country: str) -> str:
    """The ``zone`` column of a country (a few countries repeat over a whole import)."""
    return _ZONES[zone_of(country)]


def client_to_row(client: Client) -> dict[str, Any]:
    """The ``clients`` row of a client (without id and timestamps)."""
    return dict(zip(ROW_COLUMNS, client_values(client), strict=True))


def client_values(client: Client) -> tuple[Any, ...]:
    """The values of :func:`client_to_row`, in the order of :data:`ROW_COLUMNS`: an
    import stages a tuple of them for every row, with no dict made on the way."""
    billing = client.billing_address or _NO_ADDRESS
    delivery = client.delivery_address
    discount = client.discount
    blocked = client.blocked
    kind = client.kind
    email = client.email
    return (
        _KINDS[kind],
        client.name,
        client.first_name,
        email,
        v.email_key(email),
        client.phone,
        billing.line1,
        billing.line2,
        billing.postal_code,
        billing.city,
        billing.country,
        *(
            (delivery.line1, delivery.line2, delivery.postal_code, delivery.city, delivery.country)
            if delivery
            else _NO_DELIVERY
        ),
        client.siret,
        client.siren,
        client.vat_number,
        _zone_value(billing.country),
        client.terms_days,
        int(client.end_of_month),
        _METHODS[client.payment_method] if client.payment_method else None,
        discount.type if discount else None,
        _discount_value(client),
        client.currency,
        client.sector,
        client.segment,
        (
            v.fold(client.display_name)
            if kind is Kind.BUSINESS
            else folded(client.name, client.first_name)
        ),
        name_key(client),
        search_ids(client),
        client.merged_into,
        client.archived_at,
        blocked.at if blocked else None,
        blocked.reason if blocked else None,
    )


def _address(row: dict[str, Any], prefix: str) -> Address | None:
    line1, line2, postal_code, city, country = (
        row[f"{prefix}_{k}"] for k in ("line1", "line2", "postal_code", "city", "country")
    )
    if not (line1 or line2 or postal_code or city) and (
        country is None or (prefix == "billing" and country == "FR")
    ):
        return None
    return Address(line1, line2, postal_code, city, country or "FR")


def contact_search_words(contact: Contact) -> str:
    """What the search index holds of a contact: names, email, phone in both forms."""
    tokens = [contact.first_name, contact.last_name, contact.email]
    if contact.phone:
        tokens += phone_tokens(contact.phone)
    return " ".join(t for t in tokens if t)


def contact_to_row(contact: Contact) -> dict[str, Any]:
    """The ``contacts`` row of a contact (without ids and timestamps)."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "position": contact.position,
        "department": contact.department,
        "email": contact.email,
        "email_key": v.email_key(contact.email),
        "phone": contact.phone,
        "is_primary": int(contact.primary),
        "search_words": contact_search_words(contact),
    }


def contacts_from_json(text: str | None) -> list[Contact]:
    """Contacts from the JSON array that the client query gathers (see ``CONTACTS_SQL``)."""
    if not text:
        return []
    return [
        Contact(first, last, position, dept, email, phone, bool(primary), cid)
        for cid, first, last, position, dept, email, phone, primary in json.loads(text)
    ]


def row_to_client(row: dict[str, Any]) -> Client:
    """A Client from a ``clients`` row (with ``tag_names`` and optional ``notes_json``,
    ``contacts_json`` and ``fields_json``)."""
    notes_json = row.get("notes_json")
    notes = [Note(at, text, nid) for nid, at, text in json.loads(notes_json)] if notes_json else []
    tag_names = row.get("tag_names")
    return Client(
        id=row["id"],
        kind=Kind(row["kind"]),
        name=row["name"],
        first_name=row["first_name"],
        email=row["email"],
        phone=row["phone"],
        billing_address=_address(row, "billing"),
        delivery_address=_address(row, "delivery"),
        siret=row["siret"],
        siren=row["siren"],
        vat_number=row["vat_number"],
        terms_days=row["terms_days"],
        end_of_month=bool(row["end_of_month"]),
        payment_method=PaymentMethod(row["payment_method"]) if row["payment_method"] else None,
        discount=(
            Discount(row["discount_type"], Decimal(row["discount_value"]))
            if row["discount_type"]
            else None
        ),
        currency=row["currency"],
        sector=row["sector"],
        segment=row["segment"],
        tags=sorted(tag_names.split("\x1f"), key=v.tag_key) if tag_names else [],
        notes=notes,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        archived_at=row["archived_at"],
        merged_into=row["merged_into"],
        fields=dict(json.loads(row["fields_json"])) if row.get("fields_json") else {},
        contacts=contacts_from_json(row.get("contacts_json")),
        blocked=(
            Blocked(row["blocked_at"], row.get("blocked_reason") or "")
            if row.get("blocked_at")
            else None
        ),
        vies=check_of(row["vat_number"], row.get("vies_json")),
        revenue_cents=row.get("revenue_cents") or 0,
    )


def _discount_value(client: Client) -> str | None:
    """A percentage without useless zeros (« 5 », « 12.5 »), an amount with its cents."""
    if client.discount is None:
        return None
    if client.discount.type == "percent":
        return format_decimal(client.discount.value)
    return str(client.discount.value)
