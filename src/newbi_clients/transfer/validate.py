"""Import clients from CSV and XLSX files: read, validate, find duplicates, preview, apply.

Phases, each its own function: :func:`read.open_table` reads text cells;
:meth:`Importer.prepare` maps headers, validates every row (on every core for large
files) and stages the valid rows in a temporary table, where duplicates — within the
file and against the address book, by email or SIRET — are found with indexed SQL; the
resulting :class:`ImportPlan` is what the CLI previews. :meth:`Importer.apply` then
writes everything in one transaction: an interrupted import leaves nothing behind.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newbi_clients import interrupts
from newbi_clients import validation as v
from newbi_clients.builder import build_client
from newbi_clients.errors import ValidationFailed
from newbi_clients.fiscal import EU_NO_VAT_WARNING, FRENCH_NO_SIRET_WARNING
from newbi_clients.hygiene import clean_note
from newbi_clients.models import Client, Contact
from newbi_clients.rows import client_to_row, client_values, contact_to_row
from newbi_clients.transfer.cells import parse_notes, row_to_raw, scientific_errors
from newbi_clients.transfer.mapping import FIELD_PREFIX, HeaderMap
from newbi_clients.transfer.phases import PhaseTimes
from newbi_clients.transfer.plan import RowError

ON_DUPLICATE = ("skip", "merge", "create")
CHUNK = 2000
# characters of the cells of a chunk at most (rows of long cells make smaller chunks)
CHUNK_CHARS = 2_000_000
PARALLEL_FROM = 4000  # rows; below this, one process is faster than starting workers
Progress = Callable[[int, int], None]


_FISCAL_WARNINGS = frozenset({EU_NO_VAT_WARNING, FRENCH_NO_SIRET_WARNING})
STAGE_COLUMNS = tuple(client_to_row(Client(name="x")))
CONTACT_COLUMNS = tuple(contact_to_row(Contact()))
DEFAULTED = ("terms_days", "end_of_month", "currency")  # fields a blank cell gives a default
_BLANKABLE = (*DEFAULTED, "kind")
Chunk = list[tuple[int, list[str]]]


STAGE_TABLES = {
    "stage": f"row INTEGER PRIMARY KEY, {', '.join(STAGE_COLUMNS)}, blank TEXT",
    "stage_tags": "row INTEGER, name TEXT, key TEXT",
    "stage_notes": "row INTEGER, at TEXT, text TEXT",
    "stage_rejects": "row INTEGER PRIMARY KEY, cells TEXT, reason TEXT",
    # the row's contacts (``contacts`` columns) and custom field values
    "stage_contacts": f"row INTEGER, {', '.join(CONTACT_COLUMNS)}",
    "stage_fields": "row INTEGER, name TEXT, value TEXT",
}


@dataclass(slots=True)
class Validated:
    """A validated chunk: ``data`` is a serialized SQLite database holding the staging
    tables of :data:`STAGE_TABLES` filled with its rows, so that the main process copies
    them in one statement each instead of binding every value; ``errors`` name the columns
    as the file does."""

    count: int = 0
    valid: int = 0
    data: bytes = b""
    errors: list[RowError] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    warnings: int = 0
    notices: list[tuple[int, str]] = field(default_factory=list)  # (row, warning)
    seconds: float = 0.0
    pid: int = 0


def _null(value: None) -> None:
    return value


# sqlite3 binds an exact str, int or float as it is, but looks every other value up for an
# adapter, None included: the look-up fails through attribute searches (about 0.25 µs a
# value, and a staged row holds some twenty None) before None is bound as NULL. With an
# adapter of None to None registered, it is found at once; NULL stays NULL (process-wide,
# and for every connection the same: sqlite3 binds the None it gets back as NULL).
sqlite3.register_adapter(type(None), _null)


# what separates several numbers written in one phone cell (« 06… / 01… », « 06…, 01… »,
# « 06… - 01… », one a line, « 06… ou 01… »)
_PHONE_LIST = re.compile(r"\s*(?:[/,;\n]|\s-\s|\s(?:et|ou)\s)\s*", re.IGNORECASE)


def _other_phones(raw: dict[str, Any]) -> list[str]:
    """Several numbers in the row's phone cell: the first is the phone, the others are
    returned as the text of a note (as when they come in columns of their own), rather
    than the whole value refused as one number."""
    value = raw.get("phone")
    if not isinstance(value, str) or not _PHONE_LIST.search(value):
        return []
    parts = [p for p in _PHONE_LIST.split(value.strip()) if p]
    if len(parts) < 2 or any(sum(c.isdigit() for c in p) < 8 for p in parts):
        return []  # not a list of numbers: the value is read as one, as before
    raw["phone"] = parts[0]
    return ["Autres téléphones : " + ", ".join(parts[1:])]


# a letter or « # » in a phone: perhaps an extension after the number (« poste 12 »)
_MAYBE_EXTENSION = re.compile(r"[^\W\d_]|#")


def _extensions(raw: dict[str, Any]) -> list[str]:
    """The extensions written after the row's phone numbers (« 01 23 45 67 89 poste 12 »):
    each phone keeps its number alone (a phone is stored in E.164, which has none), and
    the extension is returned as the text of a note, never dropped."""
    people: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = [
        (raw, "phone", None),
        (raw, "contact_phone", {k: raw.get(f"contact_{k}") for k in ("first_name", "last_name")}),
    ]
    listed = raw.get("contacts")  # (a cell mapped to contacts holds text until built)
    if isinstance(listed, list):
        people += [(person, "phone", person) for person in listed if isinstance(person, dict)]
    found = []
    for holder, key, person in people:
        value = holder.get(key)
        if not isinstance(value, str) or not _MAYBE_EXTENSION.search(value):
            continue
        alone, extension = v.split_extension(value)
        if extension:
            holder[key] = alone
            names = (person.get("first_name"), person.get("last_name")) if person else ()
            who = " ".join(filter(None, names))
            of = f" de {who}" if who else ""
            found.append(f"Poste {extension} du téléphone {alone.strip()}{of}")
    return found


def _serialize(tables: dict[str, list[tuple[Any, ...]]]) -> bytes:
    """The staging rows of a chunk as a serialized in-memory SQLite database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("BEGIN")
        for name, rows in tables.items():
            conn.execute(f"CREATE TABLE {name} ({STAGE_TABLES[name]})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        conn.execute("COMMIT")
        return conn.serialize()
    finally:
        conn.close()


def validate_chunk(
    chunk: Chunk, headers: HeaderMap, stamp: str, defaults: dict[str, Any] | None = None
) -> Validated:
    """Validate rows of cells (in worker processes) into rows ready to stage."""
    start = time.perf_counter()
    out = Validated(count=len(chunk), pid=os.getpid())
    labels = headers.labels
    rows: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    notes: list[tuple[Any, ...]] = []
    rejects: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    values_of_fields: list[tuple[Any, ...]] = []
    # a row's keys come from the header's fields: without a custom field column, no row has one
    custom = any(key.startswith(FIELD_PREFIX) for key in headers.sources)
    clean, tag_key = v.clean, v.tag_key  # looked up once a chunk, not on every row
    for number, cells in chunk:
        raw = row_to_raw(cells, headers)
        # blank cells hold defaults or guesses, not data: a merge must not treat them as values
        get = raw.get
        blank = ",".join([k for k in _BLANKABLE if clean(get(k)) is None])
        if "kind" in blank and headers.company_names:
            raw["kind"] = "business"  # a row under « Raison sociale »
        note_cell = raw.pop("notes", None)
        row_notes = parse_notes(note_cell, stamp) if note_cell else []
        extra_notes = raw.pop("extra_notes", None)
        if extra_notes:
            row_notes.extend((stamp, text) for text in extra_notes)
        for notice in raw.pop("notices", None) or ():
            out.notices.append((number, notice))
        raw["fields"] = (
            {key.removeprefix(FIELD_PREFIX): raw.pop(key)
             for key in [k for k in raw if k.startswith(FIELD_PREFIX)]}
            if custom else {}
        )  # fmt: skip
        for text in _other_phones(raw):
            row_notes.append((stamp, text))
        for text in _extensions(raw):
            row_notes.append((stamp, text))
            out.notices.append((number, f"{text} : gardé en note"))
        errors = scientific_errors(raw)
        for index, (at, text) in enumerate(row_notes):
            try:
                row_notes[index] = (at, clean_note(text))
            except ValidationFailed as exc:
                errors += [("notes", "notes", e.value, e.message) for e in exc.errors]
        if not errors:
            try:
                built = build_client(raw, defaults, headers.field_defs)
            except ValidationFailed as exc:
                errors = [(e.key, e.field, e.value, e.message) for e in exc.errors]
        if errors:
            for key, fld, value, message in errors:
                column = labels.get(key or "") or labels.get(fld, fld)
                out.errors.append(RowError(number, column, value, message))
            reasons = " ; ".join(e[3] for e in errors)
            rejects.append((number, json.dumps(cells, ensure_ascii=False), reasons))
            out.rejected.append(number)
            continue
        client = built.client
        rows.append((number, *client_values(client), blank))  # STAGE_COLUMNS
        # (most rows have no note, contact or custom field: no generator made for them)
        if client.tags:
            tags.extend([(number, t, tag_key(t)) for t in client.tags])
        if row_notes:
            notes.extend((number, at, text) for at, text in row_notes)
        if client.contacts:
            contacts.extend((number, *contact_to_row(c).values()) for c in client.contacts)
        if client.fields:
            values_of_fields.extend((number, name, text) for name, text in client.fields.items())
        for warning in built.warnings:
            if warning in _FISCAL_WARNINGS:
                out.warnings += 1
            else:
                out.notices.append((number, warning))
    out.valid = len(rows)
    out.data = _serialize(
        {"stage": rows, "stage_tags": tags, "stage_notes": notes, "stage_rejects": rejects,
         "stage_contacts": contacts, "stage_fields": values_of_fields}
    )  # fmt: skip
    out.seconds = time.perf_counter() - start
    return out


_WORKER_CONTEXT: tuple[HeaderMap, dict[str, Any] | None] | None = None


def _worker_chunk(packed: bytes, stamp: str) -> Validated:
    assert _WORKER_CONTEXT is not None
    headers, defaults = _WORKER_CONTEXT
    return validate_chunk(marshal.loads(packed), headers, stamp, defaults)


def validate_all(
    chunks: Iterator[Chunk],
    headers: HeaderMap,
    stamp: str,
    parallel: bool,
    defaults: dict[str, Any] | None = None,
    times: PhaseTimes | None = None,
) -> Iterator[Validated]:
    """Validate chunks in order, on every core when ``parallel`` (a few chunks in flight, so
    that memory stays flat); the main process only reads and writes."""
    global _WORKER_CONTEXT
    times = times or PhaseTimes()
    if not parallel:
        for chunk in chunks:
            done = validate_chunk(chunk, headers, stamp, defaults)
            times.add_worker(done.pid, done.seconds)
            yield done
        return
    import multiprocessing

    # one worker a core; the main process reads, stages and waits (measured: letting it
    # validate a share too is no faster, as reading and staging already keep it busy)
    workers = max(1, min(os.cpu_count() or 1, 8))
    _WORKER_CONTEXT = (headers, defaults)  # inherited by the forked workers
    context = multiprocessing.get_context("fork")
    # workers ignore the terminal's Ctrl-C and die with this process (see interrupts): the
    # pool's exit ends them when the import stops
    with context.Pool(workers, interrupts.worker_init, (os.getpid(),)) as pool:
        pending: list[Any] = []

        def result() -> Validated:
            with times.phase("wait"):
                done: Validated = pending.pop(0).get()
            times.add_worker(done.pid, done.seconds)
            return done

        for chunk in chunks:
            # rows of text cells go to the workers marshalled: three times cheaper for the
            # main process to write than pickled (measured), and as cheap to read back
            pending.append(pool.apply_async(_worker_chunk, (marshal.dumps(chunk), stamp)))
            if len(pending) > workers * 3:
                yield result()
        while pending:
            yield result()
