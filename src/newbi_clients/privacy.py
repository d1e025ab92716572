"""Personal data: what the book holds on a person, deletion, and the right to be forgotten.

- :func:`personal_data` gathers everything the book holds on a client (GDPR art. 15 and
  20: access and portability), including the records of the clients merged into it.
- :func:`delete_clients` removes clients for good, unless they have issued invoices or
  credit notes: accounting documents are kept 10 years (art. L123-22 Code de commerce).
- :func:`forget_client` anonymises a client (GDPR art. 17) but keeps what the law
  requires to keep: its documents and payments (numbers, dates, amounts, statuses).

Deletion and anonymisation also wipe the traces of old values, in the audit log and in
SQLite's files (:mod:`newbi_clients.scrub`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newbi_clients.errors import ClientRef, NewbiError
from newbi_clients.history import documents_of
from newbi_clients.scrub import (
    KEPT_COLUMNS,
    identifying_values,
    scrub_audit,
    scrub_related,
    wiping,
)
from newbi_clients.storage import ClientStore, now
from newbi_clients.validation import fold

LEGAL_DOCUMENTS = "type IN ('invoice', 'credit_note') AND status <> 'draft'"


class DeletionRefused(NewbiError):
    """A client that the law requires to keep (issued invoices or credit notes)."""

    def __init__(self, client: ClientRef, documents: int) -> None:
        self.client = client
        super().__init__(
            f"Suppression refusée : {client} a {documents} facture(s) ou avoir(s) émis. Les"
            " documents comptables doivent être conservés 10 ans (art. L123-22 du Code de"
            " commerce), avec le client qu'ils concernent. Archivez-le (« newbi-clients"
            f" archive {client.id} ») ou, si c'est une personne qui demande l'effacement de"
            f" ses données, anonymisez-le (« newbi-clients forget {client.id} »)."
        )


@dataclass(slots=True)
class Erasure:
    """What a deletion or an anonymisation removed (counts only, never the values)."""

    clients: list[int] = field(default_factory=list)
    notes: int = 0
    documents: int = 0
    audit_entries: int = 0


def family(store: ClientStore, client_id: int) -> list[int]:
    """The client and every client merged into it (directly or through a chain)."""
    ids = [client_id]
    for current in ids:
        ids += [r[0] for r in store.execute(
            "SELECT id FROM clients WHERE merged_into = ? ORDER BY id", [current]
        )]  # fmt: skip
    return ids


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" * len(ids))


def child_tables(store: ClientStore) -> list[str]:
    """The tables whose ``client_id`` refers to a client (notes, tags, contacts, custom
    fields, reminders… whatever the schema version), documents aside."""
    tables = [r[0] for r in store.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " ORDER BY name"
    )]  # fmt: skip
    return [
        t for t in tables
        if t not in ("documents", "clients") and any(
            fk[2] == "clients" and fk[3] == "client_id"
            for fk in store.execute(f"PRAGMA foreign_key_list({t})")
        )
    ]  # fmt: skip


def _delete_children(store: ClientStore, ids: Sequence[int]) -> None:
    """Delete what refers to these clients (tags first, so that unused tags go too)."""
    _untag(store, ids)
    for table in child_tables(store):
        store.execute(f"DELETE FROM {table} WHERE client_id IN ({_marks(ids)})", ids)


# --- access and portability ----------------------------------------------------------


def _rows(store: ClientStore, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = store.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def personal_data(store: ClientStore, client_id: int) -> dict[str, Any]:
    """Everything the book holds on a client, as one JSON-ready dict.

    The fiche (with tags and notes), the records of the clients merged into it, its
    contacts (when the book has them), every audit entry, documents and payments.
    """
    from newbi_clients.serialize import client_to_dict

    settings = store.seller_settings()
    ids = family(store, client_id)
    marks = _marks(ids)
    data: dict[str, Any] = {
        "generated_at": now(),
        "client": client_to_dict(store.get(client_id), settings),
        "merged_records": [client_to_dict(store.get(i), settings) for i in ids[1:]],
    }
    for table in child_tables(store):
        if table in ("notes", "client_tags"):  # in the fiche
            continue
        data[table] = _rows(store, f"SELECT * FROM {table} WHERE client_id IN ({marks})", ids)
        if table == "field_values":  # the field's name beside its id
            names = dict(store.execute("SELECT id, name FROM field_defs").fetchall())
            for row in data[table]:
                row["field"] = names.get(row.get("field_id"))
    data["documents"] = [d.to_dict() for i in ids for d in documents_of(store, i)]
    data["audit"] = [entry for i in ids for entry in store.audit_log(i)]
    return data


# --- deletion ---------------------------------------------------------------------------


def check_deletable(store: ClientStore, client_id: int) -> None:
    """:raises DeletionRefused: if the client (or one merged into it) has issued invoices
    or credit notes; quotes and drafts do not prevent deletion."""
    ids = family(store, client_id)
    count = store.execute(
        f"SELECT count(*) FROM documents WHERE client_id IN ({_marks(ids)}) AND {LEGAL_DOCUMENTS}",
        ids,
    ).fetchone()[0]
    if count:
        client = store.get(client_id)
        raise DeletionRefused(ClientRef(client_id, client.display_name), int(count))


def delete_clients(store: ClientStore, client_ids: Sequence[int]) -> Erasure:
    """Delete clients for good, with the clients merged into them, their notes, tags,
    contacts, quotes and drafts, payments and audit entries; all or nothing.

    The audit log keeps one ``delete`` entry per client, without any of its values.

    :raises DeletionRefused: if one of them has issued invoices or credit notes.
    """
    erasure = Erasure()
    with wiping(store), store.transaction():
        for client_id in client_ids:
            check_deletable(store, client_id)
            ids = family(store, client_id)
            marks = _marks(ids)
            erasure.clients += ids
            secrets = identifying_values(store, ids)
            erasure.audit_entries += scrub_related(store, ids, secrets)
            erasure.notes += _count(store, f"notes WHERE client_id IN ({marks})", ids)
            erasure.documents += _count(store, f"documents WHERE client_id IN ({marks})", ids)
            erasure.audit_entries += _count(store, f"audit WHERE client_id IN ({marks})", ids)
            store.execute(
                "DELETE FROM payments WHERE document_id IN"
                f" (SELECT id FROM documents WHERE client_id IN ({marks}))",
                ids,
            )
            _delete_children(store, ids)
            for table in ("documents", "audit"):
                store.execute(f"DELETE FROM {table} WHERE client_id IN ({marks})", ids)
            for i in reversed(ids):  # the merged ones first: they point to their keeper
                store.execute("DELETE FROM clients WHERE id = ?", [i])
            store.audit("delete", client_id, None, None, {"others": ids[1:]})
    return erasure


def _untag(store: ClientStore, ids: Sequence[int]) -> None:
    """Remove the clients' tags; a tag no other client has goes too (its name may say
    something about the person)."""
    marks = _marks(ids)
    tag_ids = [r[0] for r in store.execute(
        f"SELECT DISTINCT tag_id FROM client_tags WHERE client_id IN ({marks})", ids
    )]  # fmt: skip
    store.execute(f"DELETE FROM client_tags WHERE client_id IN ({marks})", ids)
    for tag_id in tag_ids:
        store.execute(
            "DELETE FROM tags WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM client_tags WHERE tag_id = ?)",
            [tag_id, tag_id],
        )


def _count(store: ClientStore, where: str, params: Sequence[Any]) -> int:
    return int(store.execute(f"SELECT count(*) FROM {where}", params).fetchone()[0])


# --- the right to be forgotten -----------------------------------------------------------


def forget_client(store: ClientStore, client_id: int) -> Erasure:
    """Anonymise a client and the clients merged into it, for good.

    Erased: every column but :data:`KEPT_COLUMNS` (the name becomes « Anonyme #id »),
    tags, notes, contacts, and the values held by its audit entries (including the
    records kept to undo a merge, which can therefore no longer be undone). Kept: its
    documents and payments, which the law requires to keep, and its payment conditions.
    The client is archived. The change is recorded in the audit log without any value.
    """
    erasure = Erasure()
    with wiping(store), store.transaction():
        ids = family(store, client_id)
        marks = _marks(ids)
        erasure.clients = ids
        secrets = identifying_values(store, ids)
        erasure.documents = _count(store, f"documents WHERE client_id IN ({marks})", ids)
        erasure.notes = _count(store, f"notes WHERE client_id IN ({marks})", ids)
        _delete_children(store, ids)
        stamp = now()
        for i in ids:
            _anonymise_row(store, i, stamp)
        erasure.audit_entries = scrub_audit(store, ids)
        erasure.audit_entries += scrub_related(store, ids, secrets)
        store.audit("forget", client_id, None, None, {"others": ids[1:]})
        for other in ids[1:]:  # so that each merged record says it was anonymised
            store.audit("forget", other, None, None, {"keep": client_id})
    return erasure


def _anonymise_row(store: ClientStore, client_id: int, stamp: str) -> None:
    values = _anonymous_values(store, client_id)
    values["updated_at"] = stamp
    assignments = ", ".join(f"{column} = ?" for column in values)
    store.execute(
        f"UPDATE clients SET {assignments}, archived_at = coalesce(archived_at, ?) WHERE id = ?",
        [*values.values(), stamp, client_id],
    )


def _anonymous_values(store: ClientStore, client_id: int) -> dict[str, Any]:
    """The erased columns of a client: NULL, or a neutral value where one is required."""
    name = f"Anonyme #{client_id}"
    required = {"name": name, "sort_name": fold(name), "name_key": ""}
    values: dict[str, Any] = {}
    for _, column, _, notnull, default, _ in store.execute("PRAGMA table_info(clients)"):
        if column in KEPT_COLUMNS:
            continue
        if column in required:
            values[column] = required[column]
        elif not notnull:
            values[column] = None
        elif default is not None:
            values[column] = _literal(store, default)
    return values


def _literal(store: ClientStore, default: str) -> Any:
    return store.execute(f"SELECT {default}").fetchone()[0]


def is_forgotten(store: ClientStore, client_ids: Sequence[int]) -> bool:
    """True if one of these clients was anonymised."""
    row = store.execute(
        f"SELECT 1 FROM audit WHERE client_id IN ({_marks(client_ids)}) AND action = 'forget'"
        " LIMIT 1",
        client_ids,
    ).fetchone()
    return row is not None
