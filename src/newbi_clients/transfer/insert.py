"""The import's write of new clients: their rows, the indexes of the clients, the search index."""

from __future__ import annotations

import re

from newbi_clients import tiers
from newbi_clients.rows import STATE_COLUMNS
from newbi_clients.schema import FTS_COLUMNS
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.phases import PhaseTimes
from newbi_clients.transfer.validate import STAGE_COLUMNS

# a new client of an import has no state (merged, archived, blocked): the insert leaves
# those columns at their default (NULL)
COLUMNS = tuple(column for column in STAGE_COLUMNS if column not in STATE_COLUMNS)
# the page cache of an import's write, in KiB: each new row goes into every index of the
# clients, whose pages are spread over the whole book (see the README, « Performance »)
WRITE_CACHE_KIB = 96 * 1024
# the same when the import holds at least as many clients as the book: the indexes are
# built again after the insert from sorted keys, and the write fills each new page once,
# which half the cache serves as fast (measured on 100,000 rows into an empty book: 24,
# 48 and 96 MiB; 24 slower) with 30 MB less memory
BULK_CACHE_KIB = 48 * 1024
# the search index's pending entries are written out in segments of this size (FTS5's
# « hashsize », 1 MB by default): a large import makes half as many segments, which a big
# book's index merges with its own (measured: 1, 2, 4, 8 and 16 MB; above 2 MB, no faster)
FTS_HASH_BYTES = 2 * 1024 * 1024
# the new clients in id order, read straight from stage_ids by its key: the ids are given
# in row order (see apply), so ordering by row needs no sort, whose buffer held a copy of
# every row (about 37 MB for 100,000 rows) while the page cache filled
INSERT_CLIENTS = (
    f"INSERT INTO clients (id, {', '.join(COLUMNS)}, created_at, updated_at, tier)"
    f" SELECT i.new_id, {', '.join(COLUMNS)}, ?, ?, ?"
    " FROM stage_ids i JOIN stage s ON s.row = i.row ORDER BY i.row"
)

# the columns an import writes; the others keep their default (no revenue, no merge target,
# not archived, not blocked), which the partial indexes on them leave out
WRITTEN = frozenset(("id", *COLUMNS, "created_at", "updated_at", "tier"))


def last_id(store: ClientStore) -> int:
    """The highest id a client of the book has had (``AUTOINCREMENT`` never gives it again)."""
    return int(
        store.db.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'clients'), 0),"
            " coalesce((SELECT max(id) FROM clients), 0))"
        ).fetchone()[0]
    )


def rebuilds_indexes(count: int, last: int) -> bool:
    """Whether an import of ``count`` new clients into a book whose ids reach ``last``
    builds the indexes of the clients again rather than updating them row by row."""
    return count >= last


def set_write_cache(store: ClientStore, rows: int) -> int:
    """Give the connection the page cache of an import's write of about ``rows`` clients;
    returns its size in KiB."""
    kib = BULK_CACHE_KIB if rebuilds_indexes(rows, last_id(store)) else WRITE_CACHE_KIB
    store.db.execute(f"PRAGMA cache_size = -{kib}")
    return kib


def insert_clients(store: ClientStore, times: PhaseTimes, stamp: str, base: int, count: int) -> int:
    """Insert the staged new clients (``stage_ids``, ids from ``base``), then index them for
    search in one pass; returns how many were inserted.

    The per-row search-index trigger is set aside for the statement (inside the
    transaction: an interruption puts it back) and the new rows are indexed in bulk,
    which costs a fraction of row-by-row indexing in a large book. When the import
    holds at least as many clients as the book (``base`` - 1 ids so far), or when the
    recent tiers of the indexes must be settled (see :mod:`newbi_clients.tiers`), the
    indexes of the clients that the new rows enter are dropped and built again after
    the insert, from sorted keys, rather than updated row by row, and every client is
    settled. Otherwise a large import's clients go into a tier of their own, a small
    one's into the settled tier.
    """
    db = store.db
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'clients_fts_insert'"
    ).fetchone()[0]
    db.execute("DROP TRIGGER clients_fts_insert")
    tier = (
        None if rebuilds_indexes(count, base - 1) else tiers.tier_of_import(store, count, base - 1)
    )
    indexes = entered_indexes(store) if tier is None else []
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    if tier is None:
        tier = tiers.SETTLED
        tiers.settle(store)  # the key indexes are dropped: the table alone is written
    with times.phase("insert"):
        created = db.execute(INSERT_CLIENTS, [stamp, stamp, tier]).rowcount
    if indexes:
        with times.phase("index"):
            for _, sql in indexes:
                db.execute(sql)
            tiers.write_statistics(db)  # dropping an index drops its statistics
    columns = ", ".join(FTS_COLUMNS)
    with times.phase("fts"):
        (hash_bytes,) = db.execute(
            "SELECT coalesce((SELECT v FROM clients_fts_config WHERE k = 'hashsize'), 0)"
        ).fetchone()
        if hash_bytes != FTS_HASH_BYTES:
            db.execute(
                "INSERT INTO clients_fts (clients_fts, rank) VALUES ('hashsize', ?)",
                [FTS_HASH_BYTES],
            )
        db.execute(
            f"INSERT INTO clients_fts (rowid, {columns}) SELECT id, {columns} FROM clients"
            " WHERE id >= ?",
            [base],
        )
    db.execute(trigger)
    return int(created)


def entered_indexes(store: ClientStore) -> list[tuple[str, str]]:
    """(name, SQL) of the indexes of the clients that new rows enter: all but the partial
    indexes whose condition reads only columns that an import leaves at their default
    (``revenue_cents <> 0``, ``merged_into IS NOT NULL``, ``blocked_at IS NOT NULL``).
    Those are kept as they are: building one again reads the whole table for no entry,
    and SQLite keeps any index it was not asked to drop up to date, so the choice costs
    time, never correctness."""
    entered = []
    for name, sql in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        " AND tbl_name = 'clients' AND sql IS NOT NULL"
    ).fetchall():
        condition = re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.IGNORECASE)[1:]
        words = set(re.findall(r"\w+", condition[0].lower())) if condition else WRITTEN
        if words & WRITTEN:
            entered.append((name, sql))
    return entered
