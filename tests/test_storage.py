"""ClientStore without the CLI: file, schema, CRUD, resolution, duplicates, audit."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from newbi_clients import schema
from newbi_clients.builder import apply_changes, build_client
from newbi_clients.errors import AmbiguousClient, ClientNotFound, DuplicateClient, StorageError
from newbi_clients.models import Client
from newbi_clients.storage import ClientStore, resolve_db_path


def make(store: ClientStore, **raw: object) -> Client:
    return store.add(build_client(raw).client)


def test_database_file_is_private(db_path: Path) -> None:
    ClientStore(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_database_in_new_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "clients.db"
    with ClientStore(path) as store:
        make(store, name="ACME")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_wal_foreign_keys_and_schema_version(store: ClientStore) -> None:
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    for column in ("email_key", "siret", "siren", "vat_number"):
        assert f"idx_clients_{column}" in indexes


def test_reopening_does_not_migrate_again(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        make(store, name="ACME")
    with ClientStore(db_path) as store:
        assert schema.migrate(store.db) == 0
        assert store.resolve("ACME").name == "ACME"


def test_newer_schema_is_refused(db_path: Path) -> None:
    ClientStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="trop récente"):
        ClientStore(db_path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("bonjour " * 1000)
    with pytest.raises(StorageError, match="Impossible d'ouvrir"):
        ClientStore(path)


def _foreign_database(path: Path) -> bytes:
    """A database of another application (Firefox's history), as SQLite's default leaves it."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    return path.read_bytes()


def test_a_database_of_another_application_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "firefox").mkdir()
    path = tmp_path / "firefox" / "places.sqlite"
    before = _foreign_database(path)
    with pytest.raises(StorageError, match=r"n'est pas un carnet newbi-clients.*moz_places"):
        ClientStore(path)
    assert path.read_bytes() == before  # no schema, no WAL, no user_version
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["places.sqlite"]


