"""The tiers of the indexes that find a client by a key or list clients by name.

The indexes that find a client by its email, SIRET, SIREN, VAT number, phone, or name
and postal code, and the index of the clients in the order of their names, lead with
the client's ``tier``: 0 for the settled clients, then one tier for each recent large
import. Such an import puts its new clients in a tier of their own, a new region of each
index, instead of spreading them over the whole index: 100,000 random keys entered into
an index of a million keys rewrite nearly every page of it, seven times over (measured
on a copy of a million-client book: 4.0 to 4.5 s of insert and commit, against 1.4 to
1.6 s into a tier of their own). A small import (under a twentieth of the settled
clients) goes into the settled tier, where it costs little.

A list in the order of names reads each tier along its index and merges them. A lookup
by key seeks each tier (SQLite's « skip-scan »: one seek a tier). The query planner
chooses it only from statistics that show the tiers to be few and large:
:func:`write_statistics` writes them for these indexes alone (``sqlite_stat1``), and a
real ``ANALYZE`` finds the same shape.

When the recent tiers would hold more than half as many clients as the settled one, or
be more than :data:`MAX_RECENT` tiers, the import builds the indexes again from sorted
keys with every client settled: that import pays for the recent ones (about 11 s for a
million clients, measured), about what updating the indexes in place would have cost
them all (see the README, « Performance »).
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterator
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlite_utils import Database

    from newbi_clients.storage import ClientStore

SETTLED = 0
T = TypeVar("T")

# (index, key columns, condition, statistics): the indexes of the clients that lead with
# the tier; the statistics say a million clients, half in each tier, and how many share
# a value of each next column (one client a key; two a name and postal code)
TIERED: tuple[tuple[str, str, str, str], ...] = (
    ("idx_clients_email_key", "email_key", "email_key IS NOT NULL", "1"),
    ("idx_clients_siret", "siret", "siret IS NOT NULL", "1"),
    ("idx_clients_siren", "siren", "siren IS NOT NULL AND siret IS NULL", "1"),
    ("idx_clients_vat_number", "vat_number", "vat_number IS NOT NULL", "1"),
    ("idx_clients_phone", "phone", "phone IS NOT NULL", "1"),
    ("idx_clients_name_key", "name_key, billing_postal_code", "", "2 1"),
    ("idx_clients_sort_name", "sort_name, id", "", "1 1"),
)
# a list in the order of names reads each tier along that index and merges them
NAME_ORDER = "ORDER BY c.sort_name"

# an import of fewer new clients than this share of the settled ones (1/20) goes into
# the settled tier; the recent tiers hold at most this share of the settled clients
# (1/2) and are at most MAX_RECENT, or the import settles them all
SMALL_SHARE, RECENT_SHARE, MAX_RECENT = 20, 2, 8


def index_sql(name: str, columns: str, condition: str) -> str:
    """The ``CREATE INDEX`` of a tiered index."""
    where = f" WHERE {condition}" if condition else ""
    return f"CREATE INDEX {name} ON clients(tier, {columns}){where}"


def write_statistics(db: Database | sqlite3.Connection) -> None:
    """Write the statistics by which the planner seeks every tier of the tiered indexes,
    and make the connection read them.

    Only the relative sizes matter to the planner; without these rows it would not
    look a key up through an index that does not start with it, and would read the
    whole table instead. Other connections read them when they next read the schema."""
    db.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 when the book has none
    names = [name for name, *_ in TIERED]
    marks = ", ".join("?" for _ in names)
    db.execute(f"DELETE FROM sqlite_stat1 WHERE tbl = 'clients' AND idx IN ({marks})", names)
    for name, _, _, shared in TIERED:
        stat = f"1000000 500000 {shared}"
        db.execute(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('clients', ?, ?)", [name, stat]
        )
    db.execute("ANALYZE sqlite_schema")  # reloads the statistics


def keep_statistics(conn: sqlite3.Connection) -> None:
    """Write the statistics again when they are gone (a ``DROP TABLE sqlite_stat1``, a
    tool that cleared them): without them, a lookup by key reads the whole table (the
    heavy readers, `duplicates` and the import's preview, name each tier and do not need
    them). Left as they are, at once, when the book cannot be written now (read-only, or
    another command writing): a reader never waits for this."""
    names = [name for name, *_ in TIERED]
    marks = ", ".join("?" for _ in names)
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        (present,) = conn.execute(
            f"SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'clients' AND idx IN ({marks})", names
        ).fetchone()
        if present == len(names):
            return
    (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute("PRAGMA busy_timeout = 0")  # never wait behind a writer for this
    try:
        conn.execute("BEGIN IMMEDIATE")
        write_statistics(conn)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:  # read-only, or another writer holds the lock
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def migrate_to_tiers(db: Database) -> None:
    """Schema 9: the clients' tier, and the indexes that lead with it (built again: about
    9 s for a million clients)."""
    db.execute(f"ALTER TABLE clients ADD COLUMN tier INTEGER NOT NULL DEFAULT {SETTLED}")
    for name, columns, condition, _ in TIERED:
        db.execute(f"DROP INDEX IF EXISTS {name}")
        db.execute(index_sql(name, columns, condition))
    write_statistics(db)


def merged(streams: list[Iterator[tuple[Any, T]]], descending: bool) -> Iterator[T]:
    """The items of streams of (key, item), each in the order of its keys, in that
    order."""
    for _, item in heapq.merge(*streams, key=itemgetter(0), reverse=descending):
        yield item


def present(conn: sqlite3.Connection | ClientStore) -> list[int]:
    """The tiers that hold clients, in order (SQLite skips along the index from one tier
    to the next)."""
    return [int(t) for (t,) in conn.execute("SELECT DISTINCT tier FROM clients ORDER BY tier")]


def named(conn: sqlite3.Connection | ClientStore) -> str:
    """The tiers that hold clients, as an SQL list (« 0, 1, 2 ») for ``tier IN (…)``: a
    query that names them seeks a tiered index tier by tier even without statistics."""
    return ", ".join(str(t) for t in present(conn)) or str(SETTLED)


def settle(store: ClientStore) -> None:
    """Settle every client (tier 0). An import does it once it has dropped the tiered
    indexes: the table alone is written."""
    store.db.execute("UPDATE clients SET tier = ? WHERE tier <> ?", [SETTLED, SETTLED])


def tier_of_import(store: ClientStore, count: int, clients: int) -> int | None:
    """The tier of the ``count`` new clients of an import into a book of about ``clients``
    clients (its highest id) that does not build its indexes again: the settled tier for
    a small import, a new tier for a large one; None when the recent tiers would grow
    past their share of the settled clients or their number, and the import must build
    the indexes again, settling every client."""
    (recent,) = store.db.execute(
        "SELECT count(*) FROM clients WHERE tier > ?", [SETTLED]
    ).fetchone()
    settled = max(clients - recent, 0)
    if count * SMALL_SHARE < settled:
        return SETTLED
    top = max(present(store), default=SETTLED)
    if recent + count > settled // RECENT_SHARE or top >= MAX_RECENT:
        return None
    return top + 1
