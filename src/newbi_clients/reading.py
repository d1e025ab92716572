"""Reading clients back: one by its id, or the stream a query selects, in its order."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from newbi_clients import tiers
from newbi_clients.contacts import CONTACTS_SQL
from newbi_clients.customfields import FIELDS_SQL
from newbi_clients.errors import ClientNotFound
from newbi_clients.models import Client
from newbi_clients.rows import row_to_client
from newbi_clients.search import ClientQuery, query_phases
from newbi_clients.snapshots import as_dict
from newbi_clients.vies import CHECK_SQL

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

_TAGS_SQL = (
    "(SELECT group_concat(t.name, char(31)) FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
    " WHERE ct.client_id = c.id) AS tag_names"
)
_NOTES_SQL = (
    "(SELECT json_group_array(json_array(n.id, n.at, n.text)) FROM"
    " (SELECT id, at, text FROM notes WHERE client_id = c.id ORDER BY id) n) AS notes_json"
)


def select_sql(with_notes: bool) -> str:
    """The SELECT of a whole client (``clients c``) with its tags, contacts, fields, last
    VIES check and, ``with_notes``, its notes."""
    notes = f", {_NOTES_SQL}" if with_notes else ""
    return f"SELECT c.*, {_TAGS_SQL}, {CONTACTS_SQL}, {FIELDS_SQL}, {CHECK_SQL}{notes}"


def get(store: ClientStore, client_id: int) -> Client:
    """The client with this id, whatever its state.

    :raises ClientNotFound: if there is none.
    """
    cursor = store.execute(f"{select_sql(True)} FROM clients c WHERE c.id = ?", [client_id])
    row = cursor.fetchone()
    if row is None:
        raise ClientNotFound(f"#{client_id}")
    return row_to_client(as_dict(cursor, row))


def iter_clients(
    store: ClientStore, query: ClientQuery, with_notes: bool = False
) -> Iterator[Client]:
    """Stream the clients a query selects, in its order.

    Some orders are read in phases, each walking an index, rather than sorted whole:
    a search puts the names that begin with the text first; the revenue sort reads
    the clients with a revenue from its (partial) index, then the others by name. The
    order of names reads each tier of its index in order and merges them (see
    :mod:`newbi_clients.tiers`).

    :raises ValidationFailed: for an invalid filter value.
    """
    select = select_sql(with_notes)
    found = 0
    present: list[int] | None = None
    for where, params, order in query_phases(query):
        limit = None if query.limit is None else query.limit - found
        if limit is not None and limit <= 0:
            return
        rows: Iterator[Client]
        if order.startswith(tiers.NAME_ORDER):
            present = tiers.present(store) if present is None else present
            tiered = f"{select} {where} AND c.tier = ? {order}"
            if len(present) <= 1:  # one tier alone, as its index gives it
                only = present[0] if present else tiers.SETTLED
                rows = _clients(store, tiered, [*params, only], limit)
            elif _sorts(store, f"SELECT c.id {where} AND c.tier = ? {order}", [*params, 0]):
                # the clients are gathered then sorted (a tag, a text search): once for
                # all the tiers, not once a tier
                rows = _clients(store, f"{select} {where} {order}", params, limit)
            else:
                streams = [_keyed(store, tiered, [*params, t], limit) for t in present]
                rows = islice(tiers.merged(streams, " DESC" in order), limit)
        else:
            rows = _clients(store, f"{select} {where} {order}", params, limit)
        for client in rows:
            found += 1
            yield client


def _sorts(store: ClientStore, sql: str, params: list[Any]) -> bool:
    """Whether SQLite sorts the rows of ``sql`` for its ORDER BY rather than reading them
    in order along an index (its plan, at the top level)."""
    plan = store.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return any(parent == 0 and "TEMP B-TREE FOR ORDER BY" in step for _, parent, _, step in plan)


def _cursor(
    store: ClientStore, sql: str, params: list[Any], limit: int | None
) -> tuple[sqlite3.Cursor, list[str]]:
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    cursor = store.execute(sql, params)
    return cursor, [d[0] for d in cursor.description]


def _clients(
    store: ClientStore, sql: str, params: list[Any], limit: int | None
) -> Iterator[Client]:
    """The clients of a query on ``clients c``."""
    cursor, names = _cursor(store, sql, params, limit)
    for row in cursor:
        yield row_to_client(dict(zip(names, row, strict=True)))


def _keyed(
    store: ClientStore, sql: str, params: list[Any], limit: int | None
) -> Iterator[tuple[tuple[str, int], Client]]:
    """((name's sort key, id), client) of each row of a query on ``clients c``."""
    cursor, names = _cursor(store, sql, params, limit)
    for row in cursor:
        data = dict(zip(names, row, strict=True))
        yield (data["sort_name"], data["id"]), row_to_client(data)
