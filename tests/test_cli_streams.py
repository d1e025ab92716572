"""The standard output closed or unwritable: a French message, exit 1, never a traceback
(real processes: the file descriptors are the subject)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newbi_clients.storage import ClientStore

COMMAND = [sys.executable, "-m", "newbi_clients"]


def _run_closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with its standard output closed, as ``>&-`` does in a shell."""
    script = 'exec "$@" >&-'
    return subprocess.run(
        ["sh", "-c", script, "sh", *COMMAND, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _count(book: Path) -> int:
    with ClientStore(book) as store:
        return int(store.execute("SELECT count(*) FROM clients").fetchone()[0])


@pytest.mark.parametrize(
    "args",
    [["list"], ["add", "--name", "Dupont", "--email", "a@x.fr", "--no-input"], ["--help"]],
    ids=["list", "add", "help"],
)
def test_a_closed_stdout_is_refused_before_anything_is_written(args: list[str]) -> None:
    book = Path(os.environ["NEWBI_CLIENTS_DB"])
    before = book.read_bytes()
    result = _run_closed_stdout(*args)
    assert result.returncode == 1, result.stderr
    assert "la sortie standard est fermée" in result.stderr
    assert "Traceback" not in result.stderr and "Erreur inattendue" not in result.stderr
    assert book.read_bytes() == before
    assert _count(book) == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize(
    "args", [["--help"], ["-h"], ["--version"], ["list"], ["list", "-h"], ["export"]]
)
def test_a_full_stdout_is_said_in_french(args: list[str]) -> None:
    with ClientStore(os.environ["NEWBI_CLIENTS_DB"]) as store:
        from newbi_clients.models import Client, Kind

        store.add(Client(kind=Kind.INDIVIDUAL, name="Dupont"))
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*COMMAND, *args],
            check=False,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1, result.stderr
    assert "Écriture impossible sur la sortie standard (disque plein)" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "Fichier inaccessible" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize(
    "args",
    [["export", "--format", "xlsx", "-o", "/dev/full"], ["template", "--xlsx", "-o", "/dev/full"]],
    ids=["export", "template"],
)
def test_an_xlsx_cut_short_by_a_full_disk_leaves_no_traceback(args: list[str]) -> None:
    # the zip file of the workbook, collected after the error, fails again as it closes
    with ClientStore(os.environ["NEWBI_CLIENTS_DB"]) as store:
        from newbi_clients.models import Client, Kind

        store.add(Client(kind=Kind.INDIVIDUAL, name="Dupont"))
    result = subprocess.run(
        [*COMMAND, *args], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert "Fichier inaccessible : /dev/full (disque plein)" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
