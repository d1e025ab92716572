"""The import itself: staging table, duplicate classification in SQL, one-transaction apply."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newbi_clients.clauses import status_condition
from newbi_clients.errors import ImportRejected
from newbi_clients.storage import ClientStore, now
from newbi_clients.transfer.duplicates import classify, create_keys, stage_keys
from newbi_clients.transfer.insert import insert_clients, last_id, set_write_cache
from newbi_clients.transfer.mapping import map_headers
from newbi_clients.transfer.merges import ImportMerges
from newbi_clients.transfer.phases import PhaseTimes
from newbi_clients.transfer.plan import ImportPlan, ImportReport
from newbi_clients.transfer.profiles import resolve_profile
from newbi_clients.transfer.read import open_table
from newbi_clients.transfer.validate import (
    CHUNK,
    CHUNK_CHARS,
    CONTACT_COLUMNS,
    PARALLEL_FROM,
    STAGE_TABLES,
    Chunk,
    Progress,
    Validated,
    validate_all,
)

REASON_COLUMN = "Motif du rejet"
_ACTIVE = status_condition("active", "c")


# allocations of container objects between two collections of the youngest generation of
# the garbage collector while rows are read and validated (700 by default)
_YOUNG_ALLOCATIONS = 10_000


@contextmanager
def _few_collections() -> Iterator[None]:
    """Read and validate with fewer garbage collections: the objects already there (the
    modules, the book's settings) are set aside by ``gc.freeze``, so that no collection
    walks them again, nor copies their pages into the workers forked meanwhile, and the
    rows of a chunk, which live until the chunk is sent or staged, are mostly freed before
    a collection would walk them (measured on the XLSX import of the benchmark: the main
    process spent 0.15–0.21 s in 243 collections, 0.02 s in 77). The collector is left as
    it was found."""
    threshold = gc.get_threshold()
    # (a program that froze objects of its own keeps them so: unfreeze would release all)
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(_YOUNG_ALLOCATIONS, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freezing:
            gc.unfreeze()


class Importer:
    """Imports one file into a store; :meth:`prepare` first, then :meth:`apply`."""

    def __init__(
        self,
        store: ClientStore,
        path: Path,
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
        profile: str | None = None,
        columns: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.path = path
        self.options = {"encoding": encoding, "delimiter": delimiter, "sheet": sheet}
        self.profile = profile
        self.columns = columns or {}
        self.stamp = now()
        self.source = path.name
        self.times = PhaseTimes()
        self._classified: tuple[int, int] | None = None

    # --- phase 1: read, validate, stage ---------------------------------------------------

    def prepare(self, progress: Progress | None = None) -> ImportPlan:
        """Read and validate every row, stage the valid ones, classify duplicates.

        :raises ImportRejected: when the file cannot be read or lacks mandatory columns.
        """
        times = self.times
        with times.phase("open"):
            table = open_table(self.path, **self.options)
            from newbi_clients.customfields import field_defs

            profile = resolve_profile(self.store, self.profile) if self.profile else None
            try:
                headers = map_headers(table.header, profile, self.columns, field_defs(self.store))
            except ImportRejected as exc:
                # a workbook's other sheets may hold the clients: the refusal names them
                if not table.hint:
                    raise
                raise ImportRejected(f"{exc.message} {table.hint}") from None
            plan = ImportPlan(self.path, table, headers)
            self._create_stage()
            plan.spool(self.store.conn)
            settings = self.store.seller_settings()
        parallel = table.size_hint >= PARALLEL_FROM

        def chunks() -> Iterator[Chunk]:
            # CHUNK rows, or fewer when they hold CHUNK_CHARS characters: a chunk of rows
            # of long cells is held twice by this process (its rows, then what is sent to
            # a worker), a few chunks at a time
            cut = table.chunks(CHUNK, CHUNK_CHARS)
            while True:
                start = time.perf_counter()
                chunk = next(cut, None)
                times.add("read", time.perf_counter() - start)
                if chunk is None:
                    return
                yield chunk

        defaults = {
            "terms_days": settings.default_terms_days,
            "currency": settings.default_currency,
        }
        with _few_collections():
            for done in validate_all(chunks(), headers, self.stamp, parallel, defaults, times):
                with times.phase("stage"):
                    self._stage(done, plan)
                if progress:
                    progress(plan.rows, max(table.size_hint, plan.rows))
        if plan.rows == 0:
            said = f"{self.path.name} ne contient aucune ligne de client sous l'en-tête."
            raise ImportRejected(f"{said} {table.hint}" if table.hint else said)
        with times.phase("classify"):
            self._classify(plan)
        return plan

    def _create_stage(self) -> None:
        db = self.store.db
        for table in ("stage", "stage_ids", "stage_tags", "stage_notes", "stage_rejects",
                      "stage_contacts", "stage_fields"):  # fmt: skip
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
        for table, columns in STAGE_TABLES.items():
            db.execute(f"CREATE TEMP TABLE {table} ({columns})")
        db.execute("ALTER TABLE temp.stage ADD COLUMN dup_of_id INTEGER")
        db.execute("ALTER TABLE temp.stage ADD COLUMN dup_of_row INTEGER")
        db.execute("ALTER TABLE temp.stage ADD COLUMN dup_field TEXT")
        # the ids given to the created rows: a narrow table, cheaper than rewriting wide rows
        db.execute("CREATE TEMP TABLE stage_ids (row INTEGER PRIMARY KEY, new_id INTEGER)")
        create_keys(db)

    def _stage(self, done: Validated, plan: ImportPlan) -> None:
        """Copy a validated chunk (a serialized database made by a worker) into the staging
        tables: one statement a table, no value bound one by one."""
        plan.rows += done.count
        plan.valid += done.valid
        plan.warnings += done.warnings
        plan.notices.extend(done.notices)
        plan.errors.extend(done.errors)
        plan.rejected_rows.extend(done.rejected)
        conn = self.store.conn
        # attached afresh for each chunk: statements prepared against the previous chunk's
        # database must not run against this one (same schema cookie, other pages)
        conn.execute("ATTACH DATABASE ':memory:' AS chunk")
        try:
            conn.deserialize(done.data, name="chunk")
            for table, columns in STAGE_TABLES.items():
                names = ", ".join(c.split()[0] for c in columns.split(", "))
                conn.execute(
                    f"INSERT INTO temp.{table} ({names}) SELECT {names} FROM chunk.{table}"
                )
            stage_keys(conn, "chunk.stage")
        finally:
            conn.execute("DETACH DATABASE chunk")

    def _state(self) -> tuple[int, int]:
        """What changes when anyone writes: other connections' commits, and our own writes."""
        conn = self.store.conn
        return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes

    def _book_changed(self) -> bool:
        """Whether anything was written since the duplicates were classified."""
        return self._classified is None or self._classified != self._state()

    def _classify(self, plan: ImportPlan) -> None:
        """Duplicates against the book first, then within the file (first occurrence wins)."""
        classify(self.store, plan)
        self._classified = self._state()

    # --- phase 2: apply -----------------------------------------------------------------

    def apply(self, plan: ImportPlan, on_duplicate: str = "skip") -> ImportReport:
        """Write the plan in one transaction.

        :param on_duplicate: ``skip`` (default), ``merge`` (fill empty fields, add tags and
            notes, keep conflicting values as a note) or ``create`` (create them anyway).
        """
        report = ImportReport(
            rejected=len(plan.rejected_rows), errors=plan.errors, notices=plan.table.notices
        )
        db = self.store.db
        creating = "1" if on_duplicate == "create" else "dup_of_id IS NULL AND dup_of_row IS NULL"
        set_write_cache(self.store, plan.valid if on_duplicate == "create" else plan.to_create)
        times = self.times
        merges = ImportMerges(self.store, self.source)
        prepared = 0  # merges staged before the lock
        if on_duplicate == "merge" and not self._book_changed():
            # the merges are computed before the write lock, and what they write staged in
            # temporary tables, so that other commands wait seconds, not minutes; they are
            # written in bulk if the book has not changed meanwhile, and computed again
            # under the lock otherwise
            with times.phase("prepare_merge"):
                prepared = merges.prepare(plan)
            # the staging wrote temporary tables only: not a change of the book
            assert self._classified is not None
            self._classified = (self._classified[0], self._state()[1])
        self.lock_seconds = 0.0
        self.merges_prepared = 0
        self.reclassified = False  # whether the book changed since the preview
        with self.store.transaction():
            locked = time.perf_counter()
            # the book may have changed since the preview (another command, a long
            # confirmation): duplicates are found again, now that no one else can write
            if self._book_changed():
                prepared = 0
                self.reclassified = True
                with times.phase("reclassify"):
                    self._classify(plan)
            base = last_id(self.store) + 1
            with times.phase("insert"):
                db.execute("DELETE FROM stage_ids")
                # (the narrow copy of the keys holds the same marks as the staged rows)
                count = db.execute(
                    f"INSERT INTO stage_ids SELECT row, {base} - 1 + row_number() OVER"
                    f" (ORDER BY row) FROM stage_keys WHERE {creating}"
                ).rowcount
            report.created = insert_clients(self.store, times, self.stamp, base, count)
            with times.phase("extras"):
                self._insert_tags_and_notes()
                db.execute(
                    "INSERT INTO audit (at, actor, action, client_id, details) SELECT ?, ?,"
                    " 'import', new_id, json_object('file', ?, 'row', row) FROM stage_ids",
                    [self.stamp, self.store.actor, self.source],
                )
            # how many merges are written as computed before the lock (0 when the book changed)
            self.merges_prepared = prepared
            with times.phase("merge"):
                merges.settle(plan, on_duplicate, report, prepared, now())
            committing = time.perf_counter()
        times.add("commit", time.perf_counter() - committing)
        self.lock_seconds = time.perf_counter() - locked
        times.add("lock", self.lock_seconds)
        return report

    def _insert_tags_and_notes(self) -> None:
        db = self.store.db
        db.execute(
            "INSERT OR IGNORE INTO tags (name, key) SELECT st.name, st.key FROM stage_tags st"
            " WHERE st.key NOT IN (SELECT key FROM tags) ORDER BY st.row"
        )
        db.execute(
            "INSERT OR IGNORE INTO client_tags (client_id, tag_id) SELECT s.new_id, t.id"
            " FROM stage_tags st JOIN stage_ids s ON s.row = st.row JOIN tags t ON t.key = st.key"
        )
        db.execute(
            "INSERT INTO notes (client_id, at, text) SELECT s.new_id, n.at, n.text"
            " FROM stage_notes n JOIN stage_ids s ON s.row = n.row"
            " ORDER BY n.row, n.rowid"
        )
        # after the search index: each contact adds its words to its client's entry
        columns = ", ".join(CONTACT_COLUMNS)
        db.execute(
            f"INSERT INTO contacts (client_id, {columns}, created_at, updated_at)"
            f" SELECT s.new_id, {', '.join('k.' + c for c in CONTACT_COLUMNS)}, ?, ?"
            " FROM stage_contacts k JOIN stage_ids s ON s.row = k.row ORDER BY k.row, k.rowid",
            [self.stamp, self.stamp],
        )
        db.execute(
            "INSERT INTO field_values (client_id, field_id, value) SELECT s.new_id, d.id, f.value"
            " FROM stage_fields f JOIN stage_ids s ON s.row = f.row"
            " JOIN field_defs d ON d.name = f.name"
        )

    # --- rejected rows ------------------------------------------------------------------

    def rejected_cells(self) -> Iterator[tuple[int, list[str], str]]:
        """Every rejected row: number, original cells, reason."""
        for number, cells, reason in self.store.execute(
            "SELECT row, cells, reason FROM stage_rejects ORDER BY row"
        ):
            yield number, json.loads(cells), reason

    def write_errors(self, plan: ImportPlan, target: Path) -> int:
        """Write the rejected rows, with a reason column, in the input's own format.

        Cells are formula-escaped as exports are (the importer removes the escape), and
        the file replaces ``target`` only once complete (mode 0600).
        """
        from newbi_clients.files import replacing_binary, replacing_text
        from newbi_clients.transfer.export import escape_formula, unescape_formula

        header = [*plan.table.header, REASON_COLUMN]
        rows = ([*cells, reason] for _, cells, reason in self.rejected_cells())
        if plan.table.format == "xlsx" or target.suffix.lower() == ".xlsx":
            from newbi_clients.transfer.export import write_xlsx_rows

            plain = ([unescape_formula(c) for c in row] for row in rows)
            with replacing_binary(target) as fh:
                return write_xlsx_rows(fh, header, plain, title="Rejets")
        import csv

        encoding = plan.table.encoding or "utf-8"
        count = 0
        with replacing_text(target, encoding, errors="replace") as out:
            writer = csv.writer(out, delimiter=plan.table.delimiter or ";")
            writer.writerow(header)
            for row in rows:
                writer.writerow([escape_formula(unescape_formula(c)) for c in row])
                count += 1
        return count
