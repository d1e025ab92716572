"""vCard: export (4.0, RFC 6350) and import (3.0 and 4.0, many cards a file).

Export: a card per client, and a card per contact of a company. A contact is its own
card (``KIND:individual``) that names its company in ``ORG`` (with its department as the
organisational unit) and its position in ``TITLE``, and points at the company's card
with ``RELATED`` (the company card's ``UID``). khard and Google Contacts read such a
contact back with its company and job title. (A ``MEMBER`` list is for ``KIND:group``
cards only, RFC 6350 6.6.5: a company's card does not list its people.)

Import: vobject (the parser khard uses) reads the cards; each card becomes a row whose
columns are named ``vcard:…``, and the ``vcard`` profile of ``profiles.json`` maps them to
fields. Several emails, phones or categories are joined with « ::: » (the profile's
multi-value separator); an address whose label is « Livraison » (as our export writes
it) is the delivery address; our ``X-NEWBI-FISCAL`` line gives the SIRET and VAT number.
A person's card that points at a company's card of the file (``RELATED``, or ``ORG``
naming it) is one of that company's contacts, not a client of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from newbi_clients.errors import ImportRejected
from newbi_clients.models import Client, Contact, Kind
from newbi_clients.transfer.read import Table


def _vtext(value: str) -> str:
    """Escape a vCard text value (RFC 6350 section 3.4)."""
    return (
        value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\n")
        .replace("\n", "\\n")
    )  # fmt: skip


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 6350 3.2)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"


def client_to_vcard(client: Client) -> str:
    """A client as a vCard 4.0."""
    from newbi_clients.validation import country_label

    lines = ["BEGIN:VCARD", "VERSION:4.0"]
    if client.kind is Kind.BUSINESS:
        lines += ["KIND:org", f"FN:{_vtext(client.name)}", f"ORG:{_vtext(client.name)}"]
    else:
        lines += [
            "KIND:individual",
            f"FN:{_vtext(client.display_name)}",
            f"N:{_vtext(client.name)};{_vtext(client.first_name or '')};;;",
        ]
    if client.email:
        lines.append(f"EMAIL;TYPE=work:{_vtext(client.email)}")
    if client.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=voice:tel:{client.phone}")
    for kind, address in (("work", client.billing_address), ("delivery", client.delivery_address)):
        if address is None:
            continue
        parts = ("", address.line2 or "", address.line1 or "", address.city or "", "",
                 address.postal_code or "", country_label(address.country))  # fmt: skip
        label = "TYPE=work" if kind == "work" else 'TYPE=work;LABEL="Livraison"'
        lines.append(f"ADR;{label}:{';'.join(_vtext(p) for p in parts)}")
    if client.tags:
        lines.append("CATEGORIES:" + ",".join(_vtext(t) for t in client.tags))
    for note in client.notes:
        lines.append(f"NOTE:{_vtext(f'[{note.at}] {note.text}')}")
    if client.siret or client.vat_number:
        ids = ", ".join(
            f"{k} {x}" for k, x in (("SIRET", client.siret), ("TVA", client.vat_number)) if x
        )
        lines.append(f"X-NEWBI-FISCAL:{_vtext(ids)}")
    lines.append(f"UID:urn:newbi-clients:client:{client.id}")
    if client.updated_at:
        stamp = client.updated_at.replace("-", "").replace(":", "").replace("+0000", "Z")
        lines.append(f"REV:{stamp}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def contact_to_vcard(client: Client, contact: Contact) -> str:
    """A contact of a client as its own vCard 4.0, linked to the client's card."""
    name = client.name if client.kind is Kind.BUSINESS else client.display_name
    org = _vtext(name) + (f";{_vtext(contact.department)}" if contact.department else "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"FN:{_vtext(contact.display_name)}",
        f"N:{_vtext(contact.last_name or '')};{_vtext(contact.first_name or '')};;;",
        f"ORG:{org}",
    ]
    if contact.position:
        lines.append(f"TITLE:{_vtext(contact.position)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{_vtext(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=work,voice:tel:{contact.phone}")
    lines += [
        f"RELATED:urn:newbi-clients:client:{client.id}",
        f"UID:urn:newbi-clients:contact:{contact.id}",
        "END:VCARD",
    ]
    return "".join(_fold(line) for line in lines)


def write_vcard(clients: Iterable[Client], out: TextIO) -> int:
    """vCards one after the other, each client's contacts after it; returns the number of
    clients."""
    count = 0
    for client in clients:
        out.write(client_to_vcard(client))
        for contact in client.contacts:
            out.write(contact_to_vcard(client, contact))
        count += 1
    return count


# --- import -----------------------------------------------------------------------

HEADER = [
    "vcard:fn", "vcard:n.family", "vcard:n.given", "vcard:org", "vcard:kind", "vcard:title",
    "vcard:email", "vcard:tel", "vcard:adr.street", "vcard:adr.extended", "vcard:adr.code",
    "vcard:adr.city", "vcard:adr.country", "vcard:delivery.street", "vcard:delivery.extended",
    "vcard:delivery.code", "vcard:delivery.city", "vcard:delivery.country", "vcard:siret",
    "vcard:vat", "vcard:categories", "vcard:note", "vcard:contacts",
]  # fmt: skip
SEPARATOR = " ::: "
_KINDS = {"org": "professionnel", "organization": "professionnel", "individual": "particulier"}
_FISCAL = re.compile(r"(SIRET|TVA)\s+(\S+)")


