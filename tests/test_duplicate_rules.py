"""The duplicate rules an import skips because a table they read is empty (an empty book, a
book or a file without contacts) could have matched nothing: skipping them changes no mark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.storage import ClientStore
from newbi_clients.transfer import duplicates, people
from newbi_clients.transfer.apply import Importer

WITH_CONTACTS = (
    "Nom;Email;Téléphone;Code postal;Contact prénom;Contact email\n"
    "ACME Lyon;claire@acme.fr;;;;\n"
    "Beta;info@beta.fr;;;Jean;CONTACT@acme.fr\n"
    "Gamma;g@x.fr;;;Zoé;zoe@x.fr\n"
    "Delta;zoe@x.fr;;;;\n"
    "Epsilon;e@x.fr;;;Zoé;ZOE@x.fr\n"
    "Eta;;01 42 00 00 00;;;\n"
    "ACME SAS;;;;;\n"
    "Iota;;;75002;;\n"
    "Iota;;;75002;;\n"
)
WITHOUT_CONTACTS = (
    "Nom;Email;Téléphone;Code postal\n"
    "ACME Lyon;claire@acme.fr;;\n"
    "Beta;contact@acme.fr;;\n"
    "Gamma;g@x.fr;;\n"
    "Delta;G@x.fr;;\n"
    "Eta;;01 42 00 00 00;\n"
    "ACME SAS;;;\n"
    "Iota;;;75002\n"
    "Iota;;;75002\n"
)


def _book(store: ClientStore, book: str) -> None:
    if book == "empty":
        return
    raw = {"kind": "professionnel", "name": "ACME SAS", "email": "contact@acme.fr",
           "phone": "01 42 00 00 00"}  # fmt: skip
    acme = store.add(build_client(raw).client)
    store.add(build_client({"name": "Iota", "postal_code": "75002", "city": "Paris"}).client)
    if book == "contacts":
        add_contact(store, acme, build_contact({"first_name": "Claire", "email": "claire@acme.fr"}))


def _classified(db: Path, path: Path) -> tuple[Any, ...]:
    with ClientStore(db) as store:
        plan = Importer(store, path).prepare()
        found = [(d.row, d.field, d.value, d.existing_id, d.existing_row) for d in plan.duplicates]
        return found, store.execute(
            "SELECT s.row, s.dup_of_id, s.dup_of_row, s.dup_field, k.dup_of_id, k.dup_of_row,"
            " k.dup_field FROM stage s JOIN stage_keys k ON k.row = s.row ORDER BY s.row"
        ).fetchall()


@pytest.mark.parametrize("book", ["empty", "clients", "contacts"])
@pytest.mark.parametrize("rows", [WITH_CONTACTS, WITHOUT_CONTACTS], ids=["contacts", "plain"])
def test_rules_skipped_over_empty_tables_change_no_mark(
    store: ClientStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    book: str, rows: str,
) -> None:  # fmt: skip
    _book(store, book)
    path = tmp_path / "in.csv"
    path.write_text(rows, encoding="utf-8")
    skipping = _classified(db_path, path)
    monkeypatch.setattr(duplicates, "holds_rows", lambda *_: True)
    monkeypatch.setattr(people, "holds_rows", lambda *_: True)
    every_rule = _classified(db_path, path)
    assert skipping == every_rule
    found, marks = skipping
    assert all(m[1:4] == m[4:] for m in marks)  # the staged rows hold their keys' marks
    assert found  # (each case finds duplicates: the rules have something to find)
    if book != "empty":
        assert any(d[3] is not None for d in found)
    if book == "contacts":
        assert (2, "email", "claire@acme.fr", 1, None) in found


MIGRATION = sorted((Path(__file__).parent / "data" / "migration").iterdir())


@pytest.mark.parametrize("path", MIGRATION, ids=[p.name for p in MIGRATION])
def test_exports_of_other_tools_classified_alike_with_rules_skipped(
    store: ClientStore, db_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    """The exports of Odoo, Dolibarr, HubSpot, Google, Outlook and vCards (some with
    contacts), previewed into an empty book and into the book they filled."""
    empty = _classified(db_path, path)
    importer = Importer(store, path)
    importer.apply(importer.prepare())
    filled = _classified(db_path, path)
    monkeypatch.setattr(duplicates, "holds_rows", lambda *_: True)
    monkeypatch.setattr(people, "holds_rows", lambda *_: True)
    assert _classified(db_path, path) == filled
    store.execute("DELETE FROM contacts")
    store.execute("DELETE FROM clients")
    assert _classified(db_path, path) == empty
    assert filled[0] and all(d[3] is not None for d in filled[0])  # each row: its client
