"""The contacts of a client: the people of a company (its buyer, its accounting).

Each contact has a first and last name, a position, a department, an email and a phone
(validated like a client's: the phone read in the client's country, stored E.164). A
client with contacts has exactly one primary contact: the first one, unless another is
named. A contact's email is unique among active clients and their contacts, like a
client's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newbi_clients import validation as v
from newbi_clients.errors import DuplicateClient, FieldError, NewbiError, ValidationFailed
from newbi_clients.models import CONTACT_FIELDS, Contact
from newbi_clients.rows import contact_to_row

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore

CONTACTS_SQL = (
    "(SELECT json_group_array(json_array(k.id, k.first_name, k.last_name, k.position,"
    " k.department, k.email, k.phone, k.is_primary)) FROM (SELECT * FROM contacts"
    " WHERE client_id = c.id ORDER BY is_primary DESC, id) k) AS contacts_json"
)
CONTACT_LABELS = {
    "first_name": "Prénom",
    "last_name": "Nom",
    "position": "Fonction",
    "department": "Service",
    "email": "Email",
    "phone": "Téléphone",
    "primary": "Contact principal",
}


class ContactNotFound(NewbiError):
    """No contact of this client matches the reference."""


def build_contact(
    raw: Mapping[str, Any], country: str = "FR", postal_code: str | None = None
) -> Contact:
    """Validate raw values (keys of :data:`CONTACT_FIELDS` and ``primary``) into a Contact.

    :raises ValidationFailed: with one error per invalid field, or when the contact has
        neither a name nor an email nor a phone.
    """
    from newbi_clients.hygiene import clean_raw

    raw, over = clean_raw(raw)  # no control character, no value over its length limit
    errors = [FieldError(f"contacts.{key}", value, message, key) for key, value, message in over]

    def check(key: str, func: Any, *args: Any) -> Any:
        try:
            return func(raw.get(key), *args)
        except ValidationFailed as exc:
            errors.extend(
                FieldError(f"contacts.{key}", e.value, e.message, key) for e in exc.errors
            )
            return None

    contact = Contact(
        first_name=v.normalize_text(raw.get("first_name")),
        last_name=v.normalize_text(raw.get("last_name")),
        position=v.normalize_text(raw.get("position")),
        department=v.normalize_text(raw.get("department")),
        email=check("email", v.normalize_email),
        phone=check("phone", v.normalize_phone, country, postal_code),
        primary=bool(check("primary", v.parse_bool)) if v.clean(raw.get("primary")) else False,
    )
    if errors:
        raise ValidationFailed(errors)
    if not (contact.first_name or contact.last_name or contact.email or contact.phone):
        raise ValidationFailed.single(
            "contacts",
            None,
            "Contact vide : donnez au moins un nom, un prénom, un email ou un téléphone",
        )
    return contact


def contact_to_raw(contact: Contact) -> dict[str, Any]:
    """The raw values that rebuild ``contact`` (used to apply changes)."""
    raw: dict[str, Any] = {key: getattr(contact, key) for key in CONTACT_FIELDS}
    raw["primary"] = "oui" if contact.primary else None
    return raw


def with_primary(contacts: Sequence[Contact]) -> list[Contact]:
    """The contacts with exactly one primary (the first one flagged, else the first)."""
    chosen = next((i for i, c in enumerate(contacts) if c.primary), 0)
    return [replace(c, primary=i == chosen) for i, c in enumerate(contacts)]


def insert_contacts(store: ClientStore, client_id: int, contacts: Sequence[Contact]) -> None:
    """Insert the contacts of a new client (one primary), inside the caller's transaction."""
    if not contacts:
        return
    has_primary = store.execute(
        "SELECT 1 FROM contacts WHERE client_id = ? AND is_primary", [client_id]
    ).fetchone()
    contacts = with_primary(contacts)
    if has_primary:
        contacts = [replace(c, primary=False) for c in contacts]
    stamp = _now()
    for contact in contacts:
        _insert(store, client_id, contact, stamp)


def _insert(store: ClientStore, client_id: int, contact: Contact, stamp: str) -> int:
    row = contact_to_row(contact)
    cursor = store.execute(
        f"INSERT INTO contacts (client_id, {', '.join(row)}, created_at, updated_at)"
        f" VALUES (?, {', '.join('?' * len(row))}, ?, ?)",
        [client_id, *row.values(), stamp, stamp],
    )
    return int(cursor.lastrowid or 0)


def _now() -> str:
    from newbi_clients.storage import now

    return now()


def contacts_snapshot(store: ClientStore, client_id: int) -> list[dict[str, Any]]:
    """The contacts of a client as stored, for the audit log."""
    return [c.to_dict() for c in contacts_of(store, client_id)]


def contacts_of(store: ClientStore, client_id: int) -> list[Contact]:
    """The contacts of a client, the primary one first."""
    rows = store.execute(
        "SELECT first_name, last_name, position, department, email, phone, is_primary, id"
        " FROM contacts WHERE client_id = ? ORDER BY is_primary DESC, id",
        [client_id],
    ).fetchall()
    return [Contact(r[0], r[1], r[2], r[3], r[4], r[5], primary=bool(r[6]), id=r[7]) for r in rows]


