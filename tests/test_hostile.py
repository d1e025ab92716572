"""Hostile files: each import ends with its exit code and French message, under the memory
bound, writing nothing it should not (files of tests/data/hostile/, see MANIFEST.md)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"
MEMORY_BOUND_MB = 300  # the README's bound on the peak memory of an import
sys.path.insert(0, str(HOSTILE))
from make_hostile import make_large  # noqa: E402


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    peak_mb: float
    created: int


# Runs the command given after the report's path and writes its exit code and peak memory
# (wait4's rusage, KiB) there. Linux counts in a child's peak the memory of the process it
# was forked from until it execs; started from this small process rather than from the
# test process (which hypothesis tests may have grown past the bound), the import's peak is
# its own and its workers'.
_LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_import(path: Path, db: Path, *options: str) -> Outcome:
    """Import ``path`` in a child process; its peak memory comes from wait4's rusage."""
    env = {**os.environ, "NEWBI_CLIENTS_DB": str(db), "COLUMNS": "120"}
    command = [sys.executable, "-m", "newbi_clients", "import", str(path), "--yes", *options]
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        report = Path(folder) / "report"
        subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(report), *command],
            env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        code, peak_kib = map(int, report.read_text().split())
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    created = 0
    if db.exists():
        conn = sqlite3.connect(db)
        created = conn.execute("SELECT count(*) FROM clients").fetchone()[0]
        conn.close()
    return Outcome(code, stdout, stderr, peak_kib / 1024, created)


def _check(outcome: Outcome, code: int, message: str, created: int) -> None:
    assert outcome.code == code, outcome.stderr
    assert message in outcome.stderr, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert outcome.peak_mb < MEMORY_BOUND_MB, f"{outcome.peak_mb:.0f} MB"
    assert outcome.created == created


CASES = [
    ("far-cell-xfd.xlsx", (), 1, "cellule XFD1048576 au-delà de la colonne SF", 0),
    ("far-cell-cv.xlsx", ("--strict",), 1, "valeurs au-delà de la dernière colonne", 0),
    ("row-beyond-excel.xlsx", (), 1, "ligne 2000000 au-delà de la dernière d'Excel", 0),
    ("huge-dimension.xlsx", (), 0, "Feuille lue : « Clients »", 1),
    ("billion-laughs.xlsx", (), 1, "déclare une DTD (entités XML refusées)", 0),
    ("xxe.xlsx", (), 1, "déclare une DTD (entités XML refusées)", 0),
    ("columns-10000.xlsx", (), 1, "(500 colonnes au plus)", 0),
    ("long-shared-string.xlsx", (), 1, "un texte de plus de 32767 caractères", 0),
    ("shared-string-1gb.xlsx", (), 1, "ferait 1073 Mo une fois décompressée", 0),
    ("zip-bomb.xlsx", (), 1, "bombe de décompression", 0),
    ("truncated.xlsx", (), 1, "n'est pas un fichier Excel valide", 0),
    ("../encrypted.xlsx", (), 1, "protégé par un mot de passe", 0),
    ("mixed-encoding.csv", (), 1, "1 ligne(s) ne le sont pas (lignes 12)", 0),
    ("cp1252-only.csv", (), 0, "Encodage Windows-1252 (Excel français) détecté.", 20),
    ("utf16-bom.txt", (), 0, "Encodage UTF-16 détecté.", 20),
    ("utf16-nobom.txt", (), 0, "Encodage UTF-16 (sans BOM) détecté.", 20),
    ("utf16-nobom.txt", ("--encoding", "utf-16"), 0, "Séparateur détecté : tabulation.", 20),
    ("columns-10000.csv", (), 1, "10001 colonnes (au plus 500)", 0),
    ("nul-byte.csv", (), 1, "contenu binaire", 0),
]


@pytest.mark.parametrize(("name", "options", "code", "message", "created"), CASES)
def test_hostile_file(
    tmp_path: Path, name: str, options: tuple[str, ...], code: int, message: str, created: int
) -> None:
    outcome = run_import(HOSTILE / name, tmp_path / "book.db", *options)
    _check(outcome, code, message, created)


def test_mixed_encoding_reads_nothing_garbled(tmp_path: Path) -> None:
    outcome = run_import(HOSTILE / "mixed-encoding.csv", tmp_path / "book.db")
    assert "--encoding" in outcome.stderr
    forced = run_import(HOSTILE / "cp1252-only.csv", tmp_path / "ok.db")
    conn = sqlite3.connect(tmp_path / "ok.db")
    cities = {r[0] for r in conn.execute("SELECT billing_city FROM clients")}
    conn.close()
    assert forced.code == 0 and cities == {"Besançon"}


def test_escape_sequences_are_removed_and_never_printed(tmp_path: Path) -> None:
    outcome = run_import(HOSTILE / "escape-sequences.csv", tmp_path / "book.db")
    _check(outcome, 0, "Aperçu", 11)
    conn = sqlite3.connect(tmp_path / "book.db")
    name = conn.execute("SELECT name FROM clients WHERE email = 'acme@exemple.fr'").fetchone()[0]
    note = conn.execute("SELECT text FROM notes").fetchone()[0]
    conn.close()
    assert name == "ACME]0;pwned[2J SA"
    assert note == "rappeler[31m 31m vite"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_large(tmp_path_factory.mktemp("large"))


@pytest.mark.parametrize("name", ["huge-cell.csv", "one-line.csv"])
def test_a_huge_csv_row_is_refused_before_it_is_read_whole(
    tmp_path: Path, large: dict[str, Path], name: str
) -> None:
    outcome = run_import(large[name], tmp_path / "book.db")
    _check(outcome, 1, "une ligne de plus de 1 000 000 caractères", 0)


def test_fifo_directory_and_hostile_file_name(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    _check(run_import(fifo, tmp_path / "a.db"), 1, "n'est pas un fichier ordinaire", 0)
    folder = tmp_path / "dossier.csv"
    folder.mkdir()
    _check(run_import(folder, tmp_path / "b.db"), 1, "est un dossier", 0)
    named = tmp_path / "\x1b]0;pwned\x07clients.csv"
    named.write_text("Nom;Email;Adresse\nDupont;d@exemple.fr;1 rue Haute\n", encoding="utf-8")
    outcome = run_import(named, tmp_path / "c.db")
    assert outcome.code == 0
    assert "\x1b" not in outcome.stderr + outcome.stdout and "␛]0;pwned␇" in outcome.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text("Nom\nDupont\n", encoding="utf-8")
    locked.chmod(0)
    _check(run_import(locked, tmp_path / "a.db"), 1, "permission refusée", 0)
