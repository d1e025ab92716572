"""Erasing a person's values: from the audit log, and from SQLite's files.

Used by deletion and anonymisation (:mod:`newbi_clients.privacy`): the audit entries of
the person keep their structure but not their values; the entries of other clients that
refer to them (a merge undone since) lose the person's identifying values; and SQLite's
traces of old values go: deleted content is overwritten with zeros (``secure_delete``),
the search index is rewritten and the write-ahead log is emptied.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from newbi_clients.storage import ClientStore
from newbi_clients.validation import fold

# columns of the clients table a forgotten client keeps: none of them identifies a person;
# every other column (name, contact, addresses, identifiers, free texts…) is erased
KEPT_COLUMNS = frozenset(
    "id kind zone terms_days end_of_month payment_method discount_type discount_value"
    " currency billing_country created_at updated_at archived_at merged_into revenue_cents"
    " blocked_at tier".split()
)
# columns whose values identify a person, searched for in other clients' audit entries
IDENTIFYING = (
    "name", "first_name", "email", "phone", "billing_line1", "billing_line2",
    "delivery_line1", "delivery_line2", "siret", "siren", "vat_number",
)  # fmt: skip
# keys of audit details that hold no personal value (ids, document numbers)
SAFE_DETAILS = frozenset("keep merge other others document type note_id conflict_note".split())
ERASED = "[effacé]"


def _marks(ids: Sequence[int]) -> str:
    return ", ".join("?" * len(ids))


def scrub_audit(store: ClientStore, ids: Sequence[int]) -> int:
    """Erase the values held by the audit entries of these clients; returns their count."""
    rows = store.execute(
        f"SELECT id, client_id, before, after, details FROM audit WHERE client_id IN"
        f" ({_marks(ids)})",
        ids,
    ).fetchall()
    for entry_id, client_id, before, after, details in rows:
        store.execute(
            "UPDATE audit SET before = ?, after = ?, details = ? WHERE id = ?",
            [
                _scrub_snapshot(before, client_id),
                _scrub_snapshot(after, client_id),
                _scrub_details(details),
                entry_id,
            ],
        )
    return len(rows)


def _scrub_snapshot(text: str | None, client_id: int) -> str | None:
    if not text:
        return text
    snapshot = json.loads(text)
    if not isinstance(snapshot, dict):
        return json.dumps(ERASED)
    kept: dict[str, Any] = {}
    for key, value in snapshot.items():
        if key in KEPT_COLUMNS:
            kept[key] = value
        elif isinstance(value, list | dict):  # tags, notes, contacts, custom fields…
            kept[key] = type(value)()
        elif key == "name":
            kept[key] = f"Anonyme #{client_id}"
        else:
            kept[key] = None
    return json.dumps(kept, ensure_ascii=False)


def _scrub_details(text: str | None) -> str | None:
    if not text:
        return text
    details = json.loads(text)
    if not isinstance(details, dict):
        return None
    kept = {k: v for k, v in details.items() if k in SAFE_DETAILS}
    if len(kept) < len(details):
        kept["erased"] = True
    return json.dumps(kept, ensure_ascii=False)


def identifying_values(store: ClientStore, ids: Sequence[int]) -> set[str]:
    """The values that identify these clients, folded, as their rows, notes and audit
    snapshots hold them: names, email, phone, street lines, identifiers, note texts."""
    marks = _marks(ids)
    found: list[Any] = []
    columns = ", ".join(IDENTIFYING)
    for row in store.execute(f"SELECT {columns} FROM clients WHERE id IN ({marks})", ids):
        found += row
    found += [
        r[0] for r in store.execute(f"SELECT text FROM notes WHERE client_id IN ({marks})", ids)
    ]
    for texts in store.execute(
        f"SELECT before, after FROM audit WHERE client_id IN ({marks})", ids
    ):
        for text in texts:
            snapshot = json.loads(text) if text else None
            if isinstance(snapshot, dict):
                found += [snapshot.get(k) for k in IDENTIFYING]
                found += [n.get("text") for n in snapshot.get("notes") or [] if isinstance(n, dict)]
    values: set[str] = set()
    for value in found:
        if isinstance(value, str) and len(value.strip()) >= 3:
            values |= {value.strip().casefold(), fold(value.strip()), value.strip().lstrip("+")}
    return values


def scrub_related(store: ClientStore, ids: Sequence[int], secrets: set[str]) -> int:
    """Erase these clients' values from the audit entries of other clients that refer to
    them (a merge into another client, undone since); returns how many were changed."""
    marks = _marks(ids)
    rows = store.execute(
        f"SELECT id, before, after, details FROM audit WHERE client_id NOT IN ({marks})"
        f" AND details IS NOT NULL AND (json_extract(details, '$.other') IN ({marks})"
        f" OR json_extract(details, '$.keep') IN ({marks}) OR EXISTS (SELECT 1 FROM"
        f" json_each(details, '$.others') WHERE value IN ({marks})))",
        [*ids, *ids, *ids, *ids],
    ).fetchall()
    for entry_id, *texts in rows:
        before, after, details = (
            None if t is None else json.dumps(_erase(json.loads(t), secrets), ensure_ascii=False)
            for t in texts
        )
        store.execute(
            "UPDATE audit SET before = ?, after = ?, details = ? WHERE id = ?",
            [before, after, details, entry_id],
        )
    return len(rows)


def _erase(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, str):
        folded = fold(value)
        return ERASED if any(s in folded or s in value.casefold() for s in secrets) else value
    if isinstance(value, list):
        return [_erase(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _erase(v, secrets) for k, v in value.items()}
    return value


# --- wiping the traces of old values ------------------------------------------------------


@contextmanager
def wiping(store: ClientStore) -> Iterator[None]:
    """Deleted content is overwritten with zeros inside the block; after it the search
    index is rewritten (old tokens gone) and the write-ahead log emptied, so that the old
    values are nowhere in the book's files."""
    previous = int(store.execute("PRAGMA secure_delete").fetchone()[0])
    store.execute("PRAGMA secure_delete = ON")
    try:
        yield
        store.execute("INSERT INTO clients_fts(clients_fts) VALUES ('optimize')")
        # best effort: a reader of an older snapshot may keep part of the log alive
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.execute(f"PRAGMA secure_delete = {previous}")
