"""Groups of probable duplicates, found in SQL: same email, SIRET, SIREN, VAT number,
phone, or normalised name with the same postal code; the emails and phones of contacts
count like the clients' own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newbi_clients.clauses import siren_sql
from newbi_clients.storage import ClientStore
from newbi_clients.tiers import SETTLED, named

# (reason, column(s), exact?) in order of strength
REASONS: tuple[tuple[str, str, bool], ...] = (
    ("email", "email_key", True),
    ("siret", "siret", True),
    ("siren", "siren", False),
    ("vat_number", "vat_number", False),
    ("phone", "phone", False),
    ("name_postal_code", "name_key, billing_postal_code", False),
)
_NOT_EMPTY = {"name_postal_code": "name_key <> '' AND billing_postal_code IS NOT NULL"}


@dataclass(slots=True)
class DuplicateGroup:
    """Clients that share a key: an email, a SIRET, a SIREN, a VAT number, a phone, a name."""

    reason: str
    exact: bool
    key: str
    clients: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a group."""
        return {
            "reason": self.reason,
            "match": "exact" if self.exact else "probable",
            "key": self.key,
            "clients": self.clients,
        }


_SUMMARY = (
    "id, kind, name, first_name, email, phone, siret, vat_number, billing_postal_code,"
    " billing_city, archived_at"
)


def duplicate_groups(store: ClientStore) -> list[DuplicateGroup]:
    """Groups of probable duplicates among clients not merged (archived ones included).

    Each key is grouped with a GROUP BY that reads its index alone (a covering index: no
    row of the table is visited); merged clients, rare, are set aside afterwards. A group
    whose clients all belong to a group already found for a stronger reason is not
    repeated.
    """
    found: list[tuple[str, bool, str, list[int]]] = []
    for reason, expression, exact in REASONS:
        if reason == "siren":
            found.extend((reason, exact, key, ids) for key, ids in _siren_groups(store))
            continue
        condition = _NOT_EMPTY.get(reason, f"{expression} IS NOT NULL")
        found.extend(
            (reason, exact, key, ids) for key, ids in _key_groups(store, expression, condition)
        )
    found = _with_contacts(store, found)
    summaries = _summaries(store, sorted({i for *_, ids in found for i in ids}))
    groups: list[DuplicateGroup] = []
    seen: list[frozenset[int]] = []
    by_member: dict[int, list[int]] = {}
    for reason, exact, key, ids in found:
        members = frozenset(i for i in ids if summaries[i]["merged_into"] is None)
        candidates = {g for i in members for g in by_member.get(i, [])}
        if len(members) < 2 or any(members <= seen[g] for g in candidates):
            continue
        for i in members:
            by_member.setdefault(i, []).append(len(seen))
        seen.append(members)
        group = DuplicateGroup(reason, exact, key, ids=sorted(members))
        group.clients = [_public(summaries[i]) for i in group.ids]
        groups.append(group)
    return groups


def _key_groups(store: ClientStore, expression: str, condition: str) -> list[tuple[str, list[int]]]:
    """The keys (``expression``: one column or two) that several clients share, in order,
    with their ids.

    Each is found by a GROUP BY that reads the index of the key alone (a covering index:
    no row of the table is visited) along the settled tier, whose keys it holds in order;
    then each key of the recent tiers (see :mod:`newbi_clients.tiers`) is looked up in
    every tier, which completes or adds its group."""
    key_text = expression.replace(", ", " || ' ' || ")
    group = f"SELECT {expression}, {key_text}, group_concat(id) FROM clients WHERE {condition}"
    groups: dict[tuple[Any, ...], tuple[str, str]] = {}
    for *sort, key, ids_text in store.execute(
        f"{group} AND tier = {SETTLED} GROUP BY {expression} HAVING count(*) > 1"
    ):
        groups[tuple(sort)] = (str(key), ids_text)
    for *sort, key, ids_text in store.execute(
        f"{group} AND tier IN ({named(store)}) AND ({expression}) IN (SELECT {expression}"
        f" FROM clients WHERE tier > {SETTLED} AND {condition})"
        f" GROUP BY {expression} HAVING count(*) > 1"
    ):
        groups[tuple(sort)] = (str(key), ids_text)
    return [
        (key, sorted(int(i) for i in ids_text.split(",")))
        for _, (key, ids_text) in sorted(groups.items())
    ]


