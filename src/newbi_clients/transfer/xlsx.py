"""Read an XLSX sheet as a stream of text rows, within bounds that no file can exceed.

The sheet's XML is read as it is decompressed (:mod:`.sheetxml`): rows are yielded as they
are read, so memory does not grow with the sheet (about 40 MB for 100,000 rows × 25 columns).
While reading, every cell's coordinates, every cell's and row's length and the number of
columns are checked: a cell at XFD1048576 is refused, it allocates nothing. Cell types
follow ECMA-376 part 1 §18.3.1.4: shared and inline strings, formula strings, booleans,
errors, ISO dates, and numbers whose style makes them dates or percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.fastrows import RowParser
from newbi_clients.transfer.ooxml import (
    MAX_COLUMNS,
    MAX_SHEET_XML,
    Package,
    Workbook,
    cell_styles,
    column_index,
    column_letters,
    corrupt,
    reading,
    refuse,
)
from newbi_clients.transfer.sharedstrings import SharedStrings, shared_strings
from newbi_clients.transfer.sheetxml import ExpatRows, sheet_rows


@dataclass(slots=True)
class Sheet:
    """An open sheet: its name, its rows as a stream, and an estimate of its size."""

    name: str
    rows: Iterator[tuple[int, list[str]]]
    size_hint: int


def open_sheet(path: Path, sheet: str | None) -> Sheet:
    """Open the sheet ``sheet`` (the first one by default) of an XLSX file.

    :raises ImportRejected: corrupted, encrypted or out-of-bounds files, unknown sheet.
    """
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            f"{path.name} est protégé par un mot de passe (ou au format Excel 97) :"
            " enregistrez-le sans mot de passe au format .xlsx, puis réessayez."
        )
    package = Package(path)
    book = Workbook(package)
    names = [name for name, _ in book.sheets]
    if not names:
        raise corrupt(path.name)
    if sheet is not None and sheet not in names:
        raise ImportRejected(
            f"Feuille « {sheet} » introuvable dans {path.name} (feuilles : {', '.join(names)})"
        )
    name, part = next((n, p) for n, p in book.sheets if sheet is None or n == sheet)
    if not package.has(part):
        raise corrupt(path.name)
    reader = _SheetReader(package, part, book)
    size = package.infos[part].file_size
    # no <dimension> (openpyxl's files): about 600 bytes of XML a row of a client file
    return Sheet(name, reader.rows(), size // 600)


class _SheetReader:
    """The row stream of one sheet part."""

    def __init__(self, package: Package, part: str, book: Workbook) -> None:
        self.package = package
        self.part = part
        self.name = package.name
        self.strings: SharedStrings = shared_strings(package, book.shared)
        self.styles = cell_styles(package, book.styles)
        self.epoch = dt.datetime(1904, 1, 1) if book.date1904 else None

    def rows(self, fast: bool = True) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for each row holding a value, as the sheet is read; with
        ``fast`` False, expat reads every row (the reference the fast path is tested against)."""
        self.expat = ExpatRows(self.name, self._value, self._column)
        formatted = {str(i) for i, fmt in enumerate(self.styles) if fmt is not None}

        def parser(prefix: str) -> RowParser:
            return RowParser(prefix, self._value, self.strings.get, formatted)

        with reading(self.name, self.part), self.package.open(self.part, MAX_SHEET_XML) as part:
            for rows in sheet_rows(part, self.expat, parser if fast else None):
                yield from rows

    def _column(self, letters: str, ref: str) -> int:
        col = column_index(letters.upper()) if letters.isalpha() else -1
        if not 0 <= col < MAX_COLUMNS:
            raise refuse(
                self.name,
                f"cellule {ref} au-delà de la colonne {column_letters(MAX_COLUMNS - 1)}"
                f" ({MAX_COLUMNS} colonnes au plus)",
            )
        return col

    def _format(self, style: str | None) -> str | None:
        if style and style.isdigit() and int(style) < len(self.styles):
            return self.styles[int(style)]
        return None

    def _value(self, text: str, kind: str | None, style: str | None) -> str:
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "s":
            index = int(text) if text.strip().isdigit() else -1
            value = self.strings.get(index)
            if value is None:
                raise corrupt(self.name)
            return value
        if kind == "b":
            return "oui" if text.strip() in ("1", "true") else "non"
        if kind == "d":
            return text[:-9] if text.endswith("T00:00:00") else text
        return number_text(text, self._format(style), self.epoch)


def number_text(text: str, fmt: str | None, epoch: dt.datetime | None = None) -> str:
    """A numeric cell as its user meant it: digits without « .0 », a percentage, a date.

    >>> number_text("7.3282932000074E+13", None), number_text("0.05", "percent")
    ('73282932000074', '5%')
    >>> number_text("45366", "date"), number_text("12.50", None)
    ('2024-03-15', '12.5')
    """
    from newbi_clients.transfer.read import cell_text

    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text
    if fmt == "date" and number.is_finite():
        from openpyxl.utils.datetime import from_excel

        try:
            moment = from_excel(float(number), epoch) if epoch else from_excel(float(number))
        except (ValueError, OverflowError):
            return text
        return cell_text(moment)
    return cell_text(number, fmt) if number.is_finite() else text
