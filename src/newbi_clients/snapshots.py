"""What the audit log holds: a client's whole stored state, and its entries read back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newbi_clients.contacts import contacts_snapshot
from newbi_clients.customfields import fields_snapshot

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore


def snapshot(store: ClientStore, client_id: int) -> dict[str, Any]:
    """Everything stored about a client (row, tags, notes, contacts, custom fields,
    reminders), for the audit log."""
    cursor = store.execute("SELECT * FROM clients WHERE id = ?", [client_id])
    row = cursor.fetchone()
    data = as_dict(cursor, row) if row else {}
    data["tags"] = [
        r[0]
        for r in store.execute(
            "SELECT t.name FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
            " WHERE ct.client_id = ? ORDER BY t.key",
            [client_id],
        )
    ]
    data["notes"] = [
        {"id": r[0], "at": r[1], "text": r[2]}
        for r in store.execute(
            "SELECT id, at, text FROM notes WHERE client_id = ? ORDER BY id", [client_id]
        )
    ]
    data.pop("contact_words", None)  # derived from the contacts
    data["contacts"] = contacts_snapshot(store, client_id)
    data["fields"] = fields_snapshot(store, client_id)
    data["reminders"] = [
        {"id": r[0], "due_on": r[1], "text": r[2], "done_at": r[3]}
        for r in store.execute(
            "SELECT id, due_on, text, done_at FROM reminders WHERE client_id = ? ORDER BY id",
            [client_id],
        )
    ]
    return data


def audit_log(store: ClientStore, client_id: int) -> list[dict[str, Any]]:
    """Audit entries of a client, oldest first."""
    rows = store.execute(
        "SELECT id, at, actor, action, before, after, details FROM audit"
        " WHERE client_id = ? ORDER BY id",
        [client_id],
    ).fetchall()
    return [
        {
            "id": r[0],
            "at": r[1],
            "actor": r[2],
            "action": r[3],
            "before": json.loads(r[4]) if r[4] else None,
            "after": json.loads(r[5]) if r[5] else None,
            "details": json.loads(r[6]) if r[6] else None,
        }
        for r in rows
    ]


def as_dict(cursor: sqlite3.Cursor, row: Sequence[Any]) -> dict[str, Any]:
    """A fetched row as a dict keyed by column name."""
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}