def _siren_groups(store: ClientStore) -> list[tuple[str, list[int]]]:
    """The SIRENs that several clients share, in order, with their ids.

    The SIREN index holds only the clients without a SIRET (a SIRET starts with its
    SIREN): the settled others are read along the SIRET index, whose order puts the
    SIRETs of a SIREN side by side, and a SIREN is kept when a row has the same as the
    row before (one comparison a client, as cheap as SQLite's own GROUP BY along an
    index of SIRENs, measured); then each SIREN of a client without SIRET, or of a
    client of the recent tier, is completed with the clients whose SIRET starts with
    it, found by its range of that index."""
    groups: dict[str, list[int]] = {}
    previous, first, ids = None, 0, None
    for siren, client in store.execute(
        "SELECT substr(siret, 1, 9), id FROM clients WHERE tier = ? AND siret IS NOT NULL"
        " ORDER BY siret",
        [SETTLED],
    ):
        if siren != previous:
            previous, first, ids = siren, client, None
        elif ids is None:
            ids = groups[siren] = [first, client]
        else:
            ids.append(client)
    for siren, ids_text in store.execute(
        "SELECT a.siren, group_concat(c.id) FROM (SELECT siren FROM clients"
        " WHERE siren IS NOT NULL AND siret IS NULL UNION SELECT substr(siret, 1, 9)"
        f" FROM clients WHERE tier > {SETTLED} AND siret IS NOT NULL) a JOIN clients c"
        f" ON {siren_sql('a.siren', 'c')}"
        " GROUP BY a.siren HAVING count(*) > 1"
    ):
        groups[str(siren)] = [int(i) for i in ids_text.split(",")]
    return sorted((siren, sorted(ids)) for siren, ids in groups.items())


# the contacts' keys that count like the clients' own: (reason, column)
_CONTACT_KEYS = (("email", "email_key"), ("phone", "phone"))


def _with_contacts(
    store: ClientStore, found: list[tuple[str, bool, str, list[int]]]
) -> list[tuple[str, bool, str, list[int]]]:
    """Add the clients whose contacts share an email or a phone with another client (or
    another client's contact): into the group of that key when there is one."""
    by_key = {(reason, key): i for i, (reason, _, key, _) in enumerate(found)}
    result = list(found)
    for reason, column in _CONTACT_KEYS:
        exact = next(e for r, _, e in REASONS if r == reason)
        rows = store.execute(
            f"SELECT key, group_concat(DISTINCT cid) FROM (SELECT {column} AS key, client_id"
            f" AS cid FROM contacts WHERE {column} IS NOT NULL UNION SELECT c.{column}, c.id"
            f" FROM clients c WHERE c.{column} IN (SELECT {column} FROM contacts))"
            " GROUP BY key HAVING count(DISTINCT cid) > 1"
        )
        for key, ids_text in rows:
            ids = [int(i) for i in str(ids_text).split(",")]
            at = by_key.get((reason, str(key)))
            if at is None:
                by_key[(reason, str(key))] = len(result)
                result.append((reason, exact, str(key), ids))
            else:
                r, e, k, known = result[at]
                result[at] = (r, e, k, sorted({*known, *ids}))
    order = {reason: i for i, (reason, _, _) in enumerate(REASONS)}
    return sorted(result, key=lambda item: order[item[0]])


def _summaries(store: ClientStore, ids: list[int]) -> dict[int, dict[str, Any]]:
    summaries: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        cursor = store.execute(
            f"SELECT {_SUMMARY}, merged_into FROM clients"
            f" WHERE id IN ({', '.join('?' * len(batch))})",
            batch,
        )
        names = [d[0] for d in cursor.description]
        for row in cursor:
            data = dict(zip(names, row, strict=True))
            summaries[data["id"]] = data
    return summaries


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """A client of a group in the JSON shape of ``duplicates``."""
    shown = {k: v for k, v in data.items() if k != "merged_into"}
    shown["postal_code"] = shown.pop("billing_postal_code")
    shown["city"] = shown.pop("billing_city")
    shown["archived"] = shown.pop("archived_at") is not None
    return shown
