"""The file an import reads: a path, checked before any book is opened, or a stream (the
standard input, a pipe given by its path) copied to a private temporary file first."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO


@contextmanager
def input_file(path: Path) -> "Iterator[Path]":
    """``path`` itself, or for « - » (and a pipe given by its path: ``/dev/stdin``,
    ``<(commande)``) the stream copied to a private temporary file (the
    readers look at a file several times: encoding, delimiter, rows), named after what
    its first bytes are: an XLSX workbook, vCard cards, else CSV. A path that names no
    file, or a file of a format the import does not read, is refused first, before a
    book is opened or created for it."""
    from newbi_clients.transfer.read import (
        CSV_SUFFIXES,
        VCARD_SUFFIXES,
        XLSX_SUFFIXES,
        check_input,
        open_table,
    )

    if str(path) != "-" and not _a_stream(path):
        check_input(path)
        if path.suffix.lower() not in (*CSV_SUFFIXES, *XLSX_SUFFIXES, *VCARD_SUFFIXES):
            open_table(path)  # refuses it, naming the formats read
        yield path
        return
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "entrée-standard"
        with copy.open("wb") as out:
            if str(path) == "-":
                shutil.copyfileobj(sys.stdin.buffer, out)
            else:
                _copy_pipe(path, out)
        with copy.open("rb") as fh:
            head = fh.read(4096)
        if head.startswith(b"PK\x03\x04"):
            suffix = ".xlsx"
        elif head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCARD"):
            suffix = ".vcf"
        else:
            suffix = ".csv"
        yield copy.rename(copy.with_suffix(suffix))


def _copy_pipe(path: Path, out: "BinaryIO") -> None:
    """Copy a pipe that a command writes (``<(commande)``, ``/dev/stdin`` under a pipe).
    A named pipe no one writes to is refused, never waited on: opened without waiting,
    it reads as ended at once when it has no writer.

    :raises ImportRejected: for a pipe without writer."""
    import fcntl
    import select
    import time

    from newbi_clients.errors import ImportRejected

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb", buffering=0) as stream:
        # a writer that has not written yet: wait for its first bytes (or its end); one
        # about to open the pipe (blocked until a reader came) is given half a second
        first: bytes | None = b""
        for _ in range(5):
            select.select([fd], [], [], 0.1)
            try:
                first = stream.read(65536)
            except BlockingIOError:
                first = None  # a writer, still silent: read it as it comes
            if first != b"":
                break
            time.sleep(0.1)
        if first == b"":
            raise ImportRejected(
                f"{path} n'est pas un fichier ordinaire : un tube vide, ou que personne"
                " n'alimente. Donnez le fichier lui-même, ou « - » pour l'entrée standard."
            )
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        if first:
            out.write(first)
        while chunk := stream.read(1 << 20):
            out.write(chunk)


def _a_stream(path: Path) -> bool:
    """Whether ``path`` is a pipe (``/dev/stdin`` under a pipe, ``<(commande)``)."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode)
