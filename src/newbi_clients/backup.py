"""Backups of the book through SQLite's online backup API, and restores.

A backup copies the book page by page inside one read transaction: in WAL mode readers
never block writers, so other commands keep writing meanwhile and the copy is the book
as it was at one instant (https://www.sqlite.org/backup.html). Backups are single files
(journal mode DELETE), mode 0600, checked (``PRAGMA quick_check``) before they replace
anything. A restore first checks that the file is a newbi-clients book of a known schema
and keeps the book it replaces aside, as a timestamped copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newbi_clients.connection import BOOK_TABLES, check_book_file, refuse_foreign
from newbi_clients.errors import NewbiError, StorageError
from newbi_clients.files import (
    PRIVATE_FILE,
    create_private,
    make_private_dirs,
    refuse_book,
    refuse_special,
)
from newbi_clients.schema import SCHEMA_VERSION

__all__ = ["BOOK_TABLES", "BackupError", "BookInfo", "backup_to", "check_book", "restore"]


class BackupError(NewbiError):
    """A backup or a restore that cannot be done."""


@dataclass(frozen=True, slots=True)
class BookInfo:
    """What a checked book file holds."""

    path: Path
    schema_version: int
    clients: int
    size: int


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def aside_path(path: Path, label: str) -> Path:
    """A free name beside ``path`` for a copy: ``clients.db.<label>-<UTC time>``."""
    base = path.with_name(f"{path.name}.{label}-{_stamp()}")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def backup_to(conn: sqlite3.Connection, target: Path, overwrite: bool = False) -> Path:
    """Copy the database open on ``conn`` into ``target`` (mode 0600), as one snapshot.

    The copy is written to a temporary file beside ``target``, checked, then renamed:
    an existing ``target`` is replaced only by a complete, sound copy.

    :raises BackupError: if ``target`` exists (and not ``overwrite``) or the copy is unsound.
    :raises NewbiError: if ``target`` is a folder, a device, a pipe or a socket: only a
        regular file is ever replaced (``backup /dev/null --force`` must not remove it).
    """
    refuse_special(target)
    if target.exists() and not overwrite:
        raise BackupError(
            f"Le fichier {target} existe déjà : choisissez un autre nom, ou ajoutez --force"
            " pour le remplacer."
        )
    book = conn.execute("PRAGMA database_list").fetchone()[2]
    if book:
        refuse_book(target, Path(book))
    make_private_dirs(target.parent)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with closing(sqlite3.connect(name, isolation_level=None)) as copy:
            conn.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            _check_sound(copy, target)
        os.chmod(name, PRIVATE_FILE)
        os.replace(name, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise
    return target


def _check_sound(conn: sqlite3.Connection, path: Path, full: bool = False) -> None:
    pragma = "integrity_check" if full else "quick_check"
    result = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchmany(5)]
    if result != ["ok"]:
        raise BackupError(f"La base {path} est endommagée : " + " ; ".join(map(str, result)))


def check_book(path: Path) -> BookInfo:
    """Check that ``path`` is a sound newbi-clients book of a schema this program knows.

    :raises BackupError: with the reason, in French.
    """
    if not path.is_file():
        raise BackupError(f"Fichier introuvable : {path}.")
    not_a_book = f"{path} n'est pas une base newbi-clients"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if version == 0 or not tables >= BOOK_TABLES:
                raise BackupError(f"{not_a_book} (tables du carnet absentes).")
            if version > SCHEMA_VERSION:
                raise BackupError(
                    f"{path} vient d'une version plus récente de newbi-clients (schéma {version},"
                    f" celle-ci connaît le schéma {SCHEMA_VERSION}) : mettez newbi-clients à jour."
                )
            _check_sound(conn, path, full=True)
            clients = int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{not_a_book} ({exc}).") from exc
    return BookInfo(path, version, clients, path.stat().st_size)


def keep_aside(book: Path, label: str) -> Path | None:
    """Copy the book to a timestamped file beside it (mode 0600); None if there is no book.

    The copy goes through the backup API; a book SQLite cannot read is copied byte for
    byte (with its ``-wal``), so that nothing is lost either way.
    """
    if not book.exists() or book.stat().st_size == 0:
        return None
    target = aside_path(book, label)
    try:
        with closing(sqlite3.connect(book, isolation_level=None)) as conn:
            backup_to(conn, target)
    except (sqlite3.DatabaseError, BackupError):
        for suffix in ("", "-wal"):
            source = Path(f"{book}{suffix}")
            if source.exists():
                create_private(Path(f"{target}{suffix}"))
                shutil.copyfile(source, f"{target}{suffix}")
    return target


def restore(book: Path, source: Path) -> tuple[BookInfo, Path | None]:
    """Replace the book with the backup ``source``, keeping the replaced book aside.

    The backup is copied into the book through the backup API, so that commands that
    have it open see the restored content (they wait while it is written).

    :returns: the restored file's information, and where the replaced book was kept.
    :raises BackupError: if ``source`` is not a sound newbi-clients book of a known schema.
    """
    if source.resolve() == book.resolve():
        raise BackupError(f"{source} est la base elle-même : indiquez une sauvegarde.")
    check_book_file(book)  # never a folder or a device
    _not_foreign(book)
    info = check_book(source)
    aside = keep_aside(book, "avant-restauration")
    create_private(book)
    try:
        _copy_into(source, book)
    except sqlite3.DatabaseError:
        if aside is None:
            raise
        # the book is not a database SQLite can write into: its bytes are kept aside
        for suffix in ("", "-wal", "-shm"):
            Path(f"{book}{suffix}").unlink(missing_ok=True)
        create_private(book)
        _copy_into(source, book)
    return info, aside


def _not_foreign(book: Path) -> None:
    """Refuse to restore over another application's database (a damaged book, which SQLite
    cannot read, is restored over: it is kept aside first)."""
    if not book.is_file() or book.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"{book.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            refuse_foreign(conn, book)
    except sqlite3.DatabaseError:
        return
    except StorageError as exc:
        raise BackupError(str(exc)) from exc


def _copy_into(source: Path, book: Path) -> None:
    with (
        closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(book, timeout=60.0, isolation_level=None)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")


def backup_before_migration(conn: sqlite3.Connection, book: Path, version: int) -> Path:
    """The copy of a book made before migrating it from schema ``version``."""
    target = aside_path(book, f"avant-migration-schema-{version}")
    try:
        return backup_to(conn, target)
    except OSError as exc:
        raise BackupError(
            f"Impossible de copier la base {book} avant de la mettre à jour ({exc.strerror}) :"
            " rien n'a été modifié. Libérez de la place ou vérifiez les droits du dossier."
        ) from exc


def migrate_with_copy(
    conn: sqlite3.Connection,
    book: Path,
    version: int,
    migrate: Callable[[], object],
    on_migrate: Callable[[int, int], None] | None = None,
) -> Path | None:
    """Bring the book open on ``conn``, of schema ``version``, to the current schema with
    ``migrate``; a book of an older schema is copied aside first, after ``on_migrate(old,
    new)`` (copying and migrating a large book takes seconds). Returns the copy (None for
    a new book).

    Each step of a migration is rolled back whole if it fails or is interrupted: a book
    still of the schema it had then holds what its copy holds, and the copy (as large as
    the book) is removed before the error goes on.
    """
    copy = None
    if 0 < version < SCHEMA_VERSION:
        if on_migrate is not None:
            on_migrate(version, SCHEMA_VERSION)
        copy = backup_before_migration(conn, book, version)
    try:
        migrate()
    except BaseException:
        with suppress(sqlite3.Error):
            if copy is not None and conn.execute("PRAGMA user_version").fetchone()[0] == version:
                copy.unlink(missing_ok=True)
        raise
    return copy
