"""An import whose book changed between its preview and its write classifies its duplicates
again under the lock: the marks of the staged rows and of their narrow copy of the keys
must then be exactly those a preview of the changed book gives, whatever the action."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path
from typing import Any

import pytest

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.errors import DuplicateClient
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


# the values the random books and files draw from: few, so that rows often share them
_EMAILS = ["", "a@x.fr", "b@x.fr", "c@x.fr", "d@x.fr"]
_PHONES = ["", "01 42 00 00 00", "06 12 34 56 78"]
_SIRETS = ["", "73282932000074", "73282932000009", "52012345600011"]
_NAMES = ["ACME SAS", "Beta", "Gamma"]
_POSTAL = ["", "75002", "69002"]


def _random_raw(rnd: random.Random) -> dict[str, str]:
    return {
        "kind": rnd.choice(["professionnel", "particulier"]),
        "name": rnd.choice(_NAMES),
        "email": rnd.choice(_EMAILS),
        "phone": rnd.choice(_PHONES),
        "siret": rnd.choice(_SIRETS),
        "postal_code": rnd.choice(_POSTAL),
        "contact_email": rnd.choice(_EMAILS),
    }


def _random_book(store: ClientStore, rnd: random.Random, count: int) -> None:
    for _ in range(count):
        raw = _random_raw(rnd)
        contact = raw.pop("contact_email")
        if raw["kind"] == "particulier":
            raw["siret"] = ""
        client = store.add(build_client(raw).client, allow_duplicate=True)
        if contact:
            with contextlib.suppress(DuplicateClient):  # (an email another holds)
                add_contact(store, client, build_contact({"first_name": "Zoé", "email": contact}))


@pytest.mark.parametrize("seed", range(12))
def test_random_books_changed_after_the_preview(
    store: ClientStore, db_path: Path, tmp_path: Path, seed: int
) -> None:
    """Random books and files drawn from a few shared values; after the preview, clients
    of the book are archived, deleted or added: the import classifies its rows again as a
    preview of the changed book does."""
    rnd = random.Random(seed)
    _random_book(store, rnd, rnd.randrange(0, 5))
    path = tmp_path / "in.csv"
    lines = ["Type;Nom;Email;Téléphone;SIRET;Code postal;Contact prénom;Contact email"]
    for _ in range(12):
        r = _random_raw(rnd)
        lines.append(f"{r['kind']};{r['name']};{r['email']};{r['phone']};"
                     f"{r['siret'] if r['kind'] == 'professionnel' else ''};{r['postal_code']};"
                     f"{'Zoé' if r['contact_email'] else ''};{r['contact_email']}")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    importer = Importer(store, path)
    plan = importer.prepare()
    with ClientStore(db_path) as other:
        ids = [r[0] for r in other.execute("SELECT id FROM clients")]
        for client_id in rnd.sample(ids, rnd.randrange(0, len(ids) + 1)):
            if rnd.random() < 0.5:
                other.execute("UPDATE clients SET archived_at = '2026-01-01' WHERE id = ?",
                              [client_id])  # fmt: skip
            else:
                delete_clients(other, [client_id])
        _random_book(other, rnd, rnd.randrange(0, 3))
        fresh = Importer(other, path)
        expected = _found(fresh.prepare().duplicates)
        expected_marks = _marks(other)
    on_duplicate = rnd.choice(["skip", "merge"])
    report = importer.apply(plan, on_duplicate)
    assert _marks(store) == expected_marks
    assert _found(report.duplicates) == expected
    assert report.created == len([m for m in expected_marks[0] if m[3] is None])
