"""Lists of an import that grow with the file (rejected rows, their errors, duplicates,
notices), kept in a temporary table rather than in memory: only the first items and the
count stay in memory, so that a file of millions of rejected rows or duplicates keeps the
import within its memory bound. The temporary tables live on disk (``temp_store`` is
left at its file default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar, overload

T = TypeVar("T")
KEPT = 100  # items kept in memory: more than any preview shows
_BATCH = 2000


class Spool(Sequence[T]):
    """An append-only sequence whose items beyond the first :data:`KEPT` are read back from
    a temporary table, in the order they came."""

    def __init__(
        self,
        conn: sqlite3.Connection | None = None,
        name: str = "",
        width: int = 1,
        encode: Callable[[T], tuple[Any, ...]] = lambda item: (item,),
        decode: Callable[..., T] = lambda value: value,
    ) -> None:
        """:param width: the number of values of an item, as ``encode`` gives them and
        ``decode`` takes them back."""
        self._conn = conn
        self._table = f"temp.spool_{name}"
        self._head: list[T] = []
        self._count = 0
        self._encode, self._decode = encode, decode
        # applied to every item read (see :meth:`set_all`)
        self._each: Callable[[T], None] | None = None
        self._marks = ", ".join("?" * (width + 1))
        if conn is not None:
            values = ", ".join(f"v{i}" for i in range(width))
            conn.execute(f"DROP TABLE IF EXISTS {self._table}")
            conn.execute(f"CREATE TABLE {self._table} (seq INTEGER PRIMARY KEY, {values})")

    def extend(self, items: Iterable[T]) -> None:
        """Append items."""
        rest: list[tuple[Any, ...]] = []
        for item in items:
            self._count += 1
            if len(self._head) < KEPT or self._conn is None:
                self._head.append(item)
                continue
            rest.append((self._count, *self._encode(item)))
            if len(rest) == _BATCH:
                self._write(rest)
        self._write(rest)

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            assert self._conn is not None
            insert_temp(self._conn, f"INSERT INTO {self._table} VALUES ({self._marks})", rows)
            rows.clear()

    def append(self, item: T) -> None:
        """Append one item."""
        self.extend((item,))

    def clear(self) -> None:
        """Remove every item."""
        self._head.clear()
        self._count = 0
        if self._conn is not None:
            self._conn.execute(f"DELETE FROM {self._table}")

    def set_all(self, each: Callable[[T], None]) -> None:
        """Apply ``each`` to every item, those in memory now and the others as read."""
        self._each = each
        for item in self._head:
            each(item)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[T]:
        yield from self._head
        if self._conn is None or self._count <= len(self._head):
            return
        cursor = self._conn.execute(f"SELECT * FROM {self._table} ORDER BY seq")
        for values in cursor:
            item: T = self._decode(*values[1:])
            if self._each is not None:
                self._each(item)
            yield item

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            if index.indices(self._count)[1] <= len(self._head):
                return self._head[index]
            return list(self)[index]
        if 0 <= index < len(self._head):
            return self._head[index]
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spool | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spool({self._count} items)"


def insert_temp(conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
    """Insert rows into a temporary table in one transaction (outside one, each row would
    be its own, journaled apart); no lock is taken on the book."""
    if conn.in_transaction:
        conn.executemany(sql, rows)
        return
    conn.execute("BEGIN")
    try:
        conn.executemany(sql, rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
