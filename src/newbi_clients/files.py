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
    """:raises NewbiError: if ``target`` is the book or one of its ``-wal``/``-shm`` files:
    replacing it would destroy the book under the commands that have it open."""
    resolved = target.expanduser().resolve()
    book = book.expanduser().resolve()
    if resolved in (book, Path(f"{book}-wal"), Path(f"{book}-shm")):
        raise NewbiError(
            f"{target} est la base elle-même (ou son journal) : choisissez un autre fichier."
        )


def _is_special(path: Path) -> bool:
    """A device, a pipe or a socket (``-o /dev/stdout``): written in place, not replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


@contextmanager
def replacing_binary(path: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the block ends without error.

    The data goes to a temporary file (0600) in the same folder, flushed to disk and
    renamed over ``path``; on any error or interrupt the temporary file is removed and
    ``path`` is left untouched.
    """
    if _is_special(path):
        with path.open("wb") as fh:
            yield fh
        return
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
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
