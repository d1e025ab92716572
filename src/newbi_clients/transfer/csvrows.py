"""The rows of a CSV file, read as a stream a block of text at a time, each row within its
bound, numbered as a spreadsheet numbers them and cut into chunks for validation.

The lines go to ``csv.reader`` as lists split from blocks of 262,144 characters, so that
no Python code runs for each line; a row (the lines since the end of the last
whole row) over MAX_ROW_CHARS characters is still refused before it is read whole: a list
of lines is only given to the reader while the row being read stays within the bound with
all of them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import accumulate, chain, takewhile
from pathlib import Path
from typing import TextIO

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.ooxml import MAX_COLUMNS, MAX_ROW_CHARS

csv.field_size_limit(MAX_ROW_CHARS)  # a cell is bounded by its row
# characters of text read at a time: well under a chunk's bound in characters, so that the
# cells of the usual rows are never counted (measured: a quarter of a million is as fast as
# smaller blocks, and a million, with which chunks of short rows got counted, slower)
BLOCK = 1 << 18
Chunk = list[tuple[int, list[str]]]
# str.splitlines also breaks lines at these characters, where csv.reader does not
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their ends, broken where a file opened with
    ``newline=""`` breaks them: after ``\\n``, ``\\r\\n`` or a lone ``\\r``."""
    if any(c in text for c in _OTHER_BREAKS):
        return io.StringIO(text, newline="").readlines()
    return text.splitlines(keepends=True)


def text_lines(fh: TextIO, block: int, bound: int) -> Iterator[list[str]]:
    """The lines of a text file, a list for each block read; the last line of a block
    waits for the next one (it may go on there, or be a ``\\r`` before a ``\\n``). A line
    that grows over ``bound`` characters ends the lists, as it is: it is refused when its
    turn comes, after the rows before it."""
    carry = ""
    while text := fh.read(block):
        lines = split_lines(carry + text if carry else text)
        carry = "" if lines[-1][-1] == "\n" else lines.pop()
        if lines:
            yield lines
        if len(carry) > bound:
            break
    if carry:
        yield [carry]


class CsvRows:
    """The numbered rows of a CSV file, each over MAX_COLUMNS columns or MAX_ROW_CHARS
    characters refused (a 50 MB cell, a file without line breaks, an unclosed quote)."""

    def __init__(
        self,
        path: Path,
        encoding: str,
        delimiter: str,
        block: int = BLOCK,
        bound: int = MAX_ROW_CHARS,
        first: int = 1,
    ) -> None:
        self.name = path.name
        self.bound = bound
        self.end = 0  # lines read up to the end of the last whole row
        # characters given to the reader before, and up to the end of, the last list of lines
        self.before = self.given = 0
        lines = chain.from_iterable(self._lines(path, encoding, block))
        self.reader = csv.reader(lines, delimiter=delimiter, strict=True)
        # rows numbered as the spreadsheet shows them (``first``: the number of the first)
        self.numbered = enumerate(self.reader, start=first)

    def _lines(self, path: Path, encoding: str, block: int) -> Iterator[list[str]]:
        """Lists of lines for the reader, as long as the row being read stays within the
        bound with all of them."""
        given: list[str] = []  # the list given last,
        start = 0  # after this many lines
        pending = 0  # characters of the row being read, up to the end of `given`
        with path.open(encoding=encoding, newline="") as fh:
            for read in text_lines(fh, block, self.bound):
                lines = read
                while lines:
                    if self.end >= start:  # the row began in `given` (or after it)
                        pending = sum(map(len, given[self.end - start :]))
                    else:  # it began before, and goes on through `given`
                        pending += self.given - self.before
                    room = self.bound - pending
                    fits = len(list(takewhile(room.__ge__, accumulate(map(len, lines)))))
                    if not fits:
                        raise self._too_long()
                    start += len(given)
                    if fits < len(lines):
                        given, lines = lines[:fits], lines[fits:]
                    else:
                        given, lines = lines, []
                    self.before = self.given
                    self.given += sum(map(len, given))
                    yield given

    def _too_long(self) -> ImportRejected:
        return ImportRejected(
            f"{self.name} : une ligne de plus de {self.bound:_} caractères".replace("_", " ")
            + " (cellule démesurée ou guillemet non fermé) ; rien n'a été importé."
        )

    def _failed(self, exc: Exception) -> ImportRejected:
        """The French message of an error of the reader (or of the decoder)."""
        if isinstance(exc, UnicodeDecodeError):  # the file changed while it was being imported
            return ImportRejected(f"{self.name} a changé pendant sa lecture : recommencez.")
        return ImportRejected(
            f"{self.name}, ligne {self.reader.line_num} : CSV mal formé ({exc}) ; vérifiez les"
            " guillemets autour de cette ligne."
        )

    def _too_wide(self, number: int, width: int) -> ImportRejected:
        return ImportRejected(
            f"{self.name}, ligne {number} : {width} colonnes (au plus {MAX_COLUMNS}) ; rien"
            " n'a été importé."
        )

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        try:
            item = next(self.numbered)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise self._failed(exc) from None
        self.end = self.reader.line_num
        if len(item[1]) > MAX_COLUMNS:
            raise self._too_wide(item[0], len(item[1]))
        return item

    def chunks(self, width: int, size: int, chars: int, wider: list[int]) -> Iterator[Chunk]:
        """The rows left, without blank ones, ``size`` a chunk (blank rows counted) or fewer
        once their cells hold ``chars`` characters; the numbers of the rows holding values
        beyond ``width`` columns go to ``wider``. The cells are only counted once the text
        given to the reader since the chunk began may hold that many: until then, the
        chunk cannot."""
        rows, reader, strip = self.numbered, self.reader, str.strip
        try:
            while True:
                chunk: Chunk = []
                read = total = 0
                counting = False
                start = self.before  # text read before the chunk's first row: at least this
                for item in rows:
                    self.end = reader.line_num
                    cells = item[1]
                    read += 1
                    if len(cells) > width:
                        self._wider(item, width, wider)
                    if (cells and strip(cells[0])) or any(map(strip, cells)):
                        chunk.append(item)
                        if counting:
                            total += sum(map(len, cells))
                        elif self.given - start >= chars:
                            counting = True
                            total = sum(map(len, chain.from_iterable(c for _, c in chunk)))
                    if read == size or total >= chars:
                        break
                if chunk:
                    yield chunk
                if read < size and total < chars:  # no row left
                    return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise self._failed(exc) from None

    def _wider(self, item: tuple[int, list[str]], width: int, wider: list[int]) -> None:
        number, cells = item
        if len(cells) > MAX_COLUMNS:
            raise self._too_wide(number, len(cells))
        if values_beyond(cells, width):
            wider.append(number)


def values_beyond(cells: list[str], width: int) -> bool:
    """Whether a row longer than its header holds a value past the header's ``width``
    columns (blank cells there are not values). Callers test the length first: most rows
    are no longer than their header, and then no call is made."""
    return any(c.strip() for c in cells[width:])
