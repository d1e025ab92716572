"""Schema migrations on a database file written by the previous release (schema 3)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.history import documents_of
from newbi_clients.schema import SCHEMA_VERSION
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.unmerging import unmerge

DATA = Path(__file__).parent / "data"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(DATA / "schema3.db", target)
    return target


def test_the_fixture_is_a_schema_3_book() -> None:
    conn = sqlite3.connect(f"file:{DATA / 'schema3.db'}?mode=ro&immutable=1", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


def test_a_schema_3_book_is_migrated_without_loss(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = sqlite3.connect(path)
    rows_before = before.execute("SELECT * FROM clients ORDER BY id").fetchall()
    docs_before = before.execute("SELECT * FROM documents ORDER BY id").fetchall()
    before.close()
    with ClientStore(path) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 9
        rows_after = store.execute("SELECT * FROM clients ORDER BY id").fetchall()
        # every old column keeps its value; the new ones are empty, the tier settled
        assert [r[: len(rows_before[0])] for r in rows_after] == rows_before
        assert all(r[len(rows_before[0]) :] == (None, None, None, 0) for r in rows_after)
        assert store.execute("SELECT * FROM documents ORDER BY id").fetchall() == docs_before
        acme = store.get(1)
        assert (acme.name, acme.tags, acme.contacts, acme.fields, acme.blocked) == (
            "ACME SAS", ["VIP"], [], {}, None,
        )  # fmt: skip
        assert [d.number for d in documents_of(store, 1)] == ["F-2026-001"]
        # the rebuilt search index finds the old clients
        assert [c.id for c in store.iter_clients(ClientQuery(text="eleonore"))] == [2]
        assert [c.id for c in store.iter_clients(ClientQuery(text="0612345678"))] == [2]
        assert [c.id for c in store.iter_clients(ClientQuery(text="beta", status="all"))] == [3]


def test_a_migrated_book_takes_contacts_and_undoes_an_old_merge(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with ClientStore(path) as store:
        acme = store.get(1)
        add_contact(store, acme, build_contact({"first_name": "Claire", "last_name": "Martin"}))
        assert [c.id for c in store.iter_clients(ClientQuery(text="martin"))] == [1]
        # #4 was merged into #1 by the previous release: it comes back as it was
        other, keep = unmerge(store, 4)
        assert (other.name, other.email, other.merged_into) == ("ACME", "compta@acme.fr", None)
        assert [c.display_name for c in keep.contacts] == ["Claire Martin"]
        assert other.contacts == []
        store.add(build_client({"name": "Nouveau", "email": "n@x.fr"}).client)


def test_opening_twice_migrates_once(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with ClientStore(path):
        pass
    with ClientStore(path) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_migrated_book_keeps_vies_checks(tmp_path: Path) -> None:
    """Schema 5 adds the VIES checks: the old EU client is not checked, then a check is kept."""
    from newbi_clients.models import ViesCheck
    from newbi_clients.vies import ViesAnswer, record

    path = _copy(tmp_path)
    with ClientStore(path) as store:
        beta = store.get(3)
        assert beta.vat_number == "DE136695976" and beta.vies == ViesCheck("not_checked")
        assert store.get(1).vies is None  # no VAT number
        checked = record(store, beta, ViesAnswer("valid", "BETA GMBH", "Berlin"), None)
        assert checked.vies is not None and checked.vies.status == "valid"
        assert checked.vies.name == "BETA GMBH"


def test_schema_8_makes_overseas_phones_searchable_by_their_national_form(
    tmp_path: Path,
) -> None:
    """A schema-7 book (tests/data/schema-v7.db) holds a client of La Réunion and a contact
    of Guadeloupe whose search tokens lack the national form of their phones."""
    book = tmp_path / "v7.db"
    shutil.copyfile(DATA / "schema-v7.db", book)
    with ClientStore(book) as store:
        payet = store.resolve("Payet").id

        def found(text: str) -> list[int]:
            return [c.id for c in store.iter_clients(ClientQuery(text=text))]

        assert found("0692 12 34 56") == found("+262 692 12") == found("0692") == [payet]
        assert found("0690 12 34 51") == found("+590 690") == [1]  # the contact's client
        ids = store.execute("SELECT search_ids FROM clients WHERE id = ?", [payet]).fetchone()[0]
        assert ids == "262692123456 0692123456"
        # what was already there is untouched: the French phone's two forms
        assert found("0612345678") == found("+33 6 12 34 56 78") == [1]
        store.execute("INSERT INTO clients_fts(clients_fts, rank) VALUES ('integrity-check', 1)")
