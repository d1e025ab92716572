"""Database schema as an ordered list of forward migrations.

The schema version is ``PRAGMA user_version``: migration *n* (1-based) brings a database
from version *n-1* to *n*. A database newer than this program is refused rather than
damaged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

from newbi_clients.errors import StorageError
from newbi_clients.tiers import migrate_to_tiers

# the search index's columns: migration 4 added the words of the client's contacts
FTS_COLUMNS = ("name", "first_name", "email", "billing_city", "search_ids", "contact_words")


def run_script(db: Database, script: str) -> None:
    """Run SQL statements one by one, inside the caller's transaction.

    (``executescript`` would commit the transaction first.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _fts_sql(columns: tuple[str, ...], sizes: bool = True) -> str:
    """The full-text index over ``columns`` of the clients table, and its triggers;
    without ``sizes``, the index keeps no size of each column of each row (FTS5's
    ``columnsize=0``)."""
    cols = ", ".join(columns)
    options = "" if sizes else ", columnsize=0"
    new = ", ".join("new." + c for c in columns)
    old = ", ".join("old." + c for c in columns)
    return f"""
        CREATE VIRTUAL TABLE clients_fts USING fts5(
            {cols},
            content='clients', content_rowid='id',
            tokenize="unicode61 remove_diacritics 2",
            prefix='2 3'{options}
        );
        CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients BEGIN
            INSERT INTO clients_fts(rowid, {cols}) VALUES (new.id, {new});
        END;
        CREATE TRIGGER clients_fts_delete AFTER DELETE ON clients BEGIN
            INSERT INTO clients_fts(clients_fts, rowid, {cols}) VALUES ('delete', old.id, {old});
        END;
        CREATE TRIGGER clients_fts_update AFTER UPDATE OF {cols} ON clients
        BEGIN
            INSERT INTO clients_fts(clients_fts, rowid, {cols}) VALUES ('delete', old.id, {old});
            INSERT INTO clients_fts(rowid, {cols}) VALUES (new.id, {new});
        END;
        """


_V1_FTS_COLUMNS = FTS_COLUMNS[:5]


def _v1_core(db: Database) -> None:
    """Clients, tags, notes, settings, audit log and the full-text index."""
    run_script(
        db,
        f"""
        CREATE TABLE clients (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('individual', 'business')),
            name TEXT NOT NULL CHECK (name <> ''),
            first_name TEXT,
            email TEXT,
            email_key TEXT,
            phone TEXT,
            billing_line1 TEXT, billing_line2 TEXT, billing_postal_code TEXT,
            billing_city TEXT, billing_country TEXT,
            delivery_line1 TEXT, delivery_line2 TEXT, delivery_postal_code TEXT,
            delivery_city TEXT, delivery_country TEXT,
            siret TEXT, siren TEXT, vat_number TEXT,
            zone TEXT NOT NULL,
            terms_days INTEGER NOT NULL DEFAULT 30,
            end_of_month INTEGER NOT NULL DEFAULT 0,
            payment_method TEXT,
            discount_type TEXT CHECK (discount_type IN ('percent', 'amount')),
            discount_value TEXT,
            currency TEXT NOT NULL DEFAULT 'EUR',
            sector TEXT, segment TEXT,
            sort_name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            search_ids TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            archived_at TEXT,
            merged_into INTEGER REFERENCES clients(id)
        );
        CREATE INDEX idx_clients_email_key ON clients(email_key) WHERE email_key IS NOT NULL;
        CREATE INDEX idx_clients_siret ON clients(siret) WHERE siret IS NOT NULL;
        CREATE INDEX idx_clients_siren ON clients(siren) WHERE siren IS NOT NULL;
        CREATE INDEX idx_clients_vat_number ON clients(vat_number) WHERE vat_number IS NOT NULL;
        CREATE INDEX idx_clients_phone ON clients(phone) WHERE phone IS NOT NULL;
        CREATE INDEX idx_clients_name_key ON clients(name_key, billing_postal_code);
        CREATE INDEX idx_clients_sort_name ON clients(sort_name, id);
        CREATE INDEX idx_clients_created ON clients(created_at, id);
        CREATE INDEX idx_clients_merged_into ON clients(merged_into) WHERE merged_into IS NOT NULL;

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE
        );
        CREATE TABLE client_tags (
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id),
            PRIMARY KEY (client_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX idx_client_tags_tag ON client_tags(tag_id, client_id);

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX idx_notes_client ON notes(client_id, id);

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            client_id INTEGER,
            before TEXT,
            after TEXT,
            details TEXT
        );
        CREATE INDEX idx_audit_client ON audit(client_id, id);

        {_fts_sql(_V1_FTS_COLUMNS)}
        """,
    )


REVENUE_SQL = (
    "coalesce((SELECT sum(CASE d.type WHEN 'invoice' THEN d.amount_ht ELSE -d.amount_ht END)"
    " FROM documents d WHERE d.client_id = {id} AND d.type IN ('invoice', 'credit_note')"
    " AND d.status NOT IN ('draft', 'cancelled')"
    " AND d.currency = (SELECT currency FROM clients WHERE id = {id})), 0)"
)


def _v2_history(db: Database) -> None:
    """Documents (invoices, quotes, credit notes) and payments; revenue kept per client."""
    revenue_new = REVENUE_SQL.format(id="new.client_id")
    revenue_old = REVENUE_SQL.format(id="old.client_id")
    run_script(
        db,
        f"""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id),
            type TEXT NOT NULL CHECK (type IN ('invoice', 'quote', 'credit_note')),
            number TEXT NOT NULL,
            date TEXT NOT NULL,
            due_date TEXT,
            amount_ht INTEGER NOT NULL,
            amount_ttc INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (type, number)
        );
        CREATE INDEX idx_documents_client ON documents(client_id, date);
        CREATE TABLE payments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            date TEXT NOT NULL,
            amount INTEGER NOT NULL,
            method TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_payments_document ON payments(document_id);
        ALTER TABLE clients ADD COLUMN revenue_cents INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX idx_clients_revenue ON clients(revenue_cents, sort_name, id);
        CREATE TRIGGER documents_revenue_insert AFTER INSERT ON documents BEGIN
            UPDATE clients SET revenue_cents = {revenue_new} WHERE id = new.client_id;
        END;
        CREATE TRIGGER documents_revenue_delete AFTER DELETE ON documents BEGIN
            UPDATE clients SET revenue_cents = {revenue_old} WHERE id = old.client_id;
        END;
        CREATE TRIGGER documents_revenue_update AFTER UPDATE ON documents BEGIN
            UPDATE clients SET revenue_cents = {revenue_old} WHERE id = old.client_id;
            UPDATE clients SET revenue_cents = {revenue_new} WHERE id = new.client_id;
        END;
        CREATE TRIGGER clients_currency_revenue AFTER UPDATE OF currency ON clients BEGIN
            UPDATE clients SET revenue_cents = {REVENUE_SQL.format(id="new.id")}
            WHERE id = new.id;
        END;
        """,
    )


def _v3_sparse_revenue_index(db: Database) -> None:
    """Index only the clients with a revenue: inserting clients stays cheap in a big book."""
    db.execute("DROP INDEX idx_clients_revenue")
    db.execute(
        "CREATE INDEX idx_clients_revenue ON clients(revenue_cents, sort_name, id)"
        " WHERE revenue_cents <> 0"
    )


def _contact_words(client_id: str) -> str:
    return (
        f"UPDATE clients SET contact_words = (SELECT group_concat(search_words, ' ')"
        f" FROM contacts WHERE client_id = {client_id}) WHERE id = {client_id};"
    )


def _v4_contacts_fields_blocking_reminders(db: Database) -> None:
    """Contacts of a client, custom fields, the blocked state, reminders; the search index
    gains the contacts' words (rebuilt once)."""
    run_script(
        db,
        f"""
        ALTER TABLE clients ADD COLUMN blocked_at TEXT;
        ALTER TABLE clients ADD COLUMN blocked_reason TEXT;
        ALTER TABLE clients ADD COLUMN contact_words TEXT;
        CREATE INDEX idx_clients_blocked ON clients(blocked_at) WHERE blocked_at IS NOT NULL;

        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            first_name TEXT, last_name TEXT, position TEXT, department TEXT,
            email TEXT, email_key TEXT, phone TEXT,
            is_primary INTEGER NOT NULL DEFAULT 0,
            search_words TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_contacts_client ON contacts(client_id, id);
        CREATE INDEX idx_contacts_email_key ON contacts(email_key) WHERE email_key IS NOT NULL;
        CREATE INDEX idx_contacts_phone ON contacts(phone) WHERE phone IS NOT NULL;
        CREATE TRIGGER contacts_words_insert AFTER INSERT ON contacts BEGIN
            {_contact_words("new.client_id")}
        END;
        CREATE TRIGGER contacts_words_delete AFTER DELETE ON contacts BEGIN
            {_contact_words("old.client_id")}
        END;
        CREATE TRIGGER contacts_words_update AFTER UPDATE OF client_id, search_words
        ON contacts BEGIN
            {_contact_words("old.client_id")}
            {_contact_words("new.client_id")}
        END;

        CREATE TABLE field_defs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
            choices TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE field_values (
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            field_id INTEGER NOT NULL REFERENCES field_defs(id) ON DELETE CASCADE,
            value TEXT NOT NULL,
            PRIMARY KEY (client_id, field_id)
        ) WITHOUT ROWID;
        CREATE INDEX idx_field_values_field ON field_values(field_id, value);

        CREATE TABLE reminders (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id),
            due_on TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            done_at TEXT
        );
        CREATE INDEX idx_reminders_client ON reminders(client_id, due_on);
        CREATE INDEX idx_reminders_due ON reminders(due_on, id) WHERE done_at IS NULL;
        {_new_fts_sql(sizes=True)}
        """,
    )


def _new_fts_sql(sizes: bool) -> str:
    """The search index replaced by one over :data:`FTS_COLUMNS`, built from the clients."""
    return f"""
        DROP TRIGGER clients_fts_insert;
        DROP TRIGGER clients_fts_delete;
        DROP TRIGGER clients_fts_update;
        DROP TABLE clients_fts;
        {_fts_sql(FTS_COLUMNS, sizes)}
        INSERT INTO clients_fts(clients_fts) VALUES ('rebuild');
        """


def _v5_vies_checks(db: Database) -> None:
    """Every online VIES check of a client's VAT number, kept as proof (never rewritten)."""
    run_script(
        db,
        """
        CREATE TABLE vies_checks (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
            vat_number TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'unavailable')),
            checked_at TEXT NOT NULL,
            name TEXT,
            address TEXT,
            consultation_number TEXT,
            requester TEXT,
            detail TEXT
        );
        CREATE INDEX idx_vies_checks_client ON vies_checks(client_id, vat_number, id);
        """,
    )


def _v6_siren_without_siret(db: Database) -> None:
    """Index the SIREN only of the clients without a SIRET: the SIRET index finds the
    others by its prefix (see :func:`siren_sql`); a new client enters one index fewer."""
    db.execute("DROP INDEX idx_clients_siren")
    db.execute(
        "CREATE INDEX idx_clients_siren ON clients(siren) WHERE siren IS NOT NULL AND siret IS NULL"
    )


def _v7_search_index_without_sizes(db: Database) -> None:
    """The search index without the size of each column of each client (FTS5's docsize
    table): only a bm25 ranking reads them, which searches do not use. Rebuilt once."""
    run_script(db, _new_fts_sql(sizes=False))


def _v8_overseas_phone_tokens(db: Database) -> None:
    """An overseas phone's search tokens hold its national form too, as a French one's do
    (« 0692123456 » beside « 262692123456 »), for clients and contacts (their triggers
    update the search index): the four-character codes of La Réunion and Mayotte, the
    Antilles, Guyane, Saint-Pierre-et-Miquelon."""
    codes = ("+262", "+590", "+594", "+596", "+508")
    overseas = " OR ".join(f"phone GLOB '{code}*'" for code in codes)
    for table, col in (("clients", "search_ids"), ("contacts", "search_words")):
        national = f"ltrim(coalesce({col}, '') || ' 0' || substr(phone, 5))"
        db.execute(f"UPDATE {table} SET {col} = {national} WHERE {overseas}")


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_core,
    _v2_history,
    _v3_sparse_revenue_index,
    _v4_contacts_fields_blocking_reminders,
    _v5_vies_checks,
    _v6_siren_without_siret,
    _v7_search_index_without_sizes,
    _v8_overseas_phone_tokens,
    migrate_to_tiers,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database) -> int:
    """Bring ``db`` to the current schema version, each step in its own transaction.

    :returns: the number of migrations applied.
    :raises StorageError: if the file was written by a newer version of newbi-clients.
    """
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"Base de données trop récente (schéma {current}, cette version de newbi-clients"
            f" connaît le schéma {SCHEMA_VERSION}) : mettez newbi-clients à jour."
        )
    for version in range(current, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if int(db.execute("PRAGMA user_version").fetchone()[0]) > version:
                db.execute("COMMIT")
                continue
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION - current
