"""An import validated by worker processes, chunk by chunk, gives exactly what the same
import validated in one process gives: every file of the test data (CSV, XLSX with numbers
and dates, vCard, exports of Odoo, Dolibarr, HubSpot, Google, Outlook), cut into chunks of
two rows so that duplicates and contacts fall on both sides of a chunk's end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newbi_clients.errors import ImportRejected
from newbi_clients.storage import ClientStore
from newbi_clients.transfer import apply
from newbi_clients.transfer.apply import Importer

DATA = Path(__file__).parent / "data"
FILES = sorted(
    [*DATA.glob("*.csv"), *DATA.glob("*.xlsx"), *(DATA / "migration").iterdir()],
    key=lambda p: p.name,
)
# what an import writes, without the moments it was written at
DUMPS = {
    "clients": "SELECT * FROM clients ORDER BY id",
    "contacts": "SELECT client_id, first_name, last_name, position, email, phone, is_primary"
    " FROM contacts ORDER BY id",
    "tags": "SELECT c.client_id, t.name FROM client_tags c JOIN tags t ON t.id = c.tag_id"
    " ORDER BY 1, 2",
    "notes": "SELECT client_id, text FROM notes ORDER BY id",
    "fields": "SELECT client_id, field_id, value FROM field_values ORDER BY 1, 2",
}


def _dump(store: ClientStore) -> dict[str, list[Any]]:
    dumped: dict[str, list[Any]] = {}
    for table, sql in DUMPS.items():
        cursor = store.execute(sql)
        names = [d[0] for d in cursor.description]
        dumped[table] = [
            {n: v for n, v in zip(names, row, strict=True) if not n.endswith("_at")}
            for row in cursor
        ]
    return dumped


def _imports(db: Path, path: Path) -> list[Any]:
    """The file imported into an empty book, then again with merge (every row a duplicate
    of the book, or of the file): what each import found, and the book it left."""
    outcome: list[Any] = []
    with ClientStore(db) as store:
        for on_duplicate in ("skip", "merge"):
            importer = Importer(store, path)
            try:
                plan = importer.prepare()
            except ImportRejected as exc:
                return [str(exc)]
            report = importer.apply(plan, on_duplicate)
            outcome.append((
                plan.rows, plan.valid, plan.warnings, sorted(plan.rejected_rows),
                [(e.row, e.column, e.message) for e in plan.errors],
                [(d.row, d.field, d.value, d.existing_id, d.existing_row)
                 for d in report.duplicates],
                (report.created, report.skipped, report.merged), _dump(store),
            ))  # fmt: skip
    return outcome


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_parallel_chunked_import_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    alone = _imports(tmp_path / "alone.db", path)
    monkeypatch.setattr(apply, "PARALLEL_FROM", 0)
    monkeypatch.setattr(apply, "CHUNK", 2)
    assert _imports(tmp_path / "parallel.db", path) == alone
