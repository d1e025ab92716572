"""Files of personal data: modes 0600/0700, written whole or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from newbi_clients.files import create_private, make_private_dirs, replacing_text
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
