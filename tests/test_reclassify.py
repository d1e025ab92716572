"""An import whose book changed between its preview and its write classifies its duplicates
again under the lock: the marks of the staged rows and of their narrow copy of the keys
must then be exactly those a preview of the changed book gives, whatever the action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.models import Client
from newbi_clients.privacy import delete_clients
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.apply import Importer
from newbi_clients.transfer.merges import ImportMerges

ROWS = (
    "Nom;Email;Téléphone;Adresse;Contact prénom;Contact email\n"
    "ACME Lyon;claire@acme.fr;;;;\n"  # 2: its email is a contact's of ACME
    "Beta;info@beta.fr;;;Jean;CONTACT@acme.fr\n"  # 3: its contact's email is ACME's
    "Gamma;g@x.fr;;;Zoé;zoe@x.fr\n"  # 4: new
    "Delta;zoe@x.fr;;;;\n"  # 5: its email is the contact's of row 4
    "Epsilon;e@x.fr;;;Zoé;ZOE@x.fr\n"  # 6: its contact is row 4's contact
    "Zeta;Claire@acme.fr;;;;\n"  # 7: ACME's contact's email, or row 2's
    "Eta;;01 42 00 00 00;;;\n"  # 8: ACME's phone
    "Theta;;01 42 00 00 00;;;\n"  # 9: ACME's phone, or row 8's
    "Kappa SARL;k@x.fr;;;;\n"  # 10: Kappa's email, the one row to complete Kappa
)
MARKS = "SELECT row, dup_of_id, dup_of_row, dup_field FROM {} ORDER BY row"


def _acme(store: ClientStore) -> Client:
    acme = store.add(
        build_client(
            {"name": "ACME SAS", "email": "contact@acme.fr", "phone": "01 42 00 00 00"}
        ).client
    )
    add_contact(store, acme, build_contact({"first_name": "Claire", "email": "claire@acme.fr"}))
    store.add(build_client({"name": "Kappa", "email": "k@x.fr"}).client)
    return acme


def _marks(store: ClientStore) -> tuple[list[Any], list[Any]]:
    return (store.execute(MARKS.format("stage")).fetchall(),
            store.execute(MARKS.format("stage_keys")).fetchall())  # fmt: skip


def _found(duplicates: Any) -> list[tuple[Any, ...]]:
    return [(d.row, d.field, d.value, d.existing_id, d.existing_row) for d in duplicates]


def _change(db_path: Path, change: str) -> None:
    """Another command changes the book: ACME comes, is archived, or is deleted."""
    with ClientStore(db_path) as other:
        if change == "added":
            _acme(other)
            return
        (acme,) = other.execute("SELECT id FROM clients WHERE name = 'ACME SAS'").fetchone()
        if change == "archived":
            other.execute("UPDATE clients SET archived_at = '2026-01-01' WHERE id = ?", [acme])
        else:
            delete_clients(other, [acme])


def _names(store: ClientStore) -> list[str]:
    return sorted(c.name for c in store.iter_clients(ClientQuery(status="all")))


def _previewed(store: ClientStore, tmp_path: Path, change: str) -> tuple[Importer, Any]:
    """The import of :data:`ROWS` previewed in a book as it was before ``change``."""
    if change != "added":
        _acme(store)
    path = tmp_path / "in.csv"
    path.write_text(ROWS, encoding="utf-8")
    importer = Importer(store, path)
    return importer, importer.prepare()


@pytest.mark.parametrize("on_duplicate", ["skip", "merge", "create"])
@pytest.mark.parametrize("change", ["added", "archived", "deleted"])
def test_duplicates_classified_again_as_a_preview_of_the_changed_book(
    store: ClientStore, db_path: Path, tmp_path: Path, on_duplicate: str, change: str
) -> None:
    importer, plan = _previewed(store, tmp_path, change)
    before = _marks(store)
    assert before[0] == before[1]
    _change(db_path, change)
    # what a preview of the changed book finds (its own connection, its own staging)
    with ClientStore(db_path) as other:
        fresh = Importer(other, importer.path)
        expected = _found(fresh.prepare().duplicates)
        expected_marks = _marks(other)
        book = _names(other)
    assert expected_marks != before  # the change makes rows duplicates, or frees them
    report = importer.apply(plan, on_duplicate)
    assert "reclassify" in importer.times.seconds
    assert _marks(store) == expected_marks
    assert _found(report.duplicates) == expected
    new = [r[0] for r in expected_marks[0] if on_duplicate == "create" or r[3] is None]
    assert report.created == len(new)
    assert report.skipped == (len(expected) if on_duplicate == "skip" else 0)
    assert report.merged == (len(expected) if on_duplicate == "merge" else 0)
    names = {2: "ACME Lyon", 3: "Beta", 4: "Gamma", 5: "Delta", 6: "Epsilon", 7: "Zeta",
             8: "Eta", 9: "Theta", 10: "Kappa SARL"}  # fmt: skip
    assert _names(store) == sorted([*book, *(names[n] for n in new)])


@pytest.mark.parametrize("change", ["added", "archived"])
def test_merges_computed_before_the_lock_are_dropped_when_the_book_changes_meanwhile(
    store: ClientStore, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:  # fmt: skip
    """The merges are computed before the write lock; another command changes the book
    after that, before the lock is taken: they are computed again from the duplicates
    found again, and rows freed by the change are created."""
    importer, plan = _previewed(store, tmp_path, change)
    prepare = ImportMerges.prepare

    def prepare_then_change(merges: ImportMerges, plan: Any) -> int:
        staged = prepare(merges, plan)
        assert staged == (change == "archived")  # Kappa's, when the book holds it
        _change(db_path, change)
        return staged

    monkeypatch.setattr(ImportMerges, "prepare", prepare_then_change)
    report = importer.apply(plan, "merge")
    assert "prepare_merge" in importer.times.seconds and "reclassify" in importer.times.seconds
    assert importer.merges_prepared == 0
    monkeypatch.setattr(ImportMerges, "prepare", prepare)
    # the same import into a book that was already as the change left it
    with ClientStore(tmp_path / "fresh.db") as fresh_store:
        _acme(fresh_store)
        if change == "archived":
            fresh_store.execute(
                "UPDATE clients SET archived_at = '2026-01-01' WHERE name = 'ACME SAS'"
            )
        fresh = Importer(fresh_store, importer.path)
        expected = fresh.apply(fresh.prepare(), "merge")
        assert _marks(store) == _marks(fresh_store)
        assert _names(store) == _names(fresh_store)
    assert _found(report.duplicates) == _found(expected.duplicates)
    assert (report.created, report.merged) == (expected.created, expected.merged)
