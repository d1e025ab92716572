"""The import itself: staging table, duplicate classification in SQL, one-transaction apply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.models import Client
from newbi_clients.rows import row_to_client
from newbi_clients.schema import FTS_COLUMNS
from newbi_clients.storage import ClientStore, now
from newbi_clients.transfer.duplicates import classify
from newbi_clients.transfer.mapping import map_headers
from newbi_clients.transfer.profiles import resolve_profile
from newbi_clients.transfer.read import open_table
from newbi_clients.transfer.validate import (
    CHUNK,
    CONTACT_COLUMNS,
    PARALLEL_FROM,
    STAGE_COLUMNS,
    Chunk,
    DuplicateRow,
    ImportPlan,
    ImportReport,
    Progress,
    RowError,
    validate_all,
)

COLUMNS = STAGE_COLUMNS
REASON_COLUMN = "Motif du rejet"


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

    # --- phase 1: read, validate, stage ---------------------------------------------------

    def prepare(self, progress: Progress | None = None) -> ImportPlan:
        """Read and validate every row, stage the valid ones, classify duplicates.

        :raises ImportRejected: when the file cannot be read or lacks mandatory columns.
        """
        table = open_table(self.path, **self.options)
        profile = resolve_profile(self.store, self.profile) if self.profile else None
        headers = map_headers(table.header, profile, self.columns)
        plan = ImportPlan(self.path, table, headers)
        self._create_stage()
        parallel = table.size_hint >= PARALLEL_FROM

        def chunks() -> Iterator[Chunk]:
            chunk: Chunk = []
            for number, cells in table.rows:
                if not any(c.strip() for c in cells):
                    continue
                chunk.append((number, cells))
                if len(chunk) >= CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        settings = self.store.seller_settings()
        defaults = {
            "terms_days": settings.default_terms_days,
            "currency": settings.default_currency,
        }
        for results in validate_all(chunks(), headers, self.stamp, parallel, defaults):
            self._stage(results, plan)
            if progress:
                progress(plan.rows, max(table.size_hint, plan.rows))
        if plan.rows == 0:
            raise ImportRejected(
                f"{self.path.name} ne contient aucune ligne de client sous l'en-tête."
            )
        self._classify(plan)
        return plan

    def _create_stage(self) -> None:
        db = self.store.db
        for table in ("stage", "stage_ids", "stage_tags", "stage_notes", "stage_rejects",
                      "stage_contacts"):  # fmt: skip
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
        db.execute(
            f"CREATE TEMP TABLE stage (row INTEGER PRIMARY KEY, {', '.join(COLUMNS)},"
            " blank TEXT, dup_of_id INTEGER, dup_of_row INTEGER, dup_field TEXT)"
        )
        # the ids given to the created rows: a narrow table, cheaper than rewriting wide rows
        db.execute("CREATE TEMP TABLE stage_ids (row INTEGER PRIMARY KEY, new_id INTEGER)")
        db.execute("CREATE TEMP TABLE stage_tags (row INTEGER, name TEXT, key TEXT)")
        db.execute("CREATE TEMP TABLE stage_notes (row INTEGER, at TEXT, text TEXT)")
        db.execute(
            "CREATE TEMP TABLE stage_rejects (row INTEGER PRIMARY KEY, cells TEXT, reason TEXT)"
        )
        # the person on a row: the primary contact of the client it creates (or completes)
        db.execute(
            "CREATE TEMP TABLE stage_contacts (row INTEGER PRIMARY KEY,"
            f" {', '.join(CONTACT_COLUMNS)})"
        )

    def _stage(self, results: list[tuple[Any, ...]], plan: ImportPlan) -> None:
        rows: list[tuple[Any, ...]] = []
        tags: list[tuple[int, str, str]] = []
        notes: list[tuple[int, str, str]] = []
        rejects: list[tuple[int, str, str]] = []
        contacts: list[tuple[Any, ...]] = []
        labels = plan.headers.labels
        for result in results:
            plan.rows += 1
            number = result[1]
            if result[0] == "err":
                reasons = []
                for key, fld, value, message in result[2]:
                    column = labels.get(key or "") or labels.get(fld, fld)
                    plan.errors.append(RowError(number, column, value, message))
                    reasons.append(message)
                plan.rejected_rows.append(number)
                rejects.append((number, result[3], " ; ".join(reasons)))
                continue
            _, _, values, row_tags, row_notes, warnings, notices, contact = result
            plan.valid += 1
            plan.warnings += warnings
            plan.notices.extend((number, text) for text in notices)
            rows.append((number, *values))
            tags.extend((number, name, key) for name, key in row_tags)
            notes.extend((number, at, text) for at, text in row_notes)
            if contact is not None:
                contacts.append((number, *contact))
        conn = self.store.conn
        marks = ", ".join("?" * (len(COLUMNS) + 1))
        conn.executemany(
            f"INSERT INTO stage (row, {', '.join(COLUMNS)}, blank) VALUES ({marks}, ?)", rows
        )
        conn.executemany("INSERT INTO stage_tags VALUES (?, ?, ?)", tags)
        conn.executemany("INSERT INTO stage_notes VALUES (?, ?, ?)", notes)
        conn.executemany("INSERT INTO stage_rejects VALUES (?, ?, ?)", rejects)
        if contacts:
            marks = ", ".join("?" * (len(CONTACT_COLUMNS) + 1))
            conn.executemany(f"INSERT INTO stage_contacts VALUES ({marks})", contacts)

    def _classify(self, plan: ImportPlan) -> None:
        classify(self.store, plan)

    # --- phase 2: apply -----------------------------------------------------------------

    def apply(self, plan: ImportPlan, on_duplicate: str = "skip") -> ImportReport:
        """Write the plan in one transaction.

        :param on_duplicate: ``skip`` (default), ``merge`` (fill empty fields, add tags and
            notes, keep conflicting values as a note) or ``create`` (create them anyway).
        """
        report = ImportReport(rejected=len(plan.rejected_rows), errors=plan.errors)
        db = self.store.db
        creating = "1" if on_duplicate == "create" else "dup_of_id IS NULL AND dup_of_row IS NULL"
        # a larger page cache for the writes: new rows go into every index of the book
        db.execute("PRAGMA cache_size = -65536")
        with self.store.transaction():
            # the book may have changed since the preview (another command, a long
            # confirmation): duplicates are found again, now that no one else can write
            self._classify(plan)
            base = int(db.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'clients'), 0),"
                " coalesce((SELECT max(id) FROM clients), 0)) + 1"
            ).fetchone()[0])  # fmt: skip
            db.execute("DELETE FROM stage_ids")
            db.execute(
                f"INSERT INTO stage_ids SELECT row, {base} - 1 + row_number() OVER (ORDER BY row)"
                f" FROM stage WHERE {creating}"
            )
            stamp = self.stamp
            report.created = self._insert_clients(base)
            self._insert_tags_and_notes()
            self._insert_contacts()
            db.execute(
                "INSERT INTO audit (at, actor, action, client_id, details) SELECT ?, ?, 'import',"
                " new_id, json_object('file', ?, 'row', row) FROM stage_ids",
                [stamp, self.store.actor, self.source],
            )
            for dup in plan.duplicates:
                if on_duplicate == "create":
                    dup.action = "create"
                elif on_duplicate == "merge":
                    self._merge_row(dup)
                    dup.action = "merge"
                    report.merged += 1
                else:
                    report.skipped += 1
            report.duplicates = plan.duplicates
        return report

    def _insert_clients(self, base: int) -> int:
        """Insert the new clients, then index them for search in one pass.

        The per-row search-index trigger is set aside for the statement (inside the
        transaction: an interruption puts it back) and the new rows are indexed in bulk,
        which costs a fraction of row-by-row indexing in a large book.
        """
        db = self.store.db
        cols = ", ".join(COLUMNS)
        trigger = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'clients_fts_insert'"
        ).fetchone()[0]
        db.execute("DROP TRIGGER clients_fts_insert")
        created = db.execute(
            f"INSERT INTO clients (id, {cols}, created_at, updated_at)"
            f" SELECT i.new_id, {cols}, ?, ? FROM stage_ids i JOIN stage s ON s.row = i.row"
            " ORDER BY i.new_id",
            [self.stamp, self.stamp],
        ).rowcount
        columns = ", ".join(FTS_COLUMNS)
        db.execute(
            f"INSERT INTO clients_fts (rowid, {columns}) SELECT id, {columns} FROM clients"
            " WHERE id >= ?",
            [base],
        )
        db.execute(trigger)
        return int(created)

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

    def _insert_contacts(self) -> None:
        """The person of each created row becomes its client's primary contact."""
        cols = ", ".join(c for c in CONTACT_COLUMNS)
        self.store.db.execute(
            f"INSERT INTO contacts (client_id, {cols}, created_at, updated_at)"
            f" SELECT i.new_id, {cols}, ?, ? FROM stage_contacts s"
            " JOIN stage_ids i ON i.row = s.row ORDER BY i.new_id",
            [self.stamp, self.stamp],
        )

    def _merge_contact(self, target: int, row: int) -> None:
        """The person of a merged row joins the existing client's contacts (primary only
        when it has none), unless a contact of that name or email is already there."""
        found = self.store.execute(
            f"SELECT {', '.join(CONTACT_COLUMNS)} FROM stage_contacts WHERE row = ?", [row]
        ).fetchone()
        if found is None:
            return
        values = dict(zip(CONTACT_COLUMNS, found, strict=True))
        same = self.store.execute(
            "SELECT 1 FROM contacts WHERE client_id = ? AND ((email_key IS NOT NULL AND"
            " email_key = ?) OR (coalesce(first_name, '') = coalesce(?, '') AND"
            " coalesce(last_name, '') = coalesce(?, '')))",
            [target, values["email_key"], values["first_name"], values["last_name"]],
        ).fetchone()
        if same:
            return
        has_primary = self.store.execute(
            "SELECT 1 FROM contacts WHERE client_id = ? AND is_primary", [target]
        ).fetchone()
        values["is_primary"] = 0 if has_primary else 1
        cols = ", ".join(values)
        self.store.execute(
            f"INSERT INTO contacts (client_id, {cols}, created_at, updated_at)"
            f" VALUES (?, {', '.join('?' * len(values))}, ?, ?)",
            [target, *values.values(), self.stamp, self.stamp],
        )

    def _target(self, dup: DuplicateRow) -> int:
        db = self.store.db
        if dup.existing_id is not None:
            return dup.existing_id
        row = dup.existing_row
        while True:
            new_id, of_id, of_row = db.execute(
                "SELECT i.new_id, s.dup_of_id, s.dup_of_row FROM stage s"
                " LEFT JOIN stage_ids i ON i.row = s.row WHERE s.row = ?",
                [row],
            ).fetchone()
            if new_id is not None:
                return int(new_id)
            if of_id is not None:
                return int(of_id)
            row = of_row

    def _staged_client(self, number: int) -> Client:
        cursor = self.store.execute("SELECT * FROM stage WHERE row = ?", [number])
        values = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        values.update(id=None, created_at=None, updated_at=None)
        values["tag_names"] = (
            "\x1f".join(
                r[0]
                for r in self.store.execute("SELECT name FROM stage_tags WHERE row = ?", [number])
            )
            or None
        )
        return row_to_client(values)

    def _merge_row(self, dup: DuplicateRow) -> None:
        """Complete the existing client with the row (the engine of ``merge``)."""
        from newbi_clients.merging import complete_client

        notes = self.store.execute(
            "SELECT at, text FROM stage_notes WHERE row = ? ORDER BY rowid", [dup.row]
        ).fetchall()
        (blank,) = self.store.execute("SELECT blank FROM stage WHERE row = ?", [dup.row]).fetchone()
        target = self._target(dup)
        self._merge_contact(target, dup.row)
        complete_client(
            self.store, target, self._staged_client(dup.row),
            f"import de {self.source}, ligne {dup.row}", notes, action="import_merge",
            unset=tuple(filter(None, (blank or "").split(","))),
        )  # fmt: skip

    # --- rejected rows ------------------------------------------------------------------

    def rejected_cells(self) -> Iterator[tuple[int, list[str], str]]:
        """Every rejected row: number, original cells, reason."""
        for number, cells, reason in self.store.execute(
            "SELECT row, cells, reason FROM stage_rejects ORDER BY row"
        ):
            yield number, json.loads(cells), reason

    def write_errors(self, plan: ImportPlan, target: Path) -> int:
        """Write the rejected rows, with a reason column, in the input's own format."""
        header = [*plan.table.header, REASON_COLUMN]
        rows = ([*cells, reason] for _, cells, reason in self.rejected_cells())
        if plan.table.format == "xlsx" or target.suffix.lower() == ".xlsx":
            from newbi_clients.transfer.export import write_xlsx_rows

            return write_xlsx_rows(target, header, rows, title="Rejets")
        import csv

        encoding = plan.table.encoding or "utf-8"
        count = 0
        with target.open("w", encoding=encoding, newline="", errors="replace") as out:
            writer = csv.writer(out, delimiter=plan.table.delimiter or ";")
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
