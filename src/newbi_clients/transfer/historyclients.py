"""The client a row of ``history import`` is for: by email, SIRET or exact name (in any
word order), or, for Odoo's « ACME SAS, Claire Martin », the company of that contact."""

from __future__ import annotations

from newbi_clients import validation as v
from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Client
from newbi_clients.storage import ClientStore


def _probes(column: str, value: str) -> list[str]:
    if column == "email_key":
        return [v.email_key(value) or ""]
    if column == "siret":
        return [value.replace(" ", "").replace(".", "")]
    # « Éléonore Dupont » as shown, or « Dupont Éléonore » as sorted: every word order
    words = v.fold(value).split()
    return list(dict.fromkeys(" ".join(words[i:] + words[:i]) for i in range(len(words))))


def _matching(store: ClientStore, column: str, value: str, limit: int = 2) -> list[int]:
    """The ids of the clients (not merged away) whose ``column`` matches ``value``."""
    probes = _probes(column, value)
    return [
        row[0]
        for row in store.execute(
            f"SELECT DISTINCT id FROM clients WHERE {column} IN ({', '.join('?' * len(probes))})"
            f" AND merged_into IS NULL LIMIT {int(limit)}",
            probes,
        )
    ]


def _several(key: str, value: str) -> ValidationFailed:
    return ValidationFailed.single(
        key, value, f"Plusieurs clients correspondent à « {value} » : précisez l'email ou le SIRET"
    )


def find_client(store: ClientStore, raw: dict[str, str]) -> Client:
    for key, column in (
        ("client_email", "email_key"),
        ("client_siret", "siret"),
        ("client_name", "sort_name"),
    ):
        value = raw.get(key)
        if not value:
            continue
        ids = _matching(store, column, value)
        if len(ids) == 1:
            return store.get(ids[0])
        if len(ids) > 1:
            raise _several(key, value)
        if key == "client_name" and "," in value:
            company = _company_of(store, value)
            if company is not None:
                return company
    shown = raw.get("client_email") or raw.get("client_siret") or raw.get("client_name") or ""
    key = next(
        (k for k in ("client_email", "client_siret", "client_name") if raw.get(k)), "client_name"
    )
    raise ValidationFailed.single(key, shown, f"Aucun client ne correspond à « {shown} »")


def _company_of(store: ClientStore, value: str) -> Client | None:
    """The company of Odoo's « ACME SAS, Claire Martin » (a document of a company's contact
    is shown under both names): the client named before the comma when it alone bears that
    name, or, among several, the one whose contact the person after it is. A company whose
    name has a comma is tried whole first, then cut at each comma from the right."""
    parts = value.split(",")
    for cut in range(len(parts) - 1, 0, -1):
        company, person = ",".join(parts[:cut]).strip(), ",".join(parts[cut:]).strip()
        if not company or not person:
            continue
        ids = _matching(store, "sort_name", company, limit=100)
        if len(ids) == 1:
            return store.get(ids[0])
        if ids:
            theirs = [i for i in ids if _has_contact(store, i, person)]
            if len(theirs) == 1:
                return store.get(theirs[0])
            raise _several("client_name", company)
    return None


def _has_contact(store: ClientStore, client_id: int, person: str) -> bool:
    """Whether the client has a contact of this name, its words in any order."""
    words = sorted(v.fold(person).split())
    return any(
        sorted(v.fold(f"{first or ''} {last or ''}").split()) == words
        for first, last in store.execute(
            "SELECT first_name, last_name FROM contacts WHERE client_id = ?", [client_id]
        )
    )
