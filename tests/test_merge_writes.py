"""An import's merges written in bulk: the same book as merge after merge, and a number of
statements under the write lock that does not grow with the number of merges."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newbi_clients.customfields import define_field
from newbi_clients.reminders import add_reminder
from newbi_clients.snapshots import snapshot, snapshot_sql
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.apply import Importer

HEADER = (
    "Nom;Email;Adresse;Ville;Téléphone;SIRET;Segment;Tags;Notes;Contact prénom;Contact email;"
    "Origine"
)
PHONES = ["", "01 23 45 67 01", "01 23 45 67 02", "06 12 34 56 78"]
CITIES = ["", "Paris", "Lyon"]
TAGS = ["", "VIP", "vip", "Salon, VIP", "Relance"]
NOTES = ["", "Appeler lundi", "Client fidèle", "Appeler lundi\nPuis mardi"]
CONTACT_EMAILS = ["", "anne@acme.fr", "c0@x.fr", "c1@x.fr", "bob@acme.fr"]
ORIGINS = ["", "Salon", "Site"]


def _line(
    name: str,
    email: str,
    phone: str = "",
    city: str = "",
    tags: str = "",
    note: str = "",
    person: str = "",
    origin: str = "",
    segment: str = "",
) -> str:
    first = "Anne" if person.startswith("anne") else ("Bob" if person else "")
    cells = [name, email, "1 rue Haute", city, phone, "", segment, tags, note, first, person]
    return ";".join(f'"{c}"' if "\n" in c or "," in c else c for c in [*cells, origin])


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _import(store: ClientStore, path: Path, on_duplicate: str) -> Importer:
    importer = Importer(store, path)
    plan = importer.prepare()
    importer.apply(plan, on_duplicate)
    # the clients of the book that one row duplicates: their merges are written in bulk
    targets = [d.existing_id for d in plan.duplicates if d.existing_id is not None]
    importer.single = sum(1 for t in targets if targets.count(t) == 1)  # type: ignore[attr-defined]
    importer.each_once = importer.single == len(plan.duplicates)  # type: ignore[attr-defined]
    return importer


ROW = st.fixed_dictionaries(
    {
        "phone": st.sampled_from(PHONES),
        "city": st.sampled_from(CITIES),
        "tags": st.sampled_from(TAGS),
        "note": st.sampled_from(NOTES),
        "person": st.sampled_from(CONTACT_EMAILS),
        "origin": st.sampled_from(ORIGINS),
        "segment": st.sampled_from(["", "VIP", "Régulier"]),
    }
)


def _book(path: Path, book: list[dict[str, str]]) -> None:
    with ClientStore(path) as store:
        define_field(store, "Origine", "choice", ["Salon", "Site"])
        lines = [_line(f"Client {i}", f"c{i}@x.fr", **row) for i, row in enumerate(book)]
        _import(store, _write(path.parent / "book.csv", lines), "skip")
        add_reminder(store, store.get(1), "2030-01-02", "Rappeler")


def _dump(path: Path) -> dict[str, Any]:
    """The book, client by client, without the times of writing and with ids only where
    they do not depend on the order in which different clients were written."""
    conn = sqlite3.connect(path)

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return conn.execute(sql).fetchall()

    columns = [r[1] for r in conn.execute("PRAGMA table_info(clients)")]
    kept = ", ".join(c for c in columns if c not in ("created_at", "updated_at"))
    audit = []
    for action, client, before, after, details in rows(
        "SELECT action, client_id, before, after, details FROM audit ORDER BY client_id, id"
    ):
        audit.append((action, client, _timeless(before), _timeless(after), details))
    dump = {
        "clients": rows(f"SELECT {kept} FROM clients ORDER BY id"),
        "tags": rows("SELECT name, key FROM tags ORDER BY key"),
        "client_tags": rows(
            "SELECT ct.client_id, t.key FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
            " ORDER BY 1, 2"
        ),
        "notes": rows("SELECT client_id, text FROM notes ORDER BY client_id, id"),
        "contacts": rows(
            "SELECT client_id, first_name, email, email_key, is_primary, search_words"
            " FROM contacts ORDER BY client_id, id"
        ),
        "fields": rows("SELECT client_id, field_id, value FROM field_values ORDER BY 1, 2"),
        "audit": audit,
        "fts": rows("SELECT rowid, * FROM clients_fts ORDER BY rowid"),
    }
    conn.execute("INSERT INTO clients_fts(clients_fts) VALUES ('integrity-check')")
    conn.close()
    return dump


def _timeless(text: str | None) -> Any:
    if not text:
        return text
    data = json.loads(text)
    data.pop("updated_at", None)
    data.pop("created_at", None)
    for key in ("notes", "contacts") if "notes" in data else ():
        data[key] = [{k: x for k, x in i.items() if k not in ("id", "at")} for i in data[key]]
    return data


@contextmanager
def _row_by_row() -> Iterator[None]:
    """Every merge computed and written under the lock, one after the other (what an import
    does when the book changed since its preview)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Importer, "_book_changed", lambda self: True)
        yield


