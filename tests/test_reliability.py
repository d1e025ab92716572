"""An import killed at any moment leaves all or nothing; concurrent commands all succeed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newbi_clients.storage import ClientStore

HEADER = "Type;Nom;Prénom;Email;Téléphone;Adresse;Code postal;Ville;SIRET;Tags;Notes"


def _big_file(tmp_path: Path, rows: int) -> Path:
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f"particulier;Nom{i};Prénom;client{i}@exemple.fr;;{i} rue;75002;Paris;;VIP;note {i}"
        )
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(db_path: Path) -> tuple[int, int, int]:
    with ClientStore(db_path) as store:
        return (
            store.execute("SELECT count(*) FROM clients").fetchone()[0],
            store.execute("SELECT count(*) FROM notes").fetchone()[0],
            store.execute("SELECT count(*) FROM client_tags").fetchone()[0],
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_import_killed_midway_leaves_all_or_nothing(tmp_path: Path, seed: int) -> None:
    rows = 6000
    path = _big_file(tmp_path, rows)
    db_path = tmp_path / "kill.db"
    ClientStore(db_path).close()
    env = {**os.environ, "NEWBI_CLIENTS_DB": str(db_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "newbi_clients", "import", str(path), "--yes"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(random.Random(seed).uniform(0.3, 2.5))
    os.killpg(process.pid, signal.SIGKILL)  # the workers too
    process.wait()
    assert _count(db_path) in {(0, 0, 0), (rows, rows, rows)}


def test_commands_writing_at_once_all_succeed(tmp_path: Path) -> None:
    db_path = tmp_path / "busy.db"
    ClientStore(db_path).close()
    env = {**os.environ, "NEWBI_CLIENTS_DB": str(db_path)}
    path = _big_file(tmp_path, 3000)
    commands = [[sys.executable, "-m", "newbi_clients", "import", str(path), "--yes"]]
    commands += [
        [sys.executable, "-m", "newbi_clients", "add", "--name", f"Client {i}", "--no-input"]
        for i in range(6)
    ]
    processes = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for c in commands
    ]
    results = [p.communicate(timeout=180) for p in processes]
    assert [p.returncode for p in processes] == [0] * len(commands), results
    assert _count(db_path)[0] == 3006
