"""The import's write of new clients: which indexes are built again, the page cache it uses."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.transfer import apply
from newbi_clients.transfer.apply import Importer
from newbi_clients.transfer.insert import (
    BULK_CACHE_KIB,
    COLUMNS,
    WRITE_CACHE_KIB,
    entered_indexes,
    rebuilds_indexes,
)

HEADER = "Type;Nom;Prénom;Email;Téléphone;Adresse;Code postal;Ville;SIRET;Tags;Notes"


def _import(store: ClientStore, tmp_path: Path, names: list[str], file: str) -> Importer:
    rows = "".join(
        f"\nparticulier;{name};Léa;{name.lower()}@x.fr;06 12 34 {ord(name[-2]) % 100:02d}"
        f" {ord(name[-1]) % 100:02d};;69001;Lyon;;vip;"
        for name in names
    )
    path = tmp_path / file
    path.write_text(HEADER + rows + "\n", encoding="utf-8")
    importer = Importer(store, path)
    importer.apply(importer.prepare())
    return importer


def _index_rows(store: ClientStore) -> dict[str, list[tuple[object, ...]]]:
    """Every entry of every index of the clients, read through that index."""
    out = {}
    for name, sql in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clients'"
        " AND sql IS NOT NULL ORDER BY name"
    ).fetchall():
        columns = sql[sql.index("(") + 1 : sql.index(")")]
        where = sql[sql.upper().index(" WHERE ") :] if " WHERE " in sql.upper() else ""
        rows = store.db.execute(
            f"SELECT {columns} FROM clients INDEXED BY {name}{where} ORDER BY {columns}"
        ).fetchall()
        # the time and the tier left out: two imports may fall on two seconds, and the
        # second import's clients are recent (tested apart)
        skip = columns.startswith(("created_at", "tier"))
        out[name] = sorted(row[1:] for row in rows) if skip else rows
    return out


def test_partial_indexes_no_new_row_enters_are_kept_the_others_built_again(
    store: ClientStore,
) -> None:
    entered = {name for name, _ in entered_indexes(store)}
    # revenue comes from documents, never from an imported row; a new client is neither
    # merged nor blocked (only commands do that): the insert leaves those columns NULL
    assert not {"idx_clients_revenue", "idx_clients_merged_into", "idx_clients_blocked"} & entered
    assert {"idx_clients_email_key", "idx_clients_sort_name", "idx_clients_created"} <= entered
    assert {"idx_clients_vat_number", "idx_clients_siren", "idx_clients_phone"} <= entered
    assert not {"merged_into", "archived_at", "blocked_at", "blocked_reason"} & set(COLUMNS)


def test_a_kept_partial_index_is_still_kept_up_to_date(store: ClientStore, tmp_path: Path) -> None:
    # a condition on a column the import leaves at its default, which every new row meets
    store.db.execute(
        "CREATE INDEX idx_clients_unbilled ON clients(name_key) WHERE revenue_cents = 0"
    )
    assert "idx_clients_unbilled" not in {name for name, _ in entered_indexes(store)}
    importer = _import(store, tmp_path, ["Durand", "Martin", "Bernard"], "a.csv")
    assert "index" in importer.times.seconds  # the bulk path, the others built again
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    entries = store.db.execute(
        "SELECT name_key FROM clients INDEXED BY idx_clients_unbilled WHERE revenue_cents = 0"
        " ORDER BY name_key"
    ).fetchall()
    assert entries == [("lea bernard",), ("lea durand",), ("lea martin",)]


def test_bulk_and_row_by_row_writes_give_the_same_book(tmp_path: Path) -> None:
    first = [f"Nom{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(40)]
    second = [f"Autre{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(10)]
    books = []
    for label, files in (("bulk", [first + second]), ("rows", [first, second])):
        with ClientStore(tmp_path / f"{label}.db") as store:
            for n, names in enumerate(files):
                _import(store, tmp_path, names, f"{label}{n}.csv")
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            store.db.execute("INSERT INTO clients_fts (clients_fts) VALUES ('integrity-check')")
            found = [c.name for c in store.iter_clients(ClientQuery(text="autreab"))]
            books.append((
                _index_rows(store),
                store.db.execute("SELECT name, email, phone FROM clients ORDER BY id").fetchall(),
                found,
            ))  # fmt: skip
    assert books[0] == books[1]
    assert books[0][2] == ["Autreab"]


def test_the_write_cache_follows_the_path_of_the_write(store: ClientStore, tmp_path: Path) -> None:
    assert rebuilds_indexes(3, 0) and rebuilds_indexes(3, 3) and not rebuilds_indexes(2, 3)
    _import(store, tmp_path, ["Durand", "Martin", "Bernard"], "a.csv")
    assert store.db.execute("PRAGMA cache_size").fetchone()[0] == -BULK_CACHE_KIB
    _import(store, tmp_path, ["Petit"], "b.csv")
    assert store.db.execute("PRAGMA cache_size").fetchone()[0] == -WRITE_CACHE_KIB


def test_an_import_leaves_the_garbage_collector_as_it_found_it(
    store: ClientStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen = []

    def validated(*args: object) -> Iterator[object]:
        # while rows are validated: the objects already there are frozen, and the
        # youngest generation is collected less often
        seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
        raise KeyboardInterrupt
        yield

    _import(store, tmp_path, ["Durand"], "a.csv")
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
    monkeypatch.setattr(apply, "validate_all", validated)
    with pytest.raises(KeyboardInterrupt):
        _import(store, tmp_path, ["Martin"], "b.csv")
    assert seen and seen[0][0] > threshold[0] and seen[0][1] > frozen
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