_BLANK = {
    "phone": "",
    "city": "",
    "tags": "",
    "note": "",
    "person": "",
    "origin": "",
    "segment": "",
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ROW, min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 6), ROW), min_size=1, max_size=8),
)
@example(  # client 0 completed row by row takes Anne's email first, in the file's order
    book=[{**_BLANK}, {**_BLANK}, {**_BLANK}],
    rows=[(0, {**_BLANK}), (0, {**_BLANK, "person": "anne@acme.fr"}),
          (1, {**_BLANK, "person": "anne@acme.fr"})],
)  # fmt: skip
def test_bulk_merges_give_the_book_of_merges_written_one_by_one(
    book: list[dict[str, str]], rows: list[tuple[int, dict[str, str]]]
) -> None:
    # a row duplicates a client of the book (several rows may duplicate the same one), or
    # is a new client (which a later row may duplicate)
    lines = [_line(f"Ligne {i}", f"c{target}@x.fr", **row) for i, (target, row) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dumps = []
        for name in ("bulk", "one_by_one"):
            path = folder / f"{name}.db"
            _book(path, book)
            with ClientStore(path) as store:
                file = _write(folder / "file.csv", lines)
                if name == "bulk":
                    bulk = _import(store, file, "merge")
                else:
                    with _row_by_row():
                        assert _import(store, file, "merge").merges_prepared == 0
            dumps.append(_dump(path))
        if bulk.each_once:  # type: ignore[attr-defined]
            assert bulk.merges_prepared == bulk.single  # type: ignore[attr-defined]
        else:  # a staged merge that a row completed row by row claims first waits its turn
            assert bulk.merges_prepared <= bulk.single  # type: ignore[attr-defined]
        assert dumps[0] == dumps[1]


def _count_statements(store: ClientStore, importer: Importer, plan: Any) -> int:
    """Statements run between BEGIN IMMEDIATE and COMMIT (a trigger reports its statement
    again: identical texts in a row count once; bound values are expanded, so a statement
    run for each of many rows, as by ``executemany``, counts as many)."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        importer.apply(plan, "merge")
    finally:
        store.conn.set_trace_callback(None)
    begin = seen.index("BEGIN IMMEDIATE")
    # what SQLite runs for itself (the search index's tables) is reported as « -- … »
    locked = [s for s in seen[begin : seen.index("COMMIT", begin) + 1] if not s.startswith("--")]
    return sum(1 for i, text in enumerate(locked) if i == 0 or text != locked[i - 1])


def _statements_under_lock(tmp_path: Path, merges: int, bulk: bool) -> int:
    path = tmp_path / f"{merges}-{bulk}.db"
    book = [_line(f"Client {i}", f"c{i}@x.fr", city="Paris", tags="VIP") for i in range(merges)]
    file = [
        _line(f"Client {i}", f"c{i}@x.fr", PHONES[1], "Lyon", "Salon", f"Note {i}", f"p{i}@y.fr")
        for i in range(merges)
    ]
    with ClientStore(path) as store:
        define_field(store, "Origine", "choice", ["Salon", "Site"])
        _import(store, _write(tmp_path / f"book{merges}.csv", book), "skip")
        importer = Importer(store, _write(tmp_path / f"file{merges}.csv", file))
        plan = importer.prepare()
        if bulk:
            count = _count_statements(store, importer, plan)
            assert importer.merges_prepared == merges
        else:
            with _row_by_row():
                count = _count_statements(store, importer, plan)
        assert store.execute("SELECT count(*) FROM notes").fetchone()[0] == 2 * merges
    return count


def test_merges_are_written_by_a_number_of_statements_that_does_not_grow(tmp_path: Path) -> None:
    # (past the first hundred, the duplicates are read back from a temporary table)
    few, many = (_statements_under_lock(tmp_path, n, bulk=True) for n in (120, 360))
    assert few == many, (few, many)
    # the measure sees statements run merge after merge
    few, many = (_statements_under_lock(tmp_path, n, bulk=False) for n in (120, 360))
    assert many > few + 240 * 5, (few, many)


def test_the_snapshot_in_sql_is_the_snapshot(store: ClientStore, tmp_path: Path) -> None:
    define_field(store, "Origine", "choice", ["Salon", "Site"])
    lines = [
        _line("ACME", "c0@x.fr", PHONES[1], "Paris", "VIP, Relance", NOTES[3], "anne@acme.fr",
              "Salon", "VIP"),
        _line("Sans rien", "c1@x.fr"),
    ]  # fmt: skip
    _import(store, _write(tmp_path / "f.csv", lines), "skip")
    add_reminder(store, store.get(1), "2030-01-02", "Rappeler")
    sql = snapshot_sql(store.conn, "?")
    for client_id in (1, 2):
        (text,) = store.execute(f"SELECT {sql}", [client_id]).fetchone()
        assert json.loads(text) == snapshot(store, client_id)
    assert json.loads(store.execute(f"SELECT {sql}", [1]).fetchone()[0])["contacts"]
