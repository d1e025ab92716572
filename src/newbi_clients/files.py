"""Files of personal data: readable by their owner only, written whole or not at all.

Every file the program writes about clients (the book, its backups, exports, rejected
rows, privacy exports) is created with mode 0600 and every folder it creates with mode
0700 (GDPR art. 32: the security of the processing). A file named by the user is written
to a temporary file in the same folder and renamed over the target at the end, so that
an interrupted or failed write leaves the previous file as it was.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, TextIO

from newbi_clients.errors import NewbiError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each with mode 0700."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with suppress(FileExistsError):
            path.mkdir(mode=PRIVATE_DIR)


def create_private(path: Path) -> bool:
    """Create an empty file with mode 0600 (and its folders, 0700) unless it exists.

    :returns: True if the file was created.
    """
    if path.exists():
        return False
    make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)
    return True


def refuse_book(target: Path, book: Path) -> None:
    """:raises NewbiError: if ``target`` is the book or one of its ``-wal``, ``-shm`` or
    ``-journal`` files: replacing it would destroy the book under the commands that have
    it open (and SQLite deletes a ``-journal`` file it finds)."""
    resolved = target.expanduser().resolve()
    book = book.expanduser().resolve()
    if resolved in (book, *(Path(f"{book}{s}") for s in ("-wal", "-shm", "-journal"))):
        raise NewbiError(
            f"{target} est la base elle-même (ou son journal) : choisissez un autre fichier."
        )


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except OSError:
        return None


def refuse_special(target: Path) -> None:
    """:raises NewbiError: if ``target`` exists and is not a regular file (a folder, a
    device, a pipe, a socket): such a file is never replaced by a copy."""
    mode = _mode(target)
    if mode is None or stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise NewbiError(f"{target} est un dossier : indiquez un nom de fichier.")
    raise NewbiError(
        f"{target} n'est pas un fichier ordinaire (périphérique, tube ou socket) : indiquez"
        " un nom de fichier."
    )


def _is_special(path: Path) -> bool:
    """A device, a pipe or a socket (``-o /dev/stdout``): written in place, not replaced."""
    mode = _mode(path)
    if mode is not None and stat.S_ISDIR(mode):
        refuse_special(path)
    return mode is not None and not stat.S_ISREG(mode)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An error while writing says which file (a write error on its own names none, and
    would then be taken for one of the standard output)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


@contextmanager
def replacing_binary(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the block ends without error.

    The data goes to a temporary file (0600) in the same folder, flushed to disk and
    renamed over ``path``; on any error or interrupt the temporary file is removed and
    ``path`` is left untouched.
    """
    if _is_special(path):
        with _naming(path), path.open("wb") as fh:
            yield fh
        return
    folder = path.parent
    if not folder.is_dir():
        raise NewbiError(
            f"Le dossier {folder} n'existe pas : rien n'a été écrit. Créez-le d'abord, ou"
            " choisissez un autre chemin."
        )
    with _naming(folder):
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with _naming(path), os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise


@contextmanager
def replacing_text(path: Path, encoding: str = "utf-8", errors: str = "strict") -> Iterator[TextIO]:
    """A text file (newlines untranslated) that replaces ``path`` at the end, as
    :func:`replacing_binary` does."""
    with replacing_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
        try:
            yield text
            text.flush()
        finally:
            text.detach()
