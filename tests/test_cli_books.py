"""Which files the CLI takes as a book, and which files it writes over (CLI, in process)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import Cli
from newbi_clients.storage import ClientStore


def _foreign_database(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    return path.read_bytes()


@pytest.mark.parametrize(
    "command",
    [["list"], ["stats"], ["add", "--name", "Dupont", "--no-input"], ["config", "list"]],
    ids=lambda c: c[0],
)
def test_a_database_of_another_application_is_left_untouched(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "firefox"
    folder.mkdir()
    path = folder / "places.sqlite"
    before = _foreign_database(path)
    result = cli("--db", str(path), *command, code=1)
    assert "n'est pas un carnet newbi-clients" in result.stderr
    assert "moz_places" in result.stderr
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in folder.iterdir()] == ["places.sqlite"]


def test_an_empty_file_is_a_book_not_written_yet(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "vide.db"
    path.touch()
    path.chmod(0o644)
    # reading: refused like a missing book, the file left as it is
    result = cli("--db", str(path), "list", code=1)
    assert "est un fichier vide" in result.stderr
    assert path.stat().st_size == 0 and stat.S_IMODE(path.stat().st_mode) == 0o644
    # a dry run compares with an empty book and writes nothing
    source = tmp_path / "c.csv"
    source.write_text("name;email\nDupont;d@x.fr\n")
    cli("--db", str(path), "import", str(source), "--dry-run")
    assert path.stat().st_size == 0
    # the first command that writes makes it a book, readable by its owner only
    result = cli("--db", str(path), "add", "--name", "Dupont", "--no-input")
    assert "Nouveau carnet créé" in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("--db", str(path), "list", "--format", "ids").stdout.split() == ["1"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "est un dossier"),
        (os.mkfifo, "n'est pas un fichier ordinaire"),
        (lambda p: p.write_bytes(os.urandom(5000)), "ce n'est pas une base SQLite"),
    ],
    ids=["folder", "fifo", "random bytes"],
)
def test_a_book_path_that_names_no_book_is_refused_in_french(
    cli: Cli, tmp_path: Path, make: object, message: str
) -> None:
    path = tmp_path / "x.db"
    make(path)  # type: ignore[operator]
    result = cli("--db", str(path), "list", code=1)
    assert message in result.stderr
    for english in ("database", "unable to open", "rollback", "transaction"):
        assert english not in result.stderr


def test_dev_null_is_no_book(cli: Cli) -> None:
    result = cli("--db", os.devnull, "list", code=1)
    assert "n'est pas un fichier ordinaire" in result.stderr
    assert "rollback" not in result.stderr


def test_a_new_book_is_removed_when_the_import_is_refused(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "neuf.db"
    source = tmp_path / "sans-nom.csv"
    source.write_text("a;b\n1;2\n")
    result = cli("--db", str(book), "import", str(source), "--yes", code=1)
    assert "Nouveau carnet créé" in result.stderr and "retiré" in result.stderr
    assert not list(tmp_path.glob("neuf.db*"))
    # a missing file: no book at all
    cli("--db", str(book), "import", str(tmp_path / "absent.csv"), "--yes", code=1)
    assert not list(tmp_path.glob("neuf.db*"))


def test_a_new_book_is_removed_when_the_import_is_interrupted(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newbi_clients.cli import transfer

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(transfer, "prepare", interrupted)
    book = tmp_path / "neuf.db"
    source = tmp_path / "c.csv"
    source.write_text("name;email\nDupont;d@x.fr\n")
    result = cli("--db", str(book), "import", str(source), "--yes", code=130)
    assert "retiré" not in result.stderr  # an interrupted command says only « Interrompu. »
    assert not list(tmp_path.glob("neuf.db*"))


def test_an_empty_file_given_as_the_book_is_emptied_again(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "vide.db"
    book.touch()
    source = tmp_path / "sans-nom.csv"
    source.write_text("a;b\n1;2\n")
    cli("--db", str(book), "import", str(source), "--yes", code=1)
    assert book.stat().st_size == 0 and stat.S_IMODE(book.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.glob("vide.db*")) == ["vide.db"]


def test_a_book_that_holds_something_or_was_there_stays(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "sans-nom.csv"
    source.write_text("a;b\n1;2\n")
    # the test's own book existed before the command: kept, even empty
    cli("import", str(source), "--yes", code=1)
    assert Path(os.environ["NEWBI_CLIENTS_DB"]).stat().st_size > 0
    # a new book a refused command wrote into (a saved --map) is kept
    book = tmp_path / "neuf.db"
    cli("--db", str(book), "import", str(source), "--map", "a=city", "--save-map", "m", code=1)
    assert book.exists()


def test_a_successful_import_keeps_its_new_book(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "neuf.db"
    source = tmp_path / "c.csv"
    source.write_text("name;email\nDupont;d@x.fr\n")
    cli("--db", str(book), "import", str(source), "--yes")
    with ClientStore(book) as store:
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 1


def test_backup_refuses_a_device_or_a_folder_without_suggesting_force(
    cli: Cli, tmp_path: Path
) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    (tmp_path / "dossier").mkdir()
    for target, message in ((fifo, "n'est pas un fichier ordinaire"), (tmp_path / "dossier", "est un dossier")):  # fmt: skip
        result = cli("backup", str(target), "--force", code=1)
        assert message in result.stderr and "--force" not in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    result = cli("backup", os.devnull, "--force", code=1)
    assert "n'est pas un fichier ordinaire" in result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_export_targets(cli: Cli, tmp_path: Path) -> None:
    cli("add", "--name", "Dupont", "--no-input")
    book = os.environ["NEWBI_CLIENTS_DB"]
    # a folder: French, not Click's « File '…' is a directory »
    result = cli("export", "-o", str(tmp_path), code=2)
    assert "est un dossier" in result.stderr and "is a directory" not in result.stderr
    # a missing folder is named, not the temporary file beside the target
    result = cli("export", "-o", str(tmp_path / "absent" / "x.csv"), code=1)
    assert f"Le dossier {tmp_path / 'absent'} n'existe pas" in result.stderr
    assert ".tmp" not in result.stderr
    # the book's journal (SQLite deletes it), like its -wal and -shm
    for suffix in ("-journal", "-wal", "-shm"):
        result = cli("export", "-o", f"{book}{suffix}", "--format", "csv", code=1)
        assert "la base elle-même" in result.stderr
    # a device is written in place, never replaced: export, --errors, privacy export
    cli("export", "-o", os.devnull, "--format", "csv")
    cli("privacy", "export", "1", "-o", os.devnull)
    rejected = tmp_path / "rejets.csv"
    rejected.write_text("name;email\n;pas-un-email\nMartin;m@x.fr\n")
    cli("import", str(rejected), "--yes", "--errors", os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
