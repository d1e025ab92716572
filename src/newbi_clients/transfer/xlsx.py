"""Read an XLSX sheet as a stream of text rows, within bounds that no file can exceed.

The sheet's XML is read as it is decompressed (:mod:`.sheetxml`): rows are yielded as they
are read, so memory does not grow with the sheet (about 40 MB for 100,000 rows × 25 columns).
While reading, every cell's coordinates, every cell's and row's length and the number of
columns are checked: a cell at XFD1048576 is refused, it allocates nothing. Cell types
follow ECMA-376 part 1 §18.3.1.4: shared and inline strings, formula strings, booleans,
errors, ISO dates, and numbers whose style makes them dates or percentages.

The sheet read is the one the user sees on opening the workbook (its active sheet, never
a hidden one), the others named; a merged range's value is given to each of its rows, as
the spreadsheet shows it; hidden rows and formulas without a computed value are said.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import chain
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.fastrows import RowParser
from newbi_clients.transfer.ooxml import (
    MAX_COLUMNS,
    MAX_ROW,
    MAX_SHEET_XML,
    Package,
    Workbook,
    cell_styles,
    column_index,
    column_letters,
    corrupt,
    reading,
    refuse,
    refuse_opendocument,
)
from newbi_clients.transfer.sharedstrings import SharedStrings, shared_strings
from newbi_clients.transfer.sheetxml import ExpatRows, WatchedRows, merge_refs, sheet_rows

Batch = list[tuple[int, list[str]]]


@dataclass(slots=True)
class Sheet:
    """An open sheet: its name, its rows as a stream, an estimate of its size, the notices
    that say which sheet was read (and which others there are), and ``facts``, which gives
    the notices of what reading it found (see :meth:`_SheetReader.notices`)."""

    name: str
    rows: Iterator[tuple[int, list[str]]]
    size_hint: int
    notices: list[str] = field(default_factory=list)
    others: str = ""  # « autres feuilles : … » for messages, when the workbook has others
    facts: Callable[[int, set[int]], list[str]] | None = None


# sheets up to this size (uncompressed XML, about 40,000 rows of a client file) are read
# twice: once for their merged ranges, which Excel writes after the rows; beyond, the pass
# would add a tenth to the reading, and merges found at the end are only said
MERGE_PASS_MAX = 24 << 20


def open_sheet(path: Path, sheet: str | None) -> Sheet:
    """Open the sheet ``sheet`` (a name, matched exactly, else ignoring case and accents)
    of an XLSX file; by default the sheet the workbook opens on (its active sheet) if it is
    visible, else its first visible sheet, or the only other visible sheet holding rows
    when that one is empty.

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
    refuse_opendocument(package)
    book = Workbook(package)
    names = [name for name, _ in book.sheets]
    if not names:
        raise corrupt(path.name)
    name = _named(book, sheet, path.name) if sheet is not None else _default(book)
    reader = _SheetReader(package, dict(book.sheets)[name], book)
    rows = reader.rows()
    said = ""
    if sheet is None and len(names) > 1:
        rows, name, reader, said = _not_empty(book, name, reader, rows)
    others = _others(book, name)
    notice = f"Feuille lue : « {name} »{said}"
    notice += f" ({others} ; --sheet NOM pour en lire une autre)." if others else "."
    size = package.infos[reader.part].file_size
    # no <dimension> (openpyxl's files): about 600 bytes of XML a row of a client file
    return Sheet(name, rows, size // 600, [notice], others, reader.notices)


def _fold(name: str) -> str:
    """A sheet's name as ``--sheet`` may write it: case and accents aside."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _quoted(names: list[str]) -> str:
    shown = ", ".join(f"« {n} »" for n in names[:10])
    return shown + (f" et {len(names) - 10} autre(s)" if len(names) > 10 else "")


def _named(book: Workbook, sheet: str, file: str) -> str:
    """The sheet ``--sheet`` names: the same name, else the only one that differs by case
    or accents (« clients » for « Clients »)."""
    names = [name for name, _ in book.sheets]
    if sheet in names:
        return sheet
    near = [name for name in names if _fold(name) == _fold(sheet)]
    if len(near) == 1:
        return near[0]
    if near:
        raise ImportRejected(
            f"Feuille « {sheet} » ambiguë dans {file} : {_quoted(near)} ; donnez son nom"
            " exact avec --sheet."
        )
    raise ImportRejected(
        f"Feuille « {sheet} » introuvable dans {file} (feuilles : {_quoted(names)}) ;"
        " donnez l'un de ces noms avec --sheet."
    )


def _default(book: Workbook) -> str:
    """The sheet the user sees on opening the workbook: the active one if it is visible,
    else the first visible one (the first one if all are hidden)."""
    names = [name for name, _ in book.sheets]
    if book.active in names and book.active not in book.hidden:
        return book.active
    return next((n for n in names if n not in book.hidden), names[0])


def _others(book: Workbook, name: str) -> str:
    """« autres feuilles : « A », « B » » (the hidden ones said apart), or nothing."""
    shown = [n for n, _ in book.sheets if n != name and n not in book.hidden]
    hidden = [n for n, _ in book.sheets if n != name and n in book.hidden]
    parts = [f"autres feuilles : {_quoted(shown)}"] if shown else []
    if hidden:
        parts.append(f"{'masquées' if len(hidden) > 1 else 'masquée'} : {_quoted(hidden)}")
    return " ; ".join(parts)


Rows = Iterator[tuple[int, list[str]]]


def _peek(rows: Rows) -> tuple[Rows, bool]:
    """Whether ``rows`` hold a value, and the same rows (blank ones before it dropped)."""
    for item in rows:
        if any(cell.strip() for cell in item[1]):
            return chain([item], rows), True
    return iter(()), False


def _not_empty(
    book: Workbook, name: str, reader: _SheetReader, rows: Rows
) -> tuple[Rows, str, _SheetReader, str]:
    """The sheet chosen by default, or, when it holds nothing, the only other visible
    sheet that does (with the words that say why it was read)."""
    rows, filled = _peek(rows)
    if filled:
        return rows, name, reader, ""
    found: list[tuple[str, _SheetReader, Rows]] = []
    for other, part in book.sheets:
        if other == name or other in book.hidden or not reader.package.has(part):
            continue
        candidate = _SheetReader(reader.package, part, book, reader.strings, reader.styles)
        their, has_rows = _peek(candidate.rows())
        if has_rows:
            found.append((other, candidate, their))
            if len(found) > 1:
                break
    if len(found) != 1:
        return rows, name, reader, ""
    other, candidate, their = found[0]
    return their, other, candidate, f", la feuille « {name} » étant vide"


class _SheetReader:
    """The row stream of one sheet part, and what reading it found."""

    def __init__(
        self,
        package: Package,
        part: str,
        book: Workbook,
        strings: SharedStrings | None = None,
        styles: list[str | None] | None = None,
    ) -> None:
        self.package = package
        self.part = part
        self.name = package.name
        if not package.has(part):
            raise corrupt(package.name)
        self.strings = strings if strings is not None else shared_strings(package, book.shared)
        self.styles = styles if styles is not None else cell_styles(package, book.styles)
        self.epoch = dt.datetime(1904, 1, 1) if book.date1904 else None
        self.expat = ExpatRows(self.name, self._value, self._column)
        self.spread: list[str] = []  # merged ranges whose value was given to their rows
        self.merges_read = False  # whether merged ranges were known while reading

    def rows(self, fast: bool = True) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for each row holding a value, as the sheet is read; with
        ``fast`` False, expat reads every row (the reference the fast path is tested against).
        A merged range's value is given to each of its rows, as the spreadsheet shows it."""
        self.expat = ExpatRows(self.name, self._value, self._column)
        formatted = {str(i) for i, fmt in enumerate(self.styles) if fmt is not None}

        def parser(prefix: str) -> RowParser:
            return WatchedRows(prefix, self._value, self.strings, formatted)

        merges: list[tuple[int, int, int, str]] = []
        if self.package.infos[self.part].file_size <= MERGE_PASS_MAX:
            with reading(self.name, self.part), self.package.open(self.part, MAX_SHEET_XML) as part:
                merges = _vertical(merge_refs(part))
            self.merges_read = True
        with reading(self.name, self.part), self.package.open(self.part, MAX_SHEET_XML) as part:
            batches = sheet_rows(part, self.expat, parser if fast else None)
            if merges:
                batches = _spread(batches, merges, self.spread)
            for rows in batches:
                yield from rows

    def notices(self, header_row: int, dropped: set[int]) -> list[str]:
        """What reading the sheet found that the user should know, once it is read: rows
        hidden in the spreadsheet (imported all the same), formulas without a computed
        value (read empty), merged ranges (given to each of their rows, or, in a sheet too
        large to read twice, only to the first). Rows at or above the header and rows
        ``dropped`` (totals) are left out."""
        expat, said = self.expat, []
        hidden = [n for n in expat.hidden if n > header_row and n not in dropped]
        if hidden:
            more = expat.counts["hidden"] - len(expat.hidden)
            said.append(
                f"{len(hidden) + more} ligne(s) masquée(s) dans le tableur (filtrée(s) ?),"
                f" importée(s) comme les autres : ligne(s) {_listed(hidden, more)}. Si elles"
                " ne doivent pas l'être, supprimez-les du fichier avant de l'importer."
            )
        cells = [ref for n, ref in expat.formulas if n not in dropped]
        if cells:
            more = expat.counts["formulas"] - len(expat.formulas)
            said.append(
                f"{len(cells) + more} cellule(s) lue(s) vide(s) ({_listed(cells, more)}) :"
                " formule sans valeur calculée (fichier écrit par un programme qui ne calcule"
                " pas les formules) : ouvrez et enregistrez le fichier dans votre tableur,"
                " puis importez-le à nouveau."
            )
        if self.spread:
            said.append(
                f"Cellules fusionnées {_listed(self.spread, 0)} : leur valeur est donnée à"
                " chacune de leurs lignes, comme le tableur l'affiche."
            )
        elif not self.merges_read and (late := _vertical(expat.merges)):
            refs = [ref for *_, ref in late]
            said.append(
                f"Cellules fusionnées {_listed(refs, 0)} : leur valeur n'est lue que sur"
                " leur première ligne (feuille trop grande pour être lue deux fois) ;"
                " défusionnez-les et recopiez la valeur dans votre tableur si besoin."
            )
        return said

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


def _listed(items: list[Any], more: int) -> str:
    shown = ", ".join(map(str, items[:10]))
    rest = len(items) - 10 + more
    return shown + (f" et {rest} autre(s)" if rest > 0 else "")


_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _vertical(refs: list[str]) -> list[tuple[int, int, int, str]]:
    """(top, bottom, column, reference) of the merged ranges over several rows, by top
    row: the value of the top left cell goes to the cells below it."""
    found = []
    for ref in refs:
        first, _, last = ref.upper().partition(":")
        start, end = _REF.fullmatch(first), _REF.fullmatch(last)
        if not (start and end):
            continue
        top, bottom = int(start.group(2)), int(end.group(2))
        col = column_index(start.group(1))
        if top < bottom <= MAX_ROW and 0 <= col < MAX_COLUMNS:
            found.append((top, bottom, col, ref.upper().replace("$", "")))
    return sorted(found)


def _spread(
    batches: Iterator[Batch], merges: list[tuple[int, int, int, str]], spread: list[str]
) -> Iterator[Batch]:
    """The batches of rows, each merged range's value given to the rows it covers (an empty
    one too, as the spreadsheet shows it); the ranges that gave a value go to ``spread``."""
    pending = merges[::-1]  # by top row, the next one last
    active: list[tuple[int, int, int, str, str]] = []  # top, bottom, column, ref, value
    said: set[str] = set()
    for batch in batches:
        for number, cells in batch:
            while pending and pending[-1][0] <= number:
                top, bottom, col, ref = pending.pop()
                if bottom >= number:
                    value = cells[col] if top == number and col < len(cells) else ""
                    active.append((top, bottom, col, ref, value))
            if not active:
                if not pending:
                    break
                continue
            for top, _, col, ref, value in active:
                if top < number:
                    if col >= len(cells):
                        cells.extend([""] * (col + 1 - len(cells)))
                    cells[col] = value
                    if value.strip() and ref not in said:
                        said.add(ref)
                        spread.append(ref)
            active = [item for item in active if item[1] > number]
        yield batch


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
