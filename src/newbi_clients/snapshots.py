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


# columns not part of a client's state: the words of its contacts (derived from them),
# the tier of its keys in their indexes (where they are stored, see newbi_clients.tiers)
_DERIVED = ("contact_words", "tier")


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
    for derived in _DERIVED:
        data.pop(derived, None)
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


def snapshot_sql(conn: sqlite3.Connection, client_id: str) -> str:
    """An SQL expression giving, as JSON, what :func:`snapshot` gives for the client whose
    id is the SQL expression ``client_id``: a set-based write audits thousands of clients in
    one statement. The same keys and values (a test holds the two together)."""
    columns = [r[1] for r in conn.execute("PRAGMA main.table_info(clients)")]
    row = ", ".join(f"'{c}', c.{c}" for c in columns if c not in _DERIVED)
    contact = ", ".join(
        f"'{c}', k.{c}" for c in ("id", "first_name", "last_name", "position", "department",
                                  "email", "phone")
    )  # fmt: skip
    return f"""(SELECT json_object({row},
        'tags', json((SELECT json_group_array(name) FROM (SELECT t.name FROM client_tags ct
            JOIN tags t ON t.id = ct.tag_id WHERE ct.client_id = c.id ORDER BY t.key))),
        'notes', json((SELECT json_group_array(json_object('id', id, 'at', at, 'text', text))
            FROM (SELECT id, at, text FROM notes WHERE client_id = c.id ORDER BY id))),
        'contacts', json((SELECT json_group_array(json_object({contact},
            'primary', json(CASE WHEN k.is_primary THEN 'true' ELSE 'false' END)))
            FROM (SELECT * FROM contacts WHERE client_id = c.id ORDER BY is_primary DESC, id) k)),
        'fields', json((SELECT json_group_object(name, value) FROM (SELECT d.name, fv.value
            FROM field_values fv JOIN field_defs d ON d.id = fv.field_id
            WHERE fv.client_id = c.id ORDER BY d.key))),
        'reminders', json((SELECT json_group_array(json_object('id', id, 'due_on', due_on,
            'text', text, 'done_at', done_at)) FROM (SELECT id, due_on, text, done_at
            FROM reminders WHERE client_id = c.id ORDER BY id))))
        FROM main.clients c WHERE c.id = {client_id})"""


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
