"""The SQLite connection of a book: created 0600, in WAL mode with foreign keys on and a
busy timeout, so that several commands may write at once; errors in French."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newbi_clients import interrupts
from newbi_clients.errors import StorageError
from newbi_clients.files import create_private

BUSY_TIMEOUT_S = 60.0


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create, mode 0600) the book at ``path`` with the settings every command uses."""
    create_private(path)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # a signal stops a long statement within a few milliseconds (see interrupts)
    conn.set_progress_handler(interrupts.sqlite_progress, 20_000)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    # a larger page cache: imports update several indexes at once
    conn.execute("PRAGMA cache_size = -32768")
    return conn


@contextmanager
def opening(path: Path) -> Iterator[None]:
    """Turn what can go wrong while a book is opened (and migrated) into a
    :class:`StorageError` that says what to check."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            raise StorageError(
                f"La base {path} n'est pas accessible en écriture (droits du fichier ou"
                " de son dossier)."
            ) from exc
        raise StorageError(f"Impossible d'ouvrir la base {path} : {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"Impossible d'ouvrir la base {path} : {exc}. Vérifiez qu'il s'agit bien"
            " d'une base newbi-clients (option --db ou variable NEWBI_CLIENTS_DB)."
        ) from exc
    except OSError as exc:
        raise StorageError(f"Impossible de créer la base {path} : {exc.strerror}") from exc
