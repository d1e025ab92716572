"""vCard export (4.0, RFC 6350): a card per client, and a card per contact of a company.

A contact is its own card (``KIND:individual``) that names its company in ``ORG`` (with
its department as the organisational unit) and its position in ``TITLE``, and points at
the company's card with ``RELATED`` (the company card's ``UID``). khard and Google
Contacts read such a contact back with its company and job title. (A ``MEMBER`` list is
for ``KIND:group`` cards only, RFC 6350 6.6.5: a company's card does not list its
people.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from newbi_clients.models import Client, Contact, Kind


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
