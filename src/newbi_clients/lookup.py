"""Finding clients: resolving a ``CLIENT`` reference, and the clients (or their contacts)
that already hold an email or a SIRET."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newbi_clients import validation as v
from newbi_clients.clauses import siren_sql, status_condition
from newbi_clients.errors import AmbiguousClient, ClientNotFound, ClientRef, DuplicateMatch
from newbi_clients.text import is_ascii_digits

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore

ACTIVE_SQL = status_condition("active")
ARCHIVED_SQL = status_condition("archived")


def display(name: str, first_name: str | None, kind: str) -> str:
    """The display name of a client row: « Prénom Nom » for an individual."""
    return f"{first_name} {name}" if kind == "individual" and first_name else name


def resolve(store: ClientStore, ref: str, follow_merged: bool = True) -> Client:
    """The one client a reference designates.

    A reference is an id (``12`` or ``#12``), an exact email (the client's or one of its
    contacts'), SIRET, SIREN or VAT number, or a name fragment matching exactly one
    active client; archived clients are looked at only when no active one matches. A
    merged client's id resolves to the client it was merged into.

    :raises ClientNotFound: when nothing matches.
    :raises AmbiguousClient: when a fragment matches several clients.
    """
    text = ref.strip()
    if not text:
        raise ClientNotFound(ref)
    digits = text.lstrip("#")
    # an id is written with ASCII digits (``int`` would also read « ١٢ » or « １２ »)
    numeric = is_ascii_digits(digits)
    if numeric and len(digits) > 18:
        raise ClientNotFound(ref)
    if numeric and len(digits) not in (9, 14):
        row = store.execute("SELECT id FROM clients WHERE id = ?", [int(digits)]).fetchone()
        ids = [row[0]] if row else []
    else:
        ids = _ids_for(store, text, ACTIVE_SQL) or _ids_for(store, text, ARCHIVED_SQL)
    if len(ids) == 1:
        client = store.get(ids[0])
        while follow_merged and client.merged_into is not None:
            client = store.get(client.merged_into)
        return client
    if len(ids) > 1:
        refs = [ClientRef(i, store.get(i).display_name) for i in ids[:10]]
        raise AmbiguousClient(ref, refs, more=len(ids) > 10)
    raise ClientNotFound(ref)


def _ids_for(store: ClientStore, text: str, state: str) -> list[int]:
    compact = v.match_key(text).upper()
    for condition, value in (
        ("email_key = :key", v.email_key(text) if "@" in text else None),
        ("siret = :key", compact if len(compact) == 14 and is_ascii_digits(compact) else None),
        (siren_sql(":key"), compact if len(compact) == 9 and is_ascii_digits(compact) else None),
        ("vat_number = :key", compact if len(compact) > 4 and compact[:2].isalpha() else None),
    ):
        if value is None:
            continue
        rows = store.execute(
            f"SELECT id FROM clients WHERE {condition} AND {state} ORDER BY id LIMIT 11",
            {"key": value},
        ).fetchall()
        if not rows and condition.startswith("email_key"):
            rows = store.execute(
                "SELECT DISTINCT client_id FROM contacts WHERE email_key = ? AND EXISTS"
                f" (SELECT 1 FROM clients WHERE id = contacts.client_id AND {state}) LIMIT 11",
                [value],
            ).fetchall()
        if rows:
            return [r[0] for r in rows]
    return _ids_by_name(store, text, state)


def _ids_by_name(store: ClientStore, text: str, state: str) -> list[int]:
    key = v.fold(" ".join(text.split()))
    rows = store.execute(
        f"SELECT id FROM clients WHERE sort_name = ? AND {state} LIMIT 11", [key]
    ).fetchall()
    if rows:
        return [r[0] for r in rows]
    words = [w for w in text.split() if w]
    match = " AND ".join('{name first_name} : "' + w.replace('"', '""') + '"*' for w in words)
    if not match:
        return []
    c_state = state.replace("archived_at", "c.archived_at").replace("merged_into", "c.merged_into")
    rows = store.execute(
        "SELECT c.id FROM clients_fts f JOIN clients c ON c.id = f.rowid WHERE clients_fts"
        f" MATCH ? AND {c_state} ORDER BY c.sort_name LIMIT 11",
        [match],
    ).fetchall()
    return [r[0] for r in rows]


def email_holders(
    store: ClientStore, email: str | None, exclude_client: int | None = None,
    exclude_contact: int | None = None,
) -> list[DuplicateMatch]:  # fmt: skip
    """The active clients, and the contacts of active clients, that hold this email
    (case-insensitive), other than the ones excluded."""
    key = v.email_key(email)
    if not key:
        return []
    matches = [
        DuplicateMatch(ClientRef(r[0], display(r[1], r[2], r[3])), "email", email or "")
        for r in store.execute(
            f"SELECT id, name, first_name, kind FROM clients WHERE email_key = ? AND {ACTIVE_SQL}"
            " AND id IS NOT ? ORDER BY id",
            [key, exclude_client],
        )
    ]
    for r in store.execute(
        "SELECT c.id, c.name, c.first_name, c.kind, ct.id, ct.first_name, ct.last_name,"
        " ct.email FROM contacts ct JOIN clients c ON c.id = ct.client_id"
        f" WHERE ct.email_key = ? AND {status_condition('active', 'c')} AND ct.id IS NOT ?"
        " ORDER BY c.id, ct.id",
        [key, exclude_contact],
    ):
        person = " ".join(p for p in (r[5], r[6]) if p) or r[7]
        ref = ClientRef(r[0], display(r[1], r[2], r[3]))
        matches.append(DuplicateMatch(ref, "email", email or "", contact=person))
    return matches


def find_duplicates(store: ClientStore, client: Client) -> list[DuplicateMatch]:
    """Active clients (other than ``client`` itself) with the same email or SIRET, and
    contacts of other active clients with the same email."""
    matches = [m for m in email_holders(store, client.email) if m.existing.id != client.id]
    if client.siret:
        rows = store.execute(
            f"SELECT id, name, first_name, kind FROM clients WHERE siret = ? AND {ACTIVE_SQL}"
            " AND id IS NOT ? ORDER BY id",
            [client.siret, client.id],
        ).fetchall()
        for r in rows:
            ref = ClientRef(r[0], display(r[1], r[2], r[3]))
            matches.append(DuplicateMatch(ref, "siret", client.siret))
    return matches