def check_email(
    store: ClientStore, client_id: int, contact: Contact, contact_id: int | None = None
) -> None:
    """:raises DuplicateClient: when another active client, or a contact (of this client
    or another), already has this contact's email. The client's own email is allowed:
    a company's only person often answers on the company's address."""
    from newbi_clients.lookup import email_holders

    matches = [
        m
        for m in email_holders(store, contact.email, exclude_contact=contact_id)
        if not (m.existing.id == client_id and m.contact is None)
    ]
    if matches:
        raise DuplicateClient(matches)


def find_contact(client: Client, ref: str) -> Contact:
    """The contact of ``client`` that ``ref`` designates: its id, its exact email, or a
    fragment of its name matching one contact.

    :raises ContactNotFound: when none or several match.
    """
    text = ref.strip().lstrip("#")
    if text.isdigit():
        found = [c for c in client.contacts if c.id == int(text)]
    elif "@" in text:
        found = [c for c in client.contacts if v.email_key(c.email) == v.email_key(text)]
    else:
        key = v.fold(text)
        found = [c for c in client.contacts if key in v.fold(c.display_name)]
    if len(found) == 1:
        return found[0]
    listed = ", ".join(f"{c.id} ({c.display_name})" for c in client.contacts) or "aucun"
    what = "désigne plusieurs contacts" if found else "ne désigne aucun contact"
    raise ContactNotFound(
        f"« {ref} » {what} de #{client.id} {client.display_name} (contacts : {listed})."
        " Donnez l'identifiant du contact (« newbi-clients contact list"
        f" {client.id} »)."
    )


def add_contact(
    store: ClientStore, client: Client, contact: Contact, allow_duplicate: bool = False
) -> Contact:
    """Add a contact to a client; the first one, or one flagged primary, becomes primary.

    :raises DuplicateClient: when its email is already used (unless ``allow_duplicate``).
    """
    assert client.id is not None
    with store.transaction():
        if not allow_duplicate:
            check_email(store, client.id, contact)
        existing = contacts_of(store, client.id)
        primary = contact.primary or not existing
        if primary:
            store.execute("UPDATE contacts SET is_primary = 0 WHERE client_id = ?", [client.id])
        stamp = _now()
        contact_id = _insert(store, client.id, replace(contact, primary=primary), stamp)
        added = replace(contact, primary=primary, id=contact_id)
        _touch(store, client.id, stamp)
        store.audit("contact_add", client.id, None, None, {"contact": added.to_dict()})
    return added


def edit_contact(
    store: ClientStore,
    client: Client,
    contact: Contact,
    changes: Mapping[str, Any],
    unset: Sequence[str] = (),
    allow_duplicate: bool = False,
) -> Contact:
    """Change some fields of a contact (raw values, validated); ``primary`` makes it the
    primary contact (a primary contact stops being one only when another is named).

    :raises ValidationFailed: for an invalid value.
    :raises DuplicateClient: when the new email is already used.
    """
    assert client.id is not None and contact.id is not None
    raw = contact_to_raw(contact)
    for key in unset:
        raw[key] = None
    raw.update({k: val for k, val in changes.items() if val is not None})
    postal_code = client.billing_address.postal_code if client.billing_address else None
    new = replace(build_contact(raw, client.country, postal_code), id=contact.id)
    new.primary = new.primary or contact.primary
    with store.transaction():
        if not allow_duplicate:
            check_email(store, client.id, new, contact.id)
        if new.primary and not contact.primary:
            store.execute("UPDATE contacts SET is_primary = 0 WHERE client_id = ?", [client.id])
        row = contact_to_row(new)
        stamp = _now()
        store.execute(
            f"UPDATE contacts SET {', '.join(f'{k} = ?' for k in row)}, updated_at = ?"
            " WHERE id = ? AND client_id = ?",
            [*row.values(), stamp, contact.id, client.id],
        )
        _touch(store, client.id, stamp)
        store.audit("contact_edit", client.id, {"contact": contact.to_dict()},
                    {"contact": new.to_dict()})  # fmt: skip
    return new


def remove_contact(store: ClientStore, client: Client, contact: Contact) -> None:
    """Remove a contact; when it was the primary one, the next contact becomes primary."""
    assert client.id is not None
    with store.transaction():
        store.execute(
            "DELETE FROM contacts WHERE id = ? AND client_id = ?", [contact.id, client.id]
        )
        ensure_primary(store, client.id)
        _touch(store, client.id, _now())
        store.audit("contact_remove", client.id, {"contact": contact.to_dict()}, None)


def ensure_primary(store: ClientStore, client_id: int) -> None:
    """Make the oldest contact primary when the client has contacts but no primary one."""
    store.execute(
        "UPDATE contacts SET is_primary = 1 WHERE id = (SELECT min(id) FROM contacts"
        " WHERE client_id = ?) AND NOT EXISTS (SELECT 1 FROM contacts WHERE client_id = ?"
        " AND is_primary)",
        [client_id, client_id],
    )


def _touch(store: ClientStore, client_id: int, stamp: str) -> None:
    store.execute("UPDATE clients SET updated_at = ? WHERE id = ?", [stamp, client_id])