def open_vcard(path: Path) -> Table:
    """The cards of a .vcf file as rows.

    :raises ImportRejected: when the file holds no card or cannot be parsed.
    """
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text("cp1252")
    if "BEGIN:VCARD" not in text.upper():
        raise ImportRejected(f"{path.name} ne contient aucune fiche vCard (BEGIN:VCARD).")
    rows = list(_rows(text, path.name))
    return Table("vcard", list(HEADER), 1, iter(rows), encoding="utf-8", size_hint=len(rows))


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """A row per card; a person's card that belongs to a company's card of the file is
    put in that company's row as a contact instead."""
    import vobject

    try:
        cards = list(vobject.readComponents(text))
    except Exception as exc:  # vobject raises ParseError and a few others
        raise ImportRejected(f"{name} : fiche vCard illisible ({exc}).") from None
    rows = {number: _cells(card) for number, card in enumerate(cards, start=2)}
    companies = {}  # UID or name of each company card → its row number
    for number, card in enumerate(cards, start=2):
        if _first(card, "kind").lower() in ("org", "organization"):
            companies[_first(card, "uid")] = number
            companies[_first(card, "fn").casefold()] = number
    companies.pop("", None)
    for number, card in enumerate(cards, start=2):
        if number in companies.values():
            continue
        owner = companies.get(_first(card, "related")) or companies.get(
            _text(_org(card)[0]).casefold() if _org(card) else ""
        )
        if owner is not None:
            people = json.loads(rows[owner][-1] or "[]")
            people.append(_person(card))
            rows[owner][-1] = json.dumps(people, ensure_ascii=False)
            del rows[number]
    yield from rows.items()


def _first(card: Any, prop: str) -> str:
    return _text(next(iter(_values(card, prop)), ""))


def _org(card: Any) -> list[str]:
    """The organisation of a card and its units (ORG:Company;Department)."""
    for org in _values(card, "org")[:1]:
        return [str(o) for o in org] if isinstance(org, list) else [str(org)]
    return []


def _person(card: Any) -> dict[str, Any]:
    """A contact's card as the fields of a contact."""
    n = next(iter(_values(card, "n")), None)
    org = _org(card)
    return {
        "first_name": _text(n.given) if n else None,
        "last_name": _text(n.family) if n else _first(card, "fn"),
        "position": _first(card, "title") or None,
        "department": org[1] if len(org) > 1 and org[1] else None,
        "email": _first(card, "email") or None,
        "phone": _first(card, "tel").removeprefix("tel:") or None,
    }


def _values(card: Any, prop: str) -> list[Any]:
    return [line.value for line in card.contents.get(prop, [])]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _cells(card: Any) -> list[str]:
    cells = dict.fromkeys(HEADER, "")
    cells["vcard:fn"] = _text(next(iter(_values(card, "fn")), ""))
    for n in _values(card, "n")[:1]:
        cells["vcard:n.family"], cells["vcard:n.given"] = _text(n.family), _text(n.given)
    org = _org(card)
    cells["vcard:org"] = org[0] if org else ""
    kind = _text(next(iter(_values(card, "kind")), "")).lower()
    cells["vcard:kind"] = _KINDS.get(kind, "")
    cells["vcard:title"] = _text(next(iter(_values(card, "title")), ""))
    cells["vcard:email"] = SEPARATOR.join(_text(e) for e in _values(card, "email"))
    phones = (_text(t).removeprefix("tel:") for t in _values(card, "tel"))
    cells["vcard:tel"] = SEPARATOR.join(phones)
    for line in card.contents.get("adr", []):
        label = " ".join(line.params.get("LABEL", [])).strip('"').lower()
        prefix = "vcard:delivery" if label == "livraison" else "vcard:adr"
        if cells[f"{prefix}.street"] or cells[f"{prefix}.city"]:
            continue  # the first address of each kind
        adr = line.value
        cells[f"{prefix}.street"] = _text(adr.street)
        cells[f"{prefix}.extended"] = _text(adr.extended)
        cells[f"{prefix}.code"] = _text(adr.code)
        cells[f"{prefix}.city"] = _text(adr.city)
        cells[f"{prefix}.country"] = _text(adr.country)
    for fiscal in _values(card, "x-newbi-fiscal"):
        for key, value in _FISCAL.findall(_text(fiscal)):
            cells["vcard:siret" if key == "SIRET" else "vcard:vat"] = value.rstrip(",")
    categories = [c for value in _values(card, "categories") for c in _as_list(value)]
    cells["vcard:categories"] = SEPARATOR.join(c.strip() for c in categories if c.strip())
    cells["vcard:note"] = "\n".join(_text(n) for n in _values(card, "note"))
    return [cells[h] for h in HEADER]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split(",")
