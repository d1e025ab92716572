"""Backups, restores and migrations from every earlier schema version (core)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from newbi_clients import schema
from newbi_clients.backup import BackupError, backup_to, check_book, restore
from newbi_clients.duplicates import duplicate_groups
from newbi_clients.errors import AmbiguousClient, NewbiError, StorageError
from newbi_clients.models import Client, Kind
from newbi_clients.schema import SCHEMA_VERSION
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.unmerging import unmerge

DATA = Path(__file__).parent / "data"
OLD_BOOKS = sorted(DATA.glob("schema-v*.db"))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def version_of(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_there_is_a_book_of_every_earlier_schema() -> None:
    # a new migration needs a book of the schema before it: tests/data/make_old_books.sh
    assert {version_of(p) for p in OLD_BOOKS} >= set(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("old", OLD_BOOKS, ids=lambda p: p.name)
def test_migration_from_every_earlier_schema(old: Path, tmp_path: Path) -> None:
    version = version_of(old)
    book = tmp_path / "clients.db"
    shutil.copyfile(old, book)
    with ClientStore(book) as store:
        copy = store.migration_backup
        assert version_of(book) == SCHEMA_VERSION
        if version < SCHEMA_VERSION:
            assert copy is not None and copy.parent == tmp_path
            assert copy.name.startswith(f"clients.db.avant-migration-schema-{version}-")
            assert version_of(copy) == version and mode(copy) == 0o600
            assert copy.read_bytes() == old.read_bytes() or integrity(copy) == "ok"
        dupont = store.resolve("eleonore.dupont@exemple.fr")
        assert (dupont.first_name, dupont.phone, dupont.tags) == (
            "Éléonore",
            "+33612345678",
            ["VIP"],
        )
        assert [n.text for n in dupont.notes] == [
            "Préfère être appelée le matin",
            "Rappeler en janvier",
        ]
        assert [c.id for c in store.iter_clients(ClientQuery(text="eleo"))] == [1]
        if version >= 2:
            acme = store.get(2)
            assert (
                store.execute("SELECT revenue_cents FROM clients WHERE id = 2").fetchone()[0]
                == 100000
            )
            assert store.get(3).merged_into == 2 and store.get(4).archived_at is not None
            paid = store.execute("SELECT sum(amount) FROM payments").fetchone()[0]
            assert paid == 60000 and acme.terms_days == 45
            restored, _ = unmerge(store, 3)  # a merge recorded by the old version
            assert restored.email == "compta@acme.fr"
        if version >= 5:
            # schema 6 indexes the SIREN of clients without SIRET only: ACME Sud (SIREN
            # alone) and ACME SAS (SIRET of that SIREN) are both still found by it
            with pytest.raises(AmbiguousClient) as both:
                store.resolve("732 829 320")
            assert sorted(c.id for c in both.value.candidates) == [2, 5]
            assert ("siren", [2, 5]) in [(g.reason, g.ids) for g in duplicate_groups(store)]
        store.add(Client(kind=Kind.INDIVIDUAL, name="Nouveau"))
        # schema 7: the search index keeps no column sizes, and finds what it found
        tables = {r[0] for r in store.execute("SELECT name FROM sqlite_master")}
        assert "clients_fts_docsize" not in tables and "clients_fts_data" in tables
        assert [c.id for c in store.iter_clients(ClientQuery(text="nouv"))] == [
            store.resolve("Nouveau").id
        ]
        store.execute("INSERT INTO clients_fts(clients_fts, rank) VALUES ('integrity-check', 1)")
    assert integrity(book) == "ok"


def test_a_current_book_is_not_copied(store: ClientStore) -> None:
    assert store.migration_backup is None
    with ClientStore(store.path) as again:
        assert again.migration_backup is None
    assert [p.name for p in store.path.parent.iterdir() if "avant" in p.name] == []


def test_backup_is_private_single_file_and_refuses_to_overwrite(
    store: ClientStore, tmp_path: Path
) -> None:
    store.add(Client(kind=Kind.INDIVIDUAL, name="Dupont"))
    target = tmp_path / "sauvegardes" / "copie.db"
    backup_to(store.conn, target)
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert not Path(f"{target}-wal").exists()
    assert check_book(target).clients == 1 and integrity(target) == "ok"
    with pytest.raises(BackupError, match="existe déjà"):
        backup_to(store.conn, target)
    store.add(Client(kind=Kind.INDIVIDUAL, name="Martin"))
    backup_to(store.conn, target, overwrite=True)
    assert check_book(target).clients == 2
    assert sorted(p.name for p in target.parent.iterdir()) == ["copie.db"]


def _special_files(folder: Path) -> list[Path]:
    """A pipe, and a character device (/dev/null's numbers) when this user may make one."""
    fifo = folder / "tube"
    os.mkfifo(fifo)
    made = [fifo]
    with contextlib.suppress(PermissionError):
        os.mknod(folder / "nul", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        made.append(folder / "nul")
    return made


def test_backup_never_replaces_a_folder_a_device_or_a_pipe(
    store: ClientStore, tmp_path: Path
) -> None:
    (tmp_path / "dossier").mkdir()
    with pytest.raises(NewbiError, match="est un dossier") as caught:
        backup_to(store.conn, tmp_path / "dossier", overwrite=True)
    assert "--force" not in str(caught.value)
    for special in _special_files(tmp_path):
        kind = stat.S_IFMT(special.stat().st_mode)
        for overwrite in (False, True):
            with pytest.raises(NewbiError, match="n'est pas un fichier ordinaire") as caught:
                backup_to(store.conn, special, overwrite=overwrite)
            assert "--force" not in str(caught.value)
            assert stat.S_IFMT(special.stat().st_mode) == kind  # still a pipe or a device
    assert not list(tmp_path.glob(".*.tmp"))


def test_backup_while_an_import_runs(db_path: Path, tmp_path: Path) -> None:
    rows = 4000
    source = tmp_path / "gros.csv"
    lines = ["Nom;Prénom;Email;Adresse;Code postal;Ville"]
    lines += [
        f"Client{i};Jean;client{i}@exemple.fr;{i} rue de la Paix;75002;Paris" for i in range(rows)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with ClientStore(db_path) as store:
        store.add(Client(kind=Kind.INDIVIDUAL, name="Avant"))
        env = {**os.environ, "NEWBI_CLIENTS_DB": str(db_path)}
        process = subprocess.Popen(
            [sys.executable, "-m", "newbi_clients", "import", str(source), "--yes", "--no-input"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        counts: list[int] = []
        during = 0
        while True:
            running = process.poll() is None
            target = tmp_path / f"copie-{len(counts)}.db"
            backup_to(store.conn, target)
            assert integrity(target) == "ok"
            counts.append(check_book(target).clients)
            during += running
            if not running:
                break
            time.sleep(0.05)
        assert process.wait() == 0, process.stderr.read() if process.stderr else ""
    assert during >= 1  # at least one backup was taken while the import was running
    # the import is one transaction: each copy holds all of it or none of it
    assert set(counts) <= {1, rows + 1} and counts[-1] == rows + 1


def test_restore_checks_and_keeps_the_replaced_book(db_path: Path, tmp_path: Path) -> None:
    with ClientStore(db_path) as store:
        store.add(Client(kind=Kind.INDIVIDUAL, name="Gardé"))
        backup_to(store.conn, tmp_path / "copie.db")
        store.add(Client(kind=Kind.INDIVIDUAL, name="Ajouté après"))
    info, aside = restore(db_path, tmp_path / "copie.db")
    assert info.clients == 1 and aside is not None and mode(aside) == 0o600
    assert aside.name.startswith("clients.db.avant-restauration-")
    assert check_book(aside).clients == 2
    with ClientStore(db_path) as store:
        assert [c.name for c in store.iter_clients(ClientQuery())] == ["Gardé"]
    assert mode(db_path) == 0o600 and integrity(db_path) == "ok"


def test_restore_of_an_older_schema_is_migrated(db_path: Path) -> None:
    db_path.unlink()  # no book yet: nothing to set aside
    info, aside = restore(db_path, DATA / "schema-v1.db")
    assert info.schema_version == 1 and aside is None
    with ClientStore(db_path) as store:
        assert store.migration_backup is not None
        assert store.resolve("contact@acme.fr").name == "ACME SAS"


def test_restore_refuses_what_is_not_a_known_book(db_path: Path, tmp_path: Path) -> None:
    with ClientStore(db_path) as store:
        store.add(Client(kind=Kind.INDIVIDUAL, name="Intact"))
    other = tmp_path / "autre.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    newer = tmp_path / "futur.db"
    shutil.copyfile(DATA / "schema-v1.db", newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    cases = {
        DATA / "utf8-bom.csv": "pas une base newbi-clients",
        other: "pas une base newbi-clients",
        newer: "plus récente",
        tmp_path / "absente.db": "introuvable",
        db_path: "la base elle-même",
    }
    for path, message in cases.items():
        with pytest.raises(BackupError, match=message):
            restore(db_path, path)
    with ClientStore(db_path) as store:
        assert [c.name for c in store.iter_clients(ClientQuery())] == ["Intact"]
    assert [p.name for p in tmp_path.iterdir() if "avant" in p.name] == []


def test_restore_over_a_damaged_book_keeps_its_bytes_aside(db_path: Path, tmp_path: Path) -> None:
    with ClientStore(db_path) as store:
        store.add(Client(kind=Kind.INDIVIDUAL, name="Sauvé"))
        backup_to(store.conn, tmp_path / "copie.db")
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    damaged = b"ceci n'est plus une base SQLite" * 100
    db_path.write_bytes(damaged)
    _, aside = restore(db_path, tmp_path / "copie.db")
    assert aside is not None and aside.read_bytes() == damaged and mode(aside) == 0o600
    with ClientStore(db_path) as store:
        assert [c.name for c in store.iter_clients(ClientQuery())] == ["Sauvé"]


def test_a_migration_is_announced_before_the_book_is_copied(tmp_path: Path) -> None:
    book = tmp_path / "clients.db"
    shutil.copyfile(DATA / "schema-v5.db", book)
    seen = []

    def announced(old: int, new: int) -> None:
        seen.append((old, new, [p.name for p in tmp_path.iterdir() if "avant" in p.name]))

    with ClientStore(book, on_migrate=announced) as store:
        assert store.migration_backup is not None
    assert seen == [(5, SCHEMA_VERSION, [])]  # no copy yet when it is announced
    with ClientStore(book, on_migrate=announced):
        pass  # a current book: nothing to announce
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("failure", "seen"),
    [(KeyboardInterrupt, KeyboardInterrupt), (sqlite3.OperationalError, StorageError)],
)
def test_an_interrupted_migration_leaves_the_book_as_it_was_and_no_copy(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: type[BaseException],
    seen: type[BaseException],
) -> None:
    book = tmp_path / "clients.db"
    shutil.copyfile(DATA / "schema-v6.db", book)
    before = book.read_bytes()

    def stopped(db: Any) -> None:
        db.execute("UPDATE clients SET name = 'Effacé'")  # half a step, rolled back with it
        raise failure("arrêt")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:6], stopped])
    with pytest.raises(seen):
        ClientStore(book)
    # the step was rolled back whole: the book is still of schema 6, its copy removed
    assert version_of(book) == 6 and integrity(book) == "ok"
    assert [p.name for p in tmp_path.iterdir() if "avant" in p.name] == []
    with sqlite3.connect(book) as conn:
        assert conn.execute("SELECT count(*) FROM clients WHERE name = 'Effacé'").fetchone() == (0,)
    monkeypatch.undo()
    with ClientStore(book) as store:  # the next opening migrates it
        assert store.migration_backup is not None and version_of(book) == SCHEMA_VERSION
        assert (
            store.migration_backup.read_bytes() == before
            or integrity(store.migration_backup) == "ok"
        )


def test_a_copy_is_kept_when_earlier_steps_were_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "clients.db"
    shutil.copyfile(DATA / "schema-v5.db", book)

    def stopped(db: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:6], stopped])
    with pytest.raises(KeyboardInterrupt):
        ClientStore(book)
    # schema 6 was reached and committed: the copy of schema 5 holds what the book lost
    assert version_of(book) == 6
    (copy,) = [p for p in tmp_path.iterdir() if "avant-migration-schema-5" in p.name]
    assert version_of(copy) == 5


def test_restore_refuses_to_replace_another_application_s_database(
    store: ClientStore, tmp_path: Path
) -> None:
    saved = backup_to(store.conn, tmp_path / "copie.db")
    foreign = tmp_path / "places.sqlite"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE moz_places (url TEXT)")
        conn.commit()
    before = foreign.read_bytes()
    with pytest.raises(BackupError, match="n'est pas un carnet newbi-clients"):
        restore(foreign, saved)
    assert foreign.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "avant" in p.name] == []
    # a damaged book (not a database SQLite can read) is restored over, kept aside first
    damaged = tmp_path / "abime.db"
    damaged.write_bytes(b"hello, not a database" * 100)
    info, aside = restore(damaged, saved)
    assert aside is not None and aside.read_bytes() == b"hello, not a database" * 100
    assert info.schema_version == SCHEMA_VERSION
