"""The lists an import fills as it reads (rejected rows and their errors, duplicates,
notices) are kept in temporary tables: memory stays flat whatever their number."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newbi_clients.transfer.plan import RowError
from newbi_clients.transfer.spool import KEPT, Spool
from test_hostile import MEMORY_BOUND_MB, run_import

REJECTED = 280_000
DUPLICATES = 20_000


def _rejects(path: Path, rejected: int, duplicates: int) -> Path:
    """Rows that a spreadsheet broke (a SIRET in scientific notation), five good ones, then
    rows that duplicate the first good one."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Nom;Email;Adresse;SIRET\n")
        for i in range(rejected):
            out.write(f"Client {i};c{i}@exemple.fr;{i} rue Haute;7.32829E+13\n")
        for i in range(5):
            out.write(f"Bon {i};bon{i}@exemple.fr;{i} rue Basse;\n")
        for i in range(duplicates):
            out.write(f"Encore {i};bon0@exemple.fr;{i} rue Basse;\n")
    return path


def test_300000_rejected_or_duplicate_rows_stay_within_the_memory_bound(tmp_path: Path) -> None:
    small = run_import(_rejects(tmp_path / "small.csv", 900, 100), tmp_path / "small.db")
    large = run_import(
        _rejects(tmp_path / "large.csv", REJECTED, DUPLICATES), tmp_path / "large.db"
    )
    for outcome in (small, large):
        assert outcome.code == 0, outcome.stderr
        assert outcome.created == 5
    assert f"{DUPLICATES} doublon(s), {REJECTED} ligne(s) rejetée(s)" in large.stderr
    assert f"… et {REJECTED - 20} autre(s) erreur(s)" in large.stderr
    assert f"… et {DUPLICATES - 20} autre(s) doublon(s)" in large.stderr
    assert f"Rejetés\t{REJECTED}" in large.stdout and f"ignorés\t{DUPLICATES}" in large.stdout
    print(f"\npeak memory: 1,000 rejected or duplicate rows {small.peak_mb:.0f} MB,"
          f" 300,000 {large.peak_mb:.0f} MB")  # fmt: skip
    assert large.peak_mb < MEMORY_BOUND_MB
    # flat: 300 times more rows cost no more than a few MB (held in memory, the same
    # rejected rows took 172 MB, and 615 MB with --format json)
    assert large.peak_mb - small.peak_mb < 30, (small.peak_mb, large.peak_mb)


def test_a_spool_keeps_its_first_items_in_memory_and_the_others_in_a_table() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    errors: Spool[RowError] = Spool(
        conn, "errors", 4, lambda e: (e.row, e.column, e.value, e.message), RowError
    )
    items = [RowError(n, "Email", None if n % 2 else f"v{n}", f"m{n}") for n in range(KEPT * 3)]
    errors.extend(iter(items[:150]))
    errors.append(items[150])
    errors.extend(items[151:])
    assert len(errors) == KEPT * 3 and errors
    assert list(errors) == items and errors == items
    assert errors[:20] == items[:20] and errors[KEPT + 5] == items[KEPT + 5]
    assert errors[KEPT - 1 :] == items[KEPT - 1 :]
    assert conn.execute("SELECT count(*) FROM temp.spool_errors").fetchone()[0] == KEPT * 2
    seen: list[int] = []
    errors.set_all(lambda e: seen.append(e.row))
    assert seen == list(range(KEPT))
    assert [e.row for e in errors] == list(range(KEPT * 3))
    assert seen == list(range(KEPT * 3))
    errors.clear()
    assert not errors and list(errors) == [] and errors == []


def test_rows_of_long_cells_are_validated_in_chunks_that_stay_within_the_memory_bound(
    tmp_path: Path,
) -> None:
    """Chunks are cut by size as well as by rows: 2,000 rows of 60,000 characters (under
    the bound of a row) made one chunk of 120 million characters, held twice over by the
    main process (the rows, then the rows sent to a worker)."""
    path = tmp_path / "long.csv"
    note = "x" * 60_000
    with path.open("w", encoding="utf-8") as out:
        out.write("Nom;Email;Notes\n")
        for i in range(2_000):
            out.write(f"Client {i};c{i}@exemple.fr;{note}\n")
    outcome = run_import(path, tmp_path / "long.db")
    assert outcome.code == 1, outcome.stderr  # every row's note is over its length limit
    assert "Aucune ligne importable : les 2000 ligne(s)" in outcome.stderr
    assert outcome.created == 0
    print(f"\npeak memory: 2,000 rows of 60,000 characters {outcome.peak_mb:.0f} MB")
    assert outcome.peak_mb < MEMORY_BOUND_MB