def test_an_empty_file_becomes_a_private_book(tmp_path: Path) -> None:
    path = tmp_path / "vide.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    with ClientStore(path) as store:
        assert store.created and store.was_empty_file
        assert int(store.execute("PRAGMA user_version").fetchone()[0]) == schema.SCHEMA_VERSION
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with ClientStore(path) as store:  # a book now: not new any more
        assert not store.created


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "est un dossier"),
        (os.mkfifo, "n'est pas un fichier ordinaire"),
        (lambda p: p.write_bytes(bytes(range(256)) * 20), "ce n'est pas une base SQLite"),
    ],
    ids=["folder", "fifo", "random bytes"],
)
def test_what_is_no_book_file_is_refused_in_french(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "x.db"
    make(path)
    with pytest.raises(StorageError, match=message) as caught:
        ClientStore(path)
    assert "database" not in str(caught.value)  # SQLite's English text stays out


def test_db_location_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWBI_CLIENTS_DB", str(tmp_path / "env.db"))
    assert resolve_db_path("explicit.db") == Path("explicit.db")
    assert resolve_db_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("NEWBI_CLIENTS_DB")
    default = resolve_db_path(None)
    assert default.name == "clients.db"
    assert "newbi-clients" in str(default)


def test_add_and_read_back_every_field(store: ClientStore) -> None:
    built = build_client(
        {
            "kind": "professionnel",
            "name": "ACME SAS",
            "email": "Contact@ACME.fr",
            "phone": "01 42 00 00 00",
            "address": "12 rue de la Paix",
            "line2": "Bât. B",
            "postal_code": "75002",
            "city": "Paris",
            "delivery_address": "ZI Nord",
            "delivery_postal_code": "01000",
            "delivery_city": "Bourg-en-Bresse",
            "siret": "732 829 320 00074",
            "vat_number": "FR44732829320",
            "terms_days": "45",
            "end_of_month": "oui",
            "payment_method": "virement",
            "discount": "12,5 %",
            "currency": "EUR",
            "sector": "tech",
            "segment": "vip",
            "tags": "Salon 2025, Newsletter",
        }
    )
    saved = store.add(built.client, note="Premier contact")
    again = store.get(saved.id or 0)
    assert again == saved
    assert again.email == "Contact@acme.fr"
    assert again.phone == "+33142000000"
    assert again.delivery_address is not None
    assert again.delivery_address.postal_code == "01000"
    assert again.siren == "732829320"
    assert str(again.discount) == "12,5 %"
    assert again.sector == "Tech"
    assert again.segment == "VIP"
    assert again.tags == ["Newsletter", "Salon 2025"]
    assert [n.text for n in again.notes] == ["Premier contact"]
    assert again.created_at and again.updated_at


def test_ids_are_never_reused(store: ClientStore) -> None:
    first = make(store, name="A")
    store.db.execute("DELETE FROM clients WHERE id = ?", [first.id])
    second = make(store, name="B")
    assert (second.id or 0) > (first.id or 0)


@pytest.mark.parametrize(
    "variant",
    [{"email": "CONTACT@acme.FR"}, {"email": "contact@acme.fr"}, {"siret": "73282932000074"}],
)
def test_duplicates_are_refused(store: ClientStore, variant: dict[str, str]) -> None:
    existing = make(store, name="ACME", email="contact@acme.fr", siret="732 829 320 00074")
    with pytest.raises(DuplicateClient) as info:
        make(store, name="Autre", **variant)
    match = info.value.matches[0]
    assert match.existing.id == existing.id
    assert "Client déjà existant" in info.value.message
    assert f"#{existing.id} (ACME)" in info.value.message
    assert "--allow-duplicate" in info.value.message
    assert store.count(_all()) == 1


def test_siret_spacing_variants_are_the_same_duplicate(store: ClientStore) -> None:
    make(store, name="ACME", siret="732.829.320.00074")
    with pytest.raises(DuplicateClient):
        make(store, name="ACME bis", siret="732 829 320 00074")


def test_duplicate_allowed_on_request(store: ClientStore) -> None:
    make(store, name="ACME", email="contact@acme.fr")
    other = build_client({"name": "ACME 2", "email": "contact@acme.fr"}).client
    store.add(other, allow_duplicate=True)
    assert store.count(_all()) == 2


def test_archived_client_is_not_a_duplicate(store: ClientStore) -> None:
    old = make(store, name="ACME", email="contact@acme.fr")
    store.db.execute("UPDATE clients SET archived_at = '2020-01-01' WHERE id = ?", [old.id])
    make(store, name="ACME", email="contact@acme.fr")


def test_edit_to_an_existing_email_is_refused(store: ClientStore) -> None:
    make(store, name="ACME", email="contact@acme.fr")
    other = make(store, name="Beta", email="beta@beta.fr")
    changed = apply_changes(other, {"email": "Contact@Acme.fr"}).client
    with pytest.raises(DuplicateClient):
        store.update(changed)
    assert store.get(other.id or 0).email == "beta@beta.fr"


def _all():  # type: ignore[no-untyped-def]
    from newbi_clients.search import ClientQuery

    return ClientQuery(status="all")


def test_resolve_by_every_kind_of_reference(store: ClientStore) -> None:
    acme = make(
        store,
        name="ACME SAS",
        email="contact@acme.fr",
        siret="73282932000074",
        vat_number="FR44732829320",
    )
    make(store, name="Dupont", first_name="Éléonore")
    for ref in (
        str(acme.id),
        f"#{acme.id}",
        "CONTACT@acme.fr",
        "732 829 320 00074",
        "732829320",
        "FR 44 732 829 320",
        "acme",
        "ACME SAS",
    ):
        assert store.resolve(ref).id == acme.id, ref
    assert store.resolve("eleonore").name == "Dupont"


def test_resolve_not_found_and_ambiguous(store: ClientStore) -> None:
    make(store, name="Martin Plomberie")
    make(store, name="Martin Électricité")
    with pytest.raises(ClientNotFound, match="Client introuvable"):
        store.resolve("Durand")
    with pytest.raises(ClientNotFound):
        store.resolve("999")
    with pytest.raises(AmbiguousClient) as info:
        store.resolve("martin")
    assert {c.name for c in info.value.candidates} == {"Martin Plomberie", "Martin Électricité"}
    assert store.resolve("martin elec").name == "Martin Électricité"


@pytest.mark.parametrize("ref", ["١", "#١", "１", "²"])
def test_an_id_is_written_with_ascii_digits(store: ClientStore, ref: str) -> None:
    """``int()`` reads Arabic-Indic and full-width digits: a reference does not."""
    make(store, name="Martin Plomberie")
    assert store.resolve("1").name == "Martin Plomberie"
    with pytest.raises(ClientNotFound):
        store.resolve(ref)


def test_exact_name_wins_over_prefix(store: ClientStore) -> None:
    make(store, name="Durand")
    make(store, name="Durand Frères")
    assert store.resolve("durand").name == "Durand"


def test_audit_records_create_and_edit_with_previous_values(store: ClientStore) -> None:
    client = make(store, name="ACME", email="old@acme.fr")
    store.update(apply_changes(client, {"email": "new@acme.fr"}).client)
    log = store.audit_log(client.id or 0)
    assert [e["action"] for e in log] == ["create", "edit"]
    assert log[0]["before"] is None
    assert log[1]["before"]["email"] == "old@acme.fr"
    assert log[1]["after"]["email"] == "new@acme.fr"
    assert log[1]["actor"]


def test_notes_are_timestamped_and_ordered(store: ClientStore) -> None:
    client = make(store, name="ACME")
    store.add_note(client.id or 0, "un")
    store.add_note(client.id or 0, "deux")
    notes = store.get(client.id or 0).notes
    assert [n.text for n in notes] == ["un", "deux"]
    assert all(n.at.endswith("+00:00") for n in notes)


def test_failed_transaction_writes_nothing(store: ClientStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        make(store, name="A")
        raise RuntimeError("boom")
    assert store.count(_all()) == 0


def _writer(path: str, worker: int, count: int) -> None:
    with ClientStore(path) as store:
        for i in range(count):
            store.add(
                build_client({"name": f"W{worker}-{i}", "email": f"w{worker}.{i}@x.fr"}).client
            )


def test_concurrent_writers_all_succeed(db_path: Path) -> None:
    ClientStore(db_path).close()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(str(db_path), w, 30)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    with ClientStore(db_path) as store:
        assert store.count(_all()) == 120
