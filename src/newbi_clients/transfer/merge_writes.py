"""Completions of an import written in bulk: what each merge writes is put in temporary
tables before the write lock, then written under it by a fixed number of set-based
statements, whatever the number of merges.

The result is the one of :func:`newbi_clients.merging.write_completion` called merge after
merge, in the order of the rows: only what changed is written; tags and custom values are
replaced where they changed; a note the client already has is not copied again; an
incoming contact is added unless the client has it or another active client holds its
email — counting the emails and contacts that earlier merges of the same import gave; one
audit entry a merge, with the client's state before and after.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newbi_clients import validation as v
from newbi_clients.clauses import status_condition
from newbi_clients.customfields import field_key
from newbi_clients.hygiene import clean_text
from newbi_clients.models import Client, Contact
from newbi_clients.rows import client_to_row, contact_to_row
from newbi_clients.snapshots import snapshot_sql
from newbi_clients.transfer.spool import insert_temp

if TYPE_CHECKING:
    from newbi_clients.merging import Completion
    from newbi_clients.storage import ClientStore

_CONTACT_COLUMNS = tuple(contact_to_row(Contact()))
_CLIENT_COLUMNS = frozenset(client_to_row(Client(name="x")))
_ACTIVE = status_condition("active", "x")
# one row a merge (``seq`` is the order of the rows of the file), and what it writes
MERGE_TABLES = {
    "merge_rows": "seq INTEGER PRIMARY KEY, row INTEGER, id INTEGER, before TEXT, details TEXT",
    # the columns of the client that change, one row a value (typed as the client's)
    "merge_values": "id INTEGER, col TEXT, value",
    "merge_tag_clients": "id INTEGER PRIMARY KEY",
    "merge_tags": "seq INTEGER PRIMARY KEY, id INTEGER, name TEXT, key TEXT",
    "merge_field_clients": "id INTEGER PRIMARY KEY",
    "merge_fields": "id INTEGER, key TEXT, value TEXT",
    # the incoming contacts the client does not have; whether another client holds their
    # email is known only under the lock (``merge_passing``: those that are added)
    "merge_contacts": f"seq INTEGER PRIMARY KEY, merge INTEGER, id INTEGER,"
    f" {', '.join(_CONTACT_COLUMNS)}",
    "merge_passing": f"seq INTEGER PRIMARY KEY, merge INTEGER, id INTEGER,"
    f" {', '.join(_CONTACT_COLUMNS)}",
    # ``at`` NULL: the note of the conflicting values, dated when it is written
    "merge_notes": "seq INTEGER PRIMARY KEY, id INTEGER, at TEXT, text TEXT",
}
_BATCH = 2000  # merges staged at a time


class MergeStaging:
    """Fills the temporary tables of :data:`MERGE_TABLES` (before the write lock)."""

    def __init__(self, store: ClientStore) -> None:
        self.store = store
        for table, columns in MERGE_TABLES.items():
            store.execute(f"DROP TABLE IF EXISTS temp.{table}")
            store.execute(f"CREATE TEMP TABLE {table} ({columns})")
        self.count = 0
        self._pending: dict[str, list[tuple[Any, ...]]] = {t: [] for t in MERGE_TABLES}

    def add(
        self, row: int, completion: Completion, source: str, notes: Sequence[tuple[str, str]]
    ) -> None:
        """Stage the writes of one completion (``notes``: the row's own notes)."""
        target, merged = completion.target, completion.merged
        client_id = target.id
        assert client_id is not None
        self.count += 1
        seq = self.count
        out = self._pending
        details = {"source": source}
        out["merge_rows"].append((seq, row, client_id, _dumps(completion.before), _dumps(details)))
        old = client_to_row(target)
        out["merge_values"].extend(
            (client_id, col, value)
            for col, value in client_to_row(merged).items()
            if old.get(col) != value
        )
        if merged.tags != target.tags:
            out["merge_tag_clients"].append((client_id,))
            out["merge_tags"].extend((None, client_id, t, v.tag_key(t)) for t in merged.tags)
        if merged.fields != target.fields:
            out["merge_field_clients"].append((client_id,))
            out["merge_fields"].extend(
                (client_id, field_key(name), value) for name, value in merged.fields.items()
            )
        known = {(v.email_key(c.email), v.fold(c.display_name)) for c in target.contacts}
        emails = {v.email_key(c.email) for c in target.contacts if c.email}
        for contact in completion.incoming.contacts:
            key = v.email_key(contact.email)
            if (key and key in emails) or (key, v.fold(contact.display_name)) in known:
                continue
            values = contact_to_row(replace(contact, id=None)).values()
            out["merge_contacts"].append((None, seq, client_id, *values))
        # a note the client already has is not copied again (the same file imported twice)
        held = {n.text for n in target.notes}
        conflict = [(None, completion.note)] if completion.note else []
        for at, text in [*notes, *conflict]:
            if text not in held:
                held.add(text)
                out["merge_notes"].append((None, client_id, at, clean_text(text, multiline=True)))
        if seq % _BATCH == 0:
            self.flush()

    def flush(self) -> None:
        """Write what is staged so far into the temporary tables."""
        for table, rows in self._pending.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                insert_temp(self.store.conn, f"INSERT INTO temp.{table} VALUES ({marks})", rows)
                rows.clear()

    def finish(self) -> None:
        """Flush and index the staged merges, ready for :func:`write_staged`."""
        self.flush()
        conn = self.store.conn
        conn.execute("CREATE INDEX temp.merge_values_col ON merge_values (col, id)")
        conn.execute("CREATE INDEX temp.merge_contacts_key ON merge_contacts (email_key)")
        conn.execute("CREATE INDEX temp.merge_passing_key ON merge_passing (email_key, seq)")
        conn.execute("CREATE INDEX temp.merge_passing_id ON merge_passing (id)")


def write_staged(store: ClientStore, stamp: str) -> None:
    """Write the staged merges (inside the caller's transaction), in a number of statements
    that does not depend on the number of merges."""
    db = store.conn
    _write_contacts(store, stamp)
    for (col,) in db.execute("SELECT DISTINCT col FROM merge_values").fetchall():
        assert col in _CLIENT_COLUMNS  # a column name is part of the statement
        db.execute(
            f"UPDATE main.clients SET {col} = m.value FROM merge_values m"
            f" WHERE m.col = '{col}' AND m.id = clients.id"
        )
    db.execute(
        "UPDATE main.clients SET updated_at = ? WHERE id IN (SELECT id FROM merge_rows)", [stamp]
    )
    db.execute(
        "INSERT OR IGNORE INTO main.tags (name, key) SELECT name, key FROM merge_tags"
        " WHERE key NOT IN (SELECT key FROM main.tags) ORDER BY seq"
    )
    db.execute("DELETE FROM main.client_tags WHERE client_id IN (SELECT id FROM merge_tag_clients)")
    db.execute(
        "INSERT OR IGNORE INTO main.client_tags (client_id, tag_id) SELECT m.id, t.id"
        " FROM merge_tags m JOIN main.tags t ON t.key = m.key"
    )
    db.execute(
        "DELETE FROM main.field_values WHERE client_id IN (SELECT id FROM merge_field_clients)"
    )
    db.execute(
        "INSERT INTO main.field_values (client_id, field_id, value) SELECT m.id, d.id, m.value"
        " FROM merge_fields m JOIN main.field_defs d ON d.key = m.key"
    )
    db.execute(
        "INSERT INTO main.notes (client_id, at, text) SELECT id, coalesce(at, ?), text"
        " FROM merge_notes ORDER BY seq",
        [stamp],
    )
    db.execute(
        "INSERT INTO main.audit (at, actor, action, client_id, before, after, details)"
        f" SELECT ?, ?, 'import_merge', r.id, r.before, {snapshot_sql(db, 'r.id')}, r.details"
        " FROM merge_rows r ORDER BY r.seq",
        [stamp, store.actor],
    )


def _write_contacts(store: ClientStore, stamp: str) -> None:
    """Add the staged contacts that no other active client holds the email of.

    Judged on the book before the merges change any client, plus what earlier merges of
    this import gave: the emails they filled in, the contacts they added (the first merge
    that adds an email keeps it). As for a client's first contacts, the one flagged primary
    (else the first) becomes primary when the client has no primary contact yet.
    """
    db = store.conn
    held = (
        f"EXISTS (SELECT 1 FROM main.clients x WHERE x.email_key = c.email_key AND {_ACTIVE}"
        " AND x.id <> c.id) OR EXISTS (SELECT 1 FROM main.contacts k JOIN main.clients x"
        f" ON x.id = k.client_id WHERE k.email_key = c.email_key AND {_ACTIVE} AND x.id <> c.id)"
        " OR EXISTS (SELECT 1 FROM merge_values m JOIN merge_rows r ON r.id = m.id"
        " WHERE m.col = 'email_key' AND m.value = c.email_key AND r.seq < c.merge"
        " AND m.id <> c.id)"
    )
    db.execute(
        f"INSERT INTO merge_passing SELECT * FROM merge_contacts c"
        f" WHERE c.email_key IS NULL OR NOT ({held}) ORDER BY c.seq"
    )
    # an email that two merges bring goes to the first one
    db.execute(
        "DELETE FROM merge_passing WHERE email_key IS NOT NULL AND id <> (SELECT q.id FROM"
        " merge_passing q WHERE q.email_key = merge_passing.email_key ORDER BY q.seq LIMIT 1)"
    )
    values = ", ".join(f"p.{c}" for c in _CONTACT_COLUMNS if c != "is_primary")
    names = ", ".join(c for c in _CONTACT_COLUMNS if c != "is_primary")
    first = "(SELECT min(q.seq) FROM merge_passing q WHERE q.id = p.id{})"
    db.execute(
        f"INSERT INTO main.contacts (client_id, {names}, is_primary, created_at, updated_at)"
        f" SELECT p.id, {values}, CASE WHEN EXISTS (SELECT 1 FROM main.contacts k"
        " WHERE k.client_id = p.id AND k.is_primary) THEN 0"
        f" WHEN p.seq = coalesce({first.format(' AND q.is_primary')}, {first.format('')})"
        " THEN 1 ELSE 0 END, ?, ? FROM merge_passing p ORDER BY p.seq",
        [stamp, stamp],
    )


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
