"""The merge side of an import (``--on-duplicate merge``): each duplicate row completes the
client it duplicates, computed before the write lock where it can be, written under it."""

from __future__ import annotations

from collections.abc import Iterator

from newbi_clients.models import Client, Contact
from newbi_clients.rows import row_to_client
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.plan import DuplicateRow, ImportPlan, ImportReport
from newbi_clients.transfer.validate import CONTACT_COLUMNS

# the clients of the book that several rows duplicate (few): completed row by row
_SEVERAL = (
    "SELECT dup_of_id FROM stage WHERE dup_of_id IS NOT NULL GROUP BY dup_of_id HAVING count(*) > 1"
)
# the values of a staged row that only one client may hold
_CLAIMS = (
    "SELECT row, 'e:' || email_key AS key FROM stage WHERE email_key IS NOT NULL"
    " UNION ALL SELECT row, 's:' || siret FROM stage WHERE siret IS NOT NULL"
    " UNION ALL SELECT row, 'e:' || email_key FROM stage_contacts WHERE email_key IS NOT NULL"
)


class ImportMerges:
    """Completes the clients of the book with the staged rows that duplicate them."""

    def __init__(self, store: ClientStore, source: str) -> None:
        self.store = store
        self.source = source

    def prepare(self, plan: ImportPlan) -> int:
        """Compute and stage the completion of each client of the book that one row of the
        file duplicates (a client that several rows duplicate is completed row by row under
        the lock); reads the book, writes only temporary tables.

        :returns: the number of merges staged.
        """
        from newbi_clients.merging import plan_completion
        from newbi_clients.transfer.merge_writes import MergeStaging

        self.index_stage()
        several = {r[0] for r in self.store.execute(_SEVERAL)}
        claims = self._claims_in_order()
        staging = MergeStaging(self.store)
        for dup in plan.duplicates:
            if dup.existing_id is None or dup.existing_id in several:
                continue
            if claims and self._claimed_before(dup.row, claims):
                continue  # completed row by row, after the rows that claim first
            notes, blank = self.staged_extras(dup.row)
            source = f"import de {self.source}, ligne {dup.row}"
            completion = plan_completion(
                self.store, dup.existing_id, self.staged_client(dup.row), source, blank
            )
            staging.add(dup.row, completion, source, notes)
        staging.finish()
        return staging.count

    def _claims_in_order(self) -> dict[str, int]:
        """The values only one client may hold (an email, of the client or of a contact; a
        SIRET) that the rows completed row by row carry, each with the first row carrying
        it. Those rows are written after the staged ones: a staged merge that could take
        such a value from a row before it is completed row by row as well, so that the
        file's order decides who gets it, as when every merge is written row by row."""
        unstaged = (
            f"SELECT row FROM stage WHERE dup_of_row IS NOT NULL OR dup_of_id IN ({_SEVERAL})"
        )
        return dict(
            self.store.execute(
                f"SELECT key, min(row) FROM ({_CLAIMS}) WHERE row IN ({unstaged}) GROUP BY key"
            ).fetchall()
        )

    def _claimed_before(self, row: int, claims: dict[str, int]) -> bool:
        return any(
            claims.get(key, row) < row
            for (key,) in self.store.execute(f"SELECT key FROM ({_CLAIMS}) WHERE row = ?", [row])
        )

    def index_stage(self) -> None:
        """Index the staged rows' tags, notes, contacts and values by row: each merge reads
        those of its row."""
        for table in ("stage_tags", "stage_notes", "stage_contacts", "stage_fields"):
            self.store.execute(f"CREATE INDEX IF NOT EXISTS temp.{table}_row ON {table} (row)")

    def staged_extras(self, row: int) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
        """The notes of a staged row, and the fields it left blank."""
        notes = self.store.execute(
            "SELECT at, text FROM stage_notes WHERE row = ? ORDER BY rowid", [row]
        ).fetchall()
        (blank,) = self.store.execute("SELECT blank FROM stage WHERE row = ?", [row]).fetchone()
        return [tuple(n) for n in notes], tuple(filter(None, (blank or "").split(",")))

    def settle(
        self, plan: ImportPlan, on_duplicate: str, report: ImportReport, staged: int, stamp: str
    ) -> None:
        """Give each duplicate its action (inside the import's transaction): the ``staged``
        merges are written in bulk, then the others row by row, in the order of the file (no
        row before a staged one completes the client it completes)."""
        if on_duplicate == "merge":
            if staged:
                from newbi_clients.transfer.merge_writes import write_staged

                write_staged(self.store, stamp)
            else:
                self.index_stage()
            for dup in self._unstaged() if staged else plan.duplicates:
                self.merge_row(dup)
            report.merged = len(plan.duplicates)
        elif on_duplicate != "create":
            used, report.contacts_added = self.attach_people()
            report.skipped = len(plan.duplicates) - used
        if on_duplicate in ("create", "merge"):
            plan.duplicates.set_all(lambda dup: setattr(dup, "action", on_duplicate))
        report.duplicates = plan.duplicates

    def attach_people(self) -> tuple[int, int]:
        """With ``skip``: the person of each duplicate row matched as its company's contact
        row (by name and postal code, or a business's name without address: the contact
        rows of Odoo, Dolibarr, or a second person of the same company in Google) joins
        that company as a contact, unless it has the person already; the client's own
        fields are left as they are. Inside the import's transaction.

        :returns: (the rows whose person was added, the contacts added).
        """
        from newbi_clients.merging import add_new_contacts
        from newbi_clients.transfer.people import KEYS, PERSON_ROWS

        rows = self.store.execute(
            f"SELECT row, dup_of_id, dup_of_row FROM {KEYS} WHERE {PERSON_ROWS} ORDER BY row"
        ).fetchall()
        if not rows:
            return 0, 0
        self.index_stage()
        used = added = 0
        for row, of_id, of_row in rows:
            target = self.target(DuplicateRow(row, "", "", of_id, of_row, ""))
            fresh = add_new_contacts(self.store, self.store.get(target), self.staged_contacts(row))
            source = f"import de {self.source}, ligne {row}"
            for contact in fresh:
                details = {"contact": contact.to_dict(), "source": source}
                self.store.audit("contact_add", target, None, None, details)
            used += bool(fresh)
            added += len(fresh)
        return used, added

    def _unstaged(self) -> Iterator[DuplicateRow]:
        """The duplicate rows whose merge was not staged, in the order of the file."""
        for row, of_id, of_row in self.store.execute(
            "SELECT row, dup_of_id, dup_of_row FROM stage WHERE (dup_of_id IS NOT NULL"
            " OR dup_of_row IS NOT NULL) AND row NOT IN (SELECT row FROM temp.merge_rows)"
            " ORDER BY row"
        ):
            yield DuplicateRow(row, "", "", of_id, of_row, "")

    def target(self, dup: DuplicateRow) -> int:
        """The id of the client a duplicate row completes (a row earlier in the file that
        was created, or the client of the book that row itself duplicates)."""
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

    def staged_client(self, number: int) -> Client:
        """The client a staged row holds."""
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
        client = row_to_client(values)
        client.contacts = self.staged_contacts(number)
        client.fields = dict(
            self.store.execute("SELECT name, value FROM stage_fields WHERE row = ?", [number])
        )
        return client

    def staged_contacts(self, number: int) -> list[Contact]:
        """The persons of a staged row, in the order of its columns."""
        return [
            Contact(r[0], r[1], r[2], r[3], r[4], r[6], primary=bool(r[7]))
            for r in self.store.execute(
                f"SELECT {', '.join(CONTACT_COLUMNS)} FROM stage_contacts WHERE row = ?"
                " ORDER BY rowid",
                [number],
            )
        ]

    def merge_row(self, dup: DuplicateRow) -> None:
        """Complete the existing client with the row (the engine of ``merge``)."""
        from newbi_clients.merging import complete_client

        notes, blank = self.staged_extras(dup.row)
        complete_client(
            self.store, self.target(dup), self.staged_client(dup.row),
            f"import de {self.source}, ligne {dup.row}", notes, action="import_merge",
            unset=blank,
        )  # fmt: skip
