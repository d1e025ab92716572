"""What an import will do (:class:`ImportPlan`, previewed before anything is written) and
what it did (:class:`ImportReport`), with the rejected values and duplicates they list."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newbi_clients.transfer.mapping import HeaderMap
from newbi_clients.transfer.read import Table
from newbi_clients.transfer.spool import Spool


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected value: spreadsheet row (header = 1), column as written, value, reason."""

    row: int
    column: str
    value: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of an import error."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)
class DuplicateRow:
    """A row whose email or SIRET is already in the book, or earlier in the file."""

    row: int
    field: str
    value: str
    existing_id: int | None
    existing_row: int | None
    existing_name: str
    action: str = "skip"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a duplicate."""
        return {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "existing_id": self.existing_id,
            "existing_row": self.existing_row,
            "existing_name": self.existing_name,
            "action": self.action,
        }


@dataclass(slots=True)
class ImportPlan:
    """What an import will do, before anything is written."""

    path: Path
    table: Table
    headers: HeaderMap
    rows: int = 0
    valid: int = 0
    # what grows with the file is kept in temporary tables (see :meth:`spool`)
    errors: Spool[RowError] = field(default_factory=Spool)
    rejected_rows: Spool[int] = field(default_factory=Spool)
    duplicates: Spool[DuplicateRow] = field(default_factory=Spool)
    warnings: int = 0
    # the duplicates that carry a person matched as its company's contact row (see
    # :meth:`.ImportMerges.attach_people`)
    people: int = 0
    notices: Spool[tuple[int, str]] = field(default_factory=Spool)  # (row, warning)

    def spool(self, conn: sqlite3.Connection) -> None:
        """Keep the errors, rejected rows, duplicates and notices in temporary tables of
        ``conn``, only their first items in memory."""
        self.errors = Spool(conn, "errors", 4, lambda e: (e.row, e.column, e.value, e.message),
                            RowError)  # fmt: skip
        self.rejected_rows = Spool(conn, "rejected")
        self.duplicates = Spool(conn, "duplicates", 6, lambda d: (
            d.row, d.field, d.value, d.existing_id, d.existing_row, d.existing_name
        ), DuplicateRow)  # fmt: skip
        self.notices = Spool(conn, "notices", 2, lambda n: n, lambda row, text: (row, text))

    @property
    def to_create(self) -> int:
        """Valid rows that duplicate nothing."""
        return self.valid - len(self.duplicates)


@dataclass(slots=True)
class ImportReport:
    """What an import did (``import --format json``)."""

    created: int = 0
    merged: int = 0
    skipped: int = 0
    rejected: int = 0
    # with skip: the persons of duplicate rows added as contacts of their company
    contacts_added: int = 0
    duplicates: Sequence[DuplicateRow] = field(default_factory=list)
    errors: Sequence[RowError] = field(default_factory=list)
    # what reading the file said (its encoding, cards left out, values in a column without
    # a title…), as the import shows it on stderr: a script reads it here
    notices: Sequence[str] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of the report."""
        return {key: list(value) if isinstance(value, Iterator) else value
                for key, value in self.to_stream().items()}  # fmt: skip

    def to_stream(self) -> dict[str, Any]:
        """JSON shape of the report, its lists as iterators (read as they are written)."""
        return {
            "created": self.created,
            "merged": self.merged,
            "skipped": self.skipped,
            "contacts_added": self.contacts_added,
            "rejected": self.rejected,
            "duplicates": (d.to_dict() for d in self.duplicates),
            "errors": (e.to_dict() for e in self.errors),
            "notices": list(self.notices),
            "dry_run": self.dry_run,
        }
