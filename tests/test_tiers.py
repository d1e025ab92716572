"""The tiers of the key indexes: where an import's new clients go, when the recent tiers
are settled, and that lookups, lists and duplicate groups read every tier alike."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli
from newbi_clients import tiers
from newbi_clients.builder import build_client
from newbi_clients.duplicates import duplicate_groups
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.apply import Importer

HEADER = "Type;Nom;Prénom;Email;Téléphone;Code postal;Ville"


def _import(store: ClientStore, tmp_path: Path, prefix: str, count: int) -> None:
    rows = "".join(
        f"\nparticulier;{prefix}{n:03d};Léa;{prefix.lower()}{n}@x.fr;;69001;Lyon"
        for n in range(count)
    )
    path = tmp_path / f"{prefix}.csv"
    path.write_text(HEADER + rows + "\n", encoding="utf-8")
    importer = Importer(store, path)
    importer.apply(importer.prepare())


def _tiers(store: ClientStore) -> dict[int, int]:
    """{tier: how many clients}"""
    return dict(store.execute("SELECT tier, count(*) FROM clients GROUP BY tier").fetchall())


def test_a_large_import_goes_into_a_tier_of_its_own_until_the_tiers_are_settled(
    store: ClientStore, tmp_path: Path
) -> None:
    _import(store, tmp_path, "Base", 40)  # into an empty book: indexes built again
    assert _tiers(store) == {tiers.SETTLED: 40}
    _import(store, tmp_path, "Un", 10)  # a twentieth of the settled clients or more
    assert _tiers(store) == {tiers.SETTLED: 40, 1: 10}
    _import(store, tmp_path, "Deux", 5)  # 15 recent: within half the settled clients
    assert _tiers(store) == {tiers.SETTLED: 40, 1: 10, 2: 5}
    second = store.execute("SELECT name FROM clients WHERE tier = 2").fetchall()
    assert {name for (name,) in second} == {f"Deux{n:03d}" for n in range(5)}
    # 15 recent + 6 would pass half the 40 settled: the indexes are built again
    _import(store, tmp_path, "Trois", 6)
    assert _tiers(store) == {tiers.SETTLED: 61}
    _import(store, tmp_path, "Petit", 3)  # under a twentieth: into the settled tier
    assert _tiers(store) == {tiers.SETTLED: 64}
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [c.name for c in store.iter_clients(ClientQuery(text="deux001"))] == ["Deux001"]


def test_no_more_than_max_recent_tiers(store: ClientStore, tmp_path: Path) -> None:
    _import(store, tmp_path, "Base", 100)
    assert tiers.tier_of_import(store, 10, 100) == 1
    store.execute(f"UPDATE clients SET tier = {tiers.MAX_RECENT} WHERE id = 1")
    assert tiers.tier_of_import(store, 10, 100) is None  # one tier too many: settle
    assert tiers.tier_of_import(store, 4, 100) == tiers.SETTLED  # small: in place


def test_the_statistics_survive_a_rebuild_and_come_back_when_removed(
    db_path: Path, tmp_path: Path
) -> None:
    def stats() -> set[str]:
        with sqlite3.connect(db_path) as conn:
            return {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1")}

    names = {name for name, *_ in tiers.TIERED}
    with ClientStore(db_path) as store:
        _import(store, tmp_path, "Base", 30)  # dropped and built again
    assert stats() == names
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE sqlite_stat1")
    with ClientStore(db_path) as store:
        plan = store.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM clients WHERE email_key = ?", ["x"]
        ).fetchall()
        assert "idx_clients_email_key (ANY(tier) AND email_key=?)" in plan[-1][-1]
    assert stats() == names


def test_lookups_by_key_seek_both_tiers_of_their_index(store: ClientStore) -> None:
    lookups = {
        "email_key = ?": "idx_clients_email_key (ANY(tier) AND email_key=?)",
        "siret = ?": "idx_clients_siret (ANY(tier) AND siret=?)",
        "siren = ? AND siret IS NULL": "idx_clients_siren (ANY(tier) AND siren=?)",
        "vat_number = ?": "idx_clients_vat_number (ANY(tier) AND vat_number=?)",
        "phone = ?": "idx_clients_phone (ANY(tier) AND phone=?)",
        "name_key = ? AND billing_postal_code = ?": (
            "idx_clients_name_key (ANY(tier) AND name_key=? AND billing_postal_code=?)"
        ),
        "sort_name = ?": "idx_clients_sort_name (ANY(tier) AND sort_name=?)",
    }
    for condition, step in lookups.items():
        params = ["x"] * condition.count("?")
        plan = store.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM clients WHERE {condition}", params
        ).fetchall()
        assert step in plan[-1][-1], condition


def test_a_list_by_name_reads_each_tier_in_order_without_sorting(store: ClientStore) -> None:
    for tier in (tiers.SETTLED, 1):
        plan = " / ".join(
            r[-1]
            for r in store.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM clients c WHERE c.archived_at IS NULL"
                " AND c.tier = ? ORDER BY c.sort_name, c.id LIMIT 50",
                [tier],
            )
        )
        assert "idx_clients_sort_name (tier=?)" in plan
        assert "TEMP B-TREE" not in plan


# clients from a few names, emails, phones and SIRETs, so that many share a key
_CLIENT = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Dupont", "Émile", "ACME", "Zoé", "acme", "Martin"]),
        "email": st.sampled_from([None, "a@x.fr", "B@x.fr", "b@x.fr", "c@y.fr"]),
        "phone": st.sampled_from([None, "06 12 34 56 78", "01 23 45 67 89"]),
        "siret": st.sampled_from([None, "73282932000074", "73282932000033", "35600000000048"]),
        "postal_code": st.sampled_from([None, "69001", "75002"]),
        "tier": st.sampled_from([0, 0, 1, 2, 1000]),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(clients=st.lists(_CLIENT, min_size=1, max_size=14), limit=st.integers(1, 16))
def test_the_tiers_never_change_what_is_found(
    tmp_path_factory: object, clients: list[dict[str, object]], limit: int
) -> None:
    """The same clients, some in recent tiers, give the same lists, in both orders and
    with any limit, the same duplicate groups and the same lookups as all settled."""
    path = tmp_path_factory.mktemp("tiers") / "book.db"  # type: ignore[attr-defined]
    with ClientStore(path) as store:
        recent: dict[int, object] = {}
        for raw in clients:
            kind = "professionnel" if raw["siret"] else "particulier"
            values = {k: v for k, v in raw.items() if v is not None and k != "tier"}
            if kind == "professionnel":
                values["country"] = "FR"
            client = store.add(build_client({"kind": kind, **values}).client, allow_duplicate=True)
            recent[client.id] = raw["tier"]

        def found() -> tuple[object, ...]:
            lists = tuple(
                [c.id for c in store.iter_clients(ClientQuery(limit=limit, desc=desc))]
                for desc in (False, True)
            )
            groups = [(g.reason, g.key, g.ids) for g in duplicate_groups(store)]
            by_email = [c.id for c in store.iter_clients(ClientQuery(text="b@x.fr"))]
            return lists, groups, by_email

        settled = found()
        for client_id, tier in recent.items():
            store.execute("UPDATE clients SET tier = ? WHERE id = ?", [tier, client_id])
        assert found() == settled
        names = [c.id for c in store.iter_clients(ClientQuery())]
        assert names == [
            i for _, i in sorted(store.execute("SELECT sort_name, id FROM clients").fetchall())
        ]


def test_the_commands_find_the_clients_of_every_tier(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    """Through the CLI: a second import into a larger book goes into a tier of its own, and
    `list`, `search`, `show` and `duplicates` find its clients beside the settled ones."""
    first = tmp_path / "premier.csv"
    first.write_text(
        HEADER
        + "".join(f"\nparticulier;Base{n:03d};Léa;base{n}@x.fr;;69001;Lyon" for n in range(40))
        + "\n",
        encoding="utf-8",
    )
    second = tmp_path / "second.csv"
    # Base005 again under another email: the same name and postal code, a probable duplicate
    second.write_text(
        HEADER + "\nparticulier;Alpha;Zoé;alpha@x.fr;;75002;Paris"
        "\nparticulier;Base005;Léa;autre@x.fr;;69001;Lyon\n",
        encoding="utf-8",
    )
    cli("import", str(first), "--yes")
    cli("import", str(second), "--yes", "--on-duplicate", "create")
    with sqlite3.connect(db_path) as conn:
        tiers_of = dict(conn.execute("SELECT name || coalesce(email, ''), tier FROM clients"))
    assert tiers_of["Alphaalpha@x.fr"] == 1 and tiers_of["Base005autre@x.fr"] == 1
    assert tiers_of["Base000base0@x.fr"] == tiers.SETTLED
    names = [c["name"] for c in cli.json("list", "--limit", "3")]
    assert names == ["Alpha", "Base000", "Base001"]  # the recent client first, by name
    assert [c["name"] for c in cli.json("search", "alpha@x.fr")] == ["Alpha"]
    assert "alpha@x.fr" in cli("show", "alpha@x.fr").stdout
    groups = cli.json("duplicates")
    assert [(g["reason"], len(g["clients"])) for g in groups] == [("name_postal_code", 2)]


def test_missing_statistics_are_not_waited_for_behind_a_writer(db_path: Path) -> None:
    with ClientStore(db_path):
        pass
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("DROP TABLE sqlite_stat1")
    writer.execute("BEGIN IMMEDIATE")  # another command writing
    try:
        start = time.perf_counter()
        with ClientStore(db_path) as store:
            assert list(store.iter_clients(ClientQuery(limit=1))) == []
        assert time.perf_counter() - start < 2  # the busy timeout is far longer
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with ClientStore(db_path):  # free again: written
        pass
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] == len(tiers.TIERED)


def test_a_list_gathered_then_sorted_is_sorted_once_for_every_tier(store: ClientStore) -> None:
    from newbi_clients.reading import _sorts

    plain = "SELECT c.id FROM clients c WHERE c.archived_at IS NULL AND c.tier = ?"
    tagged = plain + " AND c.id IN (SELECT client_id FROM client_tags WHERE tag_id = 1)"
    order = " ORDER BY c.sort_name, c.id"
    assert not _sorts(store, plain + order, [1])  # along the index: each tier, merged
    assert _sorts(store, tagged + order, [1])  # gathered: one query, one sort
