"""The SIREN index holds only the clients without a SIRET (schema 6): the others are found
by their SIRET's first nine digits, along the SIRET index. Look-ups by SIREN and the
SIREN groups of « duplicates » must find what a plain ``siren = ?`` finds (core)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newbi_clients.clauses import siren_sql
from newbi_clients.duplicates import _siren_groups, duplicate_groups
from newbi_clients.errors import AmbiguousClient
from newbi_clients.models import Client, Kind
from newbi_clients.storage import ClientStore

ACME = "732829320"


def business(store: ClientStore, name: str, siret: str | None, siren: str | None) -> int:
    client = Client(kind=Kind.BUSINESS, name=name, siret=siret, siren=siren)
    return store.add(client, allow_duplicate=True).id or 0


def test_the_siren_index_holds_only_the_clients_without_siret(store: ClientStore) -> None:
    business(store, "ACME Lyon", ACME + "00074", ACME)
    alone = business(store, "ACME Sud", None, ACME)
    (sql,) = store.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'idx_clients_siren'"
    ).fetchone()
    assert "siret IS NULL" in sql
    rows = store.execute(
        "SELECT id FROM clients INDEXED BY idx_clients_siren WHERE siren = ? AND siret IS NULL",
        [ACME],
    ).fetchall()
    assert rows == [(alone,)]


def test_a_siren_finds_the_establishments_and_the_client_without_siret(
    store: ClientStore,
) -> None:
    lyon = business(store, "ACME Lyon", ACME + "00074", ACME)
    business(store, "Autre", "55210055400013", "552100554")
    assert store.resolve("732 829 320").id == lyon
    sud = business(store, "ACME Sud", None, ACME)
    with pytest.raises(AmbiguousClient) as both:
        store.resolve(ACME)
    assert [c.id for c in both.value.candidates] == [lyon, sud]
    assert store.resolve("552100554").name == "Autre"
    groups = [(g.reason, g.ids) for g in duplicate_groups(store)]
    assert groups == [("siren", [lyon, sud])]


def test_a_siren_alone_is_still_found_once_archived(store: ClientStore) -> None:
    sud = business(store, "ACME Sud", None, ACME)
    store.execute("UPDATE clients SET archived_at = '2026-01-01' WHERE id = ?", [sud])
    assert store.resolve(ACME).id == sud


def test_look_ups_by_siren_read_indexes_not_the_table(store: ClientStore) -> None:
    business(store, "ACME Lyon", ACME + "00074", ACME)
    plan = " / ".join(
        r[3]
        for r in store.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM clients WHERE {siren_sql(':key')}",
            {"key": ACME},
        )
    )
    assert "idx_clients_siret (ANY(tier) AND siret>? AND siret<?)" in plan
    assert "idx_clients_siren (ANY(tier) AND siren=?)" in plan
    assert "SCAN clients" not in plan


# a few SIRENs, each with establishments (NIC) or none: the clients of the property test
_SIRENS = ("732829320", "552100554", "100000009")
_NICS = ("00074", "00013", "00025", None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(_SIRENS), st.sampled_from(_NICS)), max_size=12))
def test_siren_queries_find_what_a_plain_siren_column_finds(
    clients: list[tuple[str, str | None]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, ClientStore(Path(folder) / "b.db") as store:
        for n, (siren, nic) in enumerate(clients):
            business(store, f"Société {n}", siren + nic if nic else None, siren)
        naive = {
            str(siren): sorted(int(i) for i in ids.split(","))
            for siren, ids in store.execute(
                "SELECT siren, group_concat(id) FROM clients NOT INDEXED"
                " WHERE siren IS NOT NULL GROUP BY siren HAVING count(*) > 1"
            )
        }
        assert _siren_groups(store) == sorted(naive.items())
        for siren in _SIRENS:
            expected = [
                r[0]
                for r in store.execute(
                    "SELECT id FROM clients NOT INDEXED WHERE siren = ? ORDER BY id", [siren]
                )
            ]
            found = store.execute(
                f"SELECT id FROM clients WHERE {siren_sql(':key')} ORDER BY id", {"key": siren}
            ).fetchall()
            assert [r[0] for r in found] == expected
