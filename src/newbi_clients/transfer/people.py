"""The contacts of imported rows, as duplicate keys: a contact's email is unique among
active clients and their contacts, in the book and in the file, like a client's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newbi_clients.clauses import status_condition

if TYPE_CHECKING:
    from sqlite_utils import Database

_ACTIVE = status_condition("active", "c")
# the narrow copy of the staged rows' keys over which duplicates are classified
KEYS = "stage_keys"
_UNCLASSIFIED = "dup_of_id IS NULL AND dup_of_row IS NULL"
# (the tables read, the rule, the row's key) in the book: a client's email held by a
# contact, a contact's email held by a client or by a contact
_IN_BOOK = (
    (("main.contacts",), "FROM main.contacts k JOIN main.clients c ON c.id = k.client_id"
     " WHERE k.email_key = stage_keys.email_key", "email_key"),
    (("stage_contacts", "main.clients"), "FROM stage_contacts sc JOIN main.clients c"
     " ON c.email_key = sc.email_key WHERE sc.row = stage_keys.row", "contact_email"),
    (("stage_contacts", "main.contacts"), "FROM stage_contacts sc JOIN main.contacts k"
     " ON k.email_key = sc.email_key JOIN main.clients c ON c.id = k.client_id"
     " WHERE sc.row = stage_keys.row", "contact_email"),
)  # fmt: skip
# in the file, every rule reads the file's contacts
_IN_FILE = (
    ("FROM stage_contacts sc JOIN stage_keys t ON t.email_key = sc.email_key"
     " WHERE sc.row = stage_keys.row AND t.row < stage_keys.row", "contact_email"),
    ("FROM stage_contacts sc JOIN stage_contacts tc ON tc.email_key = sc.email_key"
     " JOIN stage_keys t ON t.row = tc.row"
     " WHERE sc.row = stage_keys.row AND t.row < stage_keys.row", "contact_email"),
    ("FROM stage_contacts tc JOIN stage_keys t ON t.row = tc.row"
     " WHERE tc.email_key = stage_keys.email_key AND t.row < stage_keys.row", "email_key"),
)  # fmt: skip


def holds_rows(db: Database, *tables: str) -> bool:
    """Whether every table has a row: a rule that reads an empty one can match nothing,
    and need not read every staged row to find that out."""
    return all(db.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0] for t in tables)


def classify_contact_emails(db: Database) -> None:
    """Mark as duplicates the staged rows not yet marked whose email is a contact's, or
    whose contact's email is a client's or a contact's: of an active client of the book
    first, then of an earlier row of the file."""
    db.execute("CREATE INDEX IF NOT EXISTS temp.stage_contacts_row ON stage_contacts (row)")
    db.execute("CREATE INDEX IF NOT EXISTS temp.stage_contacts_email ON stage_contacts (email_key)")
    for tables, source, field in _IN_BOOK:
        if not holds_rows(db, *tables):
            continue
        found = f"{source} AND {_ACTIVE}"
        db.execute(
            f"UPDATE {KEYS} SET dup_field = '{field}', dup_of_id = (SELECT min(c.id) {found})"
            f" WHERE {_UNCLASSIFIED} AND EXISTS (SELECT 1 {found})"
        )
    if not holds_rows(db, "stage_contacts"):
        return
    for source, field in _IN_FILE:
        db.execute(
            f"UPDATE {KEYS} SET dup_field = '{field}', dup_of_row = (SELECT min(t.row) {source})"
            f" WHERE {_UNCLASSIFIED} AND EXISTS (SELECT 1 {source})"
        )


# the duplicate rows matched by name (name and postal code, or a business's name alone)
# that carry a person: an Odoo or Dolibarr contact row, whose person joins its company
PERSON_ROWS = (
    f"{KEYS}.dup_field IN ('name_key', 'name_only')"
    f" AND EXISTS (SELECT 1 FROM stage_contacts c WHERE c.row = {KEYS}.row)"
)

CONTACT_EMAIL_SQL = (
    "(SELECT k.email FROM stage_contacts k WHERE k.row = s.row AND k.email IS NOT NULL"
    " ORDER BY k.rowid LIMIT 1)"
)
