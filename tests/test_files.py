"""Files of personal data: modes 0600/0700, written whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from newbi_clients.errors import NewbiError
from newbi_clients.files import create_private, make_private_dirs, refuse_book, replacing_text
from newbi_clients.models import Client, Kind
from newbi_clients.storage import ClientStore


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_book_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "a" / "b" / "clients.db"
    with ClientStore(path) as store:
        store.add(Client(kind=Kind.INDIVIDUAL, name="Dupont"))
        for suffix in ("", "-wal", "-shm"):
            assert mode(Path(f"{path}{suffix}")) == 0o600, suffix
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700


def test_private_dirs_and_file(tmp_path: Path) -> None:
    make_private_dirs(tmp_path / "x" / "y")
    assert mode(tmp_path / "x") == mode(tmp_path / "x" / "y") == 0o700
    assert create_private(tmp_path / "x" / "y" / "f")
    assert not create_private(tmp_path / "x" / "y" / "f")
    assert mode(tmp_path / "x" / "y" / "f") == 0o600


def test_replacing_keeps_the_previous_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("ancien contenu complet\n")
    os.chmod(target, 0o644)
    with pytest.raises(KeyboardInterrupt), replacing_text(target) as out:
        out.write("début du nouveau")
        raise KeyboardInterrupt
    assert target.read_text() == "ancien contenu complet\n"
    # nothing left beside it (the test's own empty book aside)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db") == ["export.csv"]
    with replacing_text(target) as out:
        out.write("nouveau\r\n")
    assert target.read_bytes() == b"nouveau\r\n"
    assert mode(target) == 0o600


def test_replacing_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "absent" / "export.csv"
    with (
        pytest.raises(NewbiError, match=r"Le dossier .*absent n'existe pas") as caught,
        replacing_text(target) as out,
    ):
        out.write("x")
    assert ".tmp" not in str(caught.value)  # the temporary file is no business of the user
    assert not (tmp_path / "absent").exists()


def test_replacing_a_folder_is_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(NewbiError, match="est un dossier"), replacing_text(tmp_path) as out:
        out.write("x")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_write_error_names_its_file() -> None:
    # a device is written in place; its error says which file (and is not taken for one
    # of the standard output, which names none)
    with pytest.raises(OSError) as caught, replacing_text(Path("/dev/full")) as out:
        out.write("x" * 100_000)
    assert caught.value.filename == "/dev/full"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_the_book_and_its_companions_are_refused_as_targets(tmp_path: Path) -> None:
    book = tmp_path / "clients.db"
    for suffix in ("", "-wal", "-shm", "-journal"):  # SQLite deletes a -journal it finds
        with pytest.raises(NewbiError, match="la base elle-même"):
            refuse_book(Path(f"{book}{suffix}"), book)
    refuse_book(tmp_path / "clients.db.csv", book)
