"""ClientStore: the address book in one SQLite file, through sqlite-utils.

The file is opened by :mod:`.connection` (mode 0600, WAL, busy timeout), so that several
commands may write at once: each write transaction starts with ``BEGIN IMMEDIATE`` and
waits for its turn instead of failing.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newbi_clients import interrupts, reading, tiers
from newbi_clients import validation as v
from newbi_clients.backup import migrate_with_copy
from newbi_clients.connection import connect, is_empty_file, opening, row_counts
from newbi_clients.contacts import insert_contacts
from newbi_clients.customfields import save_values
from newbi_clients.errors import (
    DuplicateClient,
    DuplicateMatch,
    StaleClient,
)
from newbi_clients.fiscal import SellerSettings
from newbi_clients.hygiene import clean_note, clean_text
from newbi_clients.models import Client, Note
from newbi_clients.paths import APP_NAME, default_db_path, resolve_db_path
from newbi_clients.rows import client_to_row
from newbi_clients.schema import SCHEMA_VERSION, migrate
from newbi_clients.search import ClientQuery, build_where

if TYPE_CHECKING:
    from sqlite_utils import Database

# the location helpers live in ``paths``; callers have long imported them from here
__all__ = ["APP_NAME", "ClientStore", "default_db_path", "now", "resolve_db_path"]


def now() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class ClientStore:
    """The address book: clients, tags, notes, settings and the audit log."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_migrate: Callable[[int, int], None] | None = None,
    ) -> None:
        """Open (or create) the book at ``path``, migrating a book of an older schema:
        ``on_migrate(old, new)`` is called first, since copying and migrating a large book
        takes seconds."""
        self.path = Path(path)
        # a new book: the file was missing or empty (what it holds once created, in
        # ``created_counts``, tells whether anything was written into it since)
        self.was_empty_file = is_empty_file(self.path)
        self.created = self.was_empty_file or not self.path.exists()
        self.created_counts: dict[str, int] = {}
        with opening(self.path):
            self.conn = connect(self.path)
            self._db: Database | None = None
            # a book of an older schema is copied aside before it is migrated
            self.migration_backup: Path | None = None
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
            if version != SCHEMA_VERSION:
                self.migration_backup = migrate_with_copy(
                    self.conn, self.path, version, lambda: migrate(self.db), on_migrate
                )
            else:
                tiers.keep_statistics(self.conn)
            if self.created:  # made here, and nothing written in it by another command
                self.created_counts = row_counts(self.conn)
                self.created = version == 0 and not any(self.created_counts.values())
        self.actor = _actor()

    # --- plumbing ---------------------------------------------------------------------

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection (imported on first use: reads don't need it)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._db

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        """Run one SQL statement on the connection."""
        return self.conn.execute(sql, params)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> ClientStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction (BEGIN IMMEDIATE: waits for other writers); nests as savepoints."""
        conn = self.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK TO SAVEPOINT nested")
                conn.execute("RELEASE SAVEPOINT nested")
                raise
            conn.execute("RELEASE SAVEPOINT nested")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            interrupts.check()  # a signal swallowed on its way still stops before COMMIT
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        with interrupts.committing():  # once COMMIT starts, the command finishes
            conn.execute("COMMIT")

    def audit(
        self,
        action: str,
        client_id: int | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Record a change with the previous values."""
        self.execute(
            "INSERT INTO audit (at, actor, action, client_id, before, after, details)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                self.actor,
                action,
                client_id,
                _dumps(before),
                _dumps(after),
                _dumps(details),
            ],
        )

    def audit_log(self, client_id: int) -> list[dict[str, Any]]:
        """Audit entries of a client, oldest first."""
        from newbi_clients.snapshots import audit_log

        return audit_log(self, client_id)

    # --- settings -----------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A raw setting value, None if unset."""
        row = self.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting (already validated by the caller)."""
        with self.transaction():
            before = self.get_setting(key)
            self.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            self.audit("config", None, {key: before}, {key: value})

    def all_settings(self) -> dict[str, str]:
        """Every stored setting."""
        return dict(self.execute("SELECT key, value FROM settings ORDER BY key").fetchall())

    def seller_settings(self) -> SellerSettings:
        """The seller's settings, with defaults for what is unset."""
        from newbi_clients.settings import seller_settings

        return seller_settings(self.all_settings())

    # --- reading ----------------------------------------------------------------------

    def get(self, client_id: int) -> Client:
        """The client with this id, whatever its state.

        :raises ClientNotFound: if there is none.
        """
        return reading.get(self, client_id)

    def iter_clients(self, query: ClientQuery, with_notes: bool = False) -> Iterator[Client]:
        """Stream the clients a query selects, in its order (see :mod:`.reading`).

        :raises ValidationFailed: for an invalid filter value.
        """
        return reading.iter_clients(self, query, with_notes)

    def count(self, query: ClientQuery) -> int:
        """How many clients a query selects (ignoring its limit)."""
        where, params, _ = build_where(query)
        return int(self.execute(f"SELECT count(*) {where}", params).fetchone()[0])

    def resolve(self, ref: str, follow_merged: bool = True) -> Client:
        """The one client a reference designates (see :func:`newbi_clients.lookup.resolve`).

        :raises ClientNotFound: when nothing matches.
        :raises AmbiguousClient: when a fragment matches several clients.
        """
        from newbi_clients.lookup import resolve

        return resolve(self, ref, follow_merged)

    def find_duplicates(self, client: Client) -> list[DuplicateMatch]:
        """Active clients (other than ``client`` itself) with the same email or SIRET, and
        contacts of other active clients with the same email."""
        from newbi_clients.lookup import find_duplicates

        return find_duplicates(self, client)

    # --- writing ----------------------------------------------------------------------

    def add(self, client: Client, note: str | None = None, allow_duplicate: bool = False) -> Client:
        """Insert a new client (and an optional first note); returns it with its id.

        :raises DuplicateClient: if an active client has the same email or SIRET.
        """
        with self.transaction():
            if not allow_duplicate:
                matches = self.find_duplicates(client)
                if matches:
                    raise DuplicateClient(matches)
            stamp = now()
            row = client_to_row(client)
            row.update(created_at=stamp, updated_at=stamp)
            client_id = int(self.db.table("clients").insert(row).last_pk or 0)
            self._set_tags(client_id, client.tags)
            save_values(self, client_id, client.fields)
            insert_contacts(self, client_id, client.contacts)
            for existing in client.notes:
                if existing.text.strip():
                    self.insert_note(client_id, existing.text.strip(), existing.at)
            if note and note.strip():
                self.insert_note(client_id, note.strip(), stamp)
            self.audit("create", client_id, None, self.snapshot(client_id))
        return self.get(client_id)

    def save(self, client: Client, was: Client | None = None) -> None:
        """Write an existing client's fields, tags and custom values as they are: no check,
        no audit, inside the caller's transaction. Given the client as it ``was``, only
        what differs is written (fewer index and search-index updates)."""
        assert client.id is not None
        row = client_to_row(client)
        if was is not None:
            old = client_to_row(was)
            row = {key: value for key, value in row.items() if old.get(key) != value}
        row["updated_at"] = now()
        columns = ", ".join(f"{key} = ?" for key in row)
        self.execute(f"UPDATE clients SET {columns} WHERE id = ?", [*row.values(), client.id])
        if was is None or was.tags != client.tags:
            self._set_tags(client.id, client.tags)
        if was is None or was.fields != client.fields:
            save_values(self, client.id, client.fields)

    def update(
        self,
        client: Client,
        allow_duplicate: bool = False,
        action: str | None = "edit",
        expected: Client | None = None,
    ) -> Client:
        """Save the fields and tags of an existing client, with an audit entry.

        :param expected: the client as it was read before being changed: if it changed
            since (another command), nothing is saved.
        :raises DuplicateClient: if the new email or SIRET belongs to another active client.
        :raises StaleClient: if the client is no longer as ``expected``.
        """
        assert client.id is not None
        with self.transaction():
            if expected is not None and self.get(client.id) != expected:
                raise StaleClient(client.id)
            before = self.snapshot(client.id)
            if not allow_duplicate:
                matches = self.find_duplicates(client)
                if matches:
                    raise DuplicateClient(matches)
            self.save(client)
            if action:  # None: the caller records the change itself
                self.audit(action, client.id, before, self.snapshot(client.id))
        return self.get(client.id)

    def add_note(self, client_id: int, text: str) -> Note:
        """Append a timestamped note to a client."""
        text = clean_note(text)
        with self.transaction():
            stamp = now()
            note_id = self.insert_note(client_id, text, stamp)
            self.execute("UPDATE clients SET updated_at = ? WHERE id = ?", [stamp, client_id])
            self.audit("note", client_id, None, None, {"note_id": note_id, "text": text})
        return Note(stamp, text, note_id)

    def insert_note(self, client_id: int, text: str, at: str) -> int:
        """Insert a note, cleaned of control characters.

        The length limit is checked where a person's or a file's note comes in
        (:meth:`add_note`, validation of imports): a note written by the program, such as
        the values kept by a merge of many clients, may be longer."""
        text = clean_text(text, multiline=True)
        cursor = self.execute(
            "INSERT INTO notes (client_id, at, text) VALUES (?, ?, ?)", [client_id, at, text]
        )
        return int(cursor.lastrowid or 0)

    def _set_tags(self, client_id: int, tags: Sequence[str]) -> None:
        self.execute("DELETE FROM client_tags WHERE client_id = ?", [client_id])
        for tag in tags:
            tag_id = self.tag_id(tag)
            self.execute(
                "INSERT OR IGNORE INTO client_tags (client_id, tag_id) VALUES (?, ?)",
                [client_id, tag_id],
            )

    def tag_id(self, tag: str) -> int:
        """The id of a tag, created with this spelling if it does not exist yet."""
        key = v.tag_key(tag)
        self.execute("INSERT OR IGNORE INTO tags (name, key) VALUES (?, ?)", [tag, key])
        return int(self.execute("SELECT id FROM tags WHERE key = ?", [key]).fetchone()[0])

    def snapshot(self, client_id: int) -> dict[str, Any]:
        """Everything stored about a client (row, tags, notes, contacts, custom fields,
        reminders), for the audit log."""
        from newbi_clients.snapshots import snapshot

        return snapshot(self, client_id)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def _dumps(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
