"""Duplicates of staged import rows, found in SQL: against the book, then within the file.

Exact keys first (email ignoring case, SIRET); then, for rows that have neither, the
probable keys of « duplicates »: the same phone, or the same normalised name and postal
code; and a business row without address whose name is a business's (the contact rows
of Odoo or Dolibarr exports, whose person joins that client). A contact's email is a key
like a client's (see :mod:`.people`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from newbi_clients import tiers as index_tiers
from newbi_clients.clauses import status_condition
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.people import (
    CONTACT_EMAIL_SQL,
    KEYS,
    PERSON_ROWS,
    classify_contact_emails,
    holds_rows,
)
from newbi_clients.transfer.plan import DuplicateRow, ImportPlan

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

_ACTIVE = status_condition("active", "c")
# the columns of the staged rows that the rules read, and what they mark: the rules run
# over this narrow copy (some sixty bytes a row) rather than over the wide staged rows,
# each of which they would otherwise read a dozen times
_KEYS = "row, email_key, siret, phone, name_key, billing_postal_code, kind"
_MARKS = ("dup_of_id", "dup_of_row", "dup_field")
_INDEXED = ("email_key", "siret", "phone", "name_key")


def create_keys(db: Database) -> None:
    """The (empty) narrow copy of the staged rows' keys."""
    db.execute(f"DROP TABLE IF EXISTS temp.{KEYS}")
    db.execute(
        f"CREATE TEMP TABLE {KEYS} (row INTEGER PRIMARY KEY, {_KEYS.removeprefix('row, ')},"
        f" {', '.join(_MARKS)})"
    )


def stage_keys(conn: sqlite3.Connection, source: str) -> None:
    """Copy the keys of staged rows (``source``, a table of :data:`STAGE_TABLES`' stage
    shape): done as each validated chunk comes, while the workers validate the next."""
    conn.execute(f"INSERT INTO temp.{KEYS} ({_KEYS}) SELECT {_KEYS} FROM {source}")


def classify(store: ClientStore, plan: ImportPlan) -> None:
    """Duplicates against the book first, then within the file (first occurrence wins).

    The keys of every staged row must be in the narrow copy (:func:`stage_keys`)."""
    db = store.db
    marks = ", ".join(f"{m} = NULL" for m in _MARKS)
    # found again (the book changed): the rows marked the first time are set free
    db.execute(
        f"UPDATE stage SET {marks}"
        f" WHERE row IN (SELECT row FROM {KEYS} WHERE dup_field IS NOT NULL)"
    )
    db.execute(f"UPDATE {KEYS} SET {marks} WHERE dup_field IS NOT NULL")
    # built once all the keys are there: from sorted keys, four times cheaper (measured)
    # than updated as each chunk comes
    for key in _INDEXED:
        db.execute(f"CREATE INDEX IF NOT EXISTS temp.{KEYS}_{key} ON {KEYS} ({key}, row)")
    plan.duplicates.clear()
    # exact keys first, then the probable keys of rows that have no exact key (the
    # keys of « duplicates »): the same phone, or the same name and postal code
    probable = "email_key IS NULL AND siret IS NULL AND"
    # a company's row that carries its person (a contact row of Odoo or Dolibarr, whose
    # address is the company's) has the person's email: by name and postal code, it is
    # the company already there
    person = (
        "siret IS NULL AND (email_key IS NULL OR (row, email_key) IN"
        " (SELECT row, email_key FROM temp.stage_contacts)) AND"
    )
    sources = ("book", "file") if holds_rows(db, "main.clients") else ("file",)
    tiers = index_tiers.named(store)  # the book's tiers, named in each look-up
    for source in sources:
        for key in ("email_key", "siret"):
            _mark(store, key, "", source, tiers)
    classify_contact_emails(db)  # a contact's email is a key like a client's
    probable_keys = (("phone", probable), ("name_key", person),
                     ("name_only", "siret IS NULL AND"))  # fmt: skip
    for source in sources:
        for key, when in probable_keys:
            _mark(store, key, when, source, tiers)
    copied = ", ".join(f"{m} = k.{m}" for m in _MARKS)
    db.execute(
        f"UPDATE stage SET {copied} FROM {KEYS} k"
        " WHERE k.row = stage.row AND k.dup_field IS NOT NULL"
    )
    plan.duplicates.extend(_duplicates(store))
    (plan.people,) = db.execute(f"SELECT count(*) FROM {KEYS} WHERE {PERSON_ROWS}").fetchone()


def _duplicates(store: ClientStore) -> Iterator[DuplicateRow]:
    # the marked rows found in the narrow copy of the keys, each staged row then read by
    # its key: not a scan of every wide staged row (about nine times slower, measured on
    # 100,000 rows), most of which no rule marked
    for row in store.execute(
        "SELECT s.row, s.dup_field, s.email, s.siret, s.phone, s.name, s.billing_postal_code,"
        f" s.dup_of_id, s.dup_of_row, coalesce(c.name, t.name), {CONTACT_EMAIL_SQL}"
        f" FROM {KEYS} k JOIN stage s ON s.row = k.row"
        " LEFT JOIN main.clients c ON c.id = s.dup_of_id"
        " LEFT JOIN stage t ON t.row = s.dup_of_row"
        " WHERE k.dup_field IS NOT NULL ORDER BY k.row"
    ):
        number, key, email, siret, phone, name, postal, of_id, of_row, other, contact = row
        fld, value = {
            "email_key": ("email", email),
            "siret": ("siret", siret),
            "phone": ("phone", phone),
            "name_key": ("name_postal_code", f"{name} {postal}"),
            "name_only": ("name", name),
            "contact_email": ("contact_email", contact),
        }[key]
        yield DuplicateRow(number, fld, value, of_id, of_row, other)


def _mark(store: ClientStore, key: str, when: str, source: str, tiers: str) -> None:
    """Mark the unclassified rows whose ``key`` is in the book (or earlier in the file);
    the book's ``tiers`` (:func:`newbi_clients.tiers.named`) are each sought in its index,
    even without statistics."""
    # name_only: a business row without address (a contact row of Odoo, Dolibarr…)
    # whose name is a business's: the contact of a client already there
    column = "name_key" if key == "name_only" else key
    same = f"{{t}}.{column} = {KEYS}.{column}"
    present = f"{column} IS NOT NULL"
    if key == "name_only":
        same += " AND {t}.kind = 'business'"
        present += " AND name_key <> '' AND billing_postal_code IS NULL AND kind = 'business'"
    if key == "name_key":
        same += f" AND {{t}}.billing_postal_code = {KEYS}.billing_postal_code"
        present += " AND name_key <> '' AND billing_postal_code IS NOT NULL"
    if source == "book":
        target = "dup_of_id = (SELECT min(c.id) {found})"
        found = (
            f"FROM main.clients c WHERE c.tier IN ({tiers}) AND {same.format(t='c')} AND {_ACTIVE}"
        )
    else:
        target = "dup_of_row = (SELECT min(t.row) {found})"
        found = f"FROM {KEYS} t WHERE {same.format(t='t')} AND t.row < {KEYS}.row"
    store.db.execute(
        f"UPDATE {KEYS} SET dup_field = '{key}', {target.format(found=found)}"
        f" WHERE {when} dup_of_id IS NULL AND dup_of_row IS NULL AND {present}"
        f" AND EXISTS (SELECT 1 {found})"
    )
