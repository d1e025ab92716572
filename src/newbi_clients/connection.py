"""The SQLite connection of a book: created 0600, in WAL mode with foreign keys on and a
busy timeout, so that several commands may write at once; errors in French.

A file is made a book only when it is new: missing, empty (zero bytes: an SQLite
database without anything in it) or an SQLite database holding nothing. A database that
holds tables of another application is refused before anything is written into it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from newbi_clients import interrupts
from newbi_clients.errors import StorageError
from newbi_clients.files import PRIVATE_FILE, create_private

BUSY_TIMEOUT_S = 60.0
# tables every schema version has: a file without them is not a newbi-clients book
BOOK_TABLES = frozenset({"clients", "tags", "client_tags", "notes", "settings", "audit"})
_CHECK = "Vérifiez le chemin (option --db ou variable NEWBI_CLIENTS_DB)."


def is_empty_file(path: Path) -> bool:
    """Whether ``path`` is a regular file of zero bytes (a new book, not yet written)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def check_book_file(path: Path) -> None:
    """:raises StorageError: if ``path`` exists and is not a regular file (a folder, a
    device, a pipe): SQLite would fail on it with an English message, or worse."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"Impossible d'ouvrir la base {path} : {exc.strerror}.") from exc
    if stat.S_ISDIR(mode):
        raise StorageError(f"{path} est un dossier, pas un carnet : indiquez un fichier. {_CHECK}")
    if not stat.S_ISREG(mode):
        raise StorageError(
            f"{path} n'est pas un fichier ordinaire (périphérique, tube ou socket) : un carnet"
            f" est un fichier. {_CHECK}"
        )


def refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """A database holding tables, none of which are a book's, belongs to another
    application: it is refused before anything (schema, WAL mode, version) is written."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not names or names >= BOOK_TABLES:
        return
    shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
    raise StorageError(
        f"{path} n'est pas un carnet newbi-clients : c'est une base SQLite d'une autre"
        f" application (tables {shown}). Elle n'a pas été modifiée. {_CHECK}"
    )


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create, mode 0600) the book at ``path`` with the settings every command uses.

    :raises StorageError: for a folder, a device, or a database of another application.
    """
    check_book_file(path)
    empty = create_private(path) or is_empty_file(path)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        refuse_foreign(conn, path)  # reads only: nothing is written before this check
    except BaseException:
        conn.close()
        raise
    if empty:
        with suppress(OSError):  # an empty file given by the user becomes a private book
            os.chmod(path, PRIVATE_FILE)
    conn.execute("PRAGMA foreign_keys = ON")
    # a signal stops a long statement within a few milliseconds (see interrupts)
    conn.set_progress_handler(interrupts.sqlite_progress, 20_000)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    # a larger page cache: imports update several indexes at once
    conn.execute("PRAGMA cache_size = -32768")
    return conn


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The number of rows of each table of the book (the search index's own tables aside)."""
    tables = [
        r[1]
        for r in conn.execute("PRAGMA table_list")
        if r[0] == "main" and r[2] == "table" and not r[1].startswith("sqlite_")
    ]
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}


def _in_use(path: Path) -> bool:
    """Whether another process has the book open: each connection to a WAL database holds
    a read lock on one byte of its ``-shm`` file (SQLite's « DMS » lock, offset 128)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Unix: assume it is
        return True
    try:
        fd = os.open(f"{path}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False  # no connection to it is open
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    finally:
        os.close(fd)  # releases the lock
    return False


def discard_unused(path: Path, counts: dict[str, int], was_empty_file: bool) -> bool:
    """Undo the creation of the book at ``path`` if it still holds what it held once
    created (``counts``) and no other process has it open: the file is removed (or, if it
    was an empty file, emptied again) with its companions.

    :returns: whether the book was discarded.
    """
    try:
        with closing(sqlite3.connect(path, timeout=1.0, isolation_level=None)) as conn:
            unchanged = row_counts(conn) == counts
    except sqlite3.Error:
        return False
    if not unchanged or _in_use(path):
        return False
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(OSError):
            os.unlink(f"{path}{suffix}")
    try:
        if was_empty_file:
            os.truncate(path, 0)
        else:
            os.unlink(path)
    except OSError:
        return False
    return True


_REASONS = {
    "SQLITE_NOTADB": "ce n'est pas une base SQLite",
    "SQLITE_CORRUPT": "la base est endommagée",
    "SQLITE_FULL": "disque plein",
    "SQLITE_IOERR": "erreur de lecture ou d'écriture du disque",
    "SQLITE_CANTOPEN": "fichier impossible à ouvrir",
    "SQLITE_PERM": "permission refusée",
    "SQLITE_AUTH": "permission refusée",
}


def _reason(exc: sqlite3.Error) -> str:
    """SQLite's error in French, by its code (its text is English)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for code, reason in _REASONS.items():
        if name.startswith(code):
            return reason
    return str(exc)


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
        raise StorageError(f"Impossible d'ouvrir la base {path} : {_reason(exc)}.") from exc
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"Impossible d'ouvrir la base {path} : {_reason(exc)}. Vérifiez qu'il s'agit bien"
            " d'une base newbi-clients (option --db ou variable NEWBI_CLIENTS_DB)."
        ) from exc
    except OSError as exc:
        raise StorageError(f"Impossible de créer la base {path} : {exc.strerror}") from exc
